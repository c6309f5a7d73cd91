"""PDF reports: the text layer read with PDFium (pypdfium2), one line at a time with each character's
box and font size; pages without a text layer (a scan) go to OCR (`qa.readers.ocr`).

pypdfium2 was chosen by measurement (bench/readers.py, README "Readers"): it reads the seed renders as
faithfully as pdfminer.six/pdfplumber and about 30× faster (a 9-page report in ~0.1 s against ~3.5 s),
which is what lets a 30-page PDF ingest in under 2 s; it is Apache-2.0/BSD-3 licensed and ships PDFium
as a wheel (no system library). PDFium does not expose the font names of Chromium's CJK fonts, so
bold lead sentences are not carried over; the section tree does not need them (lead sentences are
found by their shape).
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from qa.readers.base import Decoded, IngestError, Limits
from qa.readers.layout import FOOTNOTE_SIZE_RATIO, MARGIN_BAND, TextLine, assemble, in_printed_order

#: A page with fewer printed characters than this has no text layer worth reading: OCR it.
MIN_TEXT_CHARS = 20
#: A digit this much smaller than its line is a superscript footnote marker.
SUPERSCRIPT_RATIO = 0.8
#: A text object whose first glyph PDFium boxes this far (points) from where the object's matrix draws it is
#: boxed in the wrong space (`_misplaced_by`).
MISPLACED_POINTS = 1.0
#: A marker in brackets, as a web page printed to PDF sets 「<sup>[1]</sup>」: read as the 「[1]」 it shows, which
#: the cleaner ties to the 「[1] …」 note it cites (a bare superscript 1 between brackets left 「[]」 in the text).
_BRACKETED_MARKER = re.compile(r"[\[［]<sup>(\d+)</sup>[\]］]")
#: A gap between two CJK characters wider than this (in ems) is a real space (「镇长 朱峻峰」).
SPACE_GAP = 0.2
#: A gap wider than this (in ems) parts two cells of a table's row; body text, justified, has none.
CELL_GAP = 0.8
#: Where a line's text is cut into cells (a character no report prints).
_CELL_BREAK = "\x1f"
#: A document whose text objects PDFium reads no text from, this share of them or more (and at least
#: `MIN_TEXT_OBJECTS`), has fonts it cannot map here: refused, not indexed with its body missing.
UNREADABLE_SHARE = 0.3
MIN_TEXT_OBJECTS = 50
#: What a report's text layer is made of: Chinese characters, Latin text, punctuation, full-width forms and
#: the symbols reports print (①, ≥, ℃, ■, ★). A font embedded without its map to Unicode (a typesetting
#: system's CID font with no ToUnicode) hands PDFium its glyph numbers instead, which read as characters of
#: every block (「塇䋻樓⎆䃝㨋㍨」, 38% of them in these ranges; every page of the 34 other blind PDFs: 100%).
_READABLE = re.compile(
    r"[\x20-\x7e\u00a0-\u00ff\u2000-\u22ff\u2460-\u257f\u25a0-\u27bf\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
)
#: A page whose text is less than this share readable has a text layer that cannot be decoded: OCR it.
READABLE_SHARE = 0.9


def open_pdf(path: Path, data: bytes):
    """The PDFium document, or an `IngestError` saying why it cannot be opened and what to do."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = str(error).lower()
        if "password" in reason or "security" in reason:
            raise IngestError(f"{path}: PDF 已加密（需要密码才能打开），请提供未加密的版本（例如用阅读器“打印为 PDF”另存）") from error
        raise IngestError(f"{path}: PDF 文件已损坏或不完整，无法打开（{error}），请重新下载或导出后重试") from error


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    document = open_pdf(path, data)
    try:
        count = len(document)
        if count == 0:
            raise IngestError(f"{path}: PDF 没有页面，请检查文件是否完整")
        if count > limits.max_pages:
            raise IngestError(
                f"{path}: PDF 共 {count} 页，超过上限 {limits.max_pages} 页（QA_MAX_PAGES），"
                "请只上传报告本身的页面，或调高上限"
            )
        pages: list[list[TextLine]] = []
        scanned: list[int] = []
        garbled: list[int] = []  # pages whose text layer decodes to nonsense (`undecodable`)
        text_objects = unreadable = 0
        for number in range(count):
            page = document[number]
            try:
                lines = page_lines(page, number + 1)
                objects, empty = text_objects_read(page)
            finally:
                page.close()
            text_objects, unreadable = text_objects + objects, unreadable + empty
            if sum(len(line.plain) for line in lines) < MIN_TEXT_CHARS:
                scanned.append(number)
            elif undecodable(lines):
                garbled.append(number)
            pages.append(lines)
        if fonts_not_found(text_objects, unreadable):
            raise IngestError(
                f"{path}: PDF 的字体没有嵌入文件，本机也没有可替代的中文字体，{unreadable / text_objects:.0%} 的文字对象读不出文字。"
                "请安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk）后重新运行 qa build，或提供嵌入了字体的 PDF"
            )
        # a few pages without text among many with it are pictures (a photo, a chart), left as they are
        to_read = sorted((scanned if len(scanned) >= max(1, count // 2) else []) + garbled)
        if to_read:
            from qa.readers.ocr import ocr_pages

            if len(to_read) > limits.max_ocr_pages:
                what = "扫描版 PDF" if len(garbled) < len(to_read) else "PDF 的文字层无法解码（字体没有 Unicode 映射），"
                raise IngestError(
                    f"{path}: {what}共 {len(to_read)} 页需要文字识别，超过上限 {limits.max_ocr_pages} 页"
                    "（QA_MAX_OCR_PAGES），请拆分后分批添加，或提供带文字层的 PDF"
                )
            for number, lines in zip(to_read, ocr_pages(document, to_read, path), strict=True):
                pages[number] = lines
            fmt = "ocr"
        else:
            fmt = "pdf"
    finally:
        document.close()
    decoded = assemble(in_printed_order(pages), count, fmt)
    if fmt == "ocr":
        from qa.readers.ocr import own_place_mended

        decoded = replace(decoded, text=own_place_mended(decoded.text))  # same length: page offsets hold
    if not decoded.text.strip():
        raise IngestError(f"{path}: PDF 中没有可读取的文字，请确认它是报告正文")
    return decoded


def undecodable(lines: list[TextLine]) -> bool:
    """Whether a page's text layer decodes to nonsense (`_READABLE`): its pages are read by OCR, as a scan's."""
    text = re.sub(r"\s", "", "".join(line.plain for line in lines))
    return len(text) >= MIN_TEXT_CHARS and len(_READABLE.findall(text)) < READABLE_SHARE * len(text)


def text_objects_read(page) -> tuple[int, int]:
    """(text objects on the page, those PDFium reads no text from). A font the file does not embed is
    mapped to one of the machine's fonts; with no CJK font installed, the Chinese it prints cannot be read
    (a report made with a standard CJK font such as STSong-Light, not embedded, loses its whole body)."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        objects = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=1))
        # the length in bytes of the object's UTF-16 text with its terminator: 2 is none
        empty = sum(1 for o in objects if pdfium_c.FPDFTextObj_GetText(o.raw, textpage.raw, None, 0) <= 2)
    finally:
        textpage.close()
    return len(objects), empty


def fonts_not_found(text_objects: int, unreadable: int) -> bool:
    """Whether so many of a document's text objects read as nothing that its fonts cannot be read here."""
    return text_objects >= MIN_TEXT_OBJECTS and unreadable >= UNREADABLE_SHARE * text_objects


def page_lines(page, number: int) -> list[TextLine]:
    """The text lines of one page, superscript digits as `<sup>N</sup>`.

    Characters come in the content stream's order (reading order for the producers seen); lines are
    cut by geometry, not by the breaks PDFium guesses (it cuts a line at a raised superscript).
    """
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    if page.get_rotation() in (90, 270):  # the characters' boxes stand in the page's own, unrotated space
        width, height = height, width
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw)
        box = pdfium_c.FS_RECTF()
        text_object, shift = None, (0.0, 0.0)
        chars: list[tuple[str, float, float, float, float, float, bool]] = []
        angles: list[float] = []
        for i in range(count):
            code = pdfium_c.FPDFText_GetUnicode(raw, i)
            char = chr(code) if code else ""
            if not char or char == "\ufffe" or char == "\x02":
                continue
            if "\u2e80" <= char <= "\u2fdf":  # a Kangxi/CJK radical from the font's map: the ideograph (⼤ → 大)
                char = unicodedata.normalize("NFKC", char)
            if char.isspace() or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                if chars and not chars[-1][6]:
                    chars.append((" ", 0.0, 0.0, 0.0, 0.0, 0.0, True))
                continue
            # the loose box spans the glyph's advance: gaps between boxes are spacing, not glyph shapes
            pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
            if (owner := ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, i), ctypes.c_void_p).value) != text_object:
                text_object, shift = owner, _misplaced_by(pdfium_c, raw, i)
            dx, dy = shift
            size = pdfium_c.FPDFText_GetFontSize(raw, i)
            chars.append((char, size, box.left + dx, box.right + dx, height - box.top - dy, height - box.bottom - dy, False))
            angles.append(math.degrees(pdfium_c.FPDFText_GetCharAngle(raw, i)))
    finally:
        textpage.close()
    if sideways := _sideways(angles):
        chars, width, height = _turned_upright(chars, sideways, width, height)
    return lines_from_chars(chars, number, width, height)


