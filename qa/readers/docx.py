"""Word reports (.docx): paragraphs, headings (their styles and Word's own numbering, such as 「一、」
drawn by the numbering definition rather than typed), bold lead sentences, footnotes and endnotes
(numbered as Word shows them), tables as text rows, text boxes after the paragraph they are anchored in,
charts as the tables of figures they draw and SmartArt as the lines of text it lays out, where they are
anchored. Tracked deletions, moved-from text, comments and field codes are not part of the report and
are left out; tracked insertions are kept.

python-docx opens the package (and refuses what is not one); the body and the notes are read from
its XML directly, because python-docx reads neither footnotes nor numbering nor tracked changes.
Chosen by measurement against docx2python (bench/readers.py, README "Readers"). The archive is checked
before anything is inflated: a zip bomb is refused by its declared sizes.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

from qa.readers.base import Decoded, IngestError, Limits, paragraph_line
from qa.readers.drawings import CHART_NS, DIAGRAM_NS, DRAWING_NS, chart_rows, diagram_lines
from qa.readers.tables import stated_unit, table_sentences

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: Markup compatibility: Word writes a text box twice, as a DrawingML shape (mc:Choice) and as a VML
#: one (mc:Fallback) for older readers.
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": _W}
#: The relationships a drawing's frame (a:graphicData) names its chart's or SmartArt's parts by.
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: The relationship parts (*.rels) of an Open Packaging archive.
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
#: The content types of an imported part (w:altChunk) read as a web page, and as a web archive.
_HTML_CHUNKS = ("text/html", "application/xhtml+xml")
_ARCHIVE_CHUNKS = ("message/rfc822", "multipart/related", "application/x-mimearchive")
#: The content types of an imported part read as RTF.
_RTF_CHUNKS = ("application/rtf", "text/rtf")
#: Entries a real document has a few dozen of.
MAX_ENTRIES = 2000


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def check_archive(path: Path, data: bytes, limits: Limits, what: str = "Word 文档", suffix: str = ".docx") -> None:
    """Refuse an archive that would unpack to more than the limit (sizes from the central directory).
    `what` and `suffix` name the format in the message (the OpenDocument and OFD readers check theirs here)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as error:
        raise IngestError(f"{path}: {what}已损坏（不是完整的 {suffix} 压缩包），请重新保存或导出后重试") from error
    total = sum(info.file_size for info in infos)
    if len(infos) > MAX_ENTRIES or total > limits.max_unpacked_bytes:
        raise IngestError(
            f"{path}: {what}解压后过大（{total / 1048576:.0f} MB，{len(infos)} 个部件，上限 "
            f"{limits.max_unpacked_bytes // 1048576} MB），疑似压缩炸弹，未读取；请提供正常导出的 {suffix}"
        )


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    check_archive(path, data, limits)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        try:
            document = docx.Document(io.BytesIO(data))
        except KeyError:
            # a relationship names a part the archive lacks (a chart's part dropped by a tool that rewrote the
            # file): python-docx refuses the whole package, Word offers to repair it; read it without that part
            document = docx.Document(io.BytesIO(_without_dangling_relationships(data)))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise IngestError(f"{path}: 无法作为 Word 文档打开（{error}），请用 Word 或 WPS 另存为 .docx 后重试") from error
    except Exception as error:  # lxml.etree.XMLSyntaxError and friends from a damaged part
        raise IngestError(f"{path}: Word 文档内容已损坏（{type(error).__name__}），请重新保存后重试") from error
    reader = _Reader(document, path, limits)
    lines = reader.body_lines(document.element.body)
    lines += [f"<sup>{n}</sup> {text}" for n, text in reader.notes() if text]
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise IngestError(f"{path}: Word 文档中没有文字，请确认它是报告正文")
    return Decoded(text, "docx")


