"""RTF reports (.rtf, Rich Text Format 1.9.1, as Word, WPS and LibreOffice write it): paragraphs, headings
(by their style — 「heading 1」「标题 1」 — or outline level), bold lead sentences, the numbers a list draws
(the text the writer put in `\\listtext`/`\\pntext`), footnotes and endnotes (numbered in the order the body
cites them), tables as text rows (merged cells in every place they cover, nested tables after the table
they stand in), text boxes after the paragraph they are anchored in, a field's result — so that a report
saved as RTF reads as the same report saved as .docx (`qa.readers.docx`) or .doc (`qa.readers.doc`).
Headers and footers, pictures, embedded objects, comments, index and contents entries (`\\xe`, `\\tc`),
field instructions, hidden text and tracked deletions are not part of the report and are left out.

RTF is text: groups in braces, control words (`\\par`, `\\b0`, `\\u21152`), escaped bytes (`\\'b9`) and plain
text. It is tokenized and parsed here, in one pass over the file with an explicit stack of group states
(no recursion), because no maintained Python library keeps what the pipeline needs from it (footnotes,
tables, headings); striprtf and the like give text only. What a group says — its font (whose charset
decodes `\\'hh` bytes: GBK, Big5 …; consecutive bytes are decoded together, a double-byte character's two
among them), bold, hidden, `\\ucN`, which destination its text belongs to — holds until the group closes. A
group that starts `{\\*\\…` is a destination an older reader may skip, and is skipped unless it is one read
here (a footnote as LibreOffice writes it, a nested table's row, a shape holding a text box); the
destinations that are no text of the report (font and colour tables, document information, pictures …)
are skipped by name. Skipped groups are passed over by a scan for their closing brace, so a picture's
megabytes of hex cost nothing but the scan.

As the Word readers do, a manual line break (`\\line`) parts lines and a tab stays a tab (the cleaner
reads a contents entry by the tab before its page number). A file that does not start with `{\\rtf`, whose
groups are not all closed (cut short: the rest of the report would be silently lost, so it is refused
rather than read in part) or close before its end, that nests groups deeper than any writer does, or whose
text would exceed `Limits.max_unpacked_bytes`, is refused with a message naming the file and saying what
to do; reading takes time in proportion to the file's size, whatever it holds.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from qa.readers.base import Decoded, IngestError, Limits, paragraph_line
from qa.readers.tables import GridCell, rows_on_grid, stated_unit, table_sentences

# ---------------------------------------------------------------- tokens

#: One token at a position: a control word with its optional signed parameter and the one space that may
#: delimit it; an escaped byte; a control symbol (`\\~`, `\\{`, `\\*`, a backslash before a line end …); a
#: group's brace; text; line ends (not text in RTF); a backslash at the very end.
_TOKEN = re.compile(
    rb"\\([a-zA-Z]+)(-?\d+)? ?"
    rb"|\\'([0-9a-fA-F]{2})"
    rb"|\\([^a-zA-Z])"
    rb"|([{}])"
    rb"|([^\\{}\r\n]+)"
    rb"|[\r\n]+"
    rb"|\\"
)
#: What matters in a group being skipped: binary data (`\\binN`, N raw bytes that may hold braces), escaped
#: braces and backslashes, and braces.
_SKIP_SCAN = re.compile(rb"\\bin(-?\d{1,10}) ?|\\[\\{}]|[{}]")
#: A parameter longer than this is no number a writer means (and `int` of a long one costs time).
MAX_PARAMETER_DIGITS = 10
#: Groups open at once. Writers nest a few dozen deep at most (a field in a table in a footnote); ten
#: thousand `{` is a file made to exhaust the reader, and is refused.
MAX_GROUP_DEPTH = 1000
#: Tables inside tables a paragraph may stand in (`\\itapN`): Word nests no deeper than 63; a file that
#: says more is read as if at this depth, as `qa.readers.doc` reads sprmPItap.
MAX_TABLE_DEPTH = 64

# ---------------------------------------------------------------- destinations

#: Where a group's text goes: the report's text (the body's or a note's), a list number the writer drew,
#: a style's name in the style sheet, nowhere (the font table, a nested table's row properties).
TEXT, LABEL, STYLE, STYLES, FONTS, NOTHING = "text", "label", "style", "styles", "fonts", "nothing"
#: Destinations that are no text of the report, skipped whole (those written `{\\*\\…}` are skipped unless
#: in `_STARRED_READ`): tables of fonts' files, colours, revisions, lists; document information; page
#: headers and footers and the notes' separators; pictures and objects; a shape's properties (`\\sp`) and
#: the drawing Word writes as its twin for older readers (`\\shprslt`, `\\do`); field instructions; index
#: and contents entries; the fallback text written for readers that know no nested tables; the definition
#: of an old-style numbered paragraph (its number is in `\\pntext`); mathematics.
_SKIPPED = frozenset({
    "colortbl", "filetbl", "revtbl", "rsidtbl", "listtable", "listoverridetable", "info", "generator",
    "header", "headerl", "headerr", "headerf", "footer", "footerl", "footerr", "footerf",
    "ftnsep", "ftnsepc", "ftncn", "aftnsep", "aftnsepc", "aftncn",
    "pict", "object", "objdata", "result", "sp", "shprslt", "nonshppict", "do",
    "fldinst", "xe", "tc", "tcn", "txe", "rxe", "bkmkstart", "bkmkend", "annotation", "atnid", "atnauthor",
    "nonesttables", "pn", "pntxta", "pntxtb", "mmath", "themedata", "colorschememapping", "latentstyles",
    "datastore", "xmlnstbl", "pgdsctbl", "userprops", "docvar", "template", "background",
})
#: `{\\*\\…}` destinations read: a footnote (LibreOffice stars it), a nested table's row properties, a
#: shape's instructions (which hold a text box's text), and in the style sheet a character, section or
#: table style.
_STARRED_READ = frozenset({"footnote", "nesttableprops", "shpinst"})
_STARRED_STYLES = frozenset({"cs", "ds", "ts"})

# ---------------------------------------------------------------- characters

#: The code page of each font charset (`\\fcharsetN`) that writes text in one: 0 ANSI, 2 Symbol (its
#: bullets read as their cp1252 bytes), 77 Mac, 128 Shift-JIS, 129 Hangul, 130 Johab, 134 GB2312 (read as
#: GBK, which it is part of), 136 Big5, 161 Greek … 238 Eastern European, 255 OEM. Charset 1 (the
#: default) and any other take the document's code page (`\\ansicpgN`).
_CHARSET_CODECS = {
    0: "cp1252", 2: "cp1252", 77: "mac_roman", 128: "cp932", 129: "cp949", 130: "johab", 134: "gbk",
    136: "cp950", 161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257",
    204: "cp1251", 222: "cp874", 238: "cp1250", 255: "cp437",
}
#: The document's character set when no `\\ansicpgN` names its code page.
_CHARACTER_SETS = {"ansi": "cp1252", "mac": "mac_roman", "pc": "cp437", "pca": "cp850"}
#: Control words that stand for a character (`\\tab` stays a tab, as the .docx reader keeps w:tab; a manual
#: line break, a page or column break part lines, as they do in the Word readers).
_CHARACTERS = {
    "tab": "\t", "line": "\n", "page": "\n", "column": "\n", "emdash": "\u2014", "endash": "\u2013",
    "emspace": "\u2003", "enspace": "\u2002", "qmspace": "\u2005", "bullet": "\u2022", "lquote": "\u2018",
    "rquote": "\u2019", "ldblquote": "\u201c", "rdblquote": "\u201d",
}
#: Control symbols that stand for a character: a non-breaking space; an optional hyphen, which prints
#: nothing unless a line breaks there; a non-breaking hyphen (a hyphen, as in `qa.readers.doc`); the
#: escaped braces and backslash. `\\:` (an index subentry) and `\\|` (a formula) print nothing.
_SYMBOLS = {"~": "\u00a0", "-": "", "_": "-", "{": "{", "}": "}", "\\": "\\", ":": "", "|": ""}
#: Characters that print nothing of the report: controls other than tab and line end (an `\\'00` …).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MARKER = re.compile(r"<sup>\d+</sup>")
#: A hand-set note number: a superscript run of digits (as the .docx reader reads one).
_NOTE_NUMBER = re.compile(r"\d{1,3}")
#: A note's own mark, set by hand in superscript before it (「*」「†」「①」): at most this many characters.
MAX_CUSTOM_MARK_CHARS = 3

# ---------------------------------------------------------------- styles and tables

#: `\\outlinelevelN` of body text; 0–8 are heading levels 1–9.
OUTLINE_BODY = 9
_HEADING_NAME = re.compile(r"(?:heading|标题)\s*(\d)$", re.IGNORECASE)
#: Table cell edges (twips) closer than this are the same column's edge: rows typed by hand differ by a few.
#: Where every row's first cell begins, whatever its `\\trleftN` says (Word writes -108, LibreOffice nothing,
#: a row pasted from elsewhere its own): its columns are told apart by their right edges (`\\cellxN`).
ROW_START = -(10**9)
#: Places a table's grid may have (rows × columns). A report's largest tables have a few thousand; a grid
#: of every edge of a row of 20,000 columns under thousands of rows is a file made to cost time, and its
#: rows are read as they are, cell after cell.
MAX_GRID_CELLS = 250_000


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    parser = _Parser(path, data, limits)
    parser.run()
    lines = parser.body.finish()
    lines += [f"<sup>{n}</sup> {text}" for n, text in sorted(parser.notes) if text]
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise IngestError(f"{path}: RTF 文档中没有文字，请确认它是报告正文（扫描件请提供 PDF）")
    return Decoded(text, "rtf")


def _damaged(path: Path, what: str) -> IngestError:
    return IngestError(
        f"{path}: RTF 文档不完整或已损坏（{what}），请用 Word、WPS 或 LibreOffice 打开后重新保存（或另存为 .docx）后重试"
    )


class _Budget:
    """The text a file may produce (`Limits.max_unpacked_bytes`, counted in characters), spent as it is
    read: a table's merged cells repeat their text, so its rows are counted too."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.left, self.limit = path, limits.max_unpacked_bytes, limits.max_unpacked_bytes

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise IngestError(
                f"{self.path}: RTF 文档的文字过多（超过 {self.limit // 1048576} MB 的上限），未读取；请提供报告本身"
            )


