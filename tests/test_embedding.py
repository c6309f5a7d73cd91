"""The ONNX engine against sentence-transformers on torch: same vectors, atomic export, no torch when
serving, and the backend setting."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa import onnx_export
from qa.embedding import OnnxEmbedder, TorchEmbedder, load_embedder, token_batches
from qa.evaluate import load_questions
from qa.onnx_export import (
    OnnxExportError,
    ensure_onnx_model,
    export_directory,
    read_export,
    source_fingerprint,
)
from qa.settings import DEFAULT_MODEL, Settings
from tests.conftest import DEV_SET, ROOT

MIN_COSINE = 0.9999


@pytest.fixture(scope="module")
def engines(torch_embedder: TorchEmbedder) -> tuple[OnnxEmbedder, TorchEmbedder]:
    onnx = load_embedder(replace(Settings.from_env(), model=DEFAULT_MODEL, backend="onnx"))
    assert isinstance(onnx, OnnxEmbedder) and isinstance(torch_embedder, TorchEmbedder)
    return onnx, torch_embedder


@pytest.fixture(scope="module")
def onnx_vectors(engines: tuple[OnnxEmbedder, TorchEmbedder], seed_paragraphs: list[str]) -> np.ndarray:
    """The seed paragraphs' ONNX vectors (embedded once: it takes ~25 s)."""
    return engines[0].encode_passages(seed_paragraphs)


def test_export_fuses_attention(engines: tuple[OnnxEmbedder, TorchEmbedder]) -> None:
    """One fused attention operator per layer (`qa.onnx_export.write_export`): the graph the vectors above
    come from is the fast one, not a fallback to the unfused operators."""
    import onnx

    graph = onnx.load(str(Path(engines[0].path) / onnx_export.MODEL_FILE), load_external_data=False).graph
    operators = [node.op_type for node in graph.node]
    layers = engines[1].model[0].auto_model.config.num_hidden_layers
    assert operators.count("Attention") == layers
    assert "Softmax" not in operators


@pytest.mark.slow
def test_onnx_vectors_equal_torch_vectors(
    engines: tuple[OnnxEmbedder, TorchEmbedder], onnx_vectors: np.ndarray, torch_passage_vectors: np.ndarray
) -> None:
    onnx, torch_engine = engines
    passages = np.sum(onnx_vectors * torch_passage_vectors, axis=1)
    questions = [q.question for q in load_questions(DEV_SET)]
    queries = np.sum(onnx.encode_queries(questions) * torch_engine.encode_queries(questions), axis=1)
    assert passages.min() >= MIN_COSINE, passages.min()
    assert queries.min() >= MIN_COSINE, queries.min()
    assert (onnx.query_prefix, onnx.passage_prefix, onnx.dimension) == (
        torch_engine.query_prefix, torch_engine.passage_prefix, torch_engine.dimension)


@given(st.lists(st.integers(1, 512), max_size=60), st.integers(1, 2048))
def test_token_batches_fill_the_budget_in_length_order(lengths: list[int], budget: int) -> None:
    """Every text once, shortest first; a batch padded to its longest fits the budget (or is one text
    longer than it), and the next text would not have fitted."""
    counts = np.array(lengths, dtype=np.int64)
    batches = token_batches(counts, budget)
    flat = np.concatenate(batches) if batches else np.zeros(0, dtype=np.int64)
    assert sorted(flat.tolist()) == list(range(len(lengths)))
    assert np.all(np.diff(counts[flat]) >= 0)
    for n, batch in enumerate(batches):
        width = int(counts[batch].max())
        assert len(batch) == 1 or width * len(batch) <= budget
        if n + 1 < len(batches):
            assert int(counts[batches[n + 1][0]]) * (len(batch) + 1) > budget


def test_a_long_passage_runs_alone_and_short_sentences_together() -> None:
    batches = token_batches(np.array([512, 30, 30, 512, 30]), 640)
    assert [sorted(b.tolist()) for b in batches] == [[1, 2, 4], [0], [3]]


