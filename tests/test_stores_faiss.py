"""qa.stores.faiss: exact index below the threshold, HNSW above it, with recall@10 ≥ 0.95 against exact."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from qa.stores.faiss import FLAT_MAX_VECTORS, build_dense_index, index_kind


def _unit(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def _clustered(n: int, d: int = 384, *, seed: int = 0) -> np.ndarray:
    """Passage-like vectors: one random centre per 40 "passages of a report", plus noise."""
    rng = np.random.default_rng(seed)
    centres = _unit(rng.standard_normal((max(1, n // 40), d)))
    return _unit(centres[rng.integers(0, len(centres), n)] + 0.6 * _unit(rng.standard_normal((n, d))))


def test_small_matrix_gets_the_exact_index():
    vectors = _clustered(500, 64)
    index = build_dense_index(vectors)
    assert index_kind(index) == "flat"
    assert isinstance(index, faiss.IndexFlatIP)
    assert index.ntotal == 500 and index.d == 64
    assert FLAT_MAX_VECTORS >= 500


def test_above_the_threshold_hnsw_keeps_recall_at_10():
    vectors = _clustered(4000)
    rng = np.random.default_rng(1)
    queries = _unit(vectors[rng.integers(0, len(vectors), 200)] + 0.3 * _unit(rng.standard_normal((200, 384))))
    approximate = build_dense_index(vectors, flat_max=1000)
    assert index_kind(approximate) == "hnsw"
    assert approximate.metric_type == faiss.METRIC_INNER_PRODUCT
    assert approximate.ntotal == len(vectors)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    _, found = approximate.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
    assert recall >= 0.95, recall
    # The raw vectors stay reconstructible (the incremental build reuses them).
    np.testing.assert_allclose(approximate.reconstruct_n(0, 5), vectors[:5], atol=1e-6)


def test_hnsw_parameters_survive_a_round_trip(tmp_path):
    index = build_dense_index(_clustered(1200, 32), flat_max=100, ef_search=77)
    path = tmp_path / "dense.faiss"
    faiss.write_index(index, str(path))
    loaded = faiss.read_index(str(path))
    assert index_kind(loaded) == "hnsw"
    assert faiss.downcast_index(loaded).hnsw.efSearch == 77


def test_rejects_a_non_matrix():
    with pytest.raises(ValueError):
        build_dense_index(np.zeros(10, dtype=np.float32))