# ---------------------------------------------------------------- paragraphs and tables


class _Piece(NamedTuple):
    """A run of a paragraph's text: `kind` "text", "raised" (superscript) or "mark" (a note's marker)."""

    text: str
    bold: bool
    kind: str


class _Paragraph(NamedTuple):
    """A paragraph as a line of the dialect (heading, bold lead, list number), and as plain text for a
    table cell (its notes' markers out, its line breaks spaces)."""

    line: str
    plain: str


_EMPTY = _Paragraph("", "")


@dataclass
class _Layout:
    """A row's definition (`\\trowd` … `\\cellxN`): its cells, and the merge flags read for the next one."""

    cells: list[GridCell] = field(default_factory=list)
    merged_into_left: bool = False
    continues_above: bool = False

    def add(self, right: int) -> None:
        left = self.cells[-1].right if self.cells else ROW_START
        self.cells.append(GridCell(left, right, self.merged_into_left, self.continues_above))
        self.merged_into_left = self.continues_above = False


@dataclass
class _Row:
    cells: list[list[_Paragraph | list[str]]]
    layout: list[GridCell]


@dataclass
class _Table:
    """A table being read: its finished rows, the row and the cell being filled (each cell's paragraphs and
    the lines of tables nested in it), and the unit the line over it states."""

    unit: str | None
    rows: list[_Row] = field(default_factory=list)
    cells: list[list[_Paragraph | list[str]]] = field(default_factory=list)
    cell: list[_Paragraph | list[str]] = field(default_factory=list)

    def end_cell(self) -> None:
        self.cells.append(self.cell)
        self.cell = []

    def end_row(self, layout: list[GridCell]) -> None:
        if self.cell:  # a cell whose `\cell` is missing still belongs to the row
            self.end_cell()
        self.rows.append(_Row(self.cells, layout))
        self.cells = []

    def lines(self, budget: _Budget) -> list[str]:
        """A row a sentence (`qa.readers.tables`), the lines of tables nested in its cells after it; a table
        of one column holds no data (an office template's frame around the body), and is read as the
        paragraphs its cells hold, with the tables inside them in place (as `qa.readers.docx` reads one)."""
        if self.cell or self.cells:
            self.end_row([])
        if all(len(row.cells) <= 1 for row in self.rows):
            return [line for row in self.rows for cell in row.cells for item in cell
                    for line in (item if isinstance(item, list) else [item.line])]
        texts = [["".join(item.plain for item in cell if isinstance(item, _Paragraph)).strip() for cell in row.cells]
                 for row in self.rows]
        inner = [line for row in self.rows for cell in row.cells for item in cell if isinstance(item, list)
                 for line in item]
        rows = rows_on_grid(texts, [row.layout for row in self.rows], max_cells=MAX_GRID_CELLS, spend=budget.spend)
        budget.spend(sum(len(text) for row in rows for text in row))
        return table_sentences(rows, self.unit) + inner


