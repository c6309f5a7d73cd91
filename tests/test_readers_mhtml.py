"""The web archive reader (`qa.readers.mhtml`): a page a browser saved as one MIME file, read as its page."""

from __future__ import annotations

from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from qa.readers import IngestError, read_report, sniff

ARTICLE = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gbk'><title>云岗县政府工作报告</title></head>"
    "<body><div class='nav'><a href='/'>首页</a></div><div class='article'><p><strong>一、2025年工作回顾</strong></p>"
    + "".join(f"<p>全县实现地区生产总值{200 + n}.6亿元，同比增长6.{n}%，城镇新增就业{5000 + n}人。</p>" for n in range(8))
    + "</div></body></html>"
)


def web_archive(page: str = ARTICLE) -> bytes:
    """A web archive as Internet Explorer saves one: multipart/related, the page first, quoted-printable in
    GBK, then a picture and a frame's page."""
    archive = MIMEMultipart("related", type="text/html")
    archive["From"] = "<Saved by Windows Internet Explorer 11>"
    archive.attach(MIMEText(page, "html", "gbk"))  # GBK text goes quoted-printable or base64 by its charset
    archive.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "png"))
    archive.attach(MIMEText("<html><body><p>分享到：微信 微博 阅读次数 1386</p></body></html>", "html", "utf-8"))
    return archive.as_bytes()


def test_a_web_archive_is_read_as_its_page(tmp_path: Path) -> None:
    """云岗县 (round 44, tests/fixtures/unseen/yungang_2025.mht): a county portal's page saved by the browser as a
    single-file web archive had been refused as of an unsupported type. Its page, decoded from its part in the
    charset the part declares, reads as the page saved as .html would; the picture and the frame's page are
    not its text."""
    path = tmp_path / "report.mht"
    path.write_bytes(web_archive())
    decoded = read_report(path)
    lines = decoded.text.split("\n")
    assert "全县实现地区生产总值200.6亿元，同比增长6.0%，城镇新增就业5000人。" in lines
    assert not any("分享到" in line or "首页" in line for line in lines) and decoded.format == "html"
    text = read_report(Path(__file__).parent / "fixtures" / "unseen" / "yungang_2025.mht").text
    assert "云岗县人民政府县长 邓启航" in text.split("\n") and "实际利用外资2860万美元" in text


def test_a_web_archive_without_a_page_or_under_another_name_is_refused_with_what_to_do(tmp_path: Path) -> None:
    archive = MIMEMultipart("related")
    archive["MIME-Version"] = "1.0"
    archive.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "png"))
    empty = tmp_path / "pictures.mht"
    empty.write_bytes(archive.as_bytes())
    with pytest.raises(IngestError, match=r"pictures\.mht.*没有网页部分.*另存为 \.html"):
        read_report(empty)
    assert sniff(web_archive()) == "mhtml"
    named_html = tmp_path / "report.html"
    named_html.write_bytes(web_archive())
    with pytest.raises(IngestError, match=r"内容是网页存档：请把扩展名改为 \.mht"):
        read_report(named_html)


def _article_of_pictures(lead: str, pictures: list[bytes]) -> bytes:
    """An official account's article saved as Chrome does: a lead in text, then the report as pictures the page
    names by their Content-Location (WeChat loads them from data-src)."""
    body = "".join(f"<p><img data-src='https://mmbiz.example/{n}.png' src='data:,'></p>" for n in range(len(pictures)))
    page = f"<html><body><div id='js_content'><p>{lead}</p>{body}<p>编辑：沈一苇</p></div></body></html>"
    archive = MIMEMultipart("related", type="text/html")
    archive.attach(MIMEText(page, "html", "utf-8"))
    for n, data in enumerate(pictures):
        part = MIMEImage(data, "png")
        part["Content-Location"] = f"https://mmbiz.example/{n}.png"
        archive.attach(part)
    return archive.as_bytes()


def _scan_page_png(n: int) -> bytes:
    """Page `n` of the seed report's scan as a PNG: a picture of the report's text."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image

    from tests.renders import ensure_renders, seed_paths

    scan = ensure_renders(("scan",), seed_paths()[:1])["scan"][0]
    buffer = io.BytesIO()
    Image.fromarray(pdfium.PdfDocument(scan)[n].render(scale=110 / 72, grayscale=True).to_numpy()).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.slow
def test_a_report_posted_as_pictures_is_read_where_they_stand(tmp_path: Path) -> None:
    """宝塔街道 (round 46, tests/fixtures/unseen/baota_2025.mht): an official account posted its report as screenshots
    of the text under a lead of three lines, and the archive was read as the lead (3 of 18 questions found).
    A page whose own text is too short to be a report has its pictures read by OCR in place, in order."""
    from tests.test_readers import in_order_share, txt_document

    path = tmp_path / "article.mht"
    path.write_bytes(_article_of_pictures("1月13日上午，街道第三届居民代表大会第四次会议开幕。", [_scan_page_png(0), _scan_page_png(1)]))
    text = read_report(path).text
    assert text.startswith("1月13日上午") and text.rstrip().endswith("编辑：沈一苇")
    body = text.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert len(body) > 1000 and in_order_share(body, txt_document(0).text) >= 0.95


def test_a_page_with_its_report_in_text_leaves_its_pictures(tmp_path: Path, monkeypatch) -> None:
    """Pictures beside a report given in text are photos and charts: they are not read (no OCR is run)."""
    import qa.readers.image

    def no_ocr(*args, **kwargs):
        raise AssertionError("a picture was read")

    monkeypatch.setattr(qa.readers.image, "read", no_ocr)
    lead = "全年实现地区生产总值186.4亿元，同比增长6.2%，城镇新增就业5860人，" * 120
    path = tmp_path / "article.mht"
    path.write_bytes(_article_of_pictures(lead, [_scan_page_png(0)]))
    assert "5860人" in read_report(path).text
