"""Hits → an extractive answer with citations, or an honest abstention.

The answer is never generated: it is the highlighted sentences of the best hits, verbatim, each
followed by its citation marker [n] (n = the hit's position in `Answer.hits`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.highlight import split_sentences
from qa.search import Hit, Retriever, SearchResult, get_retriever
from qa.text import normalize_for_matching, replace_surrogates

NOT_COVERED = "报告中没有找到能回答这个问题的内容。"

#: Abstention: a question is answered when some sentence of the best passages says what it asks.
#: `evidence` = best sentence similarity, lowered by half of how far it falls below the passage-level
#: similarity (a passage that matches the topic but has no sentence matching the question is the mark
#: of an unanswerable question). Thresholds calibrated on the dev set and the project's own set
#: (README "Retrieval"); English questions score lower with a small multilingual model.
MIN_EVIDENCE = 0.865
MIN_EVIDENCE_FOREIGN = 0.83
#: Sentences shorter than this (headings, list stubs) are not evidence on their own.
MIN_SENTENCE_CHARS = 6
#: How many of the best passages are searched for an answering sentence.
EVIDENCE_PASSAGES = 3
#: A second passage joins the answer when its score is this close to the first's.
SECOND_HIT_RATIO = 0.92
#: A question asking what a term means or covers (「“三站一场”指的是哪些地方」「四小行业具体指哪些场所」):
#: reports explain such terms in footnotes, so the top passage's footnote is the answer.
_DEFINITION_QUESTION = re.compile(
    r"指的?是|指什么|指哪|具体指|是指|包括哪|包含哪|是哪些|有哪些|哪几[个项类种]|分别是|什么意思|含义"
    r"|\bwhat (?:does|do|is|are)\b.*\b(?:mean|stand for|refer to|include)|\bwhich\b.*\binclude", re.I
)


@dataclass(frozen=True)
class Answer:
    question: str
    answerable: bool
    answer: str  # verbatim sentences with [n] citations, or NOT_COVERED
    hits: tuple[Hit, ...]
    confidence: float  # the evidence score of the best sentence (see `sentence_evidence`)


@dataclass(frozen=True)
class Evidence:
    """A sentence of a retrieved passage (or one of its footnotes) scored against the question."""

    hit: int  # position in the hits
    text: str
    similarity: float
    footnote: int | None = None  # the footnote's number when the sentence is a footnote


def candidate_sentences(hits: list[Hit]) -> list[tuple[int, str, int | None]]:
    """(hit position, sentence, footnote number) for the top passages: sentences line by line, so
    headings stand apart, then the passages' footnotes."""
    found: list[tuple[int, str, int | None]] = []
    for position, hit in enumerate(hits[:EVIDENCE_PASSAGES]):
        for line in hit.text.split("\n"):
            for sentence in split_sentences(line):
                text = sentence.text.strip()
                if len(text) >= MIN_SENTENCE_CHARS:
                    found.append((position, text, None))
        found += [(position, f.text, f.n) for f in hit.footnotes if len(f.text) >= MIN_SENTENCE_CHARS]
    return found


def score_sentences(retriever: Retriever, hits: list[Hit], query_vector: np.ndarray) -> list[Evidence]:
    """The candidate sentences of the top passages, best match first."""
    candidates = candidate_sentences(hits)
    if not candidates:
        return []
    similarities = retriever.sentence_similarities(query_vector, [text for _, text, _ in candidates])
    scored = [
        Evidence(position, text, float(similarity), footnote)
        for (position, text, footnote), similarity in zip(candidates, similarities, strict=True)
    ]
    return sorted(scored, key=lambda e: -e.similarity)


def evidence_score(sentences: list[Evidence], hits: list[Hit]) -> float:
    """The best sentence's similarity, lowered by half of how far it falls below the top passage's."""
    if not sentences or not hits:
        return 0.0
    best = sentences[0].similarity
    return best + 0.5 * min(0.0, best - hits[0].dense_score)


def is_answerable(result: SearchResult, evidence: float) -> bool:
    """Whether the search found the answer: some hit, no place the reports never mention named alone,
    a report of the town named covering the year named, and evidence above the threshold."""
    reading = result.reading
    if not result.hits or (reading.unknown_places and not reading.towns) or not result.covered:
        return False
    return evidence >= (MIN_EVIDENCE_FOREIGN if reading.foreign else MIN_EVIDENCE)


def answering_footnote(question: str, query_tokens: list[str], hits: list[Hit], sentences: list[Evidence]) -> Evidence | None:
    """The footnote of the top passage that answers the question, if one does: for a question asking
    what a term means or covers, the footnote closest to the question; otherwise a footnote holding a
    word of the question that the highlighted sentence lacks (「新开工」 in 「新开工项目 3 个」)."""
    notes = [e for e in sentences if e.hit == 0 and e.footnote is not None]  # best match first
    if not notes:
        return None
    if _DEFINITION_QUESTION.search(question):
        return notes[0]
    highlighted = normalize_for_matching(hits[0].highlight)
    for note in notes:
        text = normalize_for_matching(note.text)
        if any(len(token) >= 2 and token in text and token not in highlighted for token in query_tokens):
            return note
    return None


def compose_answer(
    question: str,
    hits: list[Hit],
    answerable: bool,
    confidence: float,
    sentences: list[Evidence] = (),
    footnote: Evidence | None = None,
) -> Answer:
    """The answer text: the top passage's highlight, then the footnote that answers the question (see
    `answering_footnote`), then the sentence (or footnote) that matches the question best if it says
    something not said yet, then a close second passage's highlight; each verbatim with its citation [n]."""
    if not answerable:
        return Answer(question, False, NOT_COVERED, tuple(hits), confidence)
    parts = [f"{hits[0].highlight} [1]"] if hits[0].highlight else []
    said = [hits[0].highlight]
    if footnote is not None and footnote.text not in hits[0].highlight:
        parts.append(f"注{footnote.footnote}：{footnote.text} [1]")
        said.append(footnote.text)
    # the best-matching sentence, from the top passage's report or a passage scored nearly as high (a
    # passage of another report that merely shares words must not slip into the answer)
    close = [
        e
        for e in sentences
        if hits[e.hit].source == hits[0].source or hits[e.hit].score >= SECOND_HIT_RATIO * hits[0].score
    ]
    if close:
        best = close[0]
        if not any(best.text in s for s in said):
            prefix = f"注{best.footnote}：" if best.footnote is not None else ""
            parts.append(f"{prefix}{best.text} [{best.hit + 1}]")
            said.append(best.text)
    for n, hit in enumerate(hits[1:3], start=2):
        different_side = hit.source != hits[0].source
        close = hit.score >= SECOND_HIT_RATIO * hits[0].score
        other_side = n == 2 and different_side and hit.score > 0.8 * hits[0].score
        if (close or other_side) and hit.highlight and not any(hit.highlight in s or s in hit.highlight for s in said):
            parts.append(f"{hit.highlight} [{n}]")
            said.append(hit.highlight)
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
    question = replace_surrogates(question)
    retriever = get_retriever(index_dir)
    result = retriever.retrieve(question, k, town=town, year=year, sources=sources)
    hits = result.hits
    sentences = score_sentences(retriever, hits, result.query_vector) if hits else []
    evidence = evidence_score(sentences, hits)
    answerable = is_answerable(result, evidence)
    footnote = answering_footnote(result.reading.text, result.query_tokens, hits, sentences) if hits else None
    return compose_answer(question, hits, answerable, evidence, sentences, footnote)
