"""Dense + lexical + document evidence + steering → one score per passage.

The balance of lexical and dense evidence is not a constant. A constant tuned on the five reports
(dense 0.7, BM25 0.3) lost to plain BM25 on news articles, and no constant wins on both kinds of
text. The score is a linear model over a few features of each (question, passage) pair, fitted as a
ranking model (a softmax over each question's candidates, `bench/fit_fusion.py`) on labelled
questions from both kinds of text; its coefficients are `qa/fusion_model.json`. The features:

- the passage's dense and BM25 scores, scaled to the question's best candidate, and their ranks
  (scores keep how far apart two passages are, ranks how many beat them);
- evidence of its document: the best dense and BM25 score among the document's passages, and the
  sum of its passages' BM25 (an article whose terms are spread over two windows is one answer);
- the question's rare-term weight (how much of its BM25 mass is in rare terms) times each score,
  so that a question carrying a rare name leans on BM25 and a vague one on the embedder;
- whether the question names a town or a period the index's metadata knows, times each score (such
  words match every passage of a report, and the steering terms already carry them);
- the passage's length, and the town and period steering where the corpus has that metadata;
- its character-pair coverage of the question (`qa.pairs`): evidence that needs no word segmenter.

The function is pure over per-passage arrays: all passages of an index, or a candidate subset (then
the document features see the candidates only; given the floors of all passages and the best
candidates of both stores, the scores are those over all passages).
"""

from __future__ import annotations

import json
from collections.abc import Container
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).with_name("fusion_model.json")
#: Rank features tell apart this many passages (see `_rank_weight`).
RANKED = 1024
#: Passage lengths are read up to this many characters (the longest window of a text without headings).
LENGTH_SCALE = 800.0

FEATURES = (
    "dense",
    "lexical",
    "dense_rank",
    "lexical_rank",
    "doc_dense",
    "doc_lexical",
    "doc_lexical_sum",
    "dense_x_rare",
    "lexical_x_rare",
    "dense_x_named",
    "lexical_x_named",
    "length",
    "town",
    "time",
    "pair_coverage",
)


@dataclass(frozen=True)
class Relevance:
    """What a question's text scores against every passage, before steering: shared by the sides of a
    comparison, which differ only in the town or period they steer to."""

    dense: np.ndarray  # cosine per passage
    lexical: np.ndarray  # raw BM25 per passage
    coverage: np.ndarray  # character-pair coverage per passage (`qa.pairs`)
    query_tokens: list[str]
    query_vector: np.ndarray
    #: an English question's Chinese tokens, grouped by the word they translate (`qa.crosslingual.translations`)
    translations: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Candidates:
    """Per-passage evidence the fusion reads, one entry per passage in the same order in every array
    (all passages of an index, or a candidate subset)."""

    dense: np.ndarray  # cosine; passages beyond the dense store's candidates carry the lowest candidate's
    lexical: np.ndarray  # raw BM25 (≥ 0)
    document: np.ndarray  # int: which document each passage belongs to, numbered 0..D−1 (`ChunkTable.doc_of_chunk`)
    length: np.ndarray  # characters of the passage's text
    town_match: np.ndarray  # 1 for a passage of a town the question names (`qa.steering`), else 0
    time_match: np.ndarray  # 0..1: a passage about the period the question names (`qa.steering`)
    coverage: np.ndarray  # 0..1: the question's character pairs the passage holds, idf-weighted (`qa.pairs`)
    # The lowest dense and BM25 scores over all passages, which scale the scores (a passage at the
    # floor gets 0). None: the lowest in these arrays, which is that when they cover all passages; a
    # caller passing a candidate subset passes the floors it knows (BM25's is 0 when some passage
    # shares no token with the question).
    dense_floor: float | None = None
    lexical_floor: float | None = None


@dataclass(frozen=True)
class QuestionTraits:
    """What the question itself says about how to weigh the evidence."""

    rare_weight: float  # 0..1: idf of its tokens over the rarest possible idf, averaged (`rare_weight`)
    names_town: bool  # an indexed town (from the reports' metadata)
    names_period: bool  # a year, half-year or five-year plan, in an index whose passages carry periods


@dataclass(frozen=True)
class FusionModel:
    """A weight per feature (`FEATURES`); the score is their weighted sum."""

    weights: dict[str, float]

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(name, 0.0) for name in FEATURES], dtype=np.float64)


@cache
def fitted_model() -> FusionModel:
    """The committed model (`qa/fusion_model.json`, written by `bench/fit_fusion.py`)."""
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return FusionModel({name: float(raw["weights"][name]) for name in FEATURES})


def rare_weight(idfs: list[float], max_idf: float) -> float:
    """The question's rare-term weight: the mean idf of its distinct tokens relative to the idf of a
    term in a single passage (0 when it has no tokens). High for 「月球-25号探测器」, low for 「有哪些措施」."""
    if not idfs or max_idf <= 0:
        return 0.0
    return float(min(1.0, np.mean(idfs) / max_idf))


