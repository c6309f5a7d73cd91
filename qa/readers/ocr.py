"""Scanned PDF pages → text lines, by OCR with RapidOCR (PP-OCRv4 Chinese detection and recognition
models, shipped inside the `rapidocr-onnxruntime` wheel: nothing is downloaded at run time).

Tuned for speed on two cores (bench/readers.py): the page is rasterized at 110 dpi (150 dpi read no
better) and squeezed to 55% of its width; the detector reads it at most 960 pixels long (the default
upscaled the squeezed page and cost twice as much). Recognition costs most of the time: it runs on
every detected line resized to 48 pixels high, so its cost grows with the line's width, and narrower
glyphs cut it by a third while PP-OCRv4 still read 99.5% of the seed pages' characters (99.7% at
full width). The angle classifier is off: scans of reports are upright. Reading order and
paragraphs are rebuilt by `qa.readers.layout`, as for text PDFs. The model's commonest slip on printed
reports, 入 read as 人 (「旅游综合收人」「投人使用」), is mended by the dictionary (`mended`).
"""

from __future__ import annotations

import itertools
import re
import threading
from functools import cache
from pathlib import Path

from qa.readers.base import IngestError
from qa.readers.layout import TextLine

#: Rasterizing resolution for OCR.
OCR_DPI = 110
#: Horizontal squeeze of the page image before OCR (recognition cost is linear in line width).
SQUEEZE = 0.55
#: The detector's input is scaled so that its longer side is this long (the default, a shorter side
#: of at least 736, upscaled the squeezed page and cost twice as much for the same text).
DET_MAX_SIDE = 960
#: A gap between two boxes of a line wider than this (in the line's heights) parts two cells of a table's
#: row, as `qa.readers.pdf.CELL_GAP` does in ems: the detector reads a row of body text as one box, or as
#: boxes a space apart, and a table's cells as boxes set well apart. Read so for images (`qa.readers.image`:
#: a long image's table, set as a web page sets it, read row by row answered its two table questions of
#: round 45), not for scanned PDFs: their ruled tables' borders split and merge boxes unevenly (「一」 read
#: off a border into the serial column), and the three scans measured lost 3 first-ranked answers with it.
CELL_GAP = 0.8
#: ONNX Runtime threads per model (the machines this runs on have two cores).
THREADS = 2

_engine = None
_engine_lock = threading.Lock()
_run_lock = threading.Lock()


def _get_engine():
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as error:
                raise IngestError(
                    "扫描版 PDF 需要文字识别，但没有安装 OCR 组件：请运行 `pip install 'report-qa[ocr]'`（make 会自动安装）"
                ) from error
            _engine = RapidOCR(
                det_limit_side_len=DET_MAX_SIDE,
                det_limit_type="max",
                intra_op_num_threads=THREADS,
                inter_op_num_threads=1,
                print_verbose=False,
            )
            _without_spinning(_engine)
        return _engine


def _without_spinning(engine) -> None:
    """Recreate the detection and recognition sessions with ONNX Runtime's thread spinning off: idle
    threads that spin between the many small recognition batches burnt as much CPU as the work itself
    on a shared two-core machine. (RapidOCR exposes no option for it; best effort.)"""
    import onnxruntime as ort

    for wrapper in (getattr(engine.text_det, "infer", None), getattr(engine.text_rec, "session", None)):
        session = getattr(wrapper, "session", None)
        model_path = getattr(session, "_model_path", None)
        if session is None or not model_path:
            continue
        options = ort.SessionOptions()
        options.log_severity_level = 4
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        wrapper.session = ort.InferenceSession(model_path, sess_options=options, providers=["CPUExecutionProvider"])


