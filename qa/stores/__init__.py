"""The stores an index generation holds, behind the protocols of `qa.stores.base`, chosen by name.

The manifest records the back-end of each store (`"stores": {"dense": "faiss", "lexical": "bm25s"}`);
an index written before it recorded them holds FAISS and bm25s. A back-end is a module here with a
class that has `kind`, `build` and `load`; adding one means adding its module and a line below. Each is
imported only when an index uses it, so the others' packages need not be installed.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np

from qa.stores.base import DenseStore, LexicalStore

__all__ = ["DenseStore", "LexicalStore", "build_dense", "build_lexical", "load_dense", "load_lexical", "store_kinds"]

DEFAULT_DENSE = "faiss"
DEFAULT_LEXICAL = "bm25s"

#: back-end name → "module:class"
DENSE_BACKENDS = {"faiss": "qa.stores.faiss:FaissStore"}
LEXICAL_BACKENDS = {"bm25s": "qa.stores.bm25:Bm25Store"}


def _backend(registry: dict[str, str], kind: str) -> Any:
    if kind not in registry:
        raise ValueError(f"unknown store back-end {kind!r} (known: {', '.join(sorted(registry))})")
    module, name = registry[kind].split(":")
    return getattr(import_module(module), name)


def store_kinds(manifest: dict) -> tuple[str, str]:
    """(dense back-end, lexical back-end) an index's manifest names; the defaults when it names none."""
    stores = manifest.get("stores")
    stores = stores if isinstance(stores, dict) else {}
    return stores.get("dense", DEFAULT_DENSE), stores.get("lexical", DEFAULT_LEXICAL)


def build_dense(vectors: np.ndarray, kind: str = DEFAULT_DENSE, **options: Any) -> DenseStore:
    """A dense store holding `vectors`, their positions as ids."""
    return _backend(DENSE_BACKENDS, kind).build(vectors, **options)


def build_lexical(corpus_tokens: list[list[str]], kind: str = DEFAULT_LEXICAL) -> LexicalStore:
    """A lexical store over each passage's tokens, their positions as ids."""
    return _backend(LEXICAL_BACKENDS, kind).build(corpus_tokens)


def load_dense(directory: Path, manifest: dict) -> DenseStore:
    """The dense store of an index generation, by the back-end its manifest names."""
    return _backend(DENSE_BACKENDS, store_kinds(manifest)[0]).load(directory)


def load_lexical(directory: Path, manifest: dict) -> LexicalStore:
    """The lexical store of an index generation, by the back-end its manifest names."""
    return _backend(LEXICAL_BACKENDS, store_kinds(manifest)[1]).load(directory)
