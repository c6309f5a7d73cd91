"""Filesystem safety, in one place: files written and fsynced, directories replaced atomically, locks
between processes, checksums.

The index (`qa.index`), the provisioned model (`qa.model`) and the ONNX export (`qa.onnx_export`) are
all directories that a reader must only ever see complete. Each is written into a temporary sibling,
fsynced, and renamed into place; a writer killed at any moment leaves the previous directory (or
nothing) plus a temporary sibling that the next writer removes under the same lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:  # POSIX only; without it two processes writing at once both do the work (still atomic).
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

DIR_MODE, FILE_MODE = 0o755, 0o644


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a rename into it, a new file) durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """fsync every file and directory under `root`."""
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))


def write_file(path: Path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to `path` and fsync it."""
    mode = "wb" if isinstance(data, bytes) else "w"
    with path.open(mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def replace_file(path: Path, data: str | bytes) -> None:
    """Replace `path` atomically: write a fsynced sibling, rename it over `path`, fsync the directory."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    write_file(tmp, data)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def make_readable(root: Path) -> None:
    """Directories 0755 and files 0644 under `root` (a temporary directory is created 0700)."""
    os.chmod(root, DIR_MODE)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), DIR_MODE)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), FILE_MODE)


@contextlib.contextmanager
def exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (created if missing) across processes; a second holder waits."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _temp_prefix(final: Path) -> str:
    return f".{final.name}.tmp-"


def _old_prefix(final: Path) -> str:
    return f".{final.name}.old-"


def remove_stale_siblings(final: Path) -> None:
    """Remove what interrupted writers of `final` left (only ever called with its lock held)."""
    for prefix in (_temp_prefix(final), _old_prefix(final)):
        for stale in final.parent.glob(f"{prefix}*"):
            log.info("Removing %s, left by an interrupted writer", stale)
            shutil.rmtree(stale, ignore_errors=True)


def write_directory_atomically(final: Path, write: Callable[[Path], None], *, what: str) -> None:
    """Run `write(tmp)` into a temporary sibling of `final`, make it readable, fsync it and rename it
    into place (the previous directory, if any, is put back when the rename fails). Call with the
    lock of `final` held (`exclusive_lock`); `remove_stale_siblings` cleans up after a killed writer."""
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(final), dir=final.parent))
    try:
        write(tmp)
        make_readable(tmp)
        fsync_tree(tmp)
        old = None
        if final.exists() or final.is_symlink():
            old = final.parent / f"{_old_prefix(final)}{os.getpid()}-{time.time_ns()}"
            log.info("Replacing the existing %s", final)
            os.replace(final, old)
        try:
            os.replace(tmp, final)
        except BaseException:
            if old is not None:  # put the previous directory back
                os.replace(old, final)
            raise
        fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    log.info("%s at %s in %.1f s", what, final, time.perf_counter() - started)


def write_json(path: Path, payload: object) -> None:
    """`payload` as indented UTF-8 JSON at `path` (parent folders created); not fsynced: for files
    inside a directory that `write_directory_atomically` fsyncs as a whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
