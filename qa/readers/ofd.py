"""OFD reports (.ofd, 开放版式文档, GB/T 33190-2016): China's fixed-layout format for official documents,
in which government e-document systems publish what they issue.

An OFD is a ZIP of XML parts: OFD.xml names the document's root (Document.xml), which lists its pages,
and each page's Content.xml places its text as text objects (TextObject: a boundary on the page, a font
size, and TextCode runs giving each character's position by an origin and the advances between
characters, DeltaX, with its 「g N d」 shorthand for N equal advances). Like a PDF's, the characters are
placed, not flowed, so this reader turns them into the same placed characters the PDF reader reads
(`qa.readers.pdf.lines_from_chars`) and the same layout rebuilds lines, paragraphs, tables (cells by
their gaps; the ruling paths are not needed), footnotes and page starts (`qa.readers.layout`). Text on
a template page (a running header, the page number) is not read, nor are annotations and signatures.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from qa.readers.base import Decoded, IngestError, Limits
from qa.readers.docx import check_archive, parse_xml
from qa.readers.layout import TextLine, assemble
from qa.readers.pdf import lines_from_chars

#: OFD lengths are millimetres; the layout reads points, as a PDF's.
POINTS_PER_MM = 72 / 25.4
#: A page's size when the document gives none (A4, in millimetres).
A4 = (0.0, 0.0, 210.0, 297.0)
#: Of a character's font size, how much stands above its baseline and below it.
ASCENT, DESCENT = 0.88, 0.12
#: Characters a page may place (a hostile page of millions of runs stops here).
MAX_CHARS_PER_PAGE = 50_000
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _local(tag: object) -> str:
    """An element's name without its namespace (producers differ in how they qualify ofd: names)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element, name: str):
    return next((c for c in element if _local(c.tag) == name), None)


