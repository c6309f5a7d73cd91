"""Dense + lexical + steering → one score per passage.

Fusion is a weighted sum of min-max normalized scores (dense and BM25 over the same candidates) plus
steering terms for the town and the period the question names. Rank fusion (RRF) throws away how
far apart the scores are, which is what separates a keyword match on a figure from a near miss;
the weighted sum keeps it (see the note in README "Retrieval" for the measurements).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Fusion weights, chosen on the dev set and the project's own question set (README "Retrieval").
DENSE_WEIGHT = 0.7
BM25_WEIGHT = 0.3
TOWN_WEIGHT = 0.35
TIME_WEIGHT = 0.25


@dataclass(frozen=True)
class Relevance:
    """What a question's text scores against every passage, before steering: shared by the sides of a
    comparison, which differ only in the town or period they steer to."""

    dense: np.ndarray  # cosine per passage
    lexical: np.ndarray  # raw BM25 per passage
    query_tokens: list[str]
    query_vector: np.ndarray


def minmax(values: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """`values` scaled so that the allowed ones span 0..1 (all 0 when they are equal)."""
    pool = values[allowed] if allowed.any() else values
    low, high = float(pool.min()), float(pool.max())
    if high - low < 1e-9:
        return np.zeros_like(values)
    return (values - low) / (high - low)


def fuse(relevance: Relevance, allowed: np.ndarray, town_match: np.ndarray, time_match: np.ndarray) -> np.ndarray:
    """The fused score of every passage (only the allowed ones are ranked)."""
    fused = DENSE_WEIGHT * minmax(relevance.dense, allowed) + BM25_WEIGHT * minmax(relevance.lexical, allowed)
    fused += TOWN_WEIGHT * town_match + TIME_WEIGHT * time_match
    return fused