def _misplaced_by(pdfium_c, raw, i: int) -> tuple[float, float]:
    """How far PDFium boxed the text object that character `i` opens from where its matrix draws it: (0, 0)
    but for an object of a page placed on the sheet as a form (a booklet's or an N-up print's imposed pages),
    which PDFium sometimes boxes in the form's own space (棕湾街道, round 48: the 「工」 of a right-hand page stood
    420 points left, in the other page's line). The matrix's translation is the object's first glyph's origin
    on the sheet; its other glyphs are off by as much."""
    x, y, matrix = ctypes.c_double(), ctypes.c_double(), pdfium_c.FS_MATRIX()
    if not (pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(x), ctypes.byref(y))
            and pdfium_c.FPDFText_GetMatrix(raw, i, ctypes.byref(matrix))):
        return 0.0, 0.0
    dx, dy = matrix.e - x.value, matrix.f - y.value
    return (dx, dy) if abs(dx) > MISPLACED_POINTS or abs(dy) > MISPLACED_POINTS else (0.0, 0.0)


def lines_from_chars(chars: list, number: int, width: float, height: float) -> list[TextLine]:
    """The text lines of a page's placed characters, in the order drawn: (char, size, left, right, top,
    bottom, is_space), in points from the page's top-left. Shared with the other fixed-layout format
    (`qa.readers.ofd`), whose pages place their characters as a PDF's do."""
    chars = _without_line_numbers(chars)
    lines = _lines_of(chars, number, width, height)
    if _drawn_out_of_order(lines, width):
        lines = _lines_of(_in_rows(chars), number, width, height)
    return lines


