"""Building, updating, swapping and loading the index on disk (real model, small corpora)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.index import (
    IndexDamagedError,
    IndexMismatchError,
    IndexMissingError,
    build_index,
    current_generation,
    index_status,
    load_index,
)
from qa.settings import Settings
from qa.stores.faiss import FaissStore
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.slow

SMALL = ["002_dd07b67f804f2d67.txt", "004_8d55160e06e9d7cd.txt"]


@pytest.fixture
def corpus(tmp_path: Path) -> Settings:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in SMALL:
        shutil.copy(SEEDS_DIR / name, docs / name)
    return Settings.from_env().with_overrides(docs_dir=docs, index_dir=tmp_path / "index")


def test_build_then_noop_then_incremental_then_removal(corpus: Settings) -> None:
    first = build_index(corpus, progress=False)
    assert first.added == SMALL and first.embedded == first.chunks > 50

    again = build_index(corpus, progress=False)
    assert again.noop and again.embedded == 0 and again.seconds < 2

    changed = corpus.docs_dir / SMALL[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n新增一段：全年新建口袋公园 3 座。\n", encoding="utf-8")
    update = build_index(corpus, progress=False)
    assert update.changed == [SMALL[0]] and update.unchanged == [SMALL[1]]
    assert 0 < update.embedded <= 3, "only the passages whose text changed are embedded again"

    (corpus.docs_dir / SMALL[1]).unlink()
    removal = build_index(corpus, progress=False)
    assert removal.removed == [SMALL[1]] and removal.embedded == 0
    loaded = load_index(corpus.index_dir)
    assert {c.source for c in loaded.chunks} == {SMALL[0]}
    assert any("口袋公园" in c.text for c in loaded.chunks)
    assert len(list(corpus.index_dir.glob("gen-*"))) == 1, "old generations are removed"


def test_failed_build_keeps_the_previous_index(corpus: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    build_index(corpus, progress=False)
    before = current_generation(corpus.index_dir)
    (corpus.docs_dir / "new.txt").write_text("一、2024年工作回顾\n\n全年新增绿地 5 公顷。\n", encoding="utf-8")

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(FaissStore, "save", explode)
    with pytest.raises(OSError, match="disk full"):
        build_index(corpus, progress=False)
    assert current_generation(corpus.index_dir) == before
    assert {c.source for c in load_index(corpus.index_dir).chunks} == set(SMALL)
    monkeypatch.undo()
    report = build_index(corpus, progress=False)
    assert report.added == ["new.txt"] and not list(corpus.index_dir.glob(".tmp-*"))


def test_damaged_and_mismatched_indexes_are_reported_clearly(corpus: Settings) -> None:
    with pytest.raises(IndexMissingError, match="qa build"):
        load_index(corpus.index_dir)
    build_index(corpus, progress=False)
    with pytest.raises(IndexMismatchError, match="qa build --full"):
        load_index(corpus.index_dir, expected_model="intfloat/multilingual-e5-base")
    dense = current_generation(corpus.index_dir) / "dense.faiss"
    dense.write_bytes(dense.read_bytes()[:100])
    with pytest.raises(IndexDamagedError, match="qa build --full"):
        load_index(corpus.index_dir)


def test_staleness_follows_files_chunker_and_model(corpus: Settings) -> None:
    assert index_status(corpus).stale
    build_index(corpus, progress=False)
    assert not index_status(corpus).stale
    assert index_status(corpus.with_overrides(chunk_max_chars=corpus.chunk_max_chars + 1)).stale
    assert index_status(corpus.with_overrides(model="intfloat/multilingual-e5-base")).stale
    (corpus.docs_dir / SMALL[0]).write_text("一、变了\n\n内容。\n", encoding="utf-8")
    assert "report files changed" in index_status(corpus).reasons


def test_committed_index_is_current() -> None:
    """index/ in the repository must be rebuilt whenever seeds, chunker or model change."""
    status = index_status(Settings.from_env())
    assert not status.stale, f"index/ is stale ({'; '.join(status.reasons)}): run `qa build`"