class _Story:
    """The text of the body, of a note or of a text box, as lines: the paragraph being read (its pieces, the
    list number drawn before it, the lines of text boxes anchored in it), the tables open around it
    (outermost first) and the row definitions read."""

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.lines: list[str] = []
        self.pieces: list[_Piece] = []
        self.label = ""
        self.boxes: list[str] = []  # the lines of text boxes anchored in the paragraph being read
        self.tables: list[_Table] = []
        self.layouts: dict[int, _Layout] = {}

    def add(self, text: str, bold: bool, raised: bool) -> None:
        self.budget.spend(len(text))
        self.pieces.append(_Piece(text, bold, "raised" if raised else "text"))

    def note_anchor(self, next_number: int) -> int:
        """Put a note's marker where the note is anchored; its number is the next in the document's
        order, or the one set by hand in superscript just before it (which the marker replaces)."""
        number, mark = next_number, ""
        while self.pieces and self.pieces[-1].kind == "raised":
            mark = self.pieces.pop().text + mark
        if _NOTE_NUMBER.fullmatch(mark.strip()):
            number = int(mark.strip())
        elif len(mark.strip()) > MAX_CUSTOM_MARK_CHARS:  # more than a mark: superscript text, kept
            self.pieces.append(_Piece(mark, False, "raised"))
        self.pieces.append(_Piece(f"<sup>{number}</sup>", False, "mark"))
        return number

    def paragraph(self, level: int) -> _Paragraph:
        """The paragraph read so far, as `qa.readers.docx` writes one: a heading as `#`… and its text; a
        paragraph that starts with a bold run shorter than itself as `**lead**rest`; the list number first."""
        if not self.pieces and not self.label:
            return _EMPTY
        merged: list[tuple[str, bool]] = []
        for (bold, kind), group in itertools.groupby(self.pieces, key=lambda piece: (piece.bold, piece.kind)):
            text = _CONTROL.sub("", "".join(piece.text for piece in group))
            if kind == "raised" and _NOTE_NUMBER.fullmatch(text.strip()):
                merged.append((f"<sup>{int(text.strip())}</sup>", False))  # a note's number set by hand
            else:
                merged.append((text, bold and kind != "mark"))
        label, self.label, self.pieces = self.label, "", []
        text = "".join(text for text, _ in merged)
        body = text.strip()
        plain = f"{label}{_MARKER.sub('', body)}".replace("\n", " ")
        if not body and not label:
            return _EMPTY
        return _Paragraph(paragraph_line(label, merged, level), plain)

    def end_paragraph(self, level: int, depth: int) -> None:
        """End the paragraph: a line of the story, or (`depth` > 0) a paragraph of the cell being filled in
        the table at that depth; tables deeper than it end first."""
        paragraph, boxes, self.boxes = self.paragraph(level), self.boxes, []
        self._close_tables(depth)
        if depth == 0:
            if paragraph.line:
                self.lines.append(paragraph.line)
            self.lines += boxes
            return
        while len(self.tables) < depth:
            last = next((line for line in reversed(self.lines) if line.strip()), "")
            self.tables.append(_Table(stated_unit(last) if not self.tables else None))
        self.tables[depth - 1].cell.append(paragraph)
        if boxes:  # a text box in a cell: after the table of data, in place in a frame of one column
            self.tables[depth - 1].cell.append(boxes)

    def end_cell(self, level: int, depth: int) -> None:
        self.end_paragraph(level, depth)
        self.budget.spend(1)
        self.tables[depth - 1].end_cell()

    def end_row(self, level: int, depth: int) -> None:
        if self.pieces or self.label:  # text after the row's last `\cell`
            self.end_paragraph(level, depth)
        self._close_tables(depth)
        if len(self.tables) == depth:
            self.budget.spend(1)
            layout = self.layouts.get(depth)
            self.tables[-1].end_row(layout.cells if layout else [])

    def layout(self, depth: int) -> _Layout:
        return self.layouts.setdefault(depth, _Layout())

    def _close_tables(self, depth: int) -> None:
        """End the tables deeper than `depth`, innermost first: a nested table's lines go to the cell it
        stands in, an outermost table's to the story."""
        while len(self.tables) > depth:
            lines = self.tables.pop().lines(self.budget)
            if self.tables:
                self.tables[-1].cell.append(lines)
            else:
                self.lines += lines

    def finish(self, level: int = 0) -> list[str]:
        """The story's lines, its last paragraph (which no `\\par` may end) and any table still open
        included."""
        self.end_paragraph(level, 0)
        return self.lines