def ocr_page_image(image, number: int, page_width: float, page_height: float, *, cells: bool = False) -> list[TextLine]:
    """OCR one page image (H×W grey or RGB array covering the whole page) → lines in reading order.
    `cells`: whether boxes set well apart on a line are a table row's cells (`CELL_GAP`)."""
    import cv2
    import numpy as np

    grey = image if image.ndim == 2 else cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    squeezed = cv2.resize(grey, (max(1, int(width * SQUEEZE)), height), interpolation=cv2.INTER_AREA)
    rgb = np.stack([squeezed] * 3, axis=-1)
    engine = _get_engine()
    with _run_lock:  # one page at a time: the sessions already use every core
        result, _elapsed = engine(rgb, use_cls=False)
    sx = page_width / (width * SQUEEZE)
    sy = page_height / height
    found = [([(x * sx, y * sy) for x, y in points], text.strip()) for points, text, _score in result or [] if (text or "").strip()]
    slope = _slope([corners for corners, _ in found])
    boxes = []
    for corners, text in found:
        # a page photographed askew: its lines are read along their own slope (a shear, for small angles)
        xs = [x + slope * y for x, y in corners]
        ys = [y - slope * x for x, y in corners]
        boxes.append((min(xs), max(xs), min(ys), max(ys), text))
    return _lines(boxes, number, page_width, page_height, cells)


#: A text box is a line's when it is this many times wider than high: its top edge gives the line's slope.
_LINE_BOX_ASPECT = 3.0
#: A page leaning less than this (a slope, ~0.3°) is read as it stands.
_MIN_SLOPE = 0.005


