"""`bench.unseen`'s table: its totals, and the English questions counted apart from the Chinese ones."""

from __future__ import annotations

from bench.unseen import by_language, tabulated


def _outcome(question_id: str, question: str, rank: int | None, status: str) -> dict:
    return {
        "id": question_id, "type": "count", "question": question, "doc": "a.txt" if rank else None, "rank": rank,
        "predicted_answerable": status == "answered", "status": status, "answer_has_evidence": rank == 1,
        "lead_has_evidence": rank == 1, "top_source": "a.txt", "top_text": "", "seconds": 0.0,
    }


def test_english_questions_are_counted_apart() -> None:
    per_report = {"a_2025": {"outcomes": [
        _outcome("a-01", "去年引进了多少家企业？", 1, "answered"),
        _outcome("a-02", "How many enterprises were brought in last year?", 2, "answered"),
        _outcome("a-19", "How many tourists came to the peach festival?", None, "answered"),  # a near miss
        _outcome("a-20", "桃花节接待了多少游客？", None, "partial"),
    ]}}
    languages = by_language(per_report)
    assert (languages["Chinese"]["answerable"], languages["Chinese"]["hit@1"], languages["Chinese"]["near_misses_refused"]) == (1, 1, 1)
    assert (languages["English"]["answerable"], languages["English"]["hit@1"], languages["English"]["hit@5"]) == (1, 0, 1)
    assert (languages["English"]["near_misses"], languages["English"]["near_misses_refused"]) == (1, 0)
    per_report["a_2025"]["counts"] = {k: languages["Chinese"][k] + languages["English"][k] for k in languages["Chinese"]}
    result = tabulated(per_report)
    assert result["languages"] == languages
    assert "| all 1, English | 1 |" in result["markdown"]