# ---------------------------------------------------------------- the parser


class _StyleEntry:
    """A style of the style sheet being read: its number and kind (paragraph "s" or character "cs"), its
    name, the style it is based on, its outline level and whether it is bold."""

    def __init__(self) -> None:
        self.kind, self.number, self.name = "s", 0, ""
        self.based_on: int | None = None
        self.outline: int | None = None
        self.bold: bool | None = None


@dataclass
class _Note:
    """A footnote or endnote: the number its marker shows, and its text."""

    number: int
    story: _Story


@dataclass
class _Box:
    """A text box: its own story, and the story of the paragraph it is anchored in."""

    anchor: _Story
    story: _Story


@dataclass
class _Label:
    """A list number the writer drew (`{\\listtext 1.\\tab}`), for the paragraph of `story` it stands before."""

    story: _Story
    text: str = ""


class _State:
    """What a group says, inherited by the groups in it and forgotten when it closes."""

    def __init__(self, story: _Story, font: int | None) -> None:
        self.dest = TEXT
        self.story = story
        self.owner: object = None  # the note, text box, label or style entry the group's text belongs to
        self.uc = 1  # characters of fallback after each \uN
        self.starred = False  # `\*` read: the next control word decides whether the group is read
        self.plain(font)
        self.paragraph_defaults()

    def copy(self) -> _State:
        """The state a group opened in this one starts with."""
        state = _State.__new__(_State)
        state.__dict__.update(self.__dict__)
        state.starred = False
        return state

    def plain(self, font: int | None) -> None:
        """Character properties as `\\plain` resets them."""
        self.font, self.dbch_font = font, None
        self.assoc = "loch"  # which associated properties `\af`/`\ab` set: loch, hich, dbch (Asian), rtl
        self.bold = self.asian_bold = self.raised = self.hidden = self.deleted = False

    def paragraph_defaults(self) -> None:
        """Paragraph properties as `\\pard` resets them."""
        self.style, self.outline, self.intbl, self.itap = 0, None, False, None

    @property
    def table_depth(self) -> int:
        """How deep in tables the paragraph is: 0 outside, 1 in a table, 2 in a table inside a cell …"""
        if self.itap:
            return min(self.itap, MAX_TABLE_DEPTH)
        return 1 if self.intbl else 0

    @property
    def text_bold(self) -> bool:
        """Bold as it shows: `\\b`, or LibreOffice's `\\dbch\\ab` (bold for the Asian text that follows)."""
        return self.bold or (self.asian_bold and self.assoc == "dbch")


