"""E-books (.epub, EPUB 2 and 3): a report a publisher or a county's media centre issues as an e-book.

An EPUB is a ZIP package: `META-INF/container.xml` names the package document (OPF), whose manifest lists
the book's files and whose spine gives the order they are read in. Each document of the spine is XHTML, and
is read as a web page is (`qa.readers.html.read_markup`: its text, headings, bold leads, tables as sentences,
footnote markers and notes, EPUB 3's `noteref` links and `footnote` asides among them), one after the other.
The navigation document (the table of contents, `properties="nav"`, or EPUB 2's NCX, which is no spine
document) is not read: it repeats the headings. A spine document with no text of its own (a cover page, a
picture) adds nothing.

The package is opened with the standard library's zipfile and its XML parsed with lxml, fetching and
expanding nothing the files point to; the archive is checked against the unpacking limit before anything
is inflated (`qa.readers.docx.check_archive`), as a .docx is. A book locked by DRM (`META-INF/encryption.xml`
naming its documents) is refused with what to do.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote

from qa.readers.base import Decoded, IngestError, Limits
from qa.readers.docx import check_archive, parse_xml

_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_OPF = "http://www.idpf.org/2007/opf"
_ENCRYPTION = "http://www.w3.org/2001/04/xmlenc#"
#: The media types of the spine documents read as text.
_XHTML = ("application/xhtml+xml", "text/html", "application/x-dtbook+xml")
#: What a refusal calls the format, and its suffix.
_WHAT, _SUFFIX = "EPUB 电子书", ".epub"


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    check_archive(path, data, limits, _WHAT, _SUFFIX)
    from qa.readers import html

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:  # check_archive opened it; a second failure is the same damage
        raise IngestError(f"{path}: {_WHAT}已损坏（不是完整的 {_SUFFIX} 压缩包），请重新导出后重试") from error
    with archive:
        documents = _spine_documents(path, archive)
        lines: list[str] = []
        for name in documents:
            try:
                lines += html.read(path, archive.read(name), limits).text.split("\n")
            except IngestError:
                continue  # a cover, a picture page, a page of links: no text of the report's
            except KeyError:
                continue  # the manifest names a file the package lacks
    text = "\n".join(line for line in lines if line.strip())
    if not text:
        raise IngestError(f"{path}: {_WHAT}中没有可读取的正文（可能只有图片），请提供文字版的 PDF、Word 或网页")
    return Decoded(text, "epub")


def _spine_documents(path: Path, archive: zipfile.ZipFile) -> list[str]:
    """The archive names of the spine's text documents, in reading order, less the navigation document."""
    names = set(archive.namelist())
    if "META-INF/container.xml" not in names:
        raise IngestError(f"{path}: 不是有效的 {_WHAT}（缺少 META-INF/container.xml），请用电子书软件重新导出后重试")
    container = _xml(path, archive.read("META-INF/container.xml"))
    rootfile = container.find(f".//{{{_CONTAINER}}}rootfile")
    package_name = unquote(rootfile.get("full-path") or "") if rootfile is not None else ""
    if package_name not in names:
        raise IngestError(f"{path}: 不是有效的 {_WHAT}（找不到内容清单 {package_name or 'OPF'}），请用电子书软件重新导出后重试")
    package = _xml(path, archive.read(package_name))
    base = posixpath.dirname(package_name)
    manifest = {
        item.get("id"): item
        for item in package.iter(f"{{{_OPF}}}item")
        if item.get("id") and item.get("href")
    }
    locked = _encrypted(path, archive, names)
    documents: list[str] = []
    for itemref in package.iter(f"{{{_OPF}}}itemref"):
        item = manifest.get(itemref.get("idref"))
        if item is None or item.get("media-type") not in _XHTML or "nav" in (item.get("properties") or "").split():
            continue
        name = posixpath.normpath(posixpath.join(base, unquote(item.get("href").split("#")[0])))
        if name in locked:
            raise IngestError(f"{path}: {_WHAT}受 DRM 保护（内容已加密），无法读取；请提供未加密的电子书，或报告的 PDF、Word 版本")
        if name in names and name not in documents:
            documents.append(name)
    if not documents:
        raise IngestError(f"{path}: {_WHAT}的阅读顺序（spine）中没有正文文档，请用电子书软件重新导出后重试")
    return documents


def _xml(path: Path, blob: bytes):
    """A package file's XML (`qa.readers.docx.parse_xml`), or the refusal of a damaged one."""
    from lxml import etree

    try:
        return parse_xml(blob)
    except etree.XMLSyntaxError as error:
        raise IngestError(f"{path}: {_WHAT}已损坏（{error}），请用电子书软件重新导出后重试") from error


def _encrypted(path: Path, archive: zipfile.ZipFile, names: set[str]) -> set[str]:
    """The files `META-INF/encryption.xml` says are encrypted (fonts obfuscated by the IDPF's algorithm are
    not text, and do not count)."""
    if "META-INF/encryption.xml" not in names:
        return set()
    encryption = _xml(path, archive.read("META-INF/encryption.xml"))
    locked = set()
    for data in encryption.iter(f"{{{_ENCRYPTION}}}EncryptedData"):
        method = data.find(f"{{{_ENCRYPTION}}}EncryptionMethod")
        algorithm = method.get("Algorithm") or "" if method is not None else ""
        if "obfuscation" in algorithm or "font" in algorithm:
            continue
        reference = data.find(f".//{{{_ENCRYPTION}}}CipherReference")
        if reference is not None and reference.get("URI"):
            locked.add(posixpath.normpath(unquote(reference.get("URI"))))
    return locked
