"""OpenDocument text reports (.odt, ODF 1.2/1.3, as LibreOffice saves them): paragraphs, headings (their
level, and the chapter number the outline style draws for them, such as 「一、」), bold lead sentences, list
items with the number their list style draws (LibreOffice stores no list item's number: 「1.」「（一）」 are
drawn from `text:list-style` and counted here, item by item, as LibreOffice draws them), footnotes and
endnotes, tables as text rows (a merged cell's text in every place it covers), the text of frames and text
boxes after the paragraph they are anchored in, and charts as the tables of figures they draw — so that a
report saved as .odt reads as the same report saved as .docx does (`qa.readers.docx`, whose line dialect
and table sentences this reader writes).

Headers and footers (in styles.xml's master pages) are no part of the report and are not read; nor are
comments (office:annotation), generated tables of contents and indexes, tracked deletions (their text
lives in text:tracked-changes; tracked insertions stand in the body and are kept), images, and embedded
objects other than charts. A pie's shares of its whole, which the .docx reader works out when the chart's
labels show them, are not drawn here.

The package is opened with the standard library's zipfile, its XML parsed with lxml, fetching and
expanding nothing the file points to; no library does more of this (odfpy reads the same XML, and
draws no list numbers). The archive is checked before anything is inflated: a zip bomb is refused by its
declared sizes (`qa.readers.docx.check_archive`), as a .docx is. A flat OpenDocument file (.fodt, one XML
document) is read the same way.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree

from qa.readers.base import Decoded, IngestError, Limits, paragraph_line
from qa.readers.docx import check_archive, format_number, parse_xml
from qa.readers.tables import stated_unit, table_sentences

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_CHART = "urn:oasis:names:tc:opendocument:xmlns:chart:1.0"
_XLINK = "http://www.w3.org/1999/xlink"
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: The media types of a text document and of its template (the `mimetype` entry, or a flat file's
#: office:mimetype).
TEXT_MEDIA_TYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template")
#: What the other OpenDocument kinds are called in a refusal, by the last word of their media type (or
#: the element under office:body), and the suffix they are saved with.
OTHER_KINDS = {
    "spreadsheet": ("电子表格", ".ods"),
    "presentation": ("演示文稿", ".odp"),
    "graphics": ("绘图", ".odg"),
    "drawing": ("绘图", ".odg"),
    "chart": ("图表", ".odc"),
    "formula": ("公式", ".odf"),
    "image": ("图像", ".odi"),
    "database": ("数据库", ".odb"),
}
#: Spaces one text:s may stand for (a real file writes a handful; a hostile one may ask for a billion).
MAX_SPACES = 64
#: Cells one row of a table may have once repeats are counted: a spreadsheet pasted into a document
#: repeats its empty cells to column 16,384 (and its empty rows to row 1,048,576).
MAX_COLUMNS = 256
#: Rows one table may have once repeats are counted.
MAX_ROWS = 5000
#: Times a row or cell holding text is repeated (number-rows-repeated, number-columns-repeated); a repeated
#: empty row or cell reads as nothing, so it counts once.
MAX_REPEATS = 100
#: Places of cells merged down that are recorded (a real report merges a few dozen); past them a covered
#: cell takes the text on its left or above, and a hostile table costs no more time.
MAX_MERGED = 200_000
#: List and outline levels ODF defines.
MAX_LEVEL = 10

_WHITESPACE = re.compile(r"[ \t\r\n]+")
_NOTE_MARK = re.compile(r"<sup>\d+</sup>")
#: Text in a CJK script (or full-width punctuation): drawn with the style's Asian font weight.
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: Chinese financial numerals (「壹、贰、叁」), from the common ones `format_number` writes.
_CHINESE_UPPER = str.maketrans("一二三四五六七八九十", "壹贰叁肆伍陆柒捌玖拾")
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_Element = etree._Element


def _t(tag: str) -> str:
    return f"{{{_TEXT}}}{tag}"


def _tb(tag: str) -> str:
    return f"{{{_TABLE}}}{tag}"


def _st(tag: str) -> str:
    return f"{{{_STYLE}}}{tag}"


_P, _H, _LIST, _SECTION, _SPAN, _NOTE = _t("p"), _t("h"), _t("list"), _t("section"), _t("span"), _t("note")
_LIST_ITEM, _LIST_HEADER = _t("list-item"), _t("list-header")
_TABLE_EL, _ROW, _CELL, _COVERED = _tb("table"), _tb("table-row"), _tb("table-cell"), _tb("covered-table-cell")
#: Groups of rows a table may hold its rows in.
_ROW_GROUPS = (_tb("table-header-rows"), _tb("table-rows"), _tb("table-row-group"))
#: Elements a paragraph holds that are no text of it: comments, ruby annotations, markers (bookmarks,
#: references, tracked changes, index entries, page breaks) and the number a heading may carry as saved
#: (drawn here from its style instead).
_NOT_TEXT = frozenset({
    f"{{{_OFFICE}}}annotation", f"{{{_OFFICE}}}annotation-end", _t("ruby-text"), _t("number"),
    _t("soft-page-break"), _t("bookmark"), _t("bookmark-start"), _t("bookmark-end"), _t("reference-mark"),
    _t("reference-mark-start"), _t("reference-mark-end"), _t("change"), _t("change-start"), _t("change-end"),
    _t("toc-mark"), _t("toc-mark-start"), _t("toc-mark-end"), _t("alphabetical-index-mark"),
    _t("alphabetical-index-mark-start"), _t("alphabetical-index-mark-end"), _t("user-index-mark"),
    _t("user-index-mark-start"), _t("user-index-mark-end"), f"{{{_SVG}}}title", f"{{{_SVG}}}desc",
})
#: What a frame holds that is no text of the report: pictures and embedded objects other than charts
#: (`_Reader.chart` reads those), and their titles and descriptions (alternative text).
_NOT_DRAWN_TEXT = frozenset({
    f"{{{_DRAW}}}image", f"{{{_DRAW}}}object", f"{{{_DRAW}}}object-ole", f"{{{_DRAW}}}applet",
    f"{{{_DRAW}}}plugin", f"{{{_SVG}}}title", f"{{{_SVG}}}desc", f"{{{_OFFICE}}}annotation",
})


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    """The report in an .odt (or a flat .fodt) as lines; `IngestError` naming the file for one that is not
    an OpenDocument text document, is password-protected, damaged, too big unpacked, or holds no text."""
    package = _open(path, data, limits)
    body = package.content.find(f"{{{_OFFICE}}}body")
    text_body = body.find(f"{{{_OFFICE}}}text") if body is not None else None
    if text_body is None:
        raise IngestError(_not_a_text_document(path, body))
    reader = _Reader(package, path, limits)
    lines: list[str] = []
    reader.blocks(text_body, lines)
    lines += [f"<sup>{n}</sup> {text}" for n, text in sorted(reader.notes) if text]
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise IngestError(f"{path}: OpenDocument 文档中没有文字，请确认它是报告正文")
    return Decoded(text, "odt")


# ---------------------------------------------------------------- the package


class _Package:
    """An opened document: content.xml's and styles.xml's roots (styles None when there is none; a flat file's
    one root for both), and the XML of the objects embedded in it (charts), read when a frame names one."""

    def __init__(self, content: _Element, styles: _Element | None, data: bytes | None = None,
                 names: frozenset[str] = frozenset()) -> None:
        self.content, self.styles = content, styles
        self.data, self.names = data, names
        self.objects: dict[str, _Element | None] = {}  # part → its XML, each part parsed once

    def object_xml(self, embedded: _Element) -> _Element | None:
        """The content of the object a draw:object holds (a flat file's) or names (a package's
        「./Object 2」), or None when it has none, or none that parses: such an object is left out."""
        inline = embedded.find(f"{{{_OFFICE}}}document")
        if inline is not None:
            return inline
        href = (embedded.get(f"{{{_XLINK}}}href") or "").removeprefix("./").strip("/")
        part = next((f"{name}/content.xml" for name in (href, unquote(href)) if f"{name}/content.xml" in self.names), None)
        if part is None or self.data is None:
            return None
        if part not in self.objects:
            try:
                with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                    self.objects[part] = parse_xml(archive.read(part))
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, etree.XMLSyntaxError):
                self.objects[part] = None
        return self.objects[part]


def _open(path: Path, data: bytes, limits: Limits) -> _Package:
    """The document in `data`, its archive checked, its kind and encryption refused with a message."""
    if not data.startswith(b"PK"):
        return _open_flat(path, data)
    check_archive(path, data, limits, "OpenDocument 文档", ".odt")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = frozenset(archive.namelist())
            kind = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else None
            if kind not in (None, *TEXT_MEDIA_TYPES):
                raise IngestError(_not_odt(path, kind, names))
            if "META-INF/manifest.xml" in names and _encrypted(archive.read("META-INF/manifest.xml")):
                # parts encrypted one by one, or (LibreOffice 7.5 on) the whole package as one encrypted part
                raise IngestError(
                    f"{path}: 该 OpenDocument 文档设有密码（已加密），无法读取；请在 LibreOffice 或 WPS 中打开，"
                    "另存为不带密码的 .odt（取消“使用密码保存”）后重试"
                )
            if "content.xml" not in names:
                raise IngestError(_not_odt(path, kind, names))
            content = _part(path, archive, "content.xml")
            styles = _part(path, archive, "styles.xml") if "styles.xml" in names else None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise IngestError(f"{path}: OpenDocument 文档已损坏（{error}），请用 LibreOffice 或 WPS 重新保存为 .odt 后重试") from error
    return _Package(content, styles, data, names)


def _part(path: Path, archive: zipfile.ZipFile, name: str) -> _Element:
    try:
        return parse_xml(archive.read(name))
    except etree.XMLSyntaxError as error:
        raise IngestError(
            f"{path}: OpenDocument 文档内容已损坏（{name} 无法解析：第 {error.lineno} 行），"
            "请用 LibreOffice 或 WPS 重新保存为 .odt 后重试"
        ) from error


def _open_flat(path: Path, data: bytes) -> _Package:
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as error:
        raise IngestError(f"{path}: OpenDocument 文档已损坏（不是完整的 .odt 压缩包），请用 LibreOffice 或 WPS 重新保存为 .odt 后重试") from error
    if root.tag != f"{{{_OFFICE}}}document":
        raise IngestError(f"{path}: 不是 OpenDocument 文字文档，请用 LibreOffice 或 WPS 另存为 .odt 后重试")
    return _Package(root, root)


def _encrypted(manifest: bytes) -> bool:
    """Whether the manifest says some part is encrypted (a document saved with a password)."""
    try:
        root = parse_xml(manifest)
    except etree.XMLSyntaxError:
        return False  # a damaged manifest says nothing; content.xml decides
    return next(root.iter(f"{{{_MANIFEST}}}encryption-data"), None) is not None


def _not_odt(path: Path, kind: str | None, names: frozenset[str]) -> str:
    """Why a zip archive named .odt is not read, and what to do."""
    other = OTHER_KINDS.get((kind or "").rsplit(".", 1)[-1].removesuffix("-template"))
    if kind and kind.startswith("application/vnd.oasis.opendocument.") and other:
        return f"{path}: 这是 OpenDocument {other[0]}（{other[1]}），不是文字文档；请把报告另存为 .odt、.docx 或 PDF 后重试"
    if "word/document.xml" in names:
        return f"{path}: 扩展名是 .odt，但内容是 Word 文档：请把扩展名改为 .docx 后重试"
    return f"{path}: 不是 OpenDocument 文字文档（压缩包中没有 content.xml），请用 LibreOffice 或 WPS 另存为 .odt 后重试"


def _not_a_text_document(path: Path, body: _Element | None) -> str:
    """Why content.xml whose body holds no office:text is not read (a spreadsheet with its mimetype lost)."""
    inside = next((child for child in body.iterchildren() if isinstance(child.tag, str)), None) if body is not None else None
    other = OTHER_KINDS.get(etree.QName(inside).localname) if inside is not None else None
    if other:
        return f"{path}: 这是 OpenDocument {other[0]}（{other[1]}），不是文字文档；请把报告另存为 .odt、.docx 或 PDF 后重试"
    return f"{path}: OpenDocument 文档中没有正文（缺少 office:text），请用 LibreOffice 或 WPS 重新保存为 .odt 后重试"


# ---------------------------------------------------------------- styles


@dataclass(frozen=True)
class _Style:
    """What a style (style:style) says that the reader uses; None where it says nothing (its parent may)."""

    parent: str | None
    #: Font weight is bold, for Western text and for CJK text (ODF weighs them apart).
    bold: bool | None
    bold_asian: bool | None
    list_style: str | None
    outline_level: int | None


@dataclass(frozen=True)
class _Level:
    """One level of a list style: a number drawn as prefix + counters + suffix; `fmt` None for a bullet."""

    fmt: str | None
    prefix: str = ""
    suffix: str = ""
    start: int = 1
    #: How many levels' counters the label shows (display-levels 2: 「2.1.」).
    shown: int = 1


#: Bold as a piece of text is drawn: (Western weight, Asian weight), None where no style says.
_Weight = tuple[bool | None, bool | None]


def _bold(weight: str | None) -> bool | None:
    """Whether a font weight (fo:font-weight: normal, bold, 100…900) is bold; None where none is given."""
    if weight is None:
        return None
    return weight == "bold" or _number(weight, 0, 1000) >= 600


#: A count as the file writes it: ASCII digits (str.isdigit takes 「²」 and 「①」 too, which int refuses).
_DIGITS = re.compile(r"[0-9]+")


def _number(value: str | None, default: int, top: int) -> int:
    """A count the file gives (a repeat, a span, a level, a start value), within 1..top; `default` when it
    gives none. A count of more digits than any real one has is `top` (and is never converted whole)."""
    if not value or not _DIGITS.fullmatch(value):
        return default
    return top if len(value) > 9 else min(max(int(value), 1), top)


def _levels(element: _Element) -> dict[int, _Level]:
    levels = {}
    for level in element.iterchildren():
        number = _number(level.get(_t("level")), 0, MAX_LEVEL)
        if not number:
            continue
        if level.tag in (_t("list-level-style-number"), _t("outline-level-style")):
            levels[number] = _Level(
                level.get(_st("num-format"), ""), level.get(_st("num-prefix"), ""), level.get(_st("num-suffix"), ""),
                _number(level.get(_t("start-value")), 1, 10**6), _number(level.get(_t("display-levels")), 1, number),
            )
        else:  # a bullet or a picture
            levels[number] = _Level(None)
    return levels


def _format(n: int, fmt: str) -> str:
    """A counter in an ODF number format: 1, a, A, i, I, or LibreOffice's 「一, 二, 三, ...」 and the like."""
    if fmt == "":
        return ""
    if fmt.startswith("一"):
        return format_number(n, "chineseCounting")
    if fmt.startswith("壹"):
        return format_number(n, "chineseCounting").translate(_CHINESE_UPPER)
    if fmt.startswith("①"):
        return format_number(n, "decimalEnclosedCircle")
    if fmt.startswith("１"):
        return str(n).translate(_FULL_WIDTH_DIGITS)
    word = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(fmt[:1], "decimal")
    return format_number(n, word)