class _Parser:
    """One pass over an RTF file: the tokens in order, each acting on the state of the group it stands in."""

    def __init__(self, path: Path, data: bytes, limits: Limits) -> None:
        self.path, self.data = path, data
        self.budget = _Budget(path, limits)
        self.body = _Story(self.budget)
        self.notes: list[tuple[int, str]] = []
        self.note_count = 0
        self.fonts: dict[int, tuple[int | None, int | None]] = {}  # font → (charset, code page)
        self.font_id: int | None = None  # the font the font table is defining
        self.default_font: int | None = None
        self.codepage = "cp1252"
        self.styles: dict[int, _StyleEntry] = {}
        self.character_styles: dict[int, _StyleEntry] = {}
        self.pending = bytearray()  # text bytes not yet decoded: a double-byte character's two are decoded together
        self.skip = 0  # fallback characters after a \uN still to pass over
        self.high_surrogate: int | None = None
        self.stack: list[_State] = []
        self.state = _State(self.body, None)

    # ------------------------------------------------------------ the token loop

    def run(self) -> None:
        data = self.data
        start = len(data) - len(data.lstrip(b"\xef\xbb\xbf \t\r\n"))
        if not data.startswith(b"{\\rtf", start):
            raise IngestError(
                f"{self.path}: 文件不是 RTF 文档（开头不是 {{\\rtf），请确认文件完整；"
                "或用 Word、WPS 打开后另存为 .docx 后重试"
            )
        self._open_group()  # the document's group
        pos, end, match = start + 1, len(data), _TOKEN.match
        while self.stack and pos < end:
            token = match(data, pos)
            pos = token.end()
            word, parameter, hexa, symbol, brace, text = token.groups()
            if word is None and hexa is None and symbol is None and brace is None and text is None:
                continue  # line ends; a backslash at the very end
            if self.state.starred and word is None:
                pos = self._skip_group(token.start())  # `{\*` and no control word: nothing here is read
                continue
            if text is not None or hexa is not None:
                self._bytes(bytes.fromhex(hexa.decode()) if hexa is not None else text)
                continue
            self._flush()
            if brace == b"{":
                self.skip = 0
                if len(self.stack) >= MAX_GROUP_DEPTH:
                    raise IngestError(
                        f"{self.path}: RTF 文档的分组嵌套超过 {MAX_GROUP_DEPTH} 层，疑似损坏或恶意构造，未读取；"
                        "请用 Word 或 WPS 打开后另存为 .docx 后重试"
                    )
                self._open_group()
            elif brace == b"}":
                self.skip = 0
                self._close_group()
            elif self.skip:
                self.skip -= 1  # a control word or symbol in a \uN's fallback is one of its characters
                if word == b"bin":
                    pos = min(end, pos + max(0, self._number(parameter, 0)))
            elif word is not None:
                pos = self._control(word.decode("ascii"), parameter, pos)
            else:
                self._symbol(symbol)
        if self.stack:
            raise _damaged(self.path, "文件在分组结束前就结束了，可能被截断")
        self._check_rest(pos)

    def _check_rest(self, pos: int) -> None:
        """What follows the document's closing brace: padding is no matter; anything else means a brace
        closed the document early and the rest of the report would be lost."""
        if self.data[pos:].strip(b" \t\r\n\x00}"):
            raise _damaged(self.path, "大括号不配对，文档在结尾之前就闭合了")

    def _open_group(self) -> None:
        parent = self.state
        self.stack.append(parent)
        state = parent.copy()
        if parent.dest == STYLES:
            state.dest, state.owner = STYLE, _StyleEntry()
        self.state = state

    def _close_group(self) -> None:
        """Close the current group, finishing what it filled; the document's group ends the body's last
        paragraph (which no `\\par` may end)."""
        closing = self.state
        self.state = self.stack.pop()
        owner = closing.owner
        if owner is not None and owner is not self.state.owner:
            self._finish(owner, closing)
        if not self.stack:
            self.body.end_paragraph(self._heading_level(closing), 0)

    def _finish(self, owner: object, closing: _State) -> None:
        """What a destination's group read, put where it belongs when the group closes."""
        if isinstance(owner, _StyleEntry):
            owner.name = owner.name.strip().rstrip(";").strip()
            (self.character_styles if owner.kind == "cs" else self.styles if owner.kind == "s" else {})[owner.number] = owner
        elif isinstance(owner, _Label):
            label = "".join(owner.text.split())
            if any(ch.isalnum() for ch in label) and not owner.story.label:  # a bullet is no number
                owner.story.label = label
        elif isinstance(owner, _Box):
            owner.anchor.boxes += owner.story.finish(self._heading_level(closing))
        elif isinstance(owner, _Note):
            lines = owner.story.finish(self._heading_level(closing))
            text = _MARKER.sub("", " ".join(" ".join(_plain_line(line) for line in lines).split()))
            self.notes.append((owner.number, text.strip()))

    def _skip_group(self, pos: int) -> int:
        """Pass over the rest of the current group (its nested groups and binary data included) and close
        it, without reading anything in it."""
        depth, data = 1, self.data
        while depth:
            found = _SKIP_SCAN.search(data, pos)
            if found is None:
                raise _damaged(self.path, "文件在分组结束前就结束了，可能被截断")
            pos = found.end()
            if found.group(1) is not None:
                pos += max(0, int(found.group(1)))
            elif found.group() == b"{":
                depth += 1
            elif found.group() == b"}":
                depth -= 1
        self.state = self.stack.pop()
        self.skip = 0
        return min(pos, len(data))

    # ------------------------------------------------------------ text

    def _bytes(self, raw: bytes) -> None:
        if self.skip:
            cut = min(self.skip, len(raw))
            self.skip -= cut
            raw = raw[cut:]
        if not raw:
            return
        self.high_surrogate = None
        if not self.pending and raw.isascii():
            self._emit(raw.decode("ascii"))
        else:
            self.pending += raw

    def _flush(self) -> None:
        """Decode the bytes read so far in the font that is current (they were all written in it)."""
        if self.pending:
            raw, self.pending = bytes(self.pending), bytearray()
            self._emit(raw.decode(self._codec(), errors="replace"))

    def _codec(self) -> str:
        state = self.state
        font = state.dbch_font if state.assoc == "dbch" and state.dbch_font is not None else state.font
        charset, codepage = self.fonts.get(font, (None, None)) if font is not None else (None, None)
        if codepage:
            return _codec_of_codepage(codepage) or self.codepage
        return _CHARSET_CODECS.get(charset, self.codepage) if charset is not None else self.codepage

    def _emit(self, text: str) -> None:
        state = self.state
        if state.dest == TEXT:
            if not (state.hidden or state.deleted):
                state.story.add(text, state.text_bold, state.raised)
        elif state.dest == LABEL and not state.hidden:
            self.budget.spend(len(text))
            state.owner.text += text
        elif state.dest == STYLE:
            self.budget.spend(len(text))
            state.owner.name += text

    def _unicode(self, value: int) -> None:
        """`\\uN`: a UTF-16 code unit, signed; a surrogate pair's halves joined, a lone half dropped."""
        value = value + 65536 if value < 0 else value
        self.skip = self.state.uc
        if 0xD800 <= value < 0xDC00:
            self.high_surrogate = value
            return
        high, self.high_surrogate = self.high_surrogate, None
        if 0xDC00 <= value < 0xE000:
            if high is not None:
                self._emit(chr(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)))
        elif 0 < value <= 0x10FFFF:
            self._emit(chr(value))

    # ------------------------------------------------------------ control words

    def _number(self, parameter: bytes | None, default: int) -> int:
        if parameter is None or len(parameter.lstrip(b"-")) > MAX_PARAMETER_DIGITS:
            return default
        return int(parameter)

    def _control(self, word: str, parameter: bytes | None, pos: int) -> int:
        """Act on a control word; the position to read on from (past a `\\bin`'s data, or a skipped group). A
        word whose parameter has more digits than any writer means is ignored."""
        state = self.state
        if parameter is not None and len(parameter.lstrip(b"-")) > MAX_PARAMETER_DIGITS:
            return pos
        value = self._number(parameter, 1)
        if state.starred:
            state.starred = False
            if word not in _STARRED_READ and not (state.dest == STYLE and word in _STARRED_STYLES):
                return self._skip_group(pos)
        if word in _SKIPPED:
            return self._skip_group(pos)
        if word == "bin":
            return min(len(self.data), pos + max(0, self._number(parameter, 0)))
        if word == "u" and parameter is not None:
            self._unicode(value)
            return pos
        if word != "u":
            self.high_surrogate = None
        if state.dest == FONTS:
            self._font_table(word, parameter, value)
        elif state.dest == STYLE:
            self._style_entry(word, value)
        if word in _DESTINATIONS:
            _DESTINATIONS[word](self, state)
        elif word in _CHARACTERS:
            self._emit(_CHARACTERS[word])
        elif word in _PARAGRAPH_ENDS:
            self._paragraph_end(word)
        else:
            self._property(word, parameter, value)
        return pos

    def _symbol(self, symbol: bytes) -> None:
        char = symbol.decode("latin-1")
        if char == "*":
            self.state.starred = True
        elif char in "\r\n":
            self._paragraph_end("par")  # a backslash before a line end is a \par
        elif char in _SYMBOLS:
            self._emit(_SYMBOLS[char])

    def _font_table(self, word: str, parameter: bytes | None, value: int) -> None:
        if word == "f" and parameter is not None:
            self.font_id = value
            self.fonts.setdefault(value, (None, None))
        elif word in ("fcharset", "cpg") and self.font_id is not None:
            charset, codepage = self.fonts[self.font_id]
            self.fonts[self.font_id] = (value, codepage) if word == "fcharset" else (charset, value)

    def _style_entry(self, word: str, value: int) -> None:
        entry = self.state.owner
        if word in ("s", "cs", "ds", "ts"):
            entry.kind, entry.number = word, value
        elif word == "sbasedon":
            entry.based_on = value
        elif word == "outlinelevel":
            entry.outline = value
        elif word == "b":
            entry.bold = value != 0

    def _property(self, word: str, parameter: bytes | None, value: int) -> None:
        """Character, paragraph, table and document properties."""
        if word not in _PROPERTIES:
            return  # most of a file's control words: layout, spacing, borders, languages …
        state = self.state
        on = value != 0
        if word == "b":
            state.bold = on
        elif word == "ab":
            if state.assoc == "dbch":
                state.asian_bold = on
        elif word == "plain":
            state.plain(self.default_font)
        elif word == "v":
            state.hidden = on
        elif word == "deleted":
            state.deleted = on
        elif word == "super":
            state.raised = on
        elif word in ("sub", "nosupersub"):
            state.raised = False
        elif word == "f" and parameter is not None:
            state.font = value
        elif word in ("loch", "hich", "dbch"):
            state.assoc = word
        elif word in ("rtlch", "ltrch"):
            state.assoc = "rtl" if word == "rtlch" else "ltr"
        elif word == "af" and state.assoc == "dbch":
            state.dbch_font = value
        elif word == "uc":
            state.uc = max(0, value)
        elif word == "cs" and state.dest != STYLE:
            if self._style_bold(self.character_styles, value):
                state.bold = True
        elif word == "pard":
            state.paragraph_defaults()
        elif word == "s" and state.dest != STYLE:
            state.style = value
            if self._style_bold(self.styles, value):
                state.bold = True
        elif word == "outlinelevel":
            state.outline = value
        elif word == "intbl":
            state.intbl = on
        elif word == "itap":
            state.itap = max(0, value)
        elif word in ("trowd", "cellx", "clmrg", "clvmrg"):
            self._row_definition(word, value)
        elif word == "ansicpg":
            self.codepage = _codec_of_codepage(value) or self.codepage
        elif word in _CHARACTER_SETS:
            self.codepage = _CHARACTER_SETS[word]
        elif word == "deff":
            self.default_font = value
            if state.font is None:
                state.font = value

    def _row_definition(self, word: str, value: int) -> None:
        """A row's definition, for the table at the depth the paragraph stands in (Word writes it before the
        row's cells and again in the group that ends the row; LibreOffice before them)."""
        state = self.state
        depth = max(1, state.table_depth)
        if word == "trowd":
            state.story.layouts[depth] = _Layout()
            return
        layout = state.story.layout(depth)
        if word == "cellx":
            self.budget.spend(1)
            layout.add(value)
        elif word == "clmrg":
            layout.merged_into_left = True
        elif word == "clvmrg":
            layout.continues_above = True

    def _paragraph_end(self, word: str) -> None:
        state = self.state
        if state.dest not in (TEXT, NOTHING) or (state.dest == NOTHING and word in ("par", "sect")):
            return  # a nested table's row properties end its row, and hold no paragraph
        story, depth, level = state.story, state.table_depth, self._heading_level(state)
        if word in ("par", "sect"):
            story.end_paragraph(level, depth)
        elif word == "cell":
            story.end_cell(level, 1)
        elif word == "nestcell":
            story.end_cell(level, max(2, depth))
        elif word == "row":
            story.end_row(level, 1)
        elif word == "nestrow":
            story.end_row(level, max(2, depth))

    # ------------------------------------------------------------ destinations

    def _fonts(self, state: _State) -> None:
        state.dest = FONTS

    def _stylesheet(self, state: _State) -> None:
        state.dest = STYLES

    def _note(self, state: _State) -> None:
        """A footnote (`\\footnote`; an endnote when `\\ftnalt` follows): its marker where it is anchored, its
        text a story of its own, read with the paragraph and character properties reset."""
        if state.dest != TEXT or isinstance(state.owner, _Note):
            state.dest = NOTHING  # a note in a note or in a list number: no text of the report
            return
        number = state.story.note_anchor(self.note_count + 1)
        self.note_count = max(self.note_count + 1, number)
        note = _Note(number, _Story(self.budget))
        state.story, state.owner = note.story, note
        state.plain(self.default_font)
        state.paragraph_defaults()

    def _label(self, state: _State) -> None:
        if state.dest == TEXT:
            state.dest, state.owner = LABEL, _Label(state.story)
        else:
            state.dest = NOTHING

    def _row_properties(self, state: _State) -> None:
        state.dest = NOTHING  # `{\*\nesttableprops …\nestrow}`: a nested row's definition and its end

    def _shape(self, state: _State) -> None:
        state.dest = NOTHING  # a shape, or a group of them: only a text box's text (`\shptxt`) is read

    def _text_box(self, state: _State) -> None:
        """A text box's text (`\\shptxt`): a story of its own, whose lines follow the paragraph the shape is
        anchored in (as `qa.readers.docx` places a box), read with the paragraph and character properties
        reset."""
        if isinstance(state.owner, _Note | _Box):
            state.dest = NOTHING  # a box in a note or in a box: read no deeper
            return
        box = _Box(state.story, _Story(self.budget))
        state.dest, state.story, state.owner = TEXT, box.story, box
        state.plain(self.default_font)
        state.paragraph_defaults()

    # ------------------------------------------------------------ styles

    def _style_chain(self, styles: dict[int, _StyleEntry], number: int):
        seen: set[int] = set()
        style = styles.get(number)
        while style is not None and style.number not in seen:
            seen.add(style.number)
            yield style
            style = styles.get(style.based_on) if style.based_on is not None else None

    def _style_bold(self, styles: dict[int, _StyleEntry], number: int) -> bool:
        return next((style.bold for style in self._style_chain(styles, number) if style.bold is not None), False)

    def _heading_level(self, state: _State) -> int:
        """A paragraph's heading level (0: none): its own outline level, else its style's (or a style it is
        based on): named 「heading N」/「标题 N」, or with an outline level."""
        if state.outline is not None:
            return state.outline + 1 if 0 <= state.outline < OUTLINE_BODY else 0
        for style in self._style_chain(self.styles, state.style):
            for alias in style.name.split(","):
                match = _HEADING_NAME.match(alias.strip())
                if match:
                    return int(match.group(1))
            if style.outline is not None:
                return style.outline + 1 if 0 <= style.outline < OUTLINE_BODY else 0
        return 0