#: Share of a page's characters set turned a quarter that makes it a page to read turned: a landscape
#: table on a portrait page, drawn turned or shown so by the page's /Rotate.
SIDEWAYS_SHARE = 0.6
#: How far, in degrees, a character's angle may stray from a quarter turn and count as turned.
_ANGLE_SLACK = 5.0


def _sideways(angles: list[float]) -> int:
    """The quarter turn (90 or 270, as PDFium measures a character's angle) most of a page's characters
    are set at, 0 when they stand upright. 蔚川县 (round 42) set its indicator and project tables on
    landscape pages: read upright, each column of characters was a line, and the tables' cells ran
    together (「地区生产总值亿元286.4增长6%左右2」)."""
    for turn in (90, 270):
        if angles and sum(abs(a - turn) <= _ANGLE_SLACK for a in angles) >= SIDEWAYS_SHARE * len(angles):
            return turn
    return 0


def _turned_upright(chars: list, turn: int, width: float, height: float) -> tuple[list, float, float]:
    """The characters of a page read turned, as they stand once the page is turned to read them: boxes
    (left, right, top, bottom from the top) in the turned page, whose width is the page's height. At 270
    the text runs up the page and its lines follow left to right; at 90 it runs down, lines right to left."""
    turned = []
    for char, size, x0, x1, top, bottom, space in chars:
        if space:
            turned.append((char, size, x0, x1, top, bottom, space))
        elif turn == 270:
            turned.append((char, size, height - bottom, height - top, x0, x1, space))
        else:
            turned.append((char, size, top, bottom, width - x1, width - x0, space))
    if turn == 90:  # PDFium hands turned lines over left to right on the page: here the last first
        turned = [char for line in reversed(_runs_of_lines(turned)) for char in line]
    return turned, height, width


def _runs_of_lines(chars: list) -> list[list]:
    """`chars` cut where the next character stands on another line (its box overlaps the run's in height
    not at all), each run in the order given."""
    runs: list[list] = []
    band: tuple[float, float] | None = None
    for char in chars:
        top, bottom = char[4], char[5]
        if char[6] or (band is not None and top < band[1] and bottom > band[0]):
            if runs:
                runs[-1].append(char)
            continue
        runs.append([char])
        band = (top, bottom)
    return runs


