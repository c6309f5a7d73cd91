"""Picking the sentence(s) of a passage that answer the question best.

Lexical and cheap on purpose (it runs for every hit of every query): the passage was already chosen
by the hybrid ranker, so within it the sentence containing the most (and the longest) question words
is nearly always the answering one; numbers get a bonus when the question asks for a quantity. The
question's BM25 tokens are looked up in the sentence's normalized text rather than in a second
tokenization of every sentence, which cost more than everything else in a search together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qa.documents import Footnote

_SENTENCE_END = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$")
_QUANTITY_QUESTION = re.compile(r"多少|几|多大|多高|多长|多久|比例|占比|增长|下降|how many|how much", re.I)
_HAS_NUMBER = re.compile(r"\d")
#: Shorter pieces (a bare number, "一是") are not weighed as answers on their own.
MIN_SENTENCE_CHARS = 6
#: Where a sentence's clauses end: reports string several facts into one sentence with 「，」.
_CLAUSE_END = re.compile(r"(?<=[，,；;。！？])")


@dataclass(frozen=True)
class Sentence:
    start: int  # offset within the passage text
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences at 。！？； (closing quotes stay with their sentence); no characters dropped."""
    sentences = []
    for match in _SENTENCE_END.finditer(text):
        if match.group().strip():
            sentences.append(Sentence(match.start(), match.end(), match.group()))
    return sentences


def answer_sentences(text: str, footnotes: Sequence[Footnote] = ()) -> list[tuple[str, int | None]]:
    """The sentences of a passage the answer step weighs, as (text, footnote number or None): the
    passage line by line (so a heading stands apart from the text under it), then its footnotes.
    The index embeds exactly these when it is built, so answering embeds nothing."""
    found: list[tuple[str, int | None]] = []
    for line in text.split("\n"):
        for sentence in split_sentences(line):
            stripped = sentence.text.strip()
            if len(stripped) >= MIN_SENTENCE_CHARS:
                found.append((stripped, None))
    found += [(f.text, f.n) for f in footnotes if len(f.text) >= MIN_SENTENCE_CHARS]
    return found


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence (split after 「，；」), or the sentence itself when it has one. A
    report sentence strings several facts together (「…家庭医生签约率持续提升，新建家庭病床 161 张，…」):
    which clause is about the question's subject, and whether that one holds the asked figure, is what
    tells an answer from a near miss (`qa.answer.clause_features`)."""
    parts = [part.strip() for part in _CLAUSE_END.split(sentence)]
    parts = [part for part in parts if part]
    return parts if len(parts) > 1 else [sentence]


def answer_clauses(text: str, footnotes: Sequence[Footnote] = ()) -> list[str]:
    """Every clause of a passage's answer sentences (`answer_sentences`; a sentence of one clause is
    its own): what the index embeds for the answer step."""
    return [clause for sentence, _ in answer_sentences(text, footnotes) for clause in clauses(sentence)]


def sentence_vector(sentence: str, clause_vectors: Mapping[str, np.ndarray]) -> np.ndarray:
    """A sentence's vector composed from its clauses': their mean weighted by length, normalized. The
    model pools a text's tokens by their mean, so this stays close to embedding the sentence whole
    (cosine 0.94–0.98 on the seeds' multi-clause sentences) while each token is embedded once, in its
    clause: the clause vectors the answer decision needs cost the build nothing on top of the sentences."""
    parts = clauses(sentence)
    if len(parts) == 1:
        return clause_vectors[parts[0]]
    summed = sum(len(part) * clause_vectors[part] for part in parts)
    return summed / np.linalg.norm(summed)


def best_sentences(
    sentences: list[Sentence],
    normalized: list[str],
    question: str,
    query_tokens: list[str],
    *,
    skip_prefix: str = "",
) -> tuple[tuple[int, int], ...]:
    """Spans (offsets into the passage) of the best of its `sentences`, extended by the next one when
    it is too short to stand alone. A question token counts when it occurs in the sentence's
    `normalized` text (`normalize_for_matching`, as the tokens are), weighted by its length.
    `skip_prefix` (the section's lead sentence) is not chosen unless nothing else is."""
    if not sentences:
        return ()
    wanted = {t: len(t) for t in query_tokens}
    wants_number = bool(_QUANTITY_QUESTION.search(question))
    best_index, best_score = 0, float("-inf")
    for index, (sentence, text) in enumerate(zip(sentences, normalized, strict=True)):
        score = sum(weight for token, weight in wanted.items() if token in text)
        if wants_number and _HAS_NUMBER.search(sentence.text):
            score += 1.5
        if skip_prefix and sentence.text.strip() == skip_prefix.strip():
            score -= 100
        score -= 0.002 * len(sentence.text)  # prefer the tighter sentence on ties
        if score > best_score:
            best_index, best_score = index, score
    chosen = sentences[best_index]
    start, end = chosen.start, chosen.end
    if len(chosen.text.strip()) < 16 and best_index + 1 < len(sentences):
        end = sentences[best_index + 1].end
    return ((start, end),)
