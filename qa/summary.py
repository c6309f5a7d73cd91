"""A report as `qa inspect` shows it: the `--json` object (a contract: keys are only ever added) and the
human-readable summary."""

from __future__ import annotations

from qa.documents import Document, Period


def _period_json(period: Period) -> dict[str, object]:
    return {"kind": period.kind, "label": period.label, "start_year": period.start_year, "end_year": period.end_year}


def document_summary(document: Document) -> dict[str, object]:
    """The `qa inspect --json` object (a contract: keys are only ever added)."""
    meta = document.metadata
    return {
        "source": document.source,
        "title": meta.title,
        "town": meta.town,
        "date": meta.date,
        "meeting": meta.meeting,
        "speaker": meta.speaker,
        "role": meta.role,
        "style": document.style,
        "format": meta.file_format,
        "pages": meta.pages,
        "ocr": meta.ocr,
        "periods": {
            "reviewed": [p.label for p in meta.periods_reviewed],
            "planned": [p.label for p in meta.periods_planned],
            "detail": {
                "reviewed": [_period_json(p) for p in meta.periods_reviewed],
                "planned": [_period_json(p) for p in meta.periods_planned],
            },
        },
        "footnotes": [{"n": f.n, "text": f.text} for f in document.footnotes],
        "sections": [
            {"path": list(s.path), "heading": s.heading, "level": s.level, "start": s.start, "end": s.end}
            for s in document.sections
        ],
        "chunks": [
            {
                "id": c.id,
                "section_path": list(c.section_path),
                "text": c.text,
                "footnotes": [{"n": f.n, "text": f.text} for f in c.footnotes],
                "start": c.start,
                "end": c.end,
                "page": c.page,
                "page_end": c.page_end,
                "opening": c.opening,  # a later window of a text without headings: its opening sentence
            }
            for c in document.chunks
        ],
    }


def format_document_summary(document: Document) -> str:
    """The human-readable `qa inspect`: metadata, the section tree, chunk statistics."""
    meta = document.metadata
    sizes = sorted(len(c.text) for c in document.chunks)
    lines = [
        f"文件：{document.source}（格式：{document.style}；读取：{meta.file_format}"
        + (f"，{meta.pages} 页" if meta.pages else "")
        + ("，OCR 识别" if meta.ocr else "")
        + "）",
        f"标题：{meta.title or '—'}",
        f"地区：{meta.town or '—'}    日期：{meta.date or '—'}",
        f"会议：{meta.meeting or '—'}",
        f"报告人：{meta.speaker or '—'}{'（' + meta.role + '）' if meta.role else ''}",
        f"回顾期间：{'、'.join(p.label for p in meta.periods_reviewed) or '—'}    "
        f"计划期间：{'、'.join(p.label for p in meta.periods_planned) or '—'}",
        f"脚注：{len(document.footnotes)} 条",
        "",
        f"章节（{len(document.sections)}）：",
    ]
    lines += [f"{'  ' * (s.level - 1)}{s.heading}" for s in document.sections]
    lines.append("")
    if sizes:
        lines.append(
            f"分块：{len(sizes)} 个，字数 最少 {sizes[0]} / 中位 {sizes[len(sizes) // 2]} / 最多 {sizes[-1]}，"
            f"正文共 {len(document.text)} 字"
        )
    else:
        lines.append("分块：0 个")
    if opening := next((c.opening for c in document.chunks if c.opening), ""):
        lines.append(f"无章节标题：后续分块连同开头一句检索：「{opening}」")
    return "\n".join(lines)
