"""The chat's upload panel and reports list, free of Gradio: checking uploaded files (type, size,
count) before anything is read, adding them (`qa.library.add_reports`), switching the serving
process to the new index generation (`qa.search.reload_retriever`), and the HTML of the list of
indexed reports with its pages and formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.chat import escape
from qa.index import IndexedDocument
from qa.readers import SUFFIXES
from qa.settings import Settings

#: Files one upload may hold.
MAX_FILES = 10
FORMAT_LABELS = {"text": "文本", "pdf": "PDF", "ocr": "PDF（扫描，OCR）", "docx": "Word", "doc": "Word（.doc）", "html": "网页"}
ACCEPTED = ", ".join(s for s in SUFFIXES if s != ".markdown")


@dataclass(frozen=True)
class UploadResult:
    ok: bool
    message_html: str
    added: tuple[str, ...] = ()


def check_files(paths: Sequence[Path], settings: Settings) -> list[str]:
    """What is wrong with an upload before any file is read: too many files, a type that is not a
    report, a file over the size limit. Each problem names its file and what to do."""
    problems = []
    if not paths:
        return ["请先选择要添加的报告文件"]
    if len(paths) > MAX_FILES:
        problems.append(f"一次最多添加 {MAX_FILES} 个文件（选择了 {len(paths)} 个），请分批上传")
    limit = settings.max_report_mb * 1024 * 1024
    for path in paths:
        if path.suffix.lower() not in SUFFIXES:
            problems.append(f"{path.name}：不支持的文件类型，请上传 {ACCEPTED} 格式的报告")
        elif path.stat().st_size > limit:
            problems.append(
                f"{path.name}：文件过大（{path.stat().st_size / 1048576:.1f} MB，上限 {settings.max_report_mb} MB），"
                "请只上传报告本身，或压缩后重试"
            )
    return problems


def add_uploaded(
    paths: Sequence[Path],
    settings: Settings,
    progress: Callable[[int, int, str], None] | None = None,
    switch: Callable[[], object] | None = None,
) -> UploadResult:
    """Check, add and index uploaded files, then switch the serving process to the new index (`switch`).
    Nothing changes when any file is refused."""
    from qa.index import BuildError
    from qa.library import LibraryError, add_reports

    problems = check_files(paths, settings)
    if problems:
        return UploadResult(False, _problems_html(problems))
    try:
        report = add_reports(paths, settings, progress=progress)
    except (LibraryError, BuildError) as error:
        return UploadResult(False, _problems_html([str(error)]))
    if report.added and switch is not None:
        if progress:
            progress(1, 1, "切换到新索引")
        switch()
    lines = [
        f"已添加 {a.source}：{a.town or '—'} {a.title or ''} {a.date or ''}，{FORMAT_LABELS.get(a.file_format, a.file_format)}"
        + (f"，{a.pages} 页" if a.pages else "")
        + f"，{a.chunks} 个段落，可以提问了"
        for a in report.added
    ]
    lines += [f"{name}：已收录，内容未变" for name in report.unchanged]
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return UploadResult(True, f'<div class="qa-upload-ok"><ul>{items}</ul></div>', tuple(a.source for a in report.added))


def remove_uploaded(source: str, settings: Settings, switch: Callable[[], object] | None = None) -> UploadResult:
    from qa.index import BuildError
    from qa.library import LibraryError, remove_reports

    if not source:
        return UploadResult(False, _problems_html(["请先选择要删除的报告"]))
    try:
        remove_reports([source], settings)
    except (LibraryError, BuildError) as error:
        return UploadResult(False, _problems_html([str(error)]))
    if switch is not None:
        switch()
    return UploadResult(True, f'<div class="qa-upload-ok">已删除 {escape(source)}</div>')


def _problems_html(problems: Iterable[str]) -> str:
    items = "".join(f"<li>{escape(p)}</li>" for p in problems)
    return f'<div class="qa-upload-error"><div class="qa-label">未添加，索引未改动</div><ul>{items}</ul></div>'


def reports_table_html(documents: Iterable[IndexedDocument], removable: set[str]) -> str:
    """The indexed reports: town, title (and meeting), date, pages, format; added ones are marked."""
    rows = []
    documents = list(documents)
    for document in documents:
        meta = document.metadata
        added = ' <span class="qa-muted">（上传）</span>' if document.source in removable else ""
        rows.append(
            "<tr>"
            f"<td>{escape(meta.town or '—')}</td>"
            f"<td>{escape(meta.title or document.source)}{added}"
            f'<div class="qa-muted">{escape(meta.meeting or document.source)}</div></td>'
            f"<td>{escape(meta.date or '—')}</td>"
            f"<td>{meta.pages if meta.pages else '—'}</td>"
            f"<td>{escape(FORMAT_LABELS.get(meta.file_format, meta.file_format))}</td>"
            "</tr>"
        )
    return (
        f'<div class="qa-muted">已收录 {len(documents)} 份报告</div>'
        '<table class="qa-reports"><thead><tr><th>镇</th><th>报告</th><th>日期</th><th>页数</th><th>格式</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
