"""`bench.fit_answer.fit_english`: English questions get weights of their own, which answer as many of
their answerable questions as the shared weights did, and leave the Chinese questions to the shared ones."""

from __future__ import annotations

import numpy as np

from bench.fit_answer import SEEDS, FeatureTable, answered, english_rows, fit_english, probability


def _table(rng: np.random.Generator) -> FeatureTable:
    """Forty reports and the seed sets: half the questions English. An English question is answerable when
    its `evidence` is high, a Chinese one whatever it is; `coverage` is noise."""
    rows = 1200
    groups = np.array([SEEDS if i % 41 == 40 else f"r{i % 41}" for i in range(rows)])
    foreign = (np.arange(rows) % 2).astype(float)
    evidence = rng.uniform(0.0, 1.0, rows)
    y = np.where(foreign == 1.0, evidence + rng.normal(0.0, 0.15, rows) > 0.5, rng.uniform(0.0, 1.0, rows) > 0.3)
    x = np.column_stack([evidence, rng.uniform(0.0, 1.0, rows), foreign])
    return FeatureTable(["evidence", "coverage", "foreign"], x, y, groups, np.ones(rows, bool), np.zeros(rows, bool))


def test_english_weights_refuse_more_near_misses_and_answer_as_many() -> None:
    table = _table(np.random.default_rng(7))
    # shared weights that read nothing of English evidence: they answer nearly everything
    shared = {"weights": {"evidence": 0.0, "coverage": 0.5, "foreign": 0.0}, "intercept": 1.0}
    english = english_rows(table)
    before = answered(table, probability(shared, table), 0.5)
    model = {**shared, "english": fit_english(table, shared)}
    after = answered(table, probability(model, table), 0.5)

    assert set(model["english"]["weights"]) == {"evidence", "coverage"}
    for kind in (table.groups == SEEDS, table.groups != SEEDS):
        rows = english & kind & table.y
        assert after[rows].sum() >= before[rows].sum()
    near_misses = english & ~table.y
    assert (~after[near_misses]).sum() > (~before[near_misses]).sum() + 100
    assert np.array_equal(after[~english], before[~english])  # the Chinese questions: the shared weights