def _slope(boxes: list[list[tuple[float, float]]]) -> float:
    """The slope of a page's lines: the median of the top edges of its long text boxes (corners top-left,
    top-right, bottom-right, bottom-left), 0 for a page set straight. A page photographed on a desk leans a
    few degrees; read by the boxes' upright extents, a line's two ends fell into the rows above and below
    (「…分别增长4.9%镇，并获全县年度综合考核一等奖。和6.6%…」)."""
    slopes = sorted(
        (right[1] - left[1]) / (right[0] - left[0])
        for left, right, _bottom_right, bottom_left in (box[:4] for box in boxes if len(box) >= 4)
        if right[0] - left[0] > _LINE_BOX_ASPECT * abs(bottom_left[1] - left[1])
    )
    if not slopes:
        return 0.0
    slope = slopes[len(slopes) // 2]
    return slope if abs(slope) >= _MIN_SLOPE else 0.0


@cache
def _word_frequencies() -> dict[str, int]:
    """jieba's dictionary: word → frequency (its prefixes are in it too, at 0)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs loading its dictionary
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.FREQ


#: How many times more often the word with 入 must occur than any with 人 for a 人 to be mended.
MEND_RATIO = 20


def mended(text: str) -> str:
    """`text` with each 人 that OCR read for 入 put right: where the words of two to four characters that
    cover it occur far more often in jieba's dictionary with 入 than with 人 (「收人」→「收入」, 「投人使用」→
    「投入使用」; 「人选」「人口」「引人注目」 stay). On a scanned report of the blind rounds 入 was read as 人 14
    times, and no other character more than twice."""
    if "人" not in text:
        return text
    frequencies = _word_frequencies()

    def best(chars: list[str], i: int) -> int:
        words = ("".join(chars[start:end]) for start in range(max(0, i - 3), i + 1) for end in range(i + 1, min(len(chars), start + 4) + 1))
        return max((frequencies.get(word, 0) for word in words if len(word) >= 2), default=0)

    chars = list(text)
    for i, char in enumerate(chars):
        if char != "人":
            continue
        as_written = best(chars, i)
        chars[i] = "入"
        if best(chars, i) <= MEND_RATIO * max(as_written, 1):
            chars[i] = "人"
    return "".join(chars)


_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


def quotes_paired(texts: list[str]) -> list[str]:
    """Lines of Chinese text with each straight double quote OCR read for a curly one put right: opening
    where no quote is open, closing where one is (「“飞地抱团"方式」 → 「“飞地抱团”方式」), a sentence's end closing
    any left open. A quotation a reader copies (「“强村公司”运营机制」) is then found as written."""
    paired = []
    open_quote = False
    for text in texts:
        if not _CJK_CHAR.search(text):
            paired.append(text)
            continue
        chars = list(text)
        for i, char in enumerate(chars):
            if char == "“":
                open_quote = True
            elif char == "”":
                open_quote = False
            elif char == '"':
                chars[i] = "”" if open_quote else "“"
                open_quote = not open_quote
            elif char in "。！？；":
                open_quote = False
        paired.append("".join(chars))
    return paired


#: The report's own place as its title names it (「蓼汀镇人民政府工作报告」): the core, then the suffix.
_OWN_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(镇|乡|街道|县|区)(?=人民政府|政府工作报告|人民代表大会|工作报告)")


def own_place_mended(text: str) -> str:
    """An OCR'd report with its own place's name put right where one of its characters was misread: PP-OCR
    reads a rare character of a name differently from page to page (蓼汀镇 as 萝汀镇, 琴汀镇, 警汀镇, 蒙汀镇 in
    one report), and the name then matched no question about it. The name as the title writes it (set
    largest, read best) stands for a spelling that differs from it in one character, names a place with the
    same suffix somewhere, occurs less often than the name, and is no word of jieba's dictionary (「西溪镇」 beside 「东溪镇」 stays: both are words
    of a county's towns)."""
    head = "\n".join(line for line in text.split("\n")[:3])
    own = _OWN_PLACE.search(head)
    if own is None:
        return text
    core, suffix = own.groups()
    frequencies = _word_frequencies()
    spelled = set(re.findall(rf"([\u4e00-\u9fff]{{{len(core)}}}){suffix}", text))
    variants = [
        variant for variant in spelled
        if sum(a != b for a, b in zip(variant, core, strict=True)) == 1
        and text.count(variant) < text.count(core) and variant not in frequencies
    ]
    for variant in variants:
        text = text.replace(variant, core)
    return text


def _lines(boxes, number: int, page_width: float, page_height: float, cells_apart: bool = False) -> list[TextLine]:
    """Boxes → lines: boxes overlapping vertically by half their height are one line, read left to right;
    with `cells_apart`, boxes a cell gap apart are the cells of a table's row."""
    boxes.sort(key=lambda b: (b[2] + b[3]) / 2)
    rows: list[list[tuple]] = []
    for box in boxes:
        centre = (box[2] + box[3]) / 2
        if rows:
            row = rows[-1]
            top = min(b[2] for b in row)
            bottom = max(b[3] for b in row)
            if top <= centre <= bottom:
                row.append(box)
                continue
        rows.append([box])
    lines = []
    for row in rows:
        row.sort(key=lambda b: b[0])
        text = row[0][4]
        cells = [[row[0][4], row[0][0], row[0][1]]]
        for previous, box in itertools.pairwise(row):
            gap = box[0] - previous[1]
            height = max(box[3] - box[2], 1.0)
            text += (" " if gap > 0.4 * height else "") + box[4]
            if gap > CELL_GAP * height:
                cells.append([box[4], box[0], box[1]])
            else:
                cells[-1][0] += (" " if gap > 0.4 * height else "") + box[4]
                cells[-1][2] = box[1]
        lines.append(TextLine(
            page=number,
            size=_glyph_size(row, text),
            text=text,
            x0=row[0][0],
            x1=max(b[1] for b in row),
            top=min(b[2] for b in row),
            bottom=max(b[3] for b in row),
            page_width=page_width,
            page_height=page_height,
            cells=tuple((cell, left, right) for cell, left, right in cells) if cells_apart and len(cells) > 1 else (),
        ))
    for line, text in zip(lines, quotes_paired([line.text for line in lines]), strict=True):
        line.text = mended(text)
    return lines


def _glyph_size(row, text: str) -> float:
    """The font size of a line: its width over its characters (a CJK character is one em wide, a
    digit or Latin letter about half). Box heights are no measure: a raised footnote marker or the
    detector's margin makes them vary more than body and footnote sizes differ."""
    ems = sum(0.55 if ch.isascii() else 1.0 for ch in text if not ch.isspace())
    width = sum(b[1] - b[0] for b in row)
    if ems >= 4:
        return width / ems
    heights = sorted(b[3] - b[2] for b in row)
    return heights[len(heights) // 2]


def ocr_pages(document, numbers: list[int], path: Path) -> list[list[TextLine]]:
    """OCR the given pages (0-based numbers) of an open PDFium document."""
    pages = []
    for number in numbers:
        page = document[number]
        try:
            width, height = page.get_size()
            image = page.render(scale=OCR_DPI / 72, grayscale=True).to_numpy()
        finally:
            page.close()
        pages.append(ocr_page_image(image, number + 1, width, height))
    return pages