def _numbers(text: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def _box(text: str | None, default: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    values = _numbers(text)
    return (values[0], values[1], values[2], values[3]) if len(values) == 4 else default


def advances(text: str | None) -> list[float]:
    """A DeltaX or DeltaY list expanded: 「g 3 5.6 2.8」 is 5.6 three times, then 2.8."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            try:
                count, value = int(float(tokens[i + 1])), float(tokens[i + 2])
            except ValueError:
                break
            out += [value] * max(0, min(count, MAX_CHARS_PER_PAGE))
            i += 3
            continue
        try:
            out.append(float(tokens[i]))
        except ValueError:
            break
        i += 1
    return out


def _parse(archive: zipfile.ZipFile, name: str, path: Path):
    from lxml import etree

    try:
        blob = archive.read(name)
    except KeyError as error:
        raise IngestError(f"{path}: OFD 文件缺少部件 {name}，文件不完整，请重新导出后重试") from error
    except (zipfile.BadZipFile, ValueError, OSError, zlib.error) as error:
        raise IngestError(f"{path}: OFD 文件的部件 {name} 已损坏（{error}），请重新导出后重试") from error
    try:
        return parse_xml(blob)
    except etree.XMLSyntaxError as error:
        raise IngestError(f"{path}: OFD 文件的部件 {name} 已损坏（{error}），请重新导出后重试") from error


def _resolve(base: str, location: str) -> str:
    """A part's name in the archive: OFD locations are relative to the part naming them, or absolute."""
    location = location.strip().replace("\\", "/")
    joined = location.lstrip("/") if location.startswith("/") else posixpath.join(posixpath.dirname(base), location)
    return posixpath.normpath(joined)


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    check_archive(path, data, limits, what="OFD 文件", suffix=".ofd")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "OFD.xml" not in archive.namelist():
            raise IngestError(f"{path}: 不是 OFD 文件（压缩包里没有 OFD.xml），请确认文件是 .ofd 版式文档")
        root = _parse(archive, "OFD.xml", path)
        body = _child(root, "DocBody")
        doc_root = _child(body, "DocRoot") if body is not None else None
        if doc_root is None or not (doc_root.text or "").strip():
            raise IngestError(f"{path}: OFD 文件没有指明文档（OFD.xml 缺少 DocRoot），请重新导出后重试")
        document_name = _resolve("OFD.xml", doc_root.text)
        document = _parse(archive, document_name, path)
        common = _child(document, "CommonData")
        area = _child(common, "PageArea") if common is not None else None
        default_box = _box(_child(area, "PhysicalBox").text, A4) if area is not None and _child(area, "PhysicalBox") is not None else A4
        pages_element = _child(document, "Pages")
        listed = [p for p in pages_element if _local(p.tag) == "Page"] if pages_element is not None else []
        if not listed:
            raise IngestError(f"{path}: OFD 文件没有页面，请检查文件是否完整")
        if len(listed) > limits.max_pages:
            raise IngestError(
                f"{path}: OFD 共 {len(listed)} 页，超过上限 {limits.max_pages} 页（QA_MAX_PAGES），"
                "请只上传报告本身的页面，或调高上限"
            )
        pages: list[list[TextLine]] = []
        for number, page in enumerate(listed, start=1):
            content = _parse(archive, _resolve(document_name, page.get("BaseLoc", "")), path)
            pages.append(page_lines(content, number, default_box))
    decoded = assemble(pages, len(pages), "ofd")
    if not decoded.text.strip():
        raise IngestError(f"{path}: OFD 中没有可读取的文字（页面可能是扫描图片），请提供带文字的 OFD 或 PDF")
    return decoded


def page_lines(content, number: int, default_box: tuple[float, float, float, float]) -> list[TextLine]:
    """The text lines of one page's Content.xml."""
    area = _child(content, "Area")
    box = _child(area, "PhysicalBox") if area is not None else None
    _left, _top, width, height = _box(box.text, default_box) if box is not None else default_box
    chars: list[tuple[str, float, float, float, float, float, bool]] = []
    for text_object in content.iter():
        if _local(text_object.tag) != "TextObject":
            continue
        chars += _placed(text_object)
        if len(chars) > MAX_CHARS_PER_PAGE:
            break
    return lines_from_chars(chars, number, width * POINTS_PER_MM, height * POINTS_PER_MM)


def _placed(text_object) -> list[tuple[str, float, float, float, float, float, bool]]:
    """The characters of a TextObject, placed on the page in points: (char, size, left, right, top, bottom,
    is_space). A TextCode without X or Y goes on where the one before it ended; a CTM scales and moves the
    object's own space (a turn is not read: reports set their text upright)."""
    x0, y0, _w, _h = _box(text_object.get("Boundary"), (0.0, 0.0, 0.0, 0.0))
    size = (_numbers(text_object.get("Size")) or [3.5])[0]
    ctm = _numbers(text_object.get("CTM"))
    a, _b, _c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    scale = abs(a) or 1.0
    out = []
    x = y = 0.0
    for code in text_object:
        if _local(code.tag) != "TextCode" or not code.text:
            continue
        x = (_numbers(code.get("X")) or [x])[0]
        y = (_numbers(code.get("Y")) or [y])[0]
        dx, dy = advances(code.get("DeltaX")), advances(code.get("DeltaY"))
        for i, char in enumerate(code.text):
            step = dx[i] if i < len(dx) else (size if ord(char) > 0x2E7F else size / 2)
            left = x0 + a * x + e
            baseline = y0 + d * y + f
            glyph = size * scale
            if char.isspace():
                out.append((" ", 0.0, 0.0, 0.0, 0.0, 0.0, True))
            else:
                out.append((
                    char,
                    glyph * POINTS_PER_MM,
                    left * POINTS_PER_MM,
                    (left + step * scale) * POINTS_PER_MM,
                    (baseline - ASCENT * glyph) * POINTS_PER_MM,
                    (baseline + DESCENT * glyph) * POINTS_PER_MM,
                    False,
                ))
            x += step
            y += dy[i] if i < len(dy) else 0.0
    return out
