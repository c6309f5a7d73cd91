"""The fusion's mechanics: the committed model, the features over per-passage arrays, and that a candidate
subset scores as all passages do (the contract a store that returns candidates relies on)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.fusion import (
    FEATURES,
    MODEL_FILE,
    RANKED,
    Candidates,
    QuestionTraits,
    features,
    fitted_model,
    fuse,
    rare_weight,
    weighed_tokens,
)
from qa.fusion import _rank_weight as rank_weight

TRAITS = QuestionTraits(rare_weight=0.6, names_town=False, names_period=False)


def corpus(n: int = 400, seed: int = 0) -> Candidates:
    """A corpus of n passages in n // 4 documents, with the dense store's floor beyond its top 256."""
    rng = np.random.default_rng(seed)
    dense = rng.uniform(0.70, 0.90, n).astype(np.float32)
    floor = np.sort(dense)[::-1][255]
    dense = np.maximum(dense, floor)
    lexical = np.where(rng.random(n) < 0.5, rng.exponential(3.0, n), 0.0).astype(np.float32)
    return Candidates(
        dense=dense, lexical=lexical, document=np.arange(n) // 4, length=rng.integers(50, 800, n).astype(np.float64),
        town_match=np.zeros(n, dtype=np.float32), time_match=np.zeros(n, dtype=np.float32),
        coverage=rng.uniform(0.0, 1.0, n),
    )


def test_committed_model_weighs_every_feature() -> None:
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert set(raw["weights"]) == set(FEATURES)
    model = fitted_model()
    assert model.vector.shape == (len(FEATURES),) and np.isfinite(model.vector).all()


def test_features_are_bounded_and_named() -> None:
    everything = corpus()
    matrix = features(everything, np.ones(400, dtype=bool), TRAITS)
    assert matrix.shape == (400, len(FEATURES))
    assert matrix.min() >= 0.0 and matrix.max() <= 1.0 + 1e-9


def test_a_candidate_subset_scores_as_all_passages() -> None:
    """The best 256 of each store, given the floors over all passages, get the scores they get among all."""
    everything = corpus()
    kept = np.union1d(np.argsort(-everything.dense)[:64], np.argsort(-everything.lexical)[:64])
    kept = np.union1d(kept, np.flatnonzero(np.isin(everything.document, everything.document[kept])))  # whole documents
    subset = Candidates(
        dense=everything.dense[kept], lexical=everything.lexical[kept], document=everything.document[kept],
        length=everything.length[kept], town_match=everything.town_match[kept], time_match=everything.time_match[kept],
        coverage=everything.coverage[kept], dense_floor=float(everything.dense.min()), lexical_floor=float(everything.lexical.min()),
    )
    full = fuse(everything, np.ones(400, dtype=bool), TRAITS)
    part = fuse(subset, np.ones(len(kept), dtype=bool), TRAITS)
    top = 10
    assert list(kept[np.argsort(-part, kind="stable")[:top]]) == list(np.argsort(-full, kind="stable")[:top])


def test_the_passage_best_by_both_stores_ranks_first() -> None:
    everything = corpus()
    best = 123
    dense, lexical, coverage = everything.dense.copy(), everything.lexical.copy(), everything.coverage.copy()
    dense[best], lexical[best], coverage[best] = 0.95, lexical.max() + 5, 1.0
    boosted = Candidates(
        dense, lexical, everything.document, everything.length, everything.town_match, everything.time_match, coverage
    )
    for traits in (TRAITS, QuestionTraits(0.1, True, True)):
        assert int(np.argmax(fuse(boosted, np.ones(400, dtype=bool), traits))) == best


def test_only_allowed_passages_are_ranked() -> None:
    everything = corpus()
    allowed = everything.document % 2 == 0
    scores = fuse(everything, allowed, TRAITS)
    assert np.isneginf(scores[~allowed]).all() and np.isfinite(scores[allowed]).all()


@pytest.mark.parametrize(("idfs", "expected"), [([], 0.0), ([2.0, 4.0], 0.375), ([9.0, 9.0], 1.0)])
def test_rare_weight_is_the_mean_idf_over_the_rarest(idfs: list[float], expected: float) -> None:
    assert rare_weight(idfs, 8.0) == pytest.approx(expected)


def test_committed_model_ranks_the_committed_candidates_as_recorded() -> None:
    """The committed model on the committed candidate table (`bench/fit_fusion.py --check`): better
    than the constant fusion it replaced on the news questions, no worse on the reports."""
    from bench import fit_fusion

    every = fit_fusion.groups(fit_fusion.load_table())
    training = [g for g in every if not g.meta["holdout"]]
    fitted = fit_fusion.metrics(training, fitted_model().vector)
    constant = fit_fusion.metrics(training, fit_fusion.constant_vector(fit_fusion.CONSTANT_WEIGHTS))
    assert fitted["crud"]["hit@1"] >= 0.82 and fitted["crud"]["hit@5"] >= 0.97
    assert fitted["crud"]["hit@1"] > constant["crud"]["hit@1"]
    assert fitted["reports"]["hit@1"] >= constant["reports"]["hit@1"]
    assert fitted["reports"]["hit@5"] >= constant["reports"]["hit@5"]


def test_rank_weights_tell_apart_the_head_and_flatten_the_tail() -> None:
    rng = np.random.default_rng(1)
    values = rng.random(RANKED * 3)
    allowed = np.ones(len(values), dtype=bool)
    allowed[::7] = False
    weights = rank_weight(values, allowed)
    order = np.argsort(np.where(allowed, -values, np.inf), kind="stable")
    head, tail = order[:RANKED], order[RANKED : int(allowed.sum())]
    np.testing.assert_allclose(weights[head], 1.0 / (1.0 + np.arange(RANKED)))
    np.testing.assert_allclose(weights[tail], 1.0 / (1.0 + RANKED))
    assert not weights[~allowed].any()
    few = values[:50]
    np.testing.assert_allclose(
        rank_weight(few, np.ones(50, dtype=bool))[np.argsort(-few, kind="stable")], 1.0 / (1.0 + np.arange(50))
    )


def test_an_english_questions_rare_term_weight_is_that_of_the_words_the_passages_use() -> None:
    """Its English words, which no passage has, would weigh as the rarest terms there are; a Chinese
    question's word that no passage uses counts."""
    vocabulary = {"低保", "发放"}
    assert weighed_tokens(["subsistence", "allowance", "低保", "低保", "发放"], True, vocabulary) == ["低保", "发放"]
    assert weighed_tokens(["subsistence", "allowance"], True, vocabulary) == ["subsistence", "allowance"]  # nothing else
    assert weighed_tokens(["月球", "低保"], False, vocabulary) == ["月球", "低保"]