@pytest.mark.slow
def test_onnx_vectors_do_not_depend_on_batching(engines: tuple[OnnxEmbedder, TorchEmbedder]) -> None:
    onnx, _ = engines
    texts = ["短句。", "一个长一些的句子，用来检验填充不会改变向量。" * 5, "ＡＢＣ１２３ 全角", "3～5年"]
    together = onnx.encode_passages(texts)
    alone = np.vstack([onnx.encode_passages([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_retrieval_smoke_test_on_onnx(
    engines: tuple[OnnxEmbedder, TorchEmbedder], seed_paragraphs: list[str], onnx_vectors: np.ndarray
) -> None:
    """docs/model.md: the paragraph with 「新增签约 15 户」 ranks first among the seed paragraphs (lines
    of more than 20 characters) for this question, also in traditional characters."""
    onnx, _ = engines
    paragraphs, vectors = seed_paragraphs, onnx_vectors
    is_paragraph = np.array([len(p) > 20 for p in paragraphs])
    for question in ("南大地区动迁扫尾新增签约多少户？", "南大地區動遷掃尾新增簽約多少戶？"):
        scores = np.where(is_paragraph, vectors @ onnx.encode_queries([question])[0], -np.inf)
        best = paragraphs[int(np.argmax(scores))]
        assert "新增签约 15 户" in best, best[:60]


@pytest.mark.slow
def test_serving_with_onnx_does_not_import_torch() -> None:
    ensure_onnx_model(replace(Settings.from_env(), backend="onnx"))  # exporting needs torch; serving must not
    code = (
        "import sys; from qa.search import get_retriever; get_retriever().search('大场镇2022年引进了多少家企业？'); "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "QA_BACKEND": "onnx"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_unknown_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_BACKEND", "tensorflow")
    with pytest.raises(ValueError, match="QA_BACKEND"):
        Settings.from_env()


@pytest.mark.slow
def test_export_is_atomic_and_not_redone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing export leaves the previous one in place; an up-to-date export is not redone."""
    settings = replace(Settings.from_env(), backend="onnx")
    model_path = onnx_export.resolve_model_path(settings)
    current = ensure_onnx_model(settings)  # the real export in the configured cache (made once)
    directory = export_directory(settings, model_path)
    before = {p.name: p.stat().st_mtime_ns for p in directory.iterdir()}

    calls = []
    monkeypatch.setattr(onnx_export, "write_export", lambda *args: calls.append(args))
    assert ensure_onnx_model(settings) == current and calls == []  # up to date: nothing exported

    def failing_export(settings: Settings, model_path: str, fingerprint: dict, out: Path) -> None:
        (out / onnx_export.MODEL_FILE).write_bytes(b"half a model")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(onnx_export, "source_fingerprint", lambda path: {"changed": True})
    monkeypatch.setattr(onnx_export, "write_export", failing_export)
    with pytest.raises(RuntimeError, match="mid-export"):
        ensure_onnx_model(settings)
    assert {p.name: p.stat().st_mtime_ns for p in directory.iterdir()} == before
    assert read_export(directory, source_fingerprint(model_path)) == current
    assert not [p for p in directory.parent.iterdir() if p.name.startswith(f".{directory.name}.tmp-")]


def test_export_metadata_must_match_its_source(tmp_path: Path) -> None:
    directory = tmp_path / "export"
    directory.mkdir()
    (directory / onnx_export.MODEL_FILE).write_bytes(b"x")
    (directory / onnx_export.WEIGHTS_FILE).write_bytes(b"x")
    (directory / onnx_export.TOKENIZER_FILE).write_text("{}")
    meta = {"version": onnx_export.EXPORT_VERSION, "source": {"a": [1, 2]}, "query_prefix": "query: ",
            "passage_prefix": "passage: ", "dimension": 384, "max_length": 512, "pad_token": "<pad>"}
    (directory / onnx_export.EXPORT_FILE).write_text(json.dumps(meta))
    assert read_export(directory, {"a": [1, 2]}) is not None
    assert read_export(directory, {"a": [1, 3]}) is None  # the model's files changed
    (directory / onnx_export.EXPORT_FILE).write_text(json.dumps({**meta, "version": -1}))
    assert read_export(directory, {"a": [1, 2]}) is None
    (directory / onnx_export.EXPORT_FILE).write_text("not json")
    assert read_export(directory, {"a": [1, 2]}) is None


def _fake_model_dir(root: Path) -> Path:
    model_dir = root / "tiny-model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{}")
    (model_dir / onnx_export.TOKENIZER_FILE).write_text("{}")
    return model_dir


def _fake_export(settings: Settings, model_path: str, fingerprint: dict[str, Any], out: Path) -> None:
    """What `write_export` leaves, without torch: enough for `read_export`."""
    for name in (onnx_export.MODEL_FILE, onnx_export.WEIGHTS_FILE, onnx_export.TOKENIZER_FILE):
        (out / name).write_bytes(b"x")
    meta = {"version": onnx_export.EXPORT_VERSION, "source": fingerprint, "query_prefix": "", "passage_prefix": "",
            "dimension": 4, "max_length": 16, "pad_token": "<pad>"}
    (out / onnx_export.EXPORT_FILE).write_text(json.dumps(meta))


def test_export_is_made_once_and_redone_when_the_model_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exported into `<cache>/onnx/<model dir>-<hash>/`; what a killed export left is removed; an up-to-date
    export is reused; a changed model file or EXPORT_VERSION makes it again."""
    model_dir = _fake_model_dir(tmp_path)
    settings = Settings(cache_dir=tmp_path / "cache", model=str(model_dir))
    exports: list[Path] = []

    def export(settings: Settings, model_path: str, fingerprint: dict[str, Any], out: Path) -> None:
        exports.append(out)
        _fake_export(settings, model_path, fingerprint, out)

    monkeypatch.setattr(onnx_export, "write_export", export)
    directory = export_directory(settings, str(model_dir))
    assert directory.parent == tmp_path / "cache" / "onnx" and directory.name.startswith("tiny-model-")
    directory.parent.mkdir(parents=True)
    killed = directory.parent / f".{directory.name}.tmp-killed"  # as a SIGKILLed export leaves it
    killed.mkdir()
    (killed / onnx_export.MODEL_FILE).write_bytes(b"half a model")

    first = ensure_onnx_model(settings)
    assert first.directory == directory and len(exports) == 1 and not killed.exists()
    assert ensure_onnx_model(settings) == first and len(exports) == 1  # nothing changed: not redone

    (model_dir / "config.json").write_text('{"changed": true}')
    ensure_onnx_model(settings)
    assert len(exports) == 2
    monkeypatch.setattr(onnx_export, "EXPORT_VERSION", onnx_export.EXPORT_VERSION + 1)
    ensure_onnx_model(settings)
    assert len(exports) == 3
    assert sorted(p.name for p in directory.parent.iterdir()) == sorted([directory.name, f".{directory.name}.lock"])


def test_model_without_tokenizer_json_is_not_exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_dir = _fake_model_dir(tmp_path)
    (model_dir / onnx_export.TOKENIZER_FILE).unlink()
    monkeypatch.setattr(onnx_export, "write_export", lambda *args: pytest.fail("must not load the model"))
    with pytest.raises(OnnxExportError, match="QA_BACKEND=torch"):
        ensure_onnx_model(Settings(cache_dir=tmp_path / "cache", model=str(model_dir)))


@pytest.mark.slow
def test_only_transformer_pooling_normalize_models_are_exported(engines: tuple[OnnxEmbedder, TorchEmbedder]) -> None:
    from sentence_transformers.models import Dense, Pooling

    transformer, mean_pooling, normalize = list(engines[1].model)
    dimension = engines[1].dimension
    assert onnx_export._check_modules([transformer, mean_pooling, normalize], "m") == (transformer, "mean")
    assert onnx_export._check_modules([transformer, Pooling(dimension, pooling_mode="cls")], "m")[1] == "cls"
    for modules in (
        [transformer, Pooling(dimension, pooling_mode="max"), normalize],
        [transformer, Pooling(dimension, pooling_mode="mean", include_prompt=False)],
        [transformer, mean_pooling, Dense(dimension, dimension)],
        [transformer, mean_pooling, normalize, normalize],
        [mean_pooling, normalize],
    ):
        with pytest.raises(OnnxExportError, match="QA_BACKEND=torch"):
            onnx_export._check_modules(modules, "m")


@pytest.mark.slow
def test_a_model_the_export_cannot_express_falls_back_to_torch(
    engines: tuple[OnnxEmbedder, TorchEmbedder], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unsupported(settings: Settings) -> onnx_export.OnnxModel:
        raise OnnxExportError("m: only Transformer → Pooling (mean/cls) → Normalize models are exported")

    monkeypatch.setattr(onnx_export, "ensure_onnx_model", unsupported)
    settings = replace(Settings.from_env(), backend="onnx", bf16=False, embed_batch_size=7)  # a fresh cache key
    with caplog.at_level(logging.WARNING, logger="qa.embedding"):
        embedder = load_embedder(settings)
    assert isinstance(embedder, TorchEmbedder)
    assert "using the torch backend" in caplog.text
    np.testing.assert_allclose(embedder.encode_queries(["测试"]), engines[1].encode_queries(["测试"]), atol=1e-6)