def _lines_of(chars: list, number: int, width: float, height: float) -> list[TextLine]:
    """The lines `chars` make, read in the order given: a line ends where the next character moves down,
    up or back."""
    lines: list[TextLine] = []
    current: list[tuple[str, float, float, float, float, float, bool]] = []
    anchor: tuple[float, float, float] | None = None  # (centre, size, right edge) of the line so far
    for char in chars:
        if char[6]:
            if current:
                current.append(char)
            continue
        _c, size, x0, x1, y0, y1, _s = char
        centre = (y0 + y1) / 2
        if anchor is not None:
            line_centre, line_size, line_right = anchor
            moved_down = centre - line_centre > 0.6 * line_size and not _raised_number(current, size, y0)
            moved_up = line_centre - centre > 1.2 * line_size
            went_back = x0 < line_right - 2 * max(size, line_size)
            if moved_down or moved_up or went_back:
                _flush(current, lines, number, width, height)
                anchor = None
        if anchor is None:
            anchor = (centre, size, x1)
        else:
            line_centre, line_size, _right = anchor
            # the line's centre follows its full-size characters, not its superscripts
            anchor = (centre if size >= line_size else line_centre, max(size, line_size), x1)
        current.append(char)
    _flush(current, lines, number, width, height)
    return lines


#: A page is set in one column when this share of its longer lines or more runs across its middle.
ONE_COLUMN_SHARE = 0.5
#: Characters a line needs to count in that share (a heading or a paragraph's last line may not reach the middle).
LONGER_LINE_CHARS = 10


