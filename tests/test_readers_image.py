"""The image reader (qa/readers/image.py): a photographed page or a long screenshot (「长图」), read by OCR in
page-shaped tiles cut between lines. The blind fixture of round 45 (tests/fixtures/unseen/mingyue_2025.png,
a township's WeChat post of its report, 1080 × 13,986 pixels) is read end to end by tests/test_quality.py."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import numpy as np
import pytest

from qa.readers import read_report, sniff
from qa.readers.base import IngestError, Limits
from qa.readers.image import TILE_ASPECT, tile_cuts
from tests.renders import ensure_renders, seed_paths
from tests.test_readers import in_order_share, txt_document


def _striped(width: int, height: int, line: int, gap: int) -> np.ndarray:
    """A white image with black bands `line` pixels tall every `line + gap` pixels: lines of text."""
    pixels = np.full((height, width), 255, np.uint8)
    for top in range(gap, height, line + gap):
        pixels[top : top + line, 40 : width - 40] = 0
    return pixels


def test_a_long_image_is_cut_between_lines_into_page_shaped_tiles() -> None:
    pixels = _striped(1000, 9000, line=34, gap=22)
    cuts = tile_cuts(pixels)
    assert cuts[0] == 0 and cuts[-1] == 9000 and cuts == sorted(cuts)
    assert all(b - a <= round(1000 * TILE_ASPECT) for a, b in itertools.pairwise(cuts))
    assert all(not (pixels[cut] < 128).any() for cut in cuts[1:-1]), "a cut went through a line"
    assert tile_cuts(pixels[:1200]) == [0, 1200]  # a page-shaped image is one tile


def test_an_image_with_no_blank_band_is_cut_at_full_tiles() -> None:
    pixels = np.zeros((4000, 1000), np.uint8)
    pixels[:, ::2] = 255  # stripes down the page: no row is blank
    assert tile_cuts(pixels) == [0, 1414, 2828, 4000]


def _png(pixels: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.slow
def test_a_long_image_of_two_scanned_pages_reads_as_the_report(tmp_path: Path) -> None:
    """The first two pages of the seed report's scan stacked into one tall image (a 「长图」): read by OCR in
    tiles, almost every character is the report's, in its order, and paragraphs cut by a tile go on whole."""
    import pypdfium2 as pdfium

    scan = ensure_renders(("scan",), seed_paths()[:1])["scan"][0]
    document = pdfium.PdfDocument(scan)
    pages = [document[n].render(scale=110 / 72, grayscale=True).to_numpy() for n in range(2)]
    width = min(page.shape[1] for page in pages)
    path = tmp_path / "long.png"
    path.write_bytes(_png(np.vstack([page[:, :width] for page in pages])))
    decoded = read_report(path)
    assert decoded.format == "ocr" and decoded.pages is None and decoded.page_starts == ()
    assert in_order_share(decoded.text, txt_document(0).text) >= 0.95
    assert len(tile_cuts(np.vstack(pages))) >= 3  # it was read in more than one tile


def test_images_are_told_by_their_bytes_and_broken_ones_refused(tmp_path: Path) -> None:
    data = _png(_striped(200, 300, 10, 10))
    assert sniff(data) == "image"
    broken = tmp_path / "report.png"
    broken.write_bytes(data[:60])
    with pytest.raises(IngestError, match=r"report\.png: 图片无法读取"):
        read_report(broken)
    blank = tmp_path / "blank.jpg"
    blank.write_bytes(_png(np.full((300, 200), 255, np.uint8)))
    with pytest.raises(IngestError, match="没有识别出文字"):
        read_report(blank)


def test_an_image_too_long_to_read_is_refused_with_what_to_do(tmp_path: Path) -> None:
    from qa.readers.image import read

    data = _png(_striped(400, 400 * 12, 10, 10))
    with pytest.raises(IngestError, match="超过上限 3 页"):
        read(tmp_path / "long.png", data, Limits(max_ocr_pages=3))
