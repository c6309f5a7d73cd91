"""The scoring rule of tests/data/README.md, checked on hand-made hits."""

from __future__ import annotations

import json

import pytest

from qa.answer import Answer
from qa.documents import Footnote
from qa.evaluate import QuestionFileError, answer_rank, load_questions, score_question, summarize
from qa.search import Hit


def _hit(source: str, text: str, footnotes: tuple[Footnote, ...] = ()) -> Hit:
    return Hit(
        chunk_id=f"{source}#0", source=source, title="政府工作报告", town="大场镇", date="2023-01-12",
        section_path=("一、回顾",), text=text, footnotes=footnotes, highlight=text, highlight_spans=((0, len(text)),),
        score=1.0, dense_score=0.9, bm25_score=3.0, start=0, end=len(text),
    )


def _question(evidence: list[str], doc: str | None = "a.txt", qtype: str = "numeric"):
    from qa.evaluate import Question

    return Question(id="q", question="?", doc=doc, evidence=tuple(evidence), type=qtype)


def test_rank_ignores_whitespace_and_needs_the_right_report() -> None:
    hits = [_hit("b.txt", "全年共引进企业967家"), _hit("a.txt", "全年共引进企业 967 家，同比增长")]
    assert answer_rank(_question(["全年共引进企业 967 家"]), hits) == 2


def test_footnotes_count_as_passage_text() -> None:
    hits = [_hit("a.txt", "推进“三站一场”建设", (Footnote(1, "大康路站、呼兰路站、爱辉路站，场北车辆段。"),))]
    assert answer_rank(_question(["大康路站、呼兰路站、爱辉路站，场北车辆段"]), hits) == 1


def test_every_snippet_must_be_in_one_passage() -> None:
    hits = [_hit("a.txt", "甲乙丙"), _hit("a.txt", "丁戊己")]
    assert answer_rank(_question(["甲乙", "戊己"]), hits) is None


def test_summary_counts_abstention_and_evidence_in_answer() -> None:
    answerable = _question(["967 家"])
    unanswerable = _question([], doc=None, qtype="unanswerable")
    hit = _hit("a.txt", "全年共引进企业 967 家")
    outcomes = [
        score_question(answerable, Answer("?", True, "全年共引进企业 967 家 [1]", (hit,), 0.9), 0.01),
        score_question(unanswerable, Answer("?", False, "没有", (hit,), 0.1), 0.01),
    ]
    summary = summarize(outcomes)
    assert summary["overall"]["hit@1"] == 1.0
    assert summary["overall"]["answer_has_evidence"] == 1.0
    assert summary["overall"]["lead_has_evidence"] == 1.0
    assert summary["by_type"]["unanswerable"]["abstention_right"] == 1.0


def test_the_lead_is_the_first_cited_sentence() -> None:
    answerable = _question(["967 家"])
    hit = _hit("a.txt", "全年共引进企业 967 家")
    later = score_question(answerable, Answer("?", True, "企业服务持续优化。 [1] 全年共引进企业 967 家 [1]", (hit,), 0.9), 0.01)
    assert later.answer_has_evidence and not later.lead_has_evidence


def test_bad_question_file_names_the_line(tmp_path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "1", "question": "x"}) + "\nnot json\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match=r"q\.jsonl:2"):
        load_questions(path)
