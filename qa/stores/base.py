"""What the retriever and the index need of a store: a small protocol per kind, so that another
back-end (a server-side vector store, another lexical scorer) plugs in as one more module.

Ids are the passages' positions in the index's chunk list (`chunks.jsonl`), as int64: the retriever
reads scores by id, so a store may keep its rows in any order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class DenseStore(Protocol):
    """Passage vectors (L2-normalized float32, so inner product is cosine), searched by similarity."""

    #: The name the index manifest records for this back-end ("faiss").
    kind: str

    @property
    def dimension(self) -> int:
        """The length of every vector."""
        ...

    def __len__(self) -> int:
        """How many vectors the store holds."""
        ...

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add `vectors` (n × dimension) under `ids` (n distinct int64 not yet in the store)."""
        ...

    def remove(self, ids: np.ndarray) -> None:
        """Remove the vectors stored under `ids` (unknown ids are ignored)."""
        ...

    def get(self, ids: np.ndarray) -> np.ndarray:
        """The vectors stored under `ids`, in that order (KeyError for an unknown id)."""
        ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The `k` nearest vectors to each query (m × dimension): (scores, ids), both m × k, best first;
        id -1 (and any score) where fewer than `k` are found."""
        ...

    def save(self, directory: Path) -> None:
        """Write the store's files into `directory` (an index generation being built)."""
        ...


@runtime_checkable
class LexicalStore(Protocol):
    """A bag-of-tokens scorer over the passages' tokens."""

    #: The name the index manifest records for this back-end ("bm25s").
    kind: str

    #: Every token some passage holds (a question's translated tokens are kept only when in it).
    vocabulary: frozenset[str]

    def __len__(self) -> int:
        """How many passages the store scores."""
        ...

    def score(self, tokens: list[str]) -> np.ndarray:
        """One float32 score per passage, indexed by id, for a question's tokens."""
        ...

    def document_frequency(self, token: str) -> int:
        """How many passages hold `token` (0 for a token none holds): the answer step weighs a
        question's words by their rarity."""
        ...

    def save(self, directory: Path) -> None:
        """Write the store's files into `directory` (an index generation being built)."""
        ...