# ---------------------------------------------------------------- the reader


class _Reader:
    def __init__(self, package: _Package, path: Path, limits: Limits) -> None:
        self.package, self.path, self.limits = package, path, limits
        content, styles = package.content, package.styles
        self.styles: dict[tuple[str, str], _Style] = {}  # (family, name) → style
        self.defaults: dict[str, _Style] = {}  # family → its default style
        self.list_styles: dict[str, dict[int, _Level]] = {}
        self.outline_name, self.outline = "Outline", {}
        # common styles first (styles.xml's office:styles), then content.xml's automatic styles, which the
        # body's paragraphs and spans name; styles.xml's own automatic styles are its headers' and footers'
        if styles is not None and styles is not content:
            for holder in styles.iterchildren(f"{{{_OFFICE}}}styles"):
                self._read_styles(holder)
        for holder in content.iterchildren(f"{{{_OFFICE}}}styles", f"{{{_OFFICE}}}automatic-styles"):
            self._read_styles(holder)
        self.lists_by_id: dict[str, dict[int, int]] = {}
        self.last_list_by_style: dict[str | None, dict[int, int]] = {}
        self.last_list: dict[int, int] | None = None
        self.outline_counters: dict[int, int] = {}
        self.notes: list[tuple[int, str]] = []  # (number shown, text)
        self.note_numbers: set[int] = set()
        self.last_note = 0  # the highest number shown so far
        self._inherited_cache: dict[tuple[str, str | None, str], Any] = {}
        self.copied = 0  # characters of cells repeated or spanned so far
        self.merged = 0  # places merged cells have been recorded in so far

    def _read_styles(self, holder: _Element) -> None:
        for element in holder.iterchildren():
            if element.tag == _st("style"):
                props = element.find(_st("text-properties"))
                self.styles[(element.get(_st("family"), ""), element.get(_st("name"), ""))] = _Style(
                    element.get(_st("parent-style-name")),
                    _bold(props.get(f"{{{_FO}}}font-weight")) if props is not None else None,
                    _bold(props.get(_st("font-weight-asian"))) if props is not None else None,
                    element.get(_st("list-style-name")),
                    _number(element.get(_st("default-outline-level")), 0, MAX_LEVEL) or None,
                )
            elif element.tag == _st("default-style"):
                props = element.find(_st("text-properties"))
                if props is not None:
                    self.defaults[element.get(_st("family"), "")] = _Style(
                        None, _bold(props.get(f"{{{_FO}}}font-weight")), _bold(props.get(_st("font-weight-asian"))),
                        None, None)
            elif element.tag == _t("list-style"):
                self.list_styles[element.get(_st("name"), "")] = _levels(element)
            elif element.tag == _t("outline-style"):
                self.outline_name = element.get(_st("name"), "Outline")
                self.outline = _levels(element)
                self.list_styles[self.outline_name] = self.outline

    def _chain(self, family: str, name: str | None) -> Iterator[_Style]:
        """The style and those it inherits from, nearest first, then a paragraph style's default (a character
        style has none of its own to fall back on: its text is its paragraph's)."""
        seen: set[str] = set()
        while name and (family, name) in self.styles and name not in seen:
            seen.add(name)
            yield self.styles[(family, name)]
            name = self.styles[(family, name)].parent
        if family == "paragraph" and family in self.defaults:
            yield self.defaults[family]

    def _inherited(self, family: str, name: str | None, field: str) -> Any:
        """What the style `name` says of `field`, or the nearest style it inherits from, or the default."""
        key = (family, name, field)
        if key not in self._inherited_cache:
            self._inherited_cache[key] = next(
                (value for style in self._chain(family, name) if (value := getattr(style, field)) is not None), None)
        return self._inherited_cache[key]

    def _paragraph_weight(self, name: str | None) -> _Weight:
        return self._inherited("paragraph", name, "bold"), self._inherited("paragraph", name, "bold_asian")

    def _span_weight(self, name: str | None, outer: _Weight) -> _Weight:
        """A span's weight: what its character style (or those it inherits from) says, else its surroundings'
        (a span's text is its paragraph's unless its style says otherwise)."""
        if not name or ("text", name) not in self.styles:
            return outer
        western, asian = self._inherited("text", name, "bold"), self._inherited("text", name, "bold_asian")
        return (outer[0] if western is None else western), (outer[1] if asian is None else asian)

    # ------------------------------------------------------------ blocks

    def blocks(self, parent: _Element, lines: list[str]) -> None:
        for child in parent.iterchildren():
            self.block(child, lines)

    def block(self, element: _Element, lines: list[str]) -> None:
        """The lines of one element of the body (or of a section, a cell, a text box). Elements not named
        here — generated tables of contents and indexes, tracked changes, declarations, forms — are left out."""
        tag = element.tag
        if tag == _P:
            self.paragraph_lines(element, lines)
        elif tag == _H:
            self.paragraph_lines(element, lines, self._outline_label(element))
        elif tag == _LIST:
            self.list_items(element, lines)
        elif tag == _TABLE_EL:
            before = next((line for line in reversed(lines) if line.strip()), "")
            self.table(element, lines, stated_unit(before))
        elif tag == _SECTION:
            if element.get(_t("display")) != "none":  # a hidden section is not printed
                self.blocks(element, lines)
        elif tag == _t("numbered-paragraph"):
            self.numbered_paragraph(element, lines)
        elif isinstance(tag, str) and tag.startswith(f"{{{_DRAW}}}"):
            self.drawing(element, lines)  # a shape anchored to the page

    def paragraph_lines(self, p: _Element, lines: list[str], label: str = "") -> None:
        """A paragraph's line, then the lines of the frames anchored in it."""
        frames: list[_Element] = []
        before = next((line for line in reversed(lines) if line.strip()), "")
        own = self.paragraph(p, label, frames)
        lines.append(own)
        for frame in frames:
            self.drawing(frame, lines, (p, own, before))

    def drawing(self, element: _Element, lines: list[str], anchor: tuple[_Element, str, str] | None = None) -> None:
        """The text of a frame, a text box or a shape (its paragraphs, lists and tables), read as body text,
        and the figures of a chart embedded in it. A sidebar of figures (「数据速览」) floats beside the body so;
        a report may give its main indicators only as a chart. Pictures and other objects are left out.
        `anchor`: the paragraph the frame is anchored in, its line and the line before it, where a chart's
        caption may state its unit."""
        for child in element.iterchildren():
            if child.tag in (_P, _H, _LIST, _TABLE_EL, _SECTION):
                self.block(child, lines)
            elif child.tag == f"{{{_DRAW}}}object":
                lines += self.chart(child, anchor)
            elif isinstance(child.tag, str) and child.tag.startswith(f"{{{_DRAW}}}") and child.tag not in _NOT_DRAWN_TEXT:
                self.drawing(child, lines, anchor)

    def chart(self, embedded: _Element, anchor: tuple[_Element, str, str] | None) -> list[str]:
        """A chart's data table (the figures it draws, which an ODF chart keeps in a table of its own) as a
        table's rows, its title merged across, as `qa.readers.docx` reads a Word chart's cached figures, in
        the unit its title or caption states (in the paragraph it is anchored in, the paragraph after it —
        a figure's caption stands under it in Chinese reports — or the line before it). Nothing for an
        object that is no chart, or a chart without figures."""
        root = self.package.object_xml(embedded)
        chart = next(root.iter(f"{{{_CHART}}}chart"), None) if root is not None else None
        table = chart.find(_TABLE_EL) if chart is not None else None
        if table is None:
            return []
        rows = self._grid(list(_rows(table)), [], values=True)
        if not any(cell for row in rows[1:] for cell in row[1:]):
            return []
        title = chart.find(f"{{{_CHART}}}title")
        title_text = " ".join("".join(title.itertext()).split()) if title is not None else ""
        if title_text:
            rows.insert(0, [title_text] * len(rows[0]))
        unit = None
        if anchor is not None:
            p, own, before = anchor
            unit = next(filter(None, map(stated_unit, (own, _following_text(p), before))), None)
        sentences = table_sentences(rows, unit)
        self._spend(sum(map(len, sentences)))  # many frames may name one object
        return sentences

    # ------------------------------------------------------------ paragraphs

    def heading_level(self, h: _Element) -> int:
        level = _number(h.get(_t("outline-level")), 0, MAX_LEVEL)
        return level or self._inherited("paragraph", h.get(_t("style-name")), "outline_level") or 1

    def paragraph(self, p: _Element, label: str, frames: list[_Element], *, plain: bool = False) -> str:
        """A paragraph's line in the dialect of `qa.readers.base`, as `qa.readers.docx` writes one; `plain`:
        its text alone (a table's cell). Frames found in it are added to `frames`."""
        pieces: list[tuple[str, bool]] = []  # (text, bold)
        self._collect(p, pieces, self._paragraph_weight(p.get(_t("style-name"))), frames)
        text = "".join(t for t, _ in pieces)
        if plain:
            return _NOTE_MARK.sub("", text).replace("\n", " ")
        return paragraph_line(label, pieces, self.heading_level(p) if p.tag == _H else 0)

    def _collect(self, element: _Element, pieces: list[tuple[str, bool]], weight: _Weight, frames: list[_Element] | None) -> None:
        """The text of a paragraph or of a span in it, in order, each piece with whether it is drawn bold."""
        if element.text:
            _add_text(pieces, _WHITESPACE.sub(" ", element.text), weight)
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _NOT_TEXT:
                pass  # a comment, an entity left unexpanded, a marker
            elif tag == _SPAN:
                self._collect(child, pieces, self._span_weight(child.get(_t("style-name")), weight), frames)
            elif tag == _t("s"):
                _add_text(pieces, " " * _number(child.get(_t("c")), 1, MAX_SPACES), weight)
            elif tag == _t("tab"):
                _add_text(pieces, " ", weight)
            elif tag == _t("line-break"):
                # a manual line break (Shift+Enter): text pasted in keeps its lines so, as in a .docx
                _add_text(pieces, "\n", weight)
            elif tag == _NOTE:
                if frames is not None:  # a note's text holds no notes
                    pieces.append((f"<sup>{self._note(child)}</sup>", False))
            elif tag.startswith(f"{{{_DRAW}}}"):
                if frames is not None:
                    frames.append(child)
            elif tag == _t("hidden-text") and child.get(_t("is-hidden")) == "true":
                pass
            else:  # a link, a field showing its value, a ruby's base, a content control
                self._collect(child, pieces, weight, frames)
            if child.tail:
                _add_text(pieces, _WHITESPACE.sub(" ", child.tail), weight)

    def _note(self, note: _Element) -> int:
        """The number a footnote or endnote is shown by (its citation when that is a number not yet used,
        else the next one), its text kept for the lines after the body."""
        citation = note.find(_t("note-citation"))
        cited = "".join(citation.itertext()).strip() if citation is not None else ""
        n = int(cited) if re.fullmatch(r"[0-9]{1,4}", cited) and int(cited) not in self.note_numbers else self.last_note + 1
        self.note_numbers.add(n)
        self.last_note = max(self.last_note, n)
        paragraphs: list[str] = []
        body = note.find(_t("note-body"))
        if body is not None:
            self._note_paragraphs(body, paragraphs)
        self.notes.append((n, _NOTE_MARK.sub("", " ".join(" ".join(paragraphs).split())).strip()))
        return n

    def _note_paragraphs(self, container: _Element, out: list[str]) -> None:
        for child in container.iterchildren():
            if child.tag in (_P, _H):
                pieces: list[tuple[str, bool]] = []
                self._collect(child, pieces, (None, None), None)
                out.append("".join(t for t, _ in pieces))
            elif isinstance(child.tag, str) and not child.tag.startswith(f"{{{_DRAW}}}") and child.tag not in _NOT_TEXT:
                self._note_paragraphs(child, out)  # a list, a table in the note

    # ------------------------------------------------------------ numbering

    def list_items(self, element: _Element, lines: list[str], outer: tuple[dict[int, int], int, str | None] | None = None) -> None:
        """A list's items, each numbered as its list style draws it on its first paragraph; a nested list is
        the next level of the same list. Every item counts at its level, one holding only a nested list
        too (as LibreOffice counts it); a list header (text:list-header) is not numbered."""
        style = element.get(_t("style-name")) or (outer[2] if outer else None)
        counters, level = (outer[0], outer[1] + 1) if outer else (self._list_counters(element, style), 1)
        for item in element.iterchildren(_LIST_ITEM, _LIST_HEADER):
            numbered = item.tag == _LIST_ITEM
            own = style or self._paragraph_list_style(item)
            if numbered:
                self._count(counters, level, own, _number(item.get(_t("start-value")), 0, 10**6) or None)
            first = True
            for child in item.iterchildren():
                if child.tag in (_P, _H):
                    label = self._label(counters, level, own) if numbered and first else ""
                    self.paragraph_lines(child, lines, label)
                elif child.tag == _LIST:
                    self.list_items(child, lines, (counters, level, style))
                elif child.tag in (_TABLE_EL, _SECTION):
                    self.block(child, lines)
                else:
                    continue  # a page break, the number as saved
                first = False

    def _paragraph_list_style(self, item: _Element) -> str | None:
        """The list style a list item's first paragraph names through its paragraph style, for a list that
        names none."""
        first = next(item.iterchildren(_P, _H), None)
        return self._inherited("paragraph", first.get(_t("style-name")), "list_style") if first is not None else None

    def _list_counters(self, element: _Element, style: str | None) -> dict[int, int]:
        """The counters a top-level text:list counts on: those of the list it continues (text:continue-list
        names it; text:continue-numbering continues the last list of its style), else new ones."""
        if style and style == self.outline_name:
            return self.outline_counters
        target = element.get(_t("continue-list"))
        if target and target in self.lists_by_id:
            counters = self.lists_by_id[target]
        elif element.get(_t("continue-numbering")) == "true" and (self.last_list_by_style.get(style) or self.last_list) is not None:
            counters = self.last_list_by_style.get(style) or self.last_list or {}
        else:
            counters = {}
        if element.get(_XML_ID):
            self.lists_by_id[element.get(_XML_ID)] = counters
        self.last_list_by_style[style] = self.last_list = counters
        return counters

    def _count(self, counters: dict[int, int], level: int, style: str | None, start: int | None) -> None:
        """One more item at `level`: its counter advanced (or set to `start`), the deeper levels' cleared."""
        spec = self.list_styles.get(style or "", {}).get(level)
        first = spec.start if spec is not None else 1
        counters[level] = start if start is not None else counters[level] + 1 if counters.get(level) else first
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]

    def _label(self, counters: dict[int, int], level: int, style: str | None) -> str:
        """The number the list style `style` draws for the item just counted at `level`: 「1.」「（一）」「2.1.」;
        "" for a bullet or an unknown style."""
        levels = self.list_styles.get(style or "", {})
        spec = levels.get(level)
        if spec is None or spec.fmt is None:
            return ""
        numbers = []
        for shown in range(max(1, level - spec.shown + 1), level + 1):
            upper = levels.get(shown)
            if upper is not None and upper.fmt is not None:
                numbers.append(_format(counters.get(shown) or upper.start, upper.fmt))
        return f"{spec.prefix}{'.'.join(numbers)}{spec.suffix}"

    def _outline_label(self, h: _Element) -> str:
        """A heading's chapter number, as the outline style (Tools ▸ Chapter Numbering) draws it; a heading
        marked as a list header is not numbered."""
        if not self.outline or h.get(_t("is-list-header")) == "true":
            return ""
        level = min(self.heading_level(h), MAX_LEVEL)
        start = _number(h.get(_t("start-value")), 1, 10**6) if h.get(_t("restart-numbering")) == "true" else None
        self._count(self.outline_counters, level, self.outline_name, start)
        return self._label(self.outline_counters, level, self.outline_name)

    def numbered_paragraph(self, element: _Element, lines: list[str]) -> None:
        """A paragraph numbered as a list item without a list around it (ODF 1.2's text:numbered-paragraph)."""
        counters = self.lists_by_id.setdefault(element.get(_t("list-id")) or "", {})
        level = _number(element.get(_t("level")), 1, MAX_LEVEL)
        for child in element.iterchildren(_P, _H):
            style = element.get(_t("style-name")) or self._inherited("paragraph", child.get(_t("style-name")), "list_style")
            self._count(counters, level, style, _number(element.get(_t("start-value")), 0, 10**6) or None)
            self.paragraph_lines(child, lines, self._label(counters, level, style))

    # ------------------------------------------------------------ tables

    def table(self, table: _Element, lines: list[str], unit: str | None = None) -> None:
        """A row a sentence (`qa.readers.tables`), in the unit the line over the table states; a merged
        cell's text in every place it covers (ODF writes the places a cell spans, across or down, as
        covered cells). A table of one column holds no data: office templates lay out a page with it, so its
        cells are read as the text they hold. A table inside a cell follows its table."""
        rows_in_order = list(_rows(table))
        if all(_width(row) <= 1 for row in rows_in_order):
            for row in rows_in_order:
                for cell in row.iterchildren(_CELL):
                    self.blocks(cell, lines)
            return
        inner: list[str] = []
        lines += table_sentences(self._grid(rows_in_order, inner), unit)
        lines += inner

    def _grid(self, rows_in_order: list[_Element], inner: list[str], *, values: bool = False) -> list[list[str]]:
        """A table's rows of cell texts, a merged cell's text in each place it covers, repeats honoured up to
        their caps. `values`: an empty cell reads as the value it holds (a chart's data table)."""
        rows: list[list[str]] = []
        spans: dict[int, tuple[int, str]] = {}  # column → (last row its merged cell covers, the cell's text)
        index = 0  # the row's index in the table as drawn, repeats counted
        for row in rows_in_order:
            cells: list[str] = []
            for cell in row.iterchildren(_CELL, _COVERED):
                if len(cells) >= MAX_COLUMNS:
                    break
                if cell.tag == _CELL:
                    text = self._cell_text(cell, inner) or (cell.get(f"{{{_OFFICE}}}value", "") if values else "")
                    across = _number(cell.get(_tb("number-columns-spanned")), 1, MAX_COLUMNS)
                    down = _number(cell.get(_tb("number-rows-spanned")), 1, 10**9)
                else:
                    column = len(cells)
                    span = spans.get(column)
                    above = rows[-1][column] if rows and column < len(rows[-1]) else ""
                    text = span[1] if span is not None and span[0] >= index else cells[-1] if cells else above
                    across = down = 1
                for _ in range(self._repeats(cell.get(_tb("number-columns-repeated")), text, MAX_COLUMNS - len(cells))):
                    if down > 1 and self.merged < MAX_MERGED:
                        # the rows below hold covered cells for it; those of its own row take the text on their left
                        for column in range(len(cells), min(len(cells) + across, MAX_COLUMNS)):
                            spans[column] = (index + down - 1, text)
                        self.merged += across
                    cells.append(text)
                    self._spend(len(text))
            repeated = self._repeats(row.get(_tb("number-rows-repeated")), "".join(cells), MAX_ROWS - len(rows))
            for copy in range(repeated):
                rows.append(list(cells))
                self._spend(sum(map(len, cells)) if copy else 0)
            index += _number(row.get(_tb("number-rows-repeated")), 1, 10**9)
            if len(rows) >= MAX_ROWS:
                break
        return rows

    def _repeats(self, value: str | None, text: str, room: int) -> int:
        """How many times a row or cell is taken: as often as it is repeated when it holds text (up to
        MAX_REPEATS), once when empty (empty rows and cells read as nothing), never past `room`."""
        times = _number(value, 1, 10**9)
        return max(0, min(times if text.strip() else 1, MAX_REPEATS, room))

    def _spend(self, characters: int) -> None:
        """Count the characters a table's repeats and merged cells (and charts) write; a file whose few bytes
        would write more than the unpacking limit is refused, as a zip bomb is."""
        self.copied += characters
        if self.copied > self.limits.max_unpacked_bytes:
            raise IngestError(
                f"{self.path}: OpenDocument 文档的表格重复单元格过多（展开后超过 "
                f"{self.limits.max_unpacked_bytes // 1048576} MB），疑似恶意构造，未读取；请提供正常导出的 .odt"
            )

    def _cell_text(self, cell: _Element, inner: list[str]) -> str:
        """A cell's paragraphs run together (as a .docx cell's are); its tables and frames go to `inner`."""
        parts: list[str] = []
        self._cell_parts(cell, parts, inner)
        return "".join(parts).strip()

    def _cell_parts(self, container: _Element, parts: list[str], inner: list[str]) -> None:
        for child in container.iterchildren():
            if child.tag in (_P, _H):
                frames: list[_Element] = []
                parts.append(self.paragraph(child, "", frames, plain=True))
                for frame in frames:
                    self.drawing(frame, inner)
            elif child.tag == _TABLE_EL:
                self.table(child, inner)
            elif child.tag in (_LIST, _LIST_ITEM, _LIST_HEADER, _SECTION):
                self._cell_parts(child, parts, inner)


def _add_text(pieces: list[tuple[str, bool]], text: str, weight: _Weight) -> None:
    """A piece of text, bold as it is drawn: CJK text by the Asian weight where a style sets one."""
    western, asian = weight
    bold = asian if asian is not None and _CJK.search(text) else western if western is not None else False
    pieces.append((text, bool(bold)))


def _following_text(p: _Element) -> str:
    """The text of the first paragraph with text after `p`, unless a table, another object or the end of its
    container comes first."""
    sibling = p.getnext()
    while sibling is not None and sibling.tag in (_P, _H) and next(sibling.iter(f"{{{_DRAW}}}object"), None) is None:
        text = "".join(sibling.itertext()).strip()
        if text:
            return text
        sibling = sibling.getnext()
    return ""


def _rows(table: _Element) -> Iterator[_Element]:
    """A table's rows in order, through its groups of rows (header rows first, as they stand)."""
    for child in table.iterchildren():
        if child.tag == _ROW:
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def _width(row: _Element) -> int:
    """The columns a row has, repeats counted (up to MAX_COLUMNS)."""
    return sum(_number(cell.get(_tb("number-columns-repeated")), 1, MAX_COLUMNS) for cell in row.iterchildren(_CELL, _COVERED))
