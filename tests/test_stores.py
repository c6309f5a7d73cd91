"""The store protocols (`qa.stores.base`), one shared check run against every back-end, and the factory
that picks them from an index manifest. Adding a back-end means adding it to the lists below."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.stores import (
    DENSE_BACKENDS,
    LEXICAL_BACKENDS,
    DenseStore,
    LexicalStore,
    build_dense,
    build_lexical,
    load_dense,
    load_lexical,
    store_kinds,
)


def _unit(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def _vectors(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    return _unit(np.random.default_rng(seed).standard_normal((n, d)))


@pytest.mark.parametrize("kind", sorted(DENSE_BACKENDS))
def test_dense_store_adds_searches_gets_and_removes_by_id(kind: str, tmp_path) -> None:
    vectors = _vectors(30)
    store = build_dense(vectors, kind)
    assert isinstance(store, DenseStore) and store.kind == kind
    assert len(store) == 30 and store.dimension == 16
    scores, ids = store.search(vectors[7], 3)
    assert ids.shape == (1, 3) and ids[0, 0] == 7 and scores[0, 0] == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(store.get(np.array([3, 1])), vectors[[3, 1]], atol=1e-6)

    extra = _vectors(5, seed=1)
    store.add(np.array([100, 101, 102, 103, 104]), extra)
    assert len(store) == 35
    assert store.search(extra[2], 1)[1][0, 0] == 102
    with pytest.raises(ValueError):
        store.add(np.array([100]), extra[:1])  # already there

    store.remove(np.array([7, 102, 999]))  # an unknown id is ignored
    assert len(store) == 33
    assert 7 not in store.search(vectors[7], 33)[1][0] and 102 not in store.search(extra[2], 33)[1][0]
    np.testing.assert_allclose(store.get(np.array([8, 103])), np.stack([vectors[8], extra[3]]), atol=1e-6)
    with pytest.raises(KeyError):
        store.get(np.array([7]))

    store.save(tmp_path)  # ids survive a round trip
    loaded = load_dense(tmp_path, {"stores": {"dense": kind}})
    assert len(loaded) == 33 and loaded.search(extra[3], 1)[1][0, 0] == 103
    np.testing.assert_allclose(loaded.get(np.array([104])), extra[4:], atol=1e-6)


@pytest.mark.parametrize("kind", sorted(DENSE_BACKENDS))
def test_dense_store_pads_with_minus_one_when_asked_for_more(kind: str) -> None:
    store = build_dense(_vectors(4), kind)
    _scores, ids = store.search(_vectors(2, seed=3), 6)
    assert ids.shape == (2, 6) and (ids[:, 4:] == -1).all() and sorted(ids[0, :4]) == [0, 1, 2, 3]


@pytest.mark.parametrize("kind", sorted(LEXICAL_BACKENDS))
def test_lexical_store_scores_tokens_per_passage(kind: str, tmp_path) -> None:
    corpus = [["绿地", "公园"], ["企业", "引进"], ["公园", "公园", "口袋"]]
    store = build_lexical(corpus, kind)
    assert isinstance(store, LexicalStore) and store.kind == kind and len(store) == 3
    assert {"绿地", "公园", "企业", "口袋"} <= store.vocabulary
    scores = store.score(["公园"])
    assert scores.dtype == np.float32 and scores.shape == (3,)
    assert scores[1] == 0 and scores[2] > 0 and scores[0] > 0
    assert store.score([]).tolist() == [0.0, 0.0, 0.0]
    store.save(tmp_path)
    np.testing.assert_allclose(load_lexical(tmp_path, {}).score(["公园"]), scores)


def test_a_manifest_without_stores_means_faiss_and_bm25s() -> None:
    assert store_kinds({}) == ("faiss", "bm25s")
    assert store_kinds({"stores": {"dense": "faiss", "lexical": "bm25s"}}) == ("faiss", "bm25s")
    with pytest.raises(ValueError, match="unknown store back-end"):
        load_dense(Path("."), {"stores": {"dense": "milvus-not-installed"}})
