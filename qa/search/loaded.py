"""The process-wide retrievers: one per index directory (or Milvus store), loaded on first use and
swapped whole after a build; `retrieve`, the Python API's search."""

from __future__ import annotations

import threading
from pathlib import Path

from qa.search.milvus import MilvusRetriever
from qa.search.retriever import Hit, Retriever
from qa.settings import Settings

_retrievers: dict[tuple[Path, str], Retriever] = {}
_retrievers_lock = threading.Lock()


def open_retriever(settings: Settings, directory: Path) -> Retriever:
    """A Retriever over the store `settings.store` names: the index in `directory` (FAISS), or Milvus."""
    return MilvusRetriever(settings) if settings.milvus_uri else Retriever(settings, index_dir=directory)


def _retriever_key(index_dir: Path | str | None) -> tuple[Settings, tuple[Path, str]]:
    """The settings in force and the key of the process-wide Retriever of an index directory (the one
    they name when None) in the store they name: one reading for getting, reloading and releasing it."""
    settings = Settings.from_env()
    directory = Path(index_dir) if index_dir else settings.index_dir
    return settings, (directory, settings.store)


def get_retriever(index_dir: Path | str | None = None) -> Retriever:
    """The process-wide Retriever for an index directory (or the Milvus store QA_STORE names), loaded
    on first use."""
    settings, key = _retriever_key(index_dir)
    with _retrievers_lock:
        if key not in _retrievers:
            _retrievers[key] = open_retriever(settings, key[0])
        return _retrievers[key]


def reload_retriever(index_dir: Path | str | None = None) -> Retriever:
    """Load the index directory's current generation (after a build) into a new Retriever and make it
    the process-wide one, atomically: questions already running keep the Retriever they started with
    (an index is read whole into memory, so the old generation's files may go) and finish on it; the
    next question gets the new one. The embedder is shared, so this costs the index load only."""
    settings, key = _retriever_key(index_dir)
    fresh = open_retriever(settings, key[0])
    with _retrievers_lock:
        _retrievers[key] = fresh
    return fresh


def release_retriever(index_dir: Path | str | None = None) -> None:
    """Forget the process-wide Retriever of an index directory, so that its memory goes once no question
    holds it: a process that reads many indexes one after another (`bench.unseen`, one per report) would
    otherwise keep them all."""
    _, key = _retriever_key(index_dir)
    with _retrievers_lock:
        _retrievers.pop(key, None)


def retrieve(
    question: str,
    k: int = 5,
    *,
    town: str | None = None,
    year: int | None = None,
    index_dir: Path | str | None = None,
) -> list[Hit]:
    """The k passages that best answer `question`, ranked and cited."""
    return get_retriever(index_dir).search(question, k, town=town, year=year)
