"""The ONNX engine against sentence-transformers on torch: same vectors, atomic export, no torch when
serving, and the backend setting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa import onnx_export
from qa.embedding import OnnxEmbedder, TorchEmbedder, load_embedder
from qa.evaluate import load_questions
from qa.onnx_export import ensure_onnx_model, export_directory, read_export, source_fingerprint
from qa.settings import Settings
from tests.conftest import DEV_SET, ROOT, SEEDS_DIR

MIN_COSINE = 0.9999


@pytest.fixture(scope="module")
def engines() -> tuple[OnnxEmbedder, TorchEmbedder]:
    settings = Settings.from_env()
    onnx = load_embedder(replace(settings, backend="onnx"))
    torch_engine = load_embedder(replace(settings, backend="torch", bf16=False))
    assert isinstance(onnx, OnnxEmbedder) and isinstance(torch_engine, TorchEmbedder)
    return onnx, torch_engine


@pytest.mark.slow
def test_onnx_vectors_equal_torch_vectors(engines: tuple[OnnxEmbedder, TorchEmbedder]) -> None:
    onnx, torch_engine = engines
    paragraphs = [
        line.strip() for path in sorted(SEEDS_DIR.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert len(paragraphs) > 300
    passages = np.sum(onnx.encode_passages(paragraphs) * torch_engine.encode_passages(paragraphs), axis=1)
    questions = [q.question for q in load_questions(DEV_SET)]
    queries = np.sum(onnx.encode_queries(questions) * torch_engine.encode_queries(questions), axis=1)
    assert passages.min() >= MIN_COSINE, passages.min()
    assert queries.min() >= MIN_COSINE, queries.min()
    assert (onnx.query_prefix, onnx.passage_prefix, onnx.dimension) == (
        torch_engine.query_prefix, torch_engine.passage_prefix, torch_engine.dimension)


@pytest.mark.slow
def test_onnx_vectors_do_not_depend_on_batching(engines: tuple[OnnxEmbedder, TorchEmbedder]) -> None:
    onnx, _ = engines
    texts = ["短句。", "一个长一些的句子，用来检验填充不会改变向量。" * 5, "ＡＢＣ１２３ 全角", "3～5年"]
    together = onnx.encode_passages(texts)
    alone = np.vstack([onnx.encode_passages([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_retrieval_smoke_test_on_onnx(engines: tuple[OnnxEmbedder, TorchEmbedder]) -> None:
    """docs/model.md: the paragraph with 「新增签约 15 户」 ranks first for this question, also in
    traditional characters."""
    onnx, _ = engines
    paragraphs = sorted({
        line.strip() for path in sorted(SEEDS_DIR.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 20
    })
    vectors = onnx.encode_passages(paragraphs)
    for question in ("南大地区动迁扫尾新增签约多少户？", "南大地區動遷掃尾新增簽約多少戶？"):
        best = paragraphs[int(np.argmax(vectors @ onnx.encode_queries([question])[0]))]
        assert "新增签约 15 户" in best, best[:60]


def test_serving_with_onnx_does_not_import_torch() -> None:
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
    monkeypatch.setattr(onnx_export, "_export", lambda *args: calls.append(args))
    assert ensure_onnx_model(settings) == current and calls == []  # up to date: nothing exported

    def failing_export(settings: Settings, model_path: str, fingerprint: dict, out: Path) -> None:
        (out / onnx_export.MODEL_FILE).write_bytes(b"half a model")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(onnx_export, "source_fingerprint", lambda path: {"changed": True})
    monkeypatch.setattr(onnx_export, "_export", failing_export)
    with pytest.raises(RuntimeError, match="mid-export"):
        ensure_onnx_model(settings)
    assert {p.name: p.stat().st_mtime_ns for p in directory.iterdir()} == before
    assert read_export(directory, source_fingerprint(model_path)) == current
    assert not [p for p in directory.parent.iterdir() if p.name.startswith(f".{directory.name}.tmp-")]


def test_export_metadata_must_match_its_source(tmp_path: Path) -> None:
    directory = tmp_path / "export"
    directory.mkdir()
    (directory / onnx_export.MODEL_FILE).write_bytes(b"x")
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
