"""Answer → what people and programs read: text for the terminal (the answer, then each cited passage with
its citation) and the JSON payload that `qa ask --json` prints and the chat's `/answer` endpoint returns."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

from qa.answer import Answer
from qa.documents import page_label
from qa.search import Hit

SECTION_SEPARATOR = " › "


def citation(hit: Hit) -> str:
    """「大场镇 政府工作报告（2023-01-12）」 › 一、… › （一）… (and 「第 3 页」 for a PDF report)"""
    origin = " ".join(x for x in (hit.town, hit.title) if x)
    if hit.date:
        origin += f"（{hit.date}）"
    path = SECTION_SEPARATOR.join(hit.section_path)
    page = page_label(hit.page, hit.page_end)
    return f"{origin or hit.source}{SECTION_SEPARATOR + path if path else ''}{'  ' + page if page else ''}"


def mark_highlight(hit: Hit, before: str, after: str) -> str:
    text, pieces, cursor = hit.text, [], 0
    for start, end in hit.highlight_spans:
        pieces += [text[cursor:start], before, text[start:end], after]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def format_answer_text(answer: Answer, *, color: bool | None = None) -> str:
    color = sys.stdout.isatty() if color is None else color
    before, after = ("\033[1;33m", "\033[0m") if color else ("【", "】")
    lines = ["答：" + answer.answer, ""]
    heading = {"answered": "引用段落：", "partial": "报告提到的段落："}.get(answer.status, "可能相关的段落：")
    lines.append(heading)
    for n, hit in enumerate(answer.hits, start=1):
        lines.append(f"[{n}] {citation(hit)}  （{hit.source}，得分 {hit.score:.3f}）")
        lines.append("    " + mark_highlight(hit, before, after).replace("\n", "\n    "))
        for note in hit.footnotes:
            lines.append(f"    注{note.n}：{note.text}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def hit_payload(hit: Hit) -> dict[str, Any]:
    """Every field of the `Hit` as JSON-ready data (tuples become lists)."""
    data = asdict(hit)
    data["section_path"] = list(hit.section_path)
    return data


def answer_payload(answer: Answer) -> dict[str, Any]:
    """The answer as data: the same object from the CLI (`qa ask --json`) and the chat's API (`/answer`).
    `answer` is plain text with its [n] markers, [n] citing `hits[n-1]`; `status` is "answered",
    "partial" (the reports speak of the subject but do not give `missing`) or "not_covered"."""
    return {
        "question": answer.question,
        "answerable": answer.answerable,
        "status": answer.status,
        "missing": answer.missing,
        "answer_type": answer.answer_type,
        "answer": answer.answer,
        "confidence": answer.confidence,
        "hits": [hit_payload(h) for h in answer.hits],
    }
