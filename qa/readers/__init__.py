"""File → `Decoded`, by format: one module per format behind the same `read(path, data, limits)`.

The format is chosen by the file's suffix and checked against its first bytes, so a file whose
extension lies (a Word document named .pdf, a PDF named .txt) is refused with a message that says
what it really is. Readers of formats whose libraries are heavy import them on first use.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from qa.readers.base import Decoded, IngestError, Limits

log = logging.getLogger(__name__)

__all__ = ["FORMAT_NAMES", "SUFFIXES", "SUPPORTED_FORMATS", "Decoded", "IngestError", "Limits", "read_report", "sniff"]

#: suffix → reader module (each has `read(path, data, limits) -> Decoded`).
_READERS = {
    ".txt": "qa.readers.text",
    ".md": "qa.readers.text",
    ".markdown": "qa.readers.text",
    ".pdf": "qa.readers.pdf",
    ".docx": "qa.readers.docx",
    ".doc": "qa.readers.doc",
    ".wps": "qa.readers.doc",  # WPS Office's own word-processor files: the .doc binary format
    ".html": "qa.readers.html",
    ".htm": "qa.readers.html",
    ".mht": "qa.readers.mhtml",
    ".mhtml": "qa.readers.mhtml",
    ".odt": "qa.readers.odt",
    ".rtf": "qa.readers.rtf",
    ".ofd": "qa.readers.ofd",
    ".epub": "qa.readers.epub",
    ".png": "qa.readers.image",
    ".jpg": "qa.readers.image",
    ".jpeg": "qa.readers.image",
}
SUFFIXES = tuple(_READERS)
#: The formats a report may come in, as refusals name them (here and in `qa.library`).
SUPPORTED_FORMATS = "PDF、OFD、Word/WPS（.docx/.doc/.wps）、OpenDocument（.odt）、RTF、网页（.html/.mht）、电子书（.epub）、图片（.png/.jpg）或文本（.txt/.md）"
#: What a sniffed kind is called in messages, and the suffix it should have.
FORMAT_NAMES = {
    "text": ("文本", ".txt"),
    "pdf": ("PDF 文档", ".pdf"),
    "docx": ("Word 文档", ".docx"),
    "html": ("网页", ".html"),
    "mhtml": ("网页存档", ".mht"),
    "doc": ("旧版 Word 文档（.doc）", ".doc"),
    "ofd": ("OFD 版式文档", ".ofd"),
    "odt": ("OpenDocument 文档", ".odt"),
    "rtf": ("RTF 文档", ".rtf"),
    "epub": ("EPUB 电子书", ".epub"),
    "zip": ("ZIP 压缩包", ".zip"),
    "image": ("图片", ".png/.jpg"),
    "binary": ("二进制文件", ""),
}
_KIND_OF_SUFFIX = {".txt": "text", ".md": "text", ".markdown": "text", ".pdf": "pdf", ".docx": "docx",
                   ".doc": "doc", ".wps": "doc", ".html": "html", ".htm": "html", ".mht": "mhtml", ".mhtml": "mhtml",
                   ".ofd": "ofd", ".odt": "odt", ".rtf": "rtf", ".epub": "epub",
                   ".png": "image", ".jpg": "image", ".jpeg": "image"}


#: A MIME message's version header at the start of a line of its head (lower-cased): a web archive's.
_MIME_HEADER = re.compile(rb"(?:^|\n)mime-version:\s*1\.0")


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the file is called: "pdf", "docx", "ofd", "odt", "epub", "rtf", "html", "mhtml",
    "doc", "zip", "image", "binary" or "text"."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _archive_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if _MIME_HEADER.search(lowered) and b"multipart/related" in lowered:
        return "mhtml"  # a browser's web archive: MIME headers, then the page and its parts
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or (b"<html" in lowered and b"<body" in lowered):
        return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def _archive_kind(data: bytes) -> str:
    """What a ZIP archive holds: a Word document ("docx"), an OFD ("ofd"), an e-book ("epub": its `mimetype`
    entry says so), an OpenDocument ("odt"), or something else ("zip")."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = _mimetype(archive) if "mimetype" in names else b""
    except zipfile.BadZipFile:
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    if "META-INF/container.xml" in names and mimetype.startswith(b"application/epub+zip"):
        return "epub"
    if "mimetype" in names or "content.xml" in names:
        return "odt"  # an OpenDocument package; its reader names a kind other than text
    return "zip"


def _mimetype(archive: zipfile.ZipFile) -> bytes:
    """An OCF package's `mimetype` entry (EPUB, OpenDocument); empty when it is too long to be one or cannot
    be read (encrypted, an unknown compression, damaged)."""
    try:
        info = archive.getinfo("mimetype")
        return archive.read(info).strip()[:64] if info.file_size <= 256 else b""
    except (KeyError, RuntimeError, NotImplementedError, OSError, zipfile.BadZipFile):
        return b""


#: Recently decoded files by content: a scan checked before an upload and read again by the build
#: that follows is OCR'd once.
_CACHE: OrderedDict[tuple[str, str, Limits], Decoded] = OrderedDict()
_CACHE_SIZE = 64
_cache_lock = threading.Lock()


def read_report(path: Path | str, limits: Limits | None = None) -> Decoded:
    """Read one report file of any supported format. Raises `IngestError` naming the file and saying
    what to do when it is of another format than its suffix says, unsupported, broken or too big."""
    path = Path(path)
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        raise IngestError(
            f"{path}: 不支持的文件类型 {path.suffix or '（无扩展名）'}，"
            f"请提供{SUPPORTED_FORMATS}格式的报告"
        )
    if not path.is_file():
        raise IngestError(f"{path}: 文件不存在或不是普通文件")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: 无法读取文件（{error.strerror or error}）") from error
    if not data.strip():
        raise IngestError(f"{path}: 文件为空，请放入报告正文后重试")
    expected = _KIND_OF_SUFFIX[suffix]
    actual = sniff(data)
    if actual != expected and not (expected == "text" and actual == "html"):
        name, proper = FORMAT_NAMES[actual]
        if actual in ("pdf", "docx", "doc", "html", "mhtml", "ofd", "odt", "epub", "rtf", "image"):
            advice = f"请把扩展名改为 {proper} 后重试"
        elif expected == "text" and actual in ("binary", "zip"):
            advice = "请提供 UTF-8 文本，或原始的 PDF/Word/网页文件"
        else:
            advice = "请确认文件完整、格式正确后重试"
        what = f"{name}，不是文本文件" if expected == "text" else name
        raise IngestError(f"{path}: 扩展名是 {path.suffix}，但内容是{what}：{advice}")
    key = (hashlib.sha256(data).hexdigest(), suffix, limits)
    with _cache_lock:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    reader: Callable[[Path, bytes, Limits], Decoded] = import_module(_READERS[suffix]).read
    try:
        decoded = reader(path, data, limits)
    except IngestError:
        raise
    except Exception as error:
        # a reader (or the library under it) failing on a file unlike any it was written for: that file is
        # skipped with what went wrong, not the whole build stopped (a .docx's raised 「①」 had stopped one)
        log.warning("reading %s failed", path, exc_info=True)
        raise IngestError(
            f"{path}: 读取{FORMAT_NAMES[expected][0]}时出错（{type(error).__name__}: {error}），已跳过该文件；"
            "请确认文件完整，或另存为 PDF、.docx 后重试，并请把该文件反馈给维护者"
        ) from error
    if decoded.format != "text":
        with _cache_lock:
            _CACHE[key] = decoded
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return decoded
