"""Bring your own reports: add report files to the index, or remove them, without touching the others.

Added files are kept as given (the original bytes) in `settings.upload_dir`; the index covers that
folder beside `settings.docs_dir`, so `qa build` keeps them. Adding or removing is all or nothing:

1. every file is read and parsed first (`qa.ingest.load_document`, with the page and size limits);
   a file that cannot be read stops the whole operation with a message naming it and saying what to
   do, before anything is copied;
2. the files are copied into the upload folder under a temporary name and renamed into place
   (removal moves them aside to `.removed/`);
3. the index is rebuilt incrementally (only the new passages are embedded) and swapped in atomically
   by `qa.index.build_index`; if that fails, step 2 is undone, so folder and index stay as they were.

One operation at a time per upload folder (a file lock), so two uploads cannot interleave.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qa.index import BuildReport, build_index, file_sha256, list_reports
from qa.ingest import IngestError, load_document
from qa.readers import SUFFIXES, SUPPORTED_FORMATS
from qa.settings import Settings

#: Progress callback: (step done, steps in all, what is happening).
Progress = Callable[[int, int, str], None]


class LibraryError(ValueError):
    """An add or remove that was refused; nothing was changed. The message says what to do."""


@dataclass(frozen=True)
class AddedReport:
    """A report as `qa add` read it (for the summary and the chat's list)."""

    source: str
    title: str | None
    town: str | None
    date: str | None
    file_format: str
    pages: int | None
    chunks: int


@dataclass(frozen=True)
class LibraryReport:
    added: list[AddedReport] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # already indexed with the same content
    removed: list[str] = field(default_factory=list)
    build: BuildReport | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        parts = []
        for report in self.added:
            pages = f"，{report.pages} 页" if report.pages else ""
            parts.append(
                f"已添加 {report.source}（{report.town or '—'} {report.title or ''} {report.date or ''}，"
                f"{report.file_format}{pages}，{report.chunks} 个段落块）"
            )
        parts += [f"已收录，未变：{name}" for name in self.unchanged]
        parts += [f"已删除 {name}" for name in self.removed]
        if self.build is not None:
            parts.append(self.build.summary())
        return "\n".join(parts)


def expand(paths: Iterable[Path | str]) -> list[Path]:
    """Files named, and the report files of folders named (not recursive), in order, each once."""
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and child.suffix.lower() in SUFFIXES and not child.name.startswith("."):
                    found[child] = None
        else:
            found[path] = None
    return list(found)


@contextlib.contextmanager
def _lock(settings: Settings) -> Iterator[None]:
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    with (settings.upload_dir / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_reports(
    paths: Iterable[Path | str],
    settings: Settings,
    *,
    names: dict[Path, str] | None = None,
    progress: Progress | None = None,
) -> LibraryReport:
    """Read, copy and index report files (see the module docstring). `names` gives the file name to
    keep a file under (an upload's own name, when it sits in a temporary file)."""
    started = time.perf_counter()
    files = expand(paths)
    if not files:
        raise LibraryError(f"没有找到报告文件（支持 {' '.join(SUFFIXES)}），未改动索引")
    names = names or {}
    steps = len(files) + 2
    notify = progress or (lambda done, total, what: None)
    with _lock(settings):
        existing = {p.name: p for p in list_reports(settings.docs_dir, settings.upload_dir)}
        limit = settings.max_report_mb * 1024 * 1024
        planned: list[tuple[Path, str]] = []
        added: list[AddedReport] = []
        unchanged: list[str] = []
        for done, path in enumerate(files):
            name = names.get(path, path.name)
            notify(done, steps, f"读取 {name}")
            _check_name(name)
            if not path.is_file():
                raise LibraryError(f"{name}: 文件不存在或不是普通文件，未改动索引")
            if path.stat().st_size > limit:
                raise LibraryError(
                    f"{name}: 文件过大（{path.stat().st_size / 1048576:.1f} MB，上限 {settings.max_report_mb} MB，"
                    "可用 QA_MAX_REPORT_MB 调整），未改动索引"
                )
            if name in existing:
                if file_sha256(existing[name]) == _sha256(path):
                    unchanged.append(name)
                    continue
                raise LibraryError(f"{name}: 已有同名的另一份报告；请先用 `qa remove {name}` 删除它，或给新文件改名，未改动索引")
            if any(name == other for _, other in planned):
                raise LibraryError(f"{name}: 同一批文件中有两个同名文件，请改名后重试，未改动索引")
            try:
                document = _load_as(path, name, settings)
            except IngestError as error:
                raise LibraryError(f"{error}（未改动索引）") from error
            planned.append((path, name))
            meta = document.metadata
            added.append(AddedReport(name, meta.title, meta.town, meta.date, meta.file_format, meta.pages,
                                     len(document.chunks)))
        if not planned:
            return LibraryReport(unchanged=unchanged, seconds=time.perf_counter() - started)

        placed: list[Path] = []
        try:
            for path, name in planned:
                target = settings.upload_dir / name
                tmp = settings.upload_dir / f".tmp-{os.getpid()}-{name}"
                shutil.copyfile(path, tmp)
                os.replace(tmp, target)
                placed.append(target)
            notify(len(files), steps, "建立索引（嵌入新段落）")
            build = build_index(settings, strict=False, progress=False)
        except BaseException:
            for target in placed:
                target.unlink(missing_ok=True)
            raise
        missing = [name for _, name in planned if name in build.skipped]
        if missing:  # read fine a moment ago but not by the build (changed meanwhile): undo
            for target in placed:
                target.unlink(missing_ok=True)
            build_index(settings, strict=False, progress=False)
            raise LibraryError("；".join(f"{n}: {build.skipped[n]}" for n in missing) + "（未改动索引）")
        notify(steps, steps, "完成")
        return LibraryReport(added=added, unchanged=unchanged, build=build, seconds=time.perf_counter() - started)


def _check_name(name: str) -> None:
    if not name or name.startswith(".") or "/" in name or "\\" in name or name in ("..", "."):
        raise LibraryError(f"{name!r}: 文件名不可用，请改名后重试，未改动索引")
    if Path(name).suffix.lower() not in SUFFIXES:
        raise LibraryError(
            f"{name}: 不支持的文件类型 {Path(name).suffix or '（无扩展名）'}，"
            f"请提供{SUPPORTED_FORMATS}格式的报告，未改动索引"
        )


def _load_as(path: Path, name: str, settings: Settings):
    """Parse `path` as if it were called `name` (an upload sits in a temporary file)."""
    if path.name == name:
        return load_document(path, max_chunk_chars=settings.chunk_max_chars, limits=settings.read_limits)
    staging = settings.upload_dir / f".check-{os.getpid()}"
    staging.mkdir(parents=True, exist_ok=True)
    try:
        link = staging / name
        shutil.copyfile(path, link)
        return load_document(link, max_chunk_chars=settings.chunk_max_chars, limits=settings.read_limits)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def removable(settings: Settings) -> set[str]:
    """The reports that were added (and so can be removed): the files of the upload folder."""
    if not settings.upload_dir.is_dir():
        return set()
    return {p.name for p in list_reports(settings.upload_dir) if not p.name.startswith(".")}


def remove_reports(sources: Iterable[str], settings: Settings) -> LibraryReport:
    """Take added reports out of the index; their files move to `<upload_dir>/.removed/`."""
    started = time.perf_counter()
    sources = list(dict.fromkeys(sources))
    if not sources:
        raise LibraryError("请指定要删除的报告（文件名，见 `qa reports`），未改动索引")
    with _lock(settings):
        added = removable(settings)
        for name in sources:
            if name in added:
                continue
            if (settings.docs_dir / name).exists():
                raise LibraryError(
                    f"{name}: 这是报告目录 {settings.docs_dir} 中的报告，不是添加的报告；"
                    "请从该目录移走文件后运行 `qa build`，未改动索引"
                )
            raise LibraryError(f"{name}: 索引中没有这份添加的报告（用 `qa reports` 查看），未改动索引")
        trash = settings.upload_dir / ".removed"
        trash.mkdir(exist_ok=True)
        moved: list[tuple[Path, Path]] = []
        try:
            for name in sources:
                source = settings.upload_dir / name
                target = trash / f"{time.strftime('%Y%m%d-%H%M%S')}-{name}"
                os.replace(source, target)
                moved.append((source, target))
            build = build_index(settings, strict=False, progress=False)
        except BaseException:
            for source, target in moved:
                os.replace(target, source)
            raise
        return LibraryReport(removed=sources, build=build, seconds=time.perf_counter() - started)