class _Reader:
    def __init__(self, document, path: Path, limits: Limits) -> None:
        self.document = document
        self.path, self.limits = path, limits
        self.styles = {}  # style id → (name, basedOn, outline level, numPr element)
        styles_element = document.styles.element
        for style in styles_element.findall(_q("style")):
            sid = style.get(_q("styleId"))
            name_el = style.find(_q("name"))
            based = style.find(_q("basedOn"))
            ppr = style.find(_q("pPr"))
            outline = ppr.find(_q("outlineLvl")) if ppr is not None else None
            num_pr = ppr.find(_q("numPr")) if ppr is not None else None
            rpr = style.find(_q("rPr"))
            bold = rpr.find(_q("b")) if rpr is not None else None
            self.styles[sid] = (
                name_el.get(_q("val")) if name_el is not None else sid,
                based.get(_q("val")) if based is not None else None,
                int(outline.get(_q("val"))) if outline is not None else None,
                num_pr,
                None if bold is None else _on(bold),
            )
        self.numbering = _Numbering(document)
        self.note_numbers: dict[tuple[str, str], int] = {}  # (kind, id) → number shown

    def _style_chain(self, sid: str | None):
        seen = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid][1]

    def heading_level(self, sid: str | None, ppr) -> int:
        outline = ppr.find(_q("outlineLvl")) if ppr is not None else None
        if outline is not None:
            return int(outline.get(_q("val"))) + 1
        for name, _based, level, _num, _bold in self._style_chain(sid):
            match = re.match(r"(?:heading|标题)\s*(\d)$", (name or "").strip(), re.IGNORECASE)
            if match:
                return int(match.group(1))
            if level is not None and level < 9:
                return level + 1
        return 0

    def body_lines(self, body) -> list[str]:
        lines: list[str] = []
        for child in body.iterchildren():
            if child.tag == _q("p"):
                before = next((line for line in reversed(lines) if line.strip()), "")
                own = self.paragraph(child)
                lines.append(own)
                lines += self.text_boxes(child)
                lines += self.graphics(child, own, before)
            elif child.tag == _q("tbl"):
                lines += self.table(child, stated_unit(lines[-1]) if lines else None)
            elif child.tag == _q("sdt"):
                content = child.find(_q("sdtContent"))
                if content is not None:
                    lines += self.body_lines(content)
            elif child.tag == _q("altChunk"):
                lines += self.alt_chunk(child.get(f"{{{_R}}}id"))
        return lines

    def alt_chunk(self, rid: str | None) -> list[str]:
        """The lines of a part the body imports whole (w:altChunk): a web page, a web archive, RTF or plain
        text, read by its own reader, where it stands. An office system that exports its documents to Word writes
        the report as HTML so imported (竹港镇, round 44: the body held two lines of the export's header, the
        report none); Word renders it, python-docx does not. A part of another kind, or one that reads as
        nothing, is left out."""
        from qa.readers import html, mhtml, rtf
        from qa.readers.text import decode_text

        rel = self.document.part.rels.get(rid or "")
        if rel is None or rel.is_external:
            return []
        kind, data = rel.target_part.content_type, rel.target_part.blob
        try:
            if kind in _HTML_CHUNKS:
                return html.read(self.path, data, self.limits).text.split("\n")
            if kind in _ARCHIVE_CHUNKS:
                return mhtml.read(self.path, data, self.limits).text.split("\n")
            if kind in _RTF_CHUNKS:
                return rtf.read(self.path, data, self.limits).text.split("\n")
        except IngestError:
            return []
        return decode_text(data, self.path).split("\n") if kind == "text/plain" else []

    def text_boxes(self, p) -> list[str]:
        """The lines of the text boxes anchored in paragraph `p`, each box once. A sidebar of figures or a
        term explained (「数据速览」「延伸阅读」) floats beside the body in a text box, which Word writes twice:
        as a DrawingML shape and, in mc:Fallback, as a VML one holding the same paragraphs. A box with no
        DrawingML twin (a file from Word 2003) is read from its VML."""
        boxes = [
            box for box in p.iter(_q("txbxContent"))
            if not any(ancestor.tag == f"{{{_MC}}}Fallback" for ancestor in box.iterancestors())
        ]
        return [line for box in boxes for line in self.body_lines(box)]

    def graphics(self, p, own: str, before: str) -> list[str]:
        """The lines of the charts and SmartArt anchored in paragraph `p`, in the order they stand. A report
        may give its main indicators only as a chart (the figures are nowhere in its text) and a list of
        tasks only as a SmartArt; read as nothing, they would be lost to search and answers. A drawing
        inside a text box is the box's (`text_boxes` reads it), one in mc:Fallback a twin of its mc:Choice.
        `own` is the paragraph's text, `before` the last line read before it: with the paragraph after
        it, where a chart's caption stands (`_caption_unit`)."""
        lines: list[str] = []
        for frame in p.iter(f"{{{DRAWING_NS}}}graphicData"):
            if _inside(frame, p, (_q("txbxContent"), f"{{{_MC}}}Fallback")):
                continue
            chart = frame.find(f"{{{CHART_NS}}}chart")
            diagram = frame.find(f"{{{DIAGRAM_NS}}}relIds")
            if chart is not None:
                space = self._related_xml(chart.get(f"{{{_R}}}id"))
                rows = chart_rows(space) if space is not None else []
                lines += table_sentences(rows, _caption_unit(p, own, before)) if rows else []
            elif diagram is not None:
                model = self._related_xml(diagram.get(f"{{{_R}}}dm"))
                lines += diagram_lines(model) if model is not None else []
        return lines

    def table(self, table, unit: str | None = None) -> list[str]:
        """A row a sentence (`qa.readers.tables`); a merged cell's text in every place it covers (Word
        spans columns with gridSpan, and continues a cell down with vMerge). A table of one column holds
        no data: office templates lay out a page with it (the title and dateline in a borderless box, the
        whole body in one cell), so its cells are read as the text they hold, paragraph by paragraph, with
        the tables inside them. A table inside a cell of a table of data follows that table."""
        rows_in_order = table.findall(_q("tr"))
        if all(len(row.findall(_q("tc"))) <= 1 for row in rows_in_order):
            return [line for row in rows_in_order for cell in row.findall(_q("tc")) for line in self.body_lines(cell)]
        rows: list[list[str]] = []
        inner: list[str] = []
        for row in rows_in_order:
            cells: list[str] = []
            for cell in row.findall(_q("tc")):
                for nested in cell.findall(_q("tbl")):
                    inner += self.table(nested)
                props = cell.find(_q("tcPr"))
                span = props.find(_q("gridSpan")) if props is not None else None
                merge = props.find(_q("vMerge")) if props is not None else None
                text = "".join(self.paragraph(p, plain=True) for p in cell.findall(_q("p"))).strip()
                if merge is not None and merge.get(_q("val")) in (None, "continue") and rows:
                    above = rows[-1]
                    text = above[len(cells)] if len(cells) < len(above) else text
                width = int(span.get(_q("val"))) if span is not None and (span.get(_q("val")) or "").isdecimal() else 1
                cells += [text] * max(1, width)
            rows.append(cells)
        return table_sentences(rows, unit) + inner

    def paragraph(self, p, *, plain: bool = False) -> str:
        ppr = p.find(_q("pPr"))
        style = ppr.find(_q("pStyle")) if ppr is not None else None
        sid = style.get(_q("val")) if style is not None else None
        pieces: list[tuple[str, bool]] = []  # (text, bold)
        self._collect(p, pieces, bold_default=self._style_bold(sid))
        text = "".join(t for t, _ in pieces)
        if plain:
            return re.sub(r"<sup>\d+</sup>", "", text).replace("\n", " ")
        label = self.numbering.label(ppr, self._style_num_pr(sid))
        return paragraph_line(label, pieces, self.heading_level(sid, ppr))

    def _style_bold(self, sid: str | None) -> bool:
        for *_rest, bold in self._style_chain(sid):
            if bold is not None:
                return bold
        return False

    def _style_num_pr(self, sid: str | None):
        for _name, _based, _level, num_pr, _bold in self._style_chain(sid):
            if num_pr is not None:
                return num_pr
        return None

    def _collect(self, element, pieces: list[tuple[str, bool]], bold_default: bool) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag in (_q("del"), _q("moveFrom"), _q("pPr"), _q("rPr"), _q("commentRangeStart"),
                       _q("commentRangeEnd"), _q("proofErr"), _q("bookmarkStart"), _q("bookmarkEnd")):
                continue
            if tag == _q("r"):
                rpr = child.find(_q("rPr"))
                bold = _on(rpr.find(_q("b"))) if rpr is not None and rpr.find(_q("b")) is not None else bold_default
                align = rpr.find(_q("vertAlign")) if rpr is not None else None
                raised = align is not None and align.get(_q("val")) == "superscript"
                for part in child.iterchildren():
                    if part.tag == _q("t") and raised and (part.text or "").strip().isdecimal():
                        # a note's number set above the line by hand, as the HTML reader's <sup>
                        pieces.append((f"<sup>{int(part.text)}</sup>", False))
                    elif part.tag == _q("t"):
                        pieces.append((part.text or "", bold))
                    elif part.tag == _q("tab"):
                        pieces.append(("\t", bold))
                    elif part.tag in (_q("br"), _q("cr")):
                        # a manual line break (Shift+Enter): text pasted into Word keeps its lines so, whole
                        # parts of a report one paragraph, their headings and paragraphs apart only by these
                        pieces.append(("\n", bold))
                    elif part.tag in (_q("footnoteReference"), _q("endnoteReference")):
                        kind = "footnote" if part.tag == _q("footnoteReference") else "endnote"
                        n = self.note_numbers.setdefault((kind, part.get(_q("id"))), len(self.note_numbers) + 1)
                        pieces.append((f"<sup>{n}</sup>", False))
            elif tag in (_q("ins"), _q("moveTo"), _q("hyperlink"), _q("smartTag"), _q("fldSimple"), _q("sdt"),
                         _q("sdtContent"), _q("customXml")):
                self._collect(child, pieces, bold_default)

    def notes(self) -> list[tuple[int, str]]:
        """(number shown, text) of every referenced footnote and endnote."""
        texts: dict[tuple[str, str], str] = {}
        for kind, part_name in (("footnote", "footnotes"), ("endnote", "endnotes")):
            root = self._part_xml(part_name)
            if root is None:
                continue
            for note in root.findall(_q(kind)):
                pieces: list[tuple[str, bool]] = []
                for p in note.findall(_q("p")):
                    self._collect(p, pieces, False)
                    pieces.append(("\n", False))
                text = " ".join("".join(t for t, _ in pieces).split())
                texts[(kind, note.get(_q("id")))] = re.sub(r"<sup>\d+</sup>", "", text).strip()
        return sorted((n, texts.get(key, "")) for key, n in self.note_numbers.items())

    def _part_xml(self, name: str):
        for rel in self.document.part.rels.values():
            if rel.reltype.endswith(f"/{name}") and not rel.is_external:
                return parse_xml(rel.target_part.blob)
        return None

    def _related_xml(self, rid: str | None):
        """The XML of the part the body's relationship `rid` names (a chart's, a SmartArt's data), or None
        when there is none or it is no XML: a drawing whose part is lost or broken is left out, the
        report read without it."""
        from lxml import etree

        rel = self.document.part.rels.get(rid or "")
        if rel is None or rel.is_external:
            return None
        try:
            return parse_xml(rel.target_part.blob)
        except etree.XMLSyntaxError:
            return None