#: Control words that start a destination read here.
_DESTINATIONS = {
    "fonttbl": _Parser._fonts,
    "stylesheet": _Parser._stylesheet,
    "footnote": _Parser._note,
    "listtext": _Parser._label,
    "pntext": _Parser._label,
    "nesttableprops": _Parser._row_properties,
    "shp": _Parser._shape,
    "shpgrp": _Parser._shape,
    "shpinst": _Parser._shape,
    "shptxt": _Parser._text_box,
}
#: The properties `_Parser._property` reads.
_PROPERTIES = frozenset({
    "b", "ab", "plain", "v", "deleted", "super", "sub", "nosupersub", "f", "loch", "hich", "dbch", "rtlch", "ltrch",
    "af", "uc", "cs", "pard", "s", "outlinelevel", "intbl", "itap", "trowd", "cellx", "clmrg", "clvmrg", "ansicpg",
    "deff", *_CHARACTER_SETS,
})
#: Control words that end a paragraph, a cell or a row (a section break ends its paragraph).
_PARAGRAPH_ENDS = frozenset({"par", "sect", "cell", "nestcell", "row", "nestrow"})


@functools.lru_cache(maxsize=64)
def _codec_of_codepage(codepage: int) -> str | None:
    """Python's codec for a Windows code page number (`\\ansicpg936` → GBK), None when there is none."""
    name = {936: "gbk", 10000: "mac_roman", 65001: "utf-8"}.get(codepage, f"cp{codepage}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _plain_line(line: str) -> str:
    """A note's line without the dialect's heading and bold marks (a note is read as plain text)."""
    return re.sub(r"^#+ ", "", line).replace("**", "")
