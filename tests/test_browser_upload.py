"""Bring a report in through the chat, in a real browser: `python app.py` serves an index of four
seeds; the PDF render of the fifth (庙行镇 2023 上半年) is uploaded through the upload panel, the
reports list shows it with its pages and format, a question about it is answered from it, without
a restart, citing the passage with its page number (checked against the PDF's own text layer); then
it is removed again from the list. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

from qa.index import build_index
from qa.settings import Settings
from tests.conftest import ROOT
from tests.renders import ensure_renders, seed_paths
from tests.test_browser import ARTIFACTS, ask, free_port

pytestmark = pytest.mark.slow

UPLOADED = 2  # 002_…: 庙行镇, 2023-07-26
QUESTION = "2023年上半年，经过庙行镇的就业指导服务，最后有多少名找工作的人被单位招用？"
EVIDENCE = "106人成功匹配录用"
UPLOAD_TIMEOUT_MS = 240_000


def shown_name(path: Path) -> re.Pattern[str]:
    """A file's name as Gradio's file list shows it: stem and suffix in separate elements, so the
    page's text may hold white space between them (「损坏的报告 .pdf」)."""
    return re.compile(re.escape(path.stem) + r"\s*" + re.escape(path.suffix))


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path, Path]]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed (run `make browser`)")
    root = tmp_path_factory.mktemp("upload")
    docs, index, uploads = root / "docs", root / "index", root / "uploads"
    docs.mkdir()
    for number, seed in enumerate(seed_paths()):
        if number != UPLOADED:
            shutil.copyfile(seed, docs / seed.name)
    # the committed index's vectors are reused: building the four-report index embeds nothing
    shutil.copytree(ROOT / "index", index)
    build_index(replace(Settings.from_env(), docs_dir=docs, index_dir=index, upload_dir=uploads), progress=False)
    pdf = ensure_renders(("pdf",))["pdf"][UPLOADED]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "QA_DOCS_DIR": str(docs), "QA_INDEX_DIR": str(index), "QA_UPLOAD_DIR": str(uploads),
           "QA_FEEDBACK_DIR": str(root / "feedback"), "GRADIO_ANALYTICS_ENABLED": "False"}
    log_path = ARTIFACTS / "app-upload.log"
    with sync_playwright() as playwright, log_path.open("w") as log:
        browser = playwright.chromium.launch(executable_path=chromium)
        process = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        started = time.perf_counter()
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            while True:
                if process.poll() is not None:
                    pytest.fail(f"app.py exited with {process.returncode}:\n{log_path.read_text()}")
                if time.perf_counter() - started > 90:
                    pytest.fail(f"app.py did not serve {url}:\n{log_path.read_text()}")
                try:
                    page.goto(url, timeout=5_000)
                    break
                except PlaywrightError:
                    time.sleep(0.3)
            expect(page.get_by_test_id("textbox")).to_be_editable(timeout=60_000)
            yield page, pdf, uploads
        finally:
            process.terminate()
            process.wait(timeout=20)
            browser.close()


def pdf_page_text(pdf: Path, number: int) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return re.sub(r"\s+", "", document[number - 1].get_textpage().get_text_range())
    finally:
        document.close()


def open_upload(page: Page) -> None:
    if not page.locator("#qa-upload-add").is_visible():
        page.get_by_text("添加报告（PDF、Word、网页、文本）").click()
    expect(page.locator("#qa-upload-add")).to_be_visible()


def test_upload_pdf_ask_and_see_the_page(served) -> None:
    page, pdf, uploads = served
    page: Page
    table = page.locator(".qa-reports")
    expect(table.locator("tbody tr")).to_have_count(4)

    open_upload(page)
    page.locator("#qa-upload-files input[type=file]").set_input_files(str(pdf))
    expect(page.locator("#qa-upload-files")).to_contain_text(shown_name(pdf), timeout=30_000)
    page.locator("#qa-upload-add").click()
    status = page.locator("#qa-upload-status")
    expect(status).to_contain_text(f"已添加 {pdf.name}", timeout=UPLOAD_TIMEOUT_MS)
    expect(status).to_contain_text("页")
    assert (uploads / pdf.name).read_bytes() == pdf.read_bytes()  # the original file is kept

    # the list shows it: town, date, pages, format
    expect(table.locator("tbody tr")).to_have_count(5)
    row = table.locator("tbody tr", has_text="2023-07-26")
    expect(row).to_contain_text("庙行镇")
    expect(row).to_contain_text("PDF")
    page.screenshot(path=str(ARTIFACTS / "upload-added.png"), full_page=True)

    # a question about it is answered from it, no restart, with the page of the cited passage
    ask(page, QUESTION)
    bots = page.get_by_test_id("bot")
    expect(bots.first).to_contain_text("106")
    cited = page.locator(".qa-cite").first
    expect(cited).to_contain_text("第")
    text = cited.inner_text()
    assert EVIDENCE in re.sub(r"\s+", "", text), text
    match = re.search(r"第 (\d+)(?:–(\d+))? 页", text)
    assert match, text
    first = int(match.group(1))
    assert "106人成功匹配录用" in pdf_page_text(pdf, first) + pdf_page_text(pdf, int(match.group(2) or first))
    page.screenshot(path=str(ARTIFACTS / "upload-answer.png"), full_page=True)

    # and it can be removed from the list again
    page.get_by_label("删除上传的报告").click()
    page.get_by_role("option", name=pdf.name).click()
    page.locator("#qa-upload-remove").click()
    expect(status).to_contain_text(f"已删除 {pdf.name}", timeout=UPLOAD_TIMEOUT_MS)
    expect(table.locator("tbody tr")).to_have_count(4)


def test_upload_refuses_a_broken_file(served, tmp_path: Path) -> None:
    page, _pdf, uploads = served
    broken = tmp_path / "损坏的报告.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00broken" * 200)
    before = sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []
    open_upload(page)
    page.locator("#qa-upload-files input[type=file]").set_input_files(str(broken))
    expect(page.locator("#qa-upload-files")).to_contain_text(shown_name(broken), timeout=30_000)
    page.locator("#qa-upload-add").click()
    status = page.locator("#qa-upload-status")
    expect(status).to_contain_text("未添加，索引未改动", timeout=60_000)
    expect(status).to_contain_text(broken.name)
    expect(status).to_contain_text("损坏")
    after = sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []
    assert [n for n in after if not n.startswith(".")] == [n for n in before if not n.startswith(".")]