def _drawn_out_of_order(lines: list[TextLine], width: float) -> bool:
    """Whether a page set in one column draws its text out of reading order: a line wholly above the line
    read before it, in the same column. A layout program writes its text frames in the order they were
    made, not read (the heading last, the page's lower half before its upper half, the footer first), and
    PDFium hands the characters over in that order. A page in columns (a newspaper's) jumps up at each
    column, beside the one before it, and is read as drawn."""
    longer = [line for line in lines if len(line.plain) >= LONGER_LINE_CHARS]
    if not longer or sum(line.x0 < width / 2 < line.x1 for line in longer) < ONE_COLUMN_SHARE * len(longer):
        return False
    sizes = sorted(line.size for line in longer)
    # the body's lines only: a producer that draws the running header or footer, a watermark or the footnotes
    # before the body (most do one of them) has the body in order, and the layout step sets those apart
    body = [
        line for line in longer
        if MARGIN_BAND * line.page_height < line.top and line.bottom < (1 - MARGIN_BAND) * line.page_height
        and line.size >= FOOTNOTE_SIZE_RATIO * sizes[len(sizes) // 2]
    ]
    return any(b.bottom < a.top and min(a.x1, b.x1) > max(a.x0, b.x0) for a, b in itertools.pairwise(body))


def _in_rows(chars: list) -> list:
    """A page's characters in reading order: in rows by where they stand (a character joins the row its box
    overlaps for at least half its height: a superscript stays on its line), top to bottom, each row left to
    right. A space PDFium generates goes with the character before it."""
    units: list[list] = []
    for char in chars:
        if char[6]:
            if units:
                units[-1].append(char)
            continue
        units.append([char])
    rows: list[tuple[float, float, list[list]]] = []  # (top, bottom, units) of each row, top to bottom
    for unit in sorted(units, key=lambda u: (u[0][4] + u[0][5]) / 2):
        top, bottom = unit[0][4], unit[0][5]
        if rows:
            row_top, row_bottom, members = rows[-1]
            if min(bottom, row_bottom) - max(top, row_top) >= 0.5 * (bottom - top):
                rows[-1] = (min(top, row_top), max(bottom, row_bottom), [*members, unit])
                continue
        rows.append((top, bottom, [unit]))
    return [char for _top, _bottom, members in rows for unit in sorted(members, key=lambda u: u[0][2]) for char in unit]


#: A page numbering its lines in the margin (a draft circulated for discussion, a legal text) numbers
#: at least this many.
MIN_LINE_NUMBERS = 5


def _without_line_numbers(chars: list) -> list:
    """A page's characters without the numbers it prints in its left margin, level with its lines (1, 2, 3 …
    in small grey digits): numbers set smaller than the body and wholly left of where its text begins,
    counting up the page. Read as they were, each was a superscript footnote marker opening its line, and
    the whole report was read as footnotes."""
    printed = [c for c in chars if not c[6]]
    if not printed:
        return chars
    sizes = sorted(c[1] for c in printed)
    body_size = sizes[len(sizes) // 2]
    body = [c for c in printed if not c[0].isdigit() and c[1] >= SUPERSCRIPT_RATIO * body_size]
    if not body:
        return chars
    left = min(c[2] for c in body)
    margin = {
        i for i, c in enumerate(chars)
        # decimal digits only: a circled or superscript number (①, ²) is a digit to isdigit but no line's number
        if not c[6] and c[0].isdecimal() and c[1] < SUPERSCRIPT_RATIO * body_size and c[3] <= left + 0.1 * body_size
    }
    numbers: list[tuple[float, int]] = []  # (top, value) of each run of margin digits on one level
    for _top, run in itertools.groupby(sorted(margin, key=lambda i: (round(chars[i][4]), chars[i][2])), key=lambda i: round(chars[i][4])):
        digits = [chars[i] for i in run]
        numbers.append((digits[0][4], int("".join(c[0] for c in digits))))
    values = [value for _top, value in sorted(numbers)]
    counting = sum(b > a for a, b in itertools.pairwise(values))
    if len(values) < MIN_LINE_NUMBERS or counting < 0.8 * (len(values) - 1):
        return chars
    return [c for i, c in enumerate(chars) if i not in margin]


def _raised_number(current: list, size: float, top: float) -> bool:
    """Whether the line so far is only a number set smaller and higher than the character that follows
    and reaching down beside it: a footnote's number at the foot of a page (「¹“工业上楼”：指…」), whose
    text is that line, not a line of its own."""
    printed = [c for c in current if not c[6]]
    return bool(printed) and all(c[0].isdigit() and c[1] < size for c in printed) and max(c[5] for c in printed) > top


def _flush(current: list, lines: list[TextLine], number: int, width: float, height: float) -> None:
    while current and current[-1][6]:
        current.pop()
    if current:
        line = _line(current, number, width, height)
        if line is not None:
            lines.append(line)
    current.clear()


def _line(chars, number: int, width: float, height: float) -> TextLine | None:
    printed = [c for c in chars if not c[6]]
    if not printed:
        return None
    sizes = sorted(c[1] for c in printed)
    normal = [s for s in sizes if s >= SUPERSCRIPT_RATIO * sizes[len(sizes) // 2]]
    size = normal[len(normal) // 2]
    gaps = sorted(b[2] - a[3] for a, b in itertools.pairwise(printed) if b[2] > a[3] - 1)
    usual_gap = gaps[len(gaps) // 2] if gaps else 0.0  # letter-spacing, when the line has it
    pieces: list[str] = []
    marker = ""
    previous = ""
    previous_right = 0.0
    bounds = [[min(c[2] for c in printed), 0.0]]  # where each cell begins and ends
    for char, char_size, left, right, _top, _bottom, is_space in chars:
        is_marker = not is_space and char.isdigit() and char_size < SUPERSCRIPT_RATIO * size
        if marker and not is_marker:
            pieces.append(f"<sup>{marker}</sup>")
            marker = ""
        if is_marker:
            marker += char
        elif is_space:
            pieces.append(" ")
        else:
            cjk_pair = not (_asciiish(previous) or _asciiish(char))
            if pieces and pieces[-1] == " " and cjk_pair and left - previous_right < usual_gap + SPACE_GAP * size:
                pieces.pop()  # a space PDFium put into a narrow gap between CJK characters (justification)
            if previous and left - previous_right > CELL_GAP * size:
                pieces.append(_CELL_BREAK)
                bounds[-1][1] = previous_right
                bounds.append([left, 0.0])
            pieces.append(char)
            previous = char
            previous_right = right
    if marker:
        pieces.append(f"<sup>{marker}</sup>")
    bounds[-1][1] = max(c[3] for c in printed)
    cells = [" ".join(cell.split()) for cell in "".join(pieces).split(_CELL_BREAK)]
    text = _BRACKETED_MARKER.sub(r"[\1]", " ".join(cells).strip())
    return TextLine(
        page=number,
        text=text,
        x0=min(c[2] for c in printed),
        x1=max(c[3] for c in printed),
        top=min(c[4] for c in printed),
        bottom=max(c[5] for c in printed),
        size=size,
        page_width=width,
        page_height=height,
        cells=tuple((cell, left, right) for cell, (left, right) in zip(cells, bounds, strict=True)) if len(cells) > 1 else (),
    )


def _asciiish(char: str) -> bool:
    return bool(char) and char.isascii() and (char.isalnum() or char in "%.,:;+-/()")
