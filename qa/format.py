"""Answer → text for the terminal: the answer, then each cited passage with its citation."""

from __future__ import annotations

import sys

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
    heading = "引用段落：" if answer.answerable else "可能相关的段落："
    lines.append(heading)
    for n, hit in enumerate(answer.hits, start=1):
        lines.append(f"[{n}] {citation(hit)}  （{hit.source}，得分 {hit.score:.3f}）")
        lines.append("    " + mark_highlight(hit, before, after).replace("\n", "\n    "))
        for note in hit.footnotes:
            lines.append(f"    注{note.n}：{note.text}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