def parse_xml(blob: bytes):
    """A part's XML, parsed without fetching or expanding anything the file points to."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(blob, parser)


def _inside(element, container, tags: tuple[str, ...]) -> bool:
    """Whether `element` lies within an element of one of `tags` that is itself within `container`."""
    for ancestor in element.iterancestors():
        if ancestor is container:
            return False
        if ancestor.tag in tags:
            return True
    return False


def _without_dangling_relationships(data: bytes) -> bytes:
    """The package with every internal relationship to a part it lacks removed, so that python-docx, which
    refuses a package with one, opens it; what those parts held is lost in any case."""
    from lxml import etree

    source = io.BytesIO(data)
    repaired = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(repaired, "w", zipfile.ZIP_DEFLATED) as out:
        names = set(archive.namelist())
        for info in archive.infolist():
            blob = archive.read(info)
            if info.filename.endswith(".rels"):
                # word/_rels/document.xml.rels holds the relationships of word/document.xml: targets from word/
                owner = posixpath.dirname(posixpath.dirname(info.filename))
                root = parse_xml(blob)
                for rel in root.findall(f"{{{_PR}}}Relationship"):
                    target = unquote(rel.get("Target", ""))
                    path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(owner, target))
                    if rel.get("TargetMode") != "External" and path not in names:
                        root.remove(rel)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            out.writestr(info, blob)
    return repaired.getvalue()


def _on(element) -> bool:
    if element is None:
        return False
    return element.get(_q("val"), "true").lower() not in ("0", "false", "off", "none")


# ---------------------------------------------------------------- charts' captions


def _caption_unit(p, own: str, before: str) -> str | None:
    """The unit a chart's caption states for its figures (「图1 2025年主要经济指标完成情况（单位：万元）」), as a line
    over a table states a table's (`stated_unit`): said in the chart's own paragraph, in the paragraph after
    it (a figure's caption stands under it in Chinese reports; empty paragraphs between passed over), or in
    the line before it."""
    return next(filter(None, map(stated_unit, (own, _following_text(p), before))), None)


def _following_text(p) -> str:
    """The text of the first paragraph with text after `p`, unless a table, another drawing or the end of
    the body comes first."""
    sibling = p.getnext()
    while sibling is not None and sibling.tag == _q("p") and next(sibling.iter(f"{{{DRAWING_NS}}}graphicData"), None) is None:
        text = "".join(t.text or "" for t in sibling.iter(_q("t"))).strip()
        if text:
            return text
        sibling = sibling.getnext()
    return ""


# ---------------------------------------------------------------- numbering

_CN = "〇一二三四五六七八九"


def _chinese(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats (the common ones; others as decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional",
               "taiwaneseCounting", "japaneseCounting"):
        return _chinese(n)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "bullet" or fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Word's list numbering: counters per list and level, the label each numbered paragraph shows."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → (start, fmt, text)
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for item in root.findall(_q("abstractNum")):
            levels = {}
            for lvl in item.findall(_q("lvl")):
                start = lvl.find(_q("start"))
                fmt = lvl.find(_q("numFmt"))
                text = lvl.find(_q("lvlText"))
                levels[int(lvl.get(_q("ilvl")))] = (
                    int(start.get(_q("val"))) if start is not None else 1,
                    fmt.get(_q("val")) if fmt is not None else "decimal",
                    text.get(_q("val")) if text is not None else "",
                )
            abstract[item.get(_q("abstractNumId"))] = levels
        for num in root.findall(_q("num")):
            ref = num.find(_q("abstractNumId"))
            if ref is not None and ref.get(_q("val")) in abstract:
                self.levels[num.get(_q("numId"))] = abstract[ref.get(_q("val"))]
        self.counters: dict[str, list[int]] = {}

    def label(self, ppr, style_num_pr) -> str:
        num_pr = ppr.find(_q("numPr")) if ppr is not None else None
        num_pr = num_pr if num_pr is not None else style_num_pr
        if num_pr is None:
            return ""
        num_id_el, ilvl_el = num_pr.find(_q("numId")), num_pr.find(_q("ilvl"))
        num_id = num_id_el.get(_q("val")) if num_id_el is not None else None
        ilvl = int(ilvl_el.get(_q("val"))) if ilvl_el is not None else 0
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        start = levels[ilvl][0]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else start
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        _start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""  # a bullet is a glyph of a symbol font (U+F0B7 in Symbol), not text

        def level_value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            if level not in levels:
                return ""
            value = counters[level] or levels[level][0]
            return format_number(value, levels[level][1] if level != ilvl else fmt)

        return re.sub(r"%(\d)", level_value, text)
