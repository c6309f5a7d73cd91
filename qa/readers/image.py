"""Reports as images (.png, .jpg): a photographed or scanned page, or the 「长图」 an official account posts
— the whole report as one phone-width screenshot, tens of thousands of pixels tall.

Read by the same OCR as a scanned PDF (`qa.readers.ocr`). The OCR is tuned on page images, so a long
image is first cut into page-shaped tiles, each cut made in a blank band between lines of text (a cut
through a line would leave half of it to each tile), and the tiles are read in order as the pages of
one document; their layout is rebuilt as a scanned PDF's is (`qa.readers.layout`). The tiles are not
pages a reader could turn to, so no page is cited.
"""

from __future__ import annotations

import html
import io
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qa.readers.base import Decoded, IngestError, Limits
from qa.text import chinese_count

#: An image wider than this (pixels) is scaled down to it first: a photo's resolution adds OCR time, not text.
MAX_WIDTH = 1400
#: A tile's height, in widths: an A4 page's.
TILE_ASPECT = 1.414
#: How far above a tile's full height a cut may be made, as a share of that height, to find a blank band.
CUT_SEARCH = 0.3
#: A row of pixels is blank when no pixel in it differs from the row's median by more than this.
INK_CONTRAST = 40
#: The points a tile is read as wide (an A4 page's), so the layout's sizes mean what they do for a scan.
TILE_POINTS = 595.0
#: Pixels an image may hold (a decompression bomb stops here, before it is decoded).
MAX_PIXELS = 120_000_000
#: A web page whose own text holds fewer Chinese characters than this is too short to be a report; if it has
#: pictures, the report may be in them (`pictures_read`).
THIN_PAGE_CHARS = 2000
#: A picture at least this wide and tall (pixels) may hold a run of text; icons, logos and QR codes are smaller.
TEXT_PICTURE_MIN = (500, 300)
_PICTURE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
#: Where a picture's file is named: WeChat's articles load theirs from data-src, others from src.
_PICTURE_SOURCE = re.compile(r"""\b(data-src|src)\s*=\s*(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    from qa.readers.layout import assemble
    from qa.readers.ocr import ocr_page_image, own_place_mended

    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise IngestError(
                    f"{path}: 图片过大（{width}×{height} 像素，上限 {MAX_PIXELS // 1_000_000} 百万像素），"
                    "未读取；请缩小后重试，或分成几张图片"
                )
            probe.seek(0)
            grey = probe.convert("L")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise IngestError(f"{path}: 图片无法读取（{error}），请确认文件完整，或重新截图、导出后重试") from error
    if grey.width > MAX_WIDTH:
        grey = grey.resize((MAX_WIDTH, max(1, round(grey.height * MAX_WIDTH / grey.width))), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey)
    cuts = tile_cuts(pixels)
    if len(cuts) - 1 > limits.max_ocr_pages:
        raise IngestError(
            f"{path}: 图片太长，需要按 {len(cuts) - 1} 页识别，超过上限 {limits.max_ocr_pages} 页"
            "（QA_MAX_OCR_PAGES），请分成几张图片后添加"
        )
    scale = TILE_POINTS / pixels.shape[1]
    pages = []
    for number, (top, bottom) in enumerate(itertools.pairwise(cuts), start=1):
        tile = pixels[top:bottom]
        pages.append(ocr_page_image(tile, number, TILE_POINTS, tile.shape[0] * scale, cells=True))
    decoded = assemble(pages, len(pages), "ocr", notes_at_foot=False)
    decoded = replace(decoded, text=own_place_mended(decoded.text), page_starts=(), pages=None)
    if not decoded.text.strip():
        raise IngestError(f"{path}: 图片中没有识别出文字，请确认图片是报告正文，且文字清晰")
    return decoded


def tile_cuts(pixels) -> list[int]:
    """Where to cut a grey image (rows × columns) into page-shaped tiles: 0, each cut, and its height. A cut
    is made at the lowest blank row (`INK_CONTRAST`) within `CUT_SEARCH` of a tile's full height, or at the
    full height when that stretch has none."""
    import numpy as np

    height, width = pixels.shape
    tile = max(1, round(width * TILE_ASPECT))
    median = np.median(pixels, axis=1, keepdims=True)
    blank = (np.abs(pixels.astype(np.int16) - median) <= INK_CONTRAST).all(axis=1)
    cuts = [0]
    while height - cuts[-1] > tile:
        full = cuts[-1] + tile
        lowest = full - int(tile * CUT_SEARCH)
        candidates = np.flatnonzero(blank[lowest:full])
        cuts.append(lowest + int(candidates[-1]) if len(candidates) else full)
    cuts.append(height)
    return cuts


def pictures_read(markup: str, picture: Callable[[str], bytes | None], path: Path, limits: Limits, own_text: str) -> str:
    """A web page's markup with the pictures that hold its report read in place: when the page's own text
    (`own_text`) is too short to be a report (`THIN_PAGE_CHARS`), each picture large enough to hold text
    (`TEXT_PICTURE_MIN`) whose bytes `picture` gives for its address is replaced by the paragraphs OCR reads in
    it. An official account posts its report so, as screenshots of the text under a lead of a few lines (round
    46, 宝塔街道: a web archive of such an article). Pictures are read while the tiles they cost stay within
    `Limits.max_ocr_pages`; one OCR reads no text from, or cannot read, stays a picture."""
    if chinese_count(own_text) >= THIN_PAGE_CHARS:
        return markup
    budget = limits.max_ocr_pages

    def replaced(match: re.Match) -> str:
        nonlocal budget
        sources = {name.lower(): html.unescape(value) for name, _quote, value in _PICTURE_SOURCE.findall(match.group(0))}
        data = next((found for source in (sources.get("data-src"), sources.get("src")) if source and (found := picture(source))), None)
        tiles = _tiles_of(data) if data else 0
        if not tiles or tiles > budget:
            return match.group(0)
        try:
            decoded = read(path, data, replace(limits, max_ocr_pages=budget))
        except IngestError:
            return match.group(0)
        budget -= tiles
        return "<div>" + "".join(f"<p>{html.escape(line)}</p>" for line in decoded.text.split("\n") if line.strip()) + "</div>"

    return _PICTURE.sub(replaced, markup)


def _tiles_of(data: bytes) -> int:
    """The tiles a picture would be read in (0 for one too small to hold text, or no picture at all)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return 0
    if width < TEXT_PICTURE_MIN[0] or height < TEXT_PICTURE_MIN[1] or width * height > MAX_PIXELS:
        return 0
    scaled = min(width, MAX_WIDTH)
    return max(1, math.ceil(height * scaled / width / (scaled * TILE_ASPECT)))
