"""Hits → an extractive answer with citations, or an honest abstention.

The answer is never generated: it is the highlighted sentences of the best hits, verbatim, each
followed by its citation marker [n] (n = the hit's position in `Answer.hits`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qa.search import Hit, Retriever, get_retriever

NOT_COVERED = "报告中没有找到能回答这个问题的内容。"

#: Abstention thresholds, calibrated on the unanswerable and answerable questions of the dev set and
#: the project's own set (README "Retrieval": rates of right and false abstention).
MIN_COVERAGE = 0.34
MIN_DENSE = 0.86
MIN_DENSE_LATIN = 0.80
#: A second passage joins the answer when its score is this close to the first's.
SECOND_HIT_RATIO = 0.92

_LATIN_QUESTION = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Answer:
    question: str
    answerable: bool
    answer: str  # verbatim sentences with [n] citations, or NOT_COVERED
    hits: tuple[Hit, ...]
    confidence: float  # 0..1: the evidence the top hit gives (see `answerability`)


def answerability(retriever: Retriever, question: str, hits: list[Hit], query_tokens: list[str]) -> float:
    """How well the best hit covers the question: a blend of the share of the question's content
    words it contains and its cosine similarity, mapped to 0..1 (≥ 0.5 means answerable)."""
    if not hits:
        return 0.0
    intent = retriever.parse(question)
    if intent.unknown_places and not intent.towns:
        return 0.0
    top = hits[0]
    latin = len(_LATIN_QUESTION.findall(question)) > len(question) / 3
    dense_floor = MIN_DENSE_LATIN if latin else MIN_DENSE
    dense_part = min(1.0, max(0.0, (top.dense_score - (dense_floor - 0.05)) / 0.10))
    if latin:
        return dense_part
    coverage = max(retriever.token_coverage(query_tokens, h.chunk_id) for h in hits[:3])
    coverage_part = min(1.0, max(0.0, coverage / (2 * MIN_COVERAGE)))
    return 0.5 * dense_part + 0.5 * coverage_part


def compose_answer(question: str, hits: list[Hit], confidence: float) -> Answer:
    answerable = confidence >= 0.5 and bool(hits)
    if not answerable:
        return Answer(question, False, NOT_COVERED, tuple(hits), confidence)
    parts = [f"{hits[0].highlight} [1]"]
    for n, hit in enumerate(hits[1:3], start=2):
        different_side = hit.source != hits[0].source
        close = hit.score >= SECOND_HIT_RATIO * hits[0].score
        other_side = n == 2 and different_side and hit.score > 0.8 * hits[0].score
        if (close or other_side) and hit.highlight and hit.highlight not in hits[0].highlight:
            parts.append(f"{hit.highlight} [{n}]")
    return Answer(question, True, "\n".join(parts), tuple(hits), confidence)


def ask(
    question: str,
    k: int = 5,
    *,
    town: str | None = None,
    year: int | None = None,
    index_dir: Path | str | None = None,
    sources: list[str] | None = None,
) -> Answer:
    """Answer `question` from the reports: the cited passages and the sentences that answer it."""
    retriever = get_retriever(index_dir)
    _, hits, scored = retriever.search_with_intent(question, k, town=town, year=year, sources=sources)
    confidence = answerability(retriever, question, hits, scored.query_tokens)
    return compose_answer(question, hits, confidence)
