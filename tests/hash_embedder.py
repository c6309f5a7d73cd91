"""A deterministic stand-in for the embedding model, for tests of mechanics only (atomic builds, damaged
indexes, the CLI, killed builds): vectors from hashed character bigrams, no model to load, the same
vector for the same text. Texts that share words get closer vectors, which is all a mechanics test
needs; a test that claims retrieval or answer quality uses the real model.

In-process: the `hash_embedder` fixture (tests/conftest.py). In a subprocess:
`python -m tests.hash_embedder build --docs … --index …` runs the `qa` command with it.
"""

from __future__ import annotations

import hashlib
import os
import sys

import numpy as np

#: The model name indexes built with it record (`QA_MODEL`), so that the real model never loads them.
HASH_MODEL = "test-hash-embedder"
DIMENSION = 64


class HashEmbedder:
    """The `qa.embedding.Embedder` protocol over hashed character bigrams."""

    name = HASH_MODEL
    path = "hash"
    dimension = DIMENSION
    query_prefix = ""
    passage_prefix = ""

    def __init__(self) -> None:
        self.passages_embedded = 0

    @staticmethod
    def vector(text: str) -> np.ndarray:
        vector = np.zeros(DIMENSION, dtype=np.float32)
        for i in range(max(1, len(text) - 1)):
            digest = hashlib.blake2b(text[i : i + 2].encode("utf-8", "replace"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            vector[value % DIMENSION] += 1.0 if value >> 63 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0], norm = 1.0, 1.0
        return vector / norm

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vector(t) for t in texts]) if texts else np.zeros((0, DIMENSION), dtype=np.float32)

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self.encode_queries(list(texts))

    def close(self) -> None:
        """Nothing to stop."""


def install(setattr: object = None) -> HashEmbedder:
    """Make `qa.embedding.load_embedder` return one `HashEmbedder` (with `setattr`, a pytest
    monkeypatch's, undone after the test) and `QA_MODEL` name it."""
    from qa import embedding

    embedder = HashEmbedder()

    def load_embedder(settings: object, *, threads: int | None = None) -> HashEmbedder:
        return embedder

    if setattr is None:
        embedding.load_embedder = load_embedder
        os.environ["QA_MODEL"] = HASH_MODEL
    else:
        setattr(embedding, "load_embedder", load_embedder)
    return embedder


if __name__ == "__main__":
    install()
    from qa.cli import main

    sys.exit(main(sys.argv[1:]))