def weighed_tokens(query_tokens: list[str], foreign: bool, vocabulary: Container[str]) -> list[str]:
    """The distinct tokens whose idf makes the rare-term weight. Of an English question, those the
    passages use (`vocabulary`): its Chinese translations and names. Its English words, which no passage
    has, had weighed as the rarest terms there are and turned the fusion to the dense score (the blind
    reports' English questions at hit@1 0.891 → 0.897, evidence 0.926 → 0.931). A Chinese question's word
    that no passage uses is rare indeed, and counts."""
    tokens = list(dict.fromkeys(query_tokens))
    if foreign:
        return [t for t in tokens if t in vocabulary] or tokens
    return tokens


def _scaled(values: np.ndarray, allowed: np.ndarray, floor: float) -> np.ndarray:
    """(values − floor) / (best allowed − floor), 0 when nothing is above the floor."""
    best = float(values[allowed].max()) if allowed.any() else float(values.max(initial=floor))
    if best - floor < 1e-9:
        return np.zeros(len(values), dtype=np.float64)
    return np.clip((values.astype(np.float64) - floor) / (best - floor), 0.0, None)


def _floor(values: np.ndarray, given: float | None) -> float:
    return float(values.min()) if given is None else given


def _rank_weight(values: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """1/(1 + rank) among the allowed passages (best = 1, second = 1/2 …) for the best `RANKED`; the
    allowed passages past them all weigh 1/(1 + `RANKED`), and the others 0. Ranking only the head
    (a partition, not a sort of every passage) keeps the fusion cheap on large indexes: past rank
    1,024 the weights differ by less than a thousandth."""
    weights = np.where(allowed, 1.0 / (1.0 + RANKED), 0.0)
    head = min(RANKED, int(allowed.sum()))
    if head == 0:
        return weights
    scores = np.where(allowed, values, -np.inf)
    best = np.argpartition(-scores, head - 1)[:head] if head < len(scores) else np.arange(len(scores))
    best = best[np.lexsort((best, -scores[best]))][:head]  # by score, then position
    weights[best] = 1.0 / (1.0 + np.arange(head, dtype=np.float64))
    return weights


def _document_max(values: np.ndarray, documents: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The best allowed value among each passage's document's passages (`documents`: 0..D−1 per passage)."""
    best = np.zeros(int(documents.max()) + 1 if len(documents) else 0, dtype=np.float64)
    np.maximum.at(best, documents[allowed], values[allowed])
    return best[documents]


def _document_sum(values: np.ndarray, documents: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The sum of allowed values over each passage's document, scaled so the best document has 1."""
    total = np.bincount(documents[allowed], weights=values[allowed], minlength=int(documents.max()) + 1 if len(documents) else 0)
    top = float(total.max(initial=0.0))
    return total[documents] / top if top > 0 else np.zeros(len(values), dtype=np.float64)


def feature_columns(candidates: Candidates, allowed: np.ndarray, traits: QuestionTraits) -> dict[str, np.ndarray]:
    """Each of `FEATURES` as a per-passage column."""
    dense = _scaled(candidates.dense, allowed, _floor(candidates.dense, candidates.dense_floor))
    lexical = _scaled(candidates.lexical, allowed, _floor(candidates.lexical, candidates.lexical_floor))
    named = 1.0 if (traits.names_town or traits.names_period) else 0.0
    documents = candidates.document
    return {
        "dense": dense,
        "lexical": lexical,
        "dense_rank": _rank_weight(dense, allowed),
        "lexical_rank": _rank_weight(lexical, allowed),
        "doc_dense": _document_max(dense, documents, allowed),
        "doc_lexical": _document_max(lexical, documents, allowed),
        "doc_lexical_sum": _document_sum(lexical, documents, allowed),
        "dense_x_rare": dense * traits.rare_weight,
        "lexical_x_rare": lexical * traits.rare_weight,
        "dense_x_named": dense * named,
        "lexical_x_named": lexical * named,
        "length": np.minimum(candidates.length, LENGTH_SCALE) / LENGTH_SCALE,
        "town": candidates.town_match.astype(np.float64),
        "time": candidates.time_match.astype(np.float64),
        "pair_coverage": candidates.coverage.astype(np.float64),
    }


def features(candidates: Candidates, allowed: np.ndarray, traits: QuestionTraits) -> np.ndarray:
    """The (passages × `FEATURES`) matrix the model weighs (what `bench/fit_fusion.py` fits on)."""
    columns = feature_columns(candidates, allowed, traits)
    return np.stack([columns[name] for name in FEATURES], axis=1)


def fuse(
    candidates: Candidates, allowed: np.ndarray, traits: QuestionTraits, model: FusionModel | None = None
) -> np.ndarray:
    """The fused score of every passage: the model's score scaled so that the allowed passages span 0..1
    (the answer step reads a second passage's score as a share of the best one's, as it did under the
    constant weights); passages not allowed get −inf."""
    if not len(candidates.dense):
        return np.zeros(0, dtype=np.float64)
    weights = (model or fitted_model()).weights
    columns = feature_columns(candidates, allowed, traits)
    scores = np.zeros(len(candidates.dense), dtype=np.float64)
    for name in FEATURES:  # the weighted sum, column by column (no passages × features matrix)
        scores += weights.get(name, 0.0) * columns[name]
    if allowed.any():
        low, high = float(scores[allowed].min()), float(scores[allowed].max())
        scores = (scores - low) / (high - low) if high - low > 1e-12 else np.zeros_like(scores)
    return np.where(allowed, scores, -np.inf)
