"""The bm25s lexical store: BM25 over the passages' jieba tokens (`qa.text.BM25Tokenizer`).

On disk: the `bm25/` folder bm25s writes (its arrays and vocabulary).
"""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its logger to DEBUG on import

FOLDER = "bm25"


class Bm25Store:
    """A `LexicalStore` over a `bm25s.BM25`; passage ids are its document positions."""

    kind = "bm25s"

    def __init__(self, bm25: bm25s.BM25) -> None:
        self.bm25 = bm25
        self.vocabulary = frozenset(bm25.vocab_dict)
        self._count = int(bm25.scores["num_docs"])
        # bm25s keeps its scores as a sparse matrix by token column: a column's length is the token's df
        self._document_frequency = np.diff(bm25.scores["indptr"])

    @classmethod
    def build(cls, corpus_tokens: list[list[str]]) -> Bm25Store:
        """A store over each passage's tokens, in id order."""
        bm25 = bm25s.BM25()
        bm25.index(corpus_tokens, show_progress=False)
        return cls(bm25)

    @classmethod
    def load(cls, directory: Path) -> Bm25Store:
        return cls(bm25s.BM25.load(str(directory / FOLDER), show_progress=False, verbosity=0))

    def __len__(self) -> int:
        return self._count

    def score(self, tokens: list[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(self._count, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)

    def document_frequency(self, token: str) -> int:
        column = self.bm25.vocab_dict.get(token)
        return 0 if column is None else int(self._document_frequency[column])

    def save(self, directory: Path) -> None:
        self.bm25.save(str(directory / FOLDER), show_progress=False)
