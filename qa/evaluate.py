"""The scoring rule of tests/data/README.md over a question file.

For an answerable question the rank is the 1-based position of the first hit whose source is the
question's `doc` and whose text plus footnotes contains every evidence snippet (all whitespace
removed). hit@k, MRR@5, abstention right / false abstention, the share of answerable questions
whose `answer` contains an evidence snippet, and the outcomes (answered / partial / not covered, and
answerable questions wrongly called partial or not covered), overall and per question type.
"Abstention right" on an unanswerable question is any outcome other than "answered".
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.answer import Answer, ask
from qa.search import Hit

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    doc: str | None
    evidence: tuple[str, ...]
    type: str
    answer: str | None = None


@dataclass(frozen=True)
class Outcome:
    id: str
    type: str
    question: str
    doc: str | None
    rank: int | None  # None: not in the top k (or unanswerable question)
    predicted_answerable: bool
    status: str  # "answered" / "partial" / "not_covered"
    answer_has_evidence: bool
    lead_has_evidence: bool  # the answer's first cited sentence holds an evidence snippet (what a reader sees first)
    top_source: str | None
    top_text: str | None
    seconds: float


class QuestionFileError(ValueError):
    pass


def load_questions(path: Path) -> list[Question]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            questions.append(
                Question(
                    id=str(raw["id"]),
                    question=raw["question"],
                    doc=raw.get("doc"),
                    evidence=tuple(raw.get("evidence") or ()),
                    type=raw.get("type", "unknown"),
                    answer=raw.get("answer"),
                )
            )
        except (ValueError, KeyError, TypeError) as error:
            raise QuestionFileError(f"{path}:{number}: not a question object ({error}); see tests/data/README.md") from error
    return questions


#: The answer's first cited part: the text before its first citation marker 「 [1]」.
_LEAD = re.compile(r"(.*?) \[\d+\]", re.S)


def _squash(text: str) -> str:
    return _WHITESPACE.sub("", text)


def passage_text(hit: Hit) -> str:
    return hit.text + "".join(f.text for f in hit.footnotes)


def answer_rank(question: Question, hits: tuple[Hit, ...] | list[Hit]) -> int | None:
    snippets = [_squash(e) for e in question.evidence]
    for rank, hit in enumerate(hits, start=1):
        if hit.source == question.doc and all(s in _squash(passage_text(hit)) for s in snippets):
            return rank
    return None


def score_question(question: Question, answer: Answer, seconds: float) -> Outcome:
    answerable = question.doc is not None
    rank = answer_rank(question, answer.hits) if answerable else None
    squashed_answer = _squash(answer.answer)
    has_evidence = answerable and any(_squash(e) in squashed_answer for e in question.evidence)
    first = _LEAD.match(answer.answer)
    lead = _squash(first.group(1)) if first else ""
    lead_has_evidence = answerable and bool(lead) and any(_squash(e) in lead for e in question.evidence)
    top = answer.hits[0] if answer.hits else None
    return Outcome(
        id=question.id,
        type=question.type,
        question=question.question,
        doc=question.doc,
        rank=rank,
        predicted_answerable=answer.answerable,
        status=answer.status,
        answer_has_evidence=has_evidence,
        lead_has_evidence=lead_has_evidence,
        top_source=top.source if top else None,
        top_text=top.text if top else None,
        seconds=seconds,
    )


def run_eval(questions: list[Question], k: int = 5, index_dir: Path | None = None) -> list[Outcome]:
    outcomes = []
    for question in questions:
        started = time.perf_counter()
        answer = ask(question.question, k, index_dir=index_dir)
        outcomes.append(score_question(question, answer, time.perf_counter() - started))
    return outcomes


def summarize(outcomes: list[Outcome]) -> dict:
    """Overall and per-type metrics as plain numbers."""

    def metrics(group: list[Outcome]) -> dict:
        answerable = [o for o in group if o.doc is not None]
        unanswerable = [o for o in group if o.doc is None]
        result: dict = {"questions": len(group), "answerable": len(answerable)}
        if answerable:
            n = len(answerable)
            for k in (1, 3, 5):
                result[f"hit@{k}"] = sum(1 for o in answerable if o.rank is not None and o.rank <= k) / n
            result["mrr@5"] = sum(1 / o.rank for o in answerable if o.rank is not None and o.rank <= 5) / n
            result["false_abstention"] = sum(1 for o in answerable if not o.predicted_answerable) / n
            result["answer_has_evidence"] = sum(1 for o in answerable if o.answer_has_evidence) / n
            result["lead_has_evidence"] = sum(1 for o in answerable if o.lead_has_evidence) / n
        for status in ("answered", "partial", "not_covered"):
            result[status] = sum(1 for o in group if o.status == status)
        if answerable:
            n = len(answerable)
            result["false_partial"] = sum(1 for o in answerable if o.status == "partial") / n
            result["false_not_covered"] = sum(1 for o in answerable if o.status == "not_covered") / n
        if unanswerable:
            result["unanswerable"] = len(unanswerable)
            result["abstention_right"] = sum(1 for o in unanswerable if not o.predicted_answerable) / len(unanswerable)
        return result

    by_type: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_type[outcome.type].append(outcome)
    return {
        "overall": metrics(outcomes),
        "by_type": {t: metrics(group) for t, group in sorted(by_type.items())},
        "median_seconds": sorted(o.seconds for o in outcomes)[len(outcomes) // 2] if outcomes else 0.0,
    }


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def format_summary(summary: dict, outcomes: list[Outcome]) -> str:
    columns = ["hit@1", "hit@3", "hit@5", "mrr@5", "false_abstention", "answer_has_evidence", "lead_has_evidence", "abstention_right"]
    header = "| type | n | " + " | ".join(columns) + " |"
    lines = [header, "|" + "---|" * (len(columns) + 2)]
    rows = [("overall", summary["overall"]), *summary["by_type"].items()]
    for name, m in rows:
        lines.append(f"| {name} | {m['questions']} | " + " | ".join(_fmt(m.get(c)) for c in columns) + " |")
    lines.append("")
    lines.append("| type | answered | partial | not_covered | false_partial | false_not_covered |")
    lines.append("|---|---|---|---|---|---|")
    for name, m in rows:
        lines.append(
            f"| {name} | {m['answered']} | {m['partial']} | {m['not_covered']} | "
            f"{_fmt(m.get('false_partial'))} | {_fmt(m.get('false_not_covered'))} |"
        )
    misses = [o for o in outcomes if (o.doc is not None and o.rank is None) or (o.doc is None and o.predicted_answerable)]
    if misses:
        lines.append("")
        lines.append("misses:")
        for o in misses:
            what = "answered an unanswerable question" if o.doc is None else "evidence not in top k"
            top = (o.top_text or "")[:60].replace("\n", " ")
            lines.append(f"- {o.id} [{o.type}] {o.question} — {what}; top: {o.top_source} 「{top}…」")
    abstained = [o for o in outcomes if o.doc is not None and not o.predicted_answerable]
    if abstained:
        lines.append("")
        lines.append("false abstentions: " + ", ".join(o.id for o in abstained))
    lines.append("")
    lines.append(f"median seconds per question: {summary['median_seconds']:.3f}")
    return "\n".join(lines)


def outcomes_json(outcomes: list[Outcome]) -> list[dict]:
    return [asdict(o) for o in outcomes]
