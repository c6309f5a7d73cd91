"""Printed pages → the report's paragraphs: what PDF text layers and OCR share.

Input: the lines of each page in reading order, with their box, font size and page. Output: `Decoded`
text, a paragraph a line, and where each page starts. The steps:

1. running headers and footers go: lines in the top or bottom margin band whose text (digits masked)
   repeats on many pages, and page numbers (「第 3 页」「- 3 -」「3 / 9」「3」);
2. footnotes go to the end as `<sup>N</sup> text` lines: the lines at the foot of a page set in a
   smaller font than the body, each opening with its number (superscript or not);
3. lines are joined into paragraphs: a line continues the paragraph above it unless it is indented,
   centred, in another font size, a numbered heading (「一、」「（一）」), or the line above ended short
   of the right margin. A page break is no paragraph break when the last line of the page was full
   and the first line of the next is not indented. CJK lines join without a space;
4. a line set in three cells or more (parted by wide gaps) opens a table, its cells the column
   headers: a column runs from where the header before it ends to where the header after it begins
   (headers are often centred over text set flush left). The lines below whose text falls within the
   columns are the table's — a new row where the first column has text, else more of the row above (a
   cell's text wraps inside its cell) — until a line runs across a column. The rows are written out a
   sentence each, with their column headers and units (`qa.readers.tables`), as the Word and web page
   readers write theirs; a header row a page break repeats is read once.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, replace

from qa.patterns import BULLET, FIGURE_ALONE, NOTE_OWN_NUMBER
from qa.readers.base import Decoded
from qa.readers.tables import names_no_figure, table_sentences
from qa.sections import numbering_level

#: A margin line is a running header or footer when its text (digits masked) recurs on this share of pages.
REPEAT_SHARE = 0.4
#: Share of the page height at the top and bottom where running headers and footers are looked for.
MARGIN_BAND = 0.12
#: A line in a font this much smaller than the body, at the foot of a page, belongs to a footnote.
FOOTNOTE_SIZE_RATIO = 0.88

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_·.。,，\s]*\d{1,4}[-—–－_·.。,，\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
#: A web address alone on a margin line: a page printed from a browser carries its own in the footer, and
#: a site's name in a fixed bar (「www.lycuiping.gov.cn」) prints where the page breaks.
_WEB_ADDRESS = re.compile(r"^(?:(?:https?|file)://|www\.)\S+(?:\s+\d{1,4}\s*/\s*\d{1,4})?$", re.IGNORECASE)
_SUP = re.compile(r"<sup>(\d+)</sup>")
_NOTE_NUMBER = re.compile(r"^(?:<sup>(\d{1,3})</sup>|(\d{1,3})(?=\s*[^\d\s.．、,，%]))\s*")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: A line set in this many cells or more is a table's row (「地区生产总值  亿元  1186.4  5.8  增长5.5%左右」).
TABLE_CELLS = 3
#: Characters a paragraph may end with (a line ending otherwise stops mid-sentence).
_TERMINAL = set("。！？；：…!?;:」』）)】”")


@dataclass
class TextLine:
    """One printed line. Coordinates in points from the page's top-left; `text` may hold
    `<sup>N</sup>` footnote markers."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page_width: float
    page_height: float
    #: the cells the line is set in, when it is set in several (a table's row): their text, left and right edge
    cells: tuple[tuple[str, float, float], ...] = ()

    @property
    def plain(self) -> str:
        return _SUP.sub("", self.text)


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _similar(a: str, b: str) -> bool:
    """Two margin lines that say the same (OCR may misread a character of a running header)."""
    if a == b:
        return True
    if not a or not b or abs(len(a) - len(b)) > max(2, len(a) // 5):
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8


#: A line this close (points) to a sheet's middle still lies in its half.
_MIDDLE_SLACK = 2.0


def in_printed_order(pages: list[list[TextLine]]) -> list[list[TextLine]]:
    """Sheets that each hold two printed pages side by side — a booklet imposed in saddle-stitch order
    (sheet 1: pages 12 | 1, its back 2 | 11 …) or a two-up print — as those pages, in the order their printed
    numbers say; other documents as they are. A sheet holds two pages when it is landscape, no line crosses
    its middle, and each half with text carries one page number at its foot (棕湾街道, round 48: read sheet by
    sheet, its plan's last page came between the review's second and third). Each page keeps its sheet's
    number (where a reader finds it in the file); its lines are placed on a page of half the sheet's width."""
    halves: list[tuple[int, list[TextLine]]] = []
    for lines in pages:
        if not lines:
            continue
        width, height = lines[0].page_width, lines[0].page_height
        middle = width / 2
        if width <= height:
            return pages
        left = [line for line in lines if line.x1 <= middle + _MIDDLE_SLACK]
        right = [line for line in lines if line.x0 >= middle - _MIDDLE_SLACK and line.x1 > middle + _MIDDLE_SLACK]
        if len(left) + len(right) != len(lines):
            return pages
        for half, shift in ((left, 0.0), (right, middle)):
            if not half:
                continue
            numbers = [
                int(re.sub(r"\D", "", line.plain)) for line in half
                if line.top > (1 - MARGIN_BAND) * height and _PAGE_NUMBER.match(line.plain.strip()) and re.search(r"\d", line.plain)
            ]
            if len(numbers) != 1:
                return pages
            halves.append((numbers[0], [replace(line, x0=line.x0 - shift, x1=line.x1 - shift, page_width=middle,
                                                cells=tuple((text, a - shift, b - shift) for text, a, b in line.cells))
                                        for line in half]))
    printed = [number for number, _ in halves]
    if len(halves) < 4 or len(set(printed)) != len(printed) or printed == sorted(printed):
        return pages
    return [half for _, half in sorted(halves, key=lambda item: item[0])]


def remove_running_lines(pages: list[list[TextLine]]) -> list[list[TextLine]]:
    """Drop running headers, footers and page numbers."""
    in_margin = [
        [line for line in page if line.top < MARGIN_BAND * line.page_height
         or line.bottom > (1 - MARGIN_BAND) * line.page_height]
        for page in pages
    ]
    masked = [[_mask(line.plain) for line in lines] for lines in in_margin]
    exact: Counter[str] = Counter()
    for keys in masked:
        exact.update(set(keys))
    needed = max(2, round(REPEAT_SHARE * len(pages)))
    kept = []
    for number, (page, margin) in enumerate(zip(pages, in_margin, strict=True)):
        drop = set()
        for line, key in zip(margin, masked[number], strict=True):
            text = line.plain.strip()
            scrap = len(text) <= 3 and not _CJK.search(text) and not set(text) & _TERMINAL
            if _PAGE_NUMBER.match(text) or scrap or _WEB_ADDRESS.match(text):
                drop.add(id(line))  # a page number, or what OCR left of one (「·」), or a web address
                continue
            repeated = exact[key] >= needed or (  # or nearly the same (an OCR misreading); headers are short
                len(key) <= 40 and sum(1 for keys in masked if any(_similar(key, other) for other in keys)) >= needed
            )
            if len(pages) >= 2 and repeated:
                drop.add(id(line))
        kept.append([line for line in page if id(line) not in drop])
    return kept


def body_size(pages: list[list[TextLine]]) -> float:
    """The font size most of the text is set in (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page:
            sizes[round(line.size * 2) / 2] += len(line.plain)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def split_footnotes(
    page: list[TextLine], size: float, *, numbered: bool = True
) -> tuple[list[TextLine], list[TextLine]]:
    """(body lines, footnote lines) of a page: the run of small-font lines at its foot, opening with a
    number unless `numbered` is False (OCR loses small superscripts)."""
    cut = len(page)
    while cut > 0:
        line = page[cut - 1]
        # a table's row is no footnote's line: a table set small in the lower half of a page, its notes under it
        if line.size < FOOTNOTE_SIZE_RATIO * size and line.top > 0.4 * line.page_height and len(line.cells) < TABLE_CELLS:
            cut -= 1
        else:
            break
    notes = page[cut:]
    if notes and numbered and not _NOTE_NUMBER.match(notes[0].text):
        return page, []  # small print at the foot that does not open with a number: not footnotes
    return page[:cut], notes


def _footnotes(lines: list[TextLine], numbers: list[int]) -> list[tuple[int, str]]:
    """Footnote lines → (number, text); a line without a number continues the footnote above."""
    notes: list[tuple[int, str]] = []
    for line in lines:
        match = _NOTE_NUMBER.match(line.text)
        if match:
            n = int(match.group(1) or match.group(2))
            notes.append((n, _SUP.sub("", line.text[match.end():]).strip()))
            numbers.append(n)
        elif notes:
            notes[-1] = (notes[-1][0], _join(notes[-1][1], _SUP.sub("", line.text).strip()))
        else:  # its number was lost (OCR): the next one
            n = max(numbers, default=0) + 1
            notes.append((n, _SUP.sub("", line.text).strip()))
            numbers.append(n)
    return notes


#: The term a footnote defines (「一地两区：…」), after the note's own number (`NOTE_OWN_NUMBER`).
_TERM = re.compile(rf"^{NOTE_OWN_NUMBER}\s*[“\"「]?([^：:“”\"「」]{{2,12}}?)[”\"」]?[：:]")


def _place_lost_markers(body: list[TextLine], notes: list[tuple[int, str]]) -> None:
    """A footnote whose marker is not on its page (OCR drops small superscripts) gets one after the
    first mention on that page of the term it defines (「一地两区：…」 → after 「一地两区”」), else at
    the end of the page's last line."""
    for n, text in notes:
        if any(f"<sup>{n}</sup>" in line.text for line in body):
            continue
        term = _TERM.match(text)
        word = term.group(1).strip() if term else None
        for line in body if word else ():
            at = line.text.find(word)
            if at >= 0:
                end = at + len(word)
                if line.text[end:end + 1] in ("”", "\"", "」"):
                    end += 1
                line.text = f"{line.text[:end]}<sup>{n}</sup>{line.text[end:]}"
                break
        else:  # no term to find: the passage at the page's foot, where the citing text most likely is
            if body:
                body[-1].text += f"<sup>{n}</sup>"


def _join(left: str, right: str) -> str:
    if left and right and _ASCII_LETTER.match(left[-1]) and _ASCII_LETTER.match(right[0]):
        return f"{left} {right}"
    return left + right


def _edges(lines: list[TextLine], size: float) -> tuple[float, float]:
    """(left, right) edge of the body text on a page: the most common line start and end."""
    body = [line for line in lines if abs(line.size - size) <= 0.15 * size] or lines
    starts = Counter(round(line.x0 / 2) * 2 for line in body)
    ends = Counter(round(line.x1 / 2) * 2 for line in body)
    left = min(x for x, n in starts.items() if n >= max(1, starts.most_common(1)[0][1] // 3))
    right = max(x for x, n in ends.items() if n >= max(1, ends.most_common(1)[0][1] // 3))
    return float(left), float(right)


#: A note set under a table, a slide or a paragraph (「注：完成进度＝…」「附注：」).
_NOTE_START = re.compile(r"^(?:附注|注|说明)\s*[：:]")


#: Punctuation of a sentence, which no table's row read as a line holds.
_SENTENCE_MARK = re.compile(r"[，。；！？,;]")
#: A cell of figures in a table's row: 「48.6」「6.3」「1,120」「95以上」「增长5%左右」「≥80」.
_FIGURE_CELL = re.compile(r"^(?:增长|下降)?[≥≤><+\-]?\d[\d.,]*[%％]?(?:左右|以上|以内)?$")


def _row_of_cells(line: TextLine) -> bool:
    """Whether a line read without cells is a table's row: words and figures set apart by spaces, two
    figures at least and a third of the words (not a line of English prose), no sentence punctuation
    (「地区生产总值 亿元 48.6 6.3 增长6%左右」, as OCR reads a scan's row, its boxes a space apart). A row spans
    the text's width like a wrapped line of a paragraph, and a scan's rows had run into one paragraph
    (「…增长6%左右规模以上工业总产值 亿元 52.3…」)."""
    words = line.plain.split()
    figures = sum(bool(_FIGURE_CELL.match(word)) for word in words)
    return len(words) >= 3 and figures >= 2 and 3 * figures >= len(words) and not _SENTENCE_MARK.search(line.plain)


def _starts_paragraph(line: TextLine, previous: TextLine | None, edges: dict[int, tuple[float, float]],
                      size: float) -> bool:
    if previous is None:
        return True
    if not line.cells and not previous.cells and (_row_of_cells(line) or _row_of_cells(previous)):
        return True  # a table's row read as a line: a paragraph of its own
    if BULLET.match(line.plain) or FIGURE_ALONE.match(line.plain) or FIGURE_ALONE.match(previous.plain):
        return True  # a slide's bullet point or big figure: the caption under a figure is joined in `qa.ingest`
    if _NOTE_START.match(line.plain.lstrip()):
        return True  # 「注：…」 under a table or a slide is a paragraph of its own
    left, _right = edges[line.page]
    _left, prev_right = edges[previous.page]
    em = max(line.size, 1.0)
    if line.x0 > left + 0.8 * em:  # indented or centred
        return True
    if previous.x1 < prev_right - 1.2 * max(previous.size, 1.0):  # the line above ended short ...
        prev_left = edges[previous.page][0]
        unfinished = previous.plain.rstrip()[-1:] not in _TERMINAL
        long_line = previous.x1 - prev_left > 0.6 * (prev_right - prev_left)
        if not (unfinished and long_line):  # ... unless it was long and stopped mid-sentence (a wrap
            return True  # moved a word or a marker with its punctuation down)
    if abs(line.size - previous.size) > SIZE_CHANGE * size and not _wrapped_short_end(line, previous, edges):
        return True
    plain = line.plain.lstrip()
    return 0 < numbering_level(plain) <= 2


#: Characters a line may have for its measured size to be too unsure to set it apart (`_wrapped_short_end`).
SHORT_LINE_CHARS = 8


def _wrapped_short_end(line: TextLine, previous: TextLine, edges: dict[int, tuple[float, float]]) -> bool:
    """Whether `line` is the short end of a sentence that the long line before it wrapped mid-sentence
    (「…农村居民人均可支配收入24816元，增长」 over 「7.8%。」): it goes on that paragraph whatever size it
    measures, for a few glyphs measure their size poorly (OCR measures a short line by its box's height)."""
    left, right = edges[previous.page]
    unfinished = previous.plain.rstrip()[-1:] not in _TERMINAL
    long_line = previous.x1 - left > 0.9 * (right - left)
    return unfinished and long_line and len(line.plain.strip()) <= SHORT_LINE_CHARS


#: A line whose size differs by this share of the body's or the table's is set apart: a heading.
SIZE_CHANGE = 0.12
#: A header's next line stands this close under it (in its font size): a wrapped cell's text, where a
#: table's next row has a border and padding between.
HEADER_LINE_GAP = 0.5


class _Table:
    """A table read line by line (step 4): the header row's cells name its columns."""

    def __init__(self, header: TextLine) -> None:
        self.header = [text for text, _, _ in header.cells]
        self.starts = [left for _, left, _ in header.cells]
        self.ends = [right for _, _, right in header.cells]
        self.page = header.page
        self.header_lines = [list(header.cells)]  # the header's lines, while it goes on (`_header_goes_on`)
        self.bottom = header.bottom  # where the header's last line ends
        self.size = header.size  # the size of the last line read into the table
        self.rows: list[tuple[list[str], int]] = []  # each row's cells, and the page it begins on

    def _column(self, x: float) -> int:
        """The column text beginning at `x` is in: the last whose header's predecessor ends before `x`."""
        return sum(1 for end in self.ends[:-1] if x > end)

    def _split_header(self, pieces: list[tuple[str, float, float]]) -> None:
        """Split a header cell over as many cells of the first row as its words when they begin under it: a
        header set with narrower gaps than the rows (「2025年完成 增长（%） 2026年预期目标」 read as one cell,
        its row 「4.86」「6.2」「增长5%左右」 as three) names a column with each word."""
        header, starts, ends = [], [], []
        for i, (name, start, end) in enumerate(zip(self.header, self.starts, self.ends, strict=True)):
            after = self.starts[i + 1] if i + 1 < len(self.starts) else float("inf")
            under = [(left, right) for _text, left, right in pieces if start - 1 <= left < after] if i else []
            words = name.split()
            if len(under) > 1 and len(words) == len(under):
                header += words
                starts += [start, *(left for left, _ in under[1:])]
                ends += [*(right for _, right in under[:-1]), end]
            else:
                header.append(name)
                starts.append(start)
                ends.append(end)
        self.header, self.starts, self.ends = header, starts, ends

    def _header_goes_on(self, line: TextLine, pieces: list[tuple[str, float, float]]) -> bool:
        """Whether `line` goes on with the header (kept in `header_lines` till the first row): before any row,
        close under the header's last line (a cell's text wrapping, not a row's border and padding) and
        naming, not giving figures or sentences."""
        return (
            not self.rows
            and line.top - self.bottom <= HEADER_LINE_GAP * self.size
            and names_no_figure([text for text, _, _ in pieces])
            and not any("，" in text for text, _, _ in pieces)
        )

    def _header_by_first_row(self, pieces: list[tuple[str, float, float]]) -> None:
        """A header over several lines, its cells wrapped and drawn a cell at a time (「指标名称 单位 2025年」
        「完成 比上年」「增长（%） 2026年」「预期目标」), named by the columns of the first row under it: each
        header cell goes to the row's cell it overlaps most (or stands nearest), its lines top to bottom."""
        names = [""] * len(pieces)
        starts = [left for _, left, _ in pieces]
        ends = [right for _, _, right in pieces]
        for line in self.header_lines:
            for text, left, right in line:
                overlap = [min(right, cell_right) - max(left, cell_left) for _, cell_left, cell_right in pieces]
                nearest = [-abs((left + right) - (cell_left + cell_right)) for _, cell_left, cell_right in pieces]
                column = max(range(len(pieces)), key=lambda i: (overlap[i] > 0, overlap[i], nearest[i]))
                names[column] = _join(names[column], text)
                starts[column], ends[column] = min(starts[column], left), max(ends[column], right)
        self.header, self.starts, self.ends = names, starts, ends

    def takes(self, line: TextLine) -> bool:
        """Whether `line` is the table's (and if so, read it into its row)."""
        pieces = list(line.cells) or [(line.text.strip(), line.x0, line.x1)]
        if [text for text, _, _ in pieces] == self.header:
            return True  # the header row a page break repeats
        if self.rows and len(pieces) == 1 and abs(line.size - self.size) > SIZE_CHANGE * self.size:
            return False  # a heading after the table (「名词解释及注」, set larger than its rows): no row of it
        if self._header_goes_on(line, pieces):
            self.header_lines.append(pieces)
            self.bottom = line.bottom
            return True
        if not self.rows and len(self.header_lines) > 1:
            if len(pieces) >= max(map(len, self.header_lines)):
                self._header_by_first_row(pieces)
            else:  # a row with empty cells: the header's later lines go under its own columns
                for text, left, _right in (piece for later in self.header_lines[1:] for piece in later):
                    self.header[self._column(left)] = _join(self.header[self._column(left)], text)
        elif not self.rows and len(pieces) > len(self.header):
            self._split_header(pieces)
        for _text, left, right in pieces:
            column = self._column(left)
            if column + 1 < len(self.starts) and right > self.starts[column + 1]:
                return False  # text running across a column is no cell's
        if not self.rows or self._column(pieces[0][1]) == 0:
            self.rows.append(([""] * len(self.starts), line.page))
        cells = self.rows[-1][0]
        for text, left, _right in pieces:
            column = self._column(left)
            cells[column] = _join(cells[column], text)
        self.size = line.size
        return True

    def paragraphs(self) -> list[list[tuple[str, int]]]:
        """The rows as paragraphs, a sentence each (`table_sentences`), on the page each row begins on."""
        sentences = table_sentences([self.header, *(cells for cells, _ in self.rows)])
        # a sentence for each row, and one for the first line when it names no columns (「指标 2023 2024」: a
        # bare number is no header): pages follow the lines from the end
        pages = [self.page, *(page for _, page in self.rows)][-len(sentences):] if sentences else []
        return [[(sentence, page)] for sentence, page in zip(sentences, pages, strict=True)]


def assemble(pages: list[list[TextLine]], page_count: int, fmt: str, *, notes_at_foot: bool = True) -> Decoded:
    """Lines of every page → `Decoded` (paragraphs, footnotes at the end, page starts). `notes_at_foot`:
    whether small print at a page's foot is its footnotes (not for the tiles of a long image, which have
    no foot: the small print there is the next tile's text or the image's own caption)."""
    pages = remove_running_lines(pages)
    size = body_size(pages)
    bodies: list[list[TextLine]] = []
    notes: list[tuple[int, str]] = []
    numbers: list[int] = []
    for page in pages:
        body, foot = split_footnotes(page, size, numbered=fmt != "ocr") if notes_at_foot else (page, [])
        bodies.append(body)
        found = _footnotes(foot, numbers)
        _place_lost_markers(body, found)
        notes += found
    edges = {}
    for body in bodies:
        if body:
            edges[body[0].page] = _edges(body, size)

    paragraphs: list[list[tuple[str, int]]] = []
    previous: TextLine | None = None
    table: _Table | None = None
    for body in bodies:
        for line in body:
            text = line.text.strip()
            if not text:
                continue
            if table is not None:
                if table.takes(line):
                    continue
                paragraphs += table.paragraphs()
                table, previous = None, None
            if len(line.cells) >= TABLE_CELLS:
                table = _Table(line)
                continue
            if _starts_paragraph(line, previous, edges, size):
                paragraphs.append([(text, line.page)])
            else:
                paragraphs[-1].append((text, line.page))
            previous = line
    if table is not None:
        paragraphs += table.paragraphs()

    out: list[str] = []
    page_starts: list[tuple[int, int]] = []
    offset = 0
    last_page = None
    for pieces in paragraphs:
        text = ""
        for piece, page in pieces:
            joined = _join(text, piece)
            if page != last_page:
                page_starts.append((offset + len(joined) - len(piece), page))
                last_page = page
            text = joined
        out.append(text)
        offset += len(text) + 1
    seen = set()
    for n, note in notes:
        if n in seen or not _CJK.search(note):
            continue
        seen.add(n)
        out.append(f"<sup>{n}</sup> {note}")
    return Decoded("\n".join(out), fmt, tuple(page_starts), page_count)
