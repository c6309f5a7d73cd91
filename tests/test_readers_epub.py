"""qa/readers/epub.py: a report issued as an e-book, read in its spine's order as the web pages it is made of."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qa.ingest import load_document
from qa.readers import IngestError, read_report, sniff

_XHTML = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>{title}</title>
<link rel="stylesheet" href="../styles/book.css"/></head><body>{body}</body></html>"""

_FRONT = """<h1>青苇镇2026年政府工作报告</h1><p class="dateline">——2026年1月12日在青苇镇第十八届人民代表大会第五次会议上</p>
<p class="speaker">青苇镇人民政府镇长 顾远航</p><p>各位代表：</p><p>现在，我代表镇人民政府，向大会报告工作，请予审议。</p>"""

_REVIEW = """<h2>一、2025年工作回顾</h2>
<h3>（一）产业发展稳中有进</h3>
<p><b>招商引资成效明显。</b>全年新引进企业126家，其中亿元以上项目9个，实现“链长制”<a epub:type="noteref" href="#n1">1</a>全覆盖。</p>
<p>全镇实现地区生产总值48.6亿元，同比增长6.1%；一般公共预算收入3.27亿元。</p>
<table><tr><th>指标</th><th>单位</th><th>2025年完成</th><th>2026年目标</th></tr>
<tr><td>地区生产总值</td><td>亿元</td><td>48.6</td><td>51.5</td></tr></table>
<aside epub:type="footnote" id="n1"><p>链长制：由镇领导担任重点产业链“链长”，统筹协调产业链招商与服务的工作机制。</p></aside>"""

_PLAN = """<h2>二、2026年工作安排</h2><p>今年全镇计划新建口袋公园6个，新增城镇就业岗位1200个。</p>"""


def _book(path: Path, *, spine: list[str] | None = None, encrypted: str | None = None, mimetype: str = "application/epub+zip") -> Path:
    """An EPUB 3 as publishing tools write one: the uncompressed mimetype first, the container, the package
    (OPF) in OEBPS/, a cover page that is a picture, a navigation document in the spine, the chapters."""
    chapters = {"cover": ("Text/cover.xhtml", '<div class="cover"><img src="../Images/cover.jpg" alt=""/></div>'),
                "nav": ("nav.xhtml", '<nav epub:type="toc"><ol><li><a href="Text/c1.xhtml">一、2025年工作回顾</a></li>'
                                     '<li><a href="Text/c2.xhtml">二、2026年工作安排</a></li></ol></nav>'),
                "front": ("Text/front.xhtml", _FRONT), "c1": ("Text/c1.xhtml", _REVIEW), "c2": ("Text/c2.xhtml", _PLAN)}
    order = spine or ["cover", "nav", "front", "c1", "c2"]
    nav = ' properties="nav"'
    itemrefs = "".join(f'<itemref idref="{key}"/>' for key in order)
    manifest = "".join(
        f'<item id="{key}" href="{href}" media-type="application/xhtml+xml"{nav if key == "nav" else ""}/>'
        for key, (href, _) in chapters.items()
    )
    package = (f'<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
               f'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">qw-2026</dc:identifier>'
               f'<dc:title>青苇镇2026年政府工作报告</dc:title><dc:language>zh-CN</dc:language></metadata>'
               f'<manifest>{manifest}<item id="css" href="styles/book.css" media-type="text/css"/></manifest>'
               f'<spine>{itemrefs}</spine></package>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" '
                         'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
                         '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
        if encrypted:
            archive.writestr("META-INF/encryption.xml", '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                             'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod '
                             'Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData>'
                             f'<enc:CipherReference URI="{encrypted}"/></enc:CipherData></enc:EncryptedData></encryption>')
        archive.writestr("OEBPS/content.opf", package)
        archive.writestr("OEBPS/styles/book.css", "p { text-indent: 2em; }")
        for href, body in chapters.values():
            archive.writestr(f"OEBPS/{href}", _XHTML.format(title=href, body=body))
    return path


def test_a_book_reads_in_its_spines_order_without_its_cover_or_contents(tmp_path: Path) -> None:
    decoded = read_report(_book(tmp_path / "qingwei_2025.epub"))
    lines = decoded.text.split("\n")
    assert decoded.format == "epub"
    assert lines[:3] == ["青苇镇2026年政府工作报告", "——2026年1月12日在青苇镇第十八届人民代表大会第五次会议上", "青苇镇人民政府镇长 顾远航"]
    assert lines.index("二、2026年工作安排") > lines.index("一、2025年工作回顾") > lines.index("各位代表：") > 2
    assert sum("二、2026年工作安排" in line for line in lines) == 1  # the contents page is not read
    assert "**招商引资成效明显。**全年新引进企业126家，其中亿元以上项目9个，实现“链长制”<sup>1</sup>全覆盖。" in lines
    assert "<sup>1</sup> 链长制：由镇领导担任重点产业链“链长”，统筹协调产业链招商与服务的工作机制。" in lines
    assert "地区生产总值：2025年完成48.6亿元 2026年目标51.5亿元。" in lines


def test_a_book_is_a_report_with_its_metadata_sections_and_footnote(tmp_path: Path) -> None:
    document = load_document(_book(tmp_path / "qingwei_2025.epub"))
    meta = document.metadata
    assert (meta.town, meta.date, meta.speaker, meta.file_format) == ("青苇镇", "2026-01-12", "顾远航", "epub")
    chunk = next(c for c in document.chunks if "新引进企业126家" in c.text)
    assert "一、2025年工作回顾" in " ".join(chunk.section_path)
    assert any("统筹协调产业链招商" in note.text for note in chunk.footnotes)


def test_the_spine_decides_the_order_not_the_archive(tmp_path: Path) -> None:
    lines = read_report(_book(tmp_path / "b.epub", spine=["front", "c2", "c1"])).text.split("\n")
    assert lines.index("二、2026年工作安排") < lines.index("一、2025年工作回顾")


def test_an_epub_is_told_from_an_opendocument_by_its_mimetype(tmp_path: Path) -> None:
    assert sniff(_book(tmp_path / "a.epub").read_bytes()) == "epub"
    odt = _book(tmp_path / "b.epub", mimetype="application/vnd.oasis.opendocument.text").read_bytes()
    assert sniff(odt) == "odt"
    misnamed = tmp_path / "report.docx"
    misnamed.write_bytes(_book(tmp_path / "c.epub").read_bytes())
    with pytest.raises(IngestError, match=r"report\.docx.*EPUB 电子书.*\.epub"):
        read_report(misnamed)


def test_a_book_locked_by_drm_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"locked\.epub.*DRM.*未加密"):
        read_report(_book(tmp_path / "locked.epub", encrypted="OEBPS/Text/c1.xhtml"))


def test_a_book_of_pictures_only_or_without_its_package_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"pictures\.epub.*没有可读取的正文"):
        read_report(_book(tmp_path / "pictures.epub", spine=["cover", "nav"]))
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", "<container")
        archive.writestr("OEBPS/content.opf", "<package/>")
    with pytest.raises(IngestError, match=r"broken\.epub.*EPUB 电子书已损坏"):
        read_report(broken)
