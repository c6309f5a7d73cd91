"""Hostile or broken files: each gets a clear message naming the file and saying what to do, within
bounded time (and, for the zip bomb, before anything is inflated)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from qa.ingest import IngestError, load_document
from qa.readers import read_report, sniff
from qa.readers.base import Limits
from tests.renders import ensure_renders, pdf_bytes_of_pages

#: Every refusal comes quickly: nothing is read past what decides it.
BOUND_S = 5.0


@pytest.fixture(scope="module")
def renders() -> dict[str, list[Path]]:
    return ensure_renders(("pdf", "docx", "html"), seeds=None)


def refused(path: Path, *patterns: str, limits: Limits | None = None) -> str:
    started = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        load_document(path, limits=limits)
    elapsed = time.perf_counter() - started
    message = str(caught.value)
    assert path.name in message, message
    for pattern in patterns:
        assert pattern in message, message
    assert elapsed < BOUND_S, f"{path.name} took {elapsed:.1f} s"
    return message


def test_corrupt_pdf(tmp_path: Path, renders) -> None:
    data = renders["pdf"][0].read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    # PDFium repairs some truncations; a PDF cut before its pages and its cross-reference cannot be
    path.write_bytes(data[:2000])
    refused(path, "损坏", "重新")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 50)
    refused(garbage, "损坏")


def test_encrypted_pdf(tmp_path: Path, renders) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(renders["pdf"][1]).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    refused(path, "加密", "未加密")


def test_pdf_with_too_many_pages(tmp_path: Path, renders) -> None:
    path = tmp_path / "huge.pdf"
    path.write_bytes(pdf_bytes_of_pages(renders["pdf"][0], 500))
    refused(path, "500 页", "上限 300", limits=Limits())
    # the same file is read when the limit allows it (the limit, not the file, refused it)
    small = tmp_path / "twelve.pdf"
    small.write_bytes(pdf_bytes_of_pages(renders["pdf"][0], 12))
    assert read_report(small, Limits(max_pages=12)).pages == 12


def test_docx_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as entry:
            block = b"\0" * (1 << 20)
            for _ in range(80):  # 80 MB of zeros: ~80 KB compressed
                entry.write(block)
    assert path.stat().st_size < 1_000_000
    refused(path, "压缩炸弹")


def test_broken_docx(tmp_path: Path, renders) -> None:
    data = renders["docx"][0].read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    refused(path, "docx")
    # a zip that is no Word document
    other = tmp_path / "archive.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    other.write_bytes(buffer.getvalue())
    refused(other, "ZIP 压缩包")


def test_html_that_is_all_scripts(tmp_path: Path) -> None:
    path = tmp_path / "app.html"
    path.write_text(
        "<!doctype html><html><head><title>政府工作报告</title><script>var a = '正文由脚本加载';</script>"
        "<style>body{}</style></head><body><div id='app'></div><noscript>请启用 JavaScript</noscript>"
        "<script src='/static/app.js'></script><script>render('政府工作报告全文……')</script></body></html>",
        encoding="utf-8",
    )
    refused(path, "没有找到正文", "另存为 PDF")


@pytest.mark.parametrize(
    ("name", "source", "says"),
    [
        ("report.pdf", "docx", "请把扩展名改为 .docx"),
        ("report.docx", "pdf", "请把扩展名改为 .pdf"),
        ("report.txt", "pdf", "请把扩展名改为 .pdf"),
        ("report.html", "pdf", "请把扩展名改为 .pdf"),
    ],
)
def test_extension_that_lies(tmp_path: Path, renders, name: str, source: str, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(renders[source][0].read_bytes())
    refused(path, "扩展名是", says)


def test_old_word_and_images_are_named(tmp_path: Path) -> None:
    doc = tmp_path / "report.docx"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    refused(doc, "旧版 Word", "请把扩展名改为 .doc")  # .doc is read (tests/test_readers_doc.py)
    png = tmp_path / "scan.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    refused(png, "图片", "请把扩展名改为 .png/.jpg")  # images are read (tests/test_readers_image.py)
    unknown = tmp_path / "report.xlsx"
    unknown.write_bytes(b"PK\x03\x04")
    refused(unknown, "不支持的文件类型", "PDF")


def test_sniff() -> None:
    assert sniff(b"%PDF-1.4\n...") == "pdf"
    assert sniff(b"<!DOCTYPE html><html>") == "html"
    assert sniff("政府工作报告".encode()) == "text"
    assert sniff(b"\x00\x01\x02\x03") == "binary"
