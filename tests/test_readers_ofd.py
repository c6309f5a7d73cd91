"""The OFD reader (qa/readers/ofd.py): text objects placed on fixed pages, read as a PDF's characters are.

The small OFDs here are written by `_ofd` following GB/T 33190-2016 (OFD.xml → Document.xml → each page's
Content.xml), as a government e-document system lays a report out: one TextObject per line, positions in
millimetres, advances as DeltaX with its 「g N d」 shorthand. The blind fixture of round 45
(tests/fixtures/unseen/dongling_2025.ofd, a county's report of fifteen pages) is read end to end by
tests/test_quality.py."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qa.readers import read_report, sniff
from qa.readers.base import IngestError, Limits
from qa.readers.ofd import advances

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
#: The font size (mm) and line pitch of the text below: 三号 on the 公文 grid.
SIZE, PITCH = 5.644, 10.227


def _line(oid: int, x: float, y: float, text: str, size: float = SIZE) -> str:
    return (f'<ofd:TextObject ID="{oid}" Boundary="{x} {y} {len(text) * size + 1} {PITCH}" Font="2" Size="{size}">'
            f'<ofd:TextCode X="0" Y="{size * 1.27:.3f}" DeltaX="g {len(text) - 1} {size}">{text}</ofd:TextCode>'
            "</ofd:TextObject>")


def _cells(oid: int, y: float, cells: list[tuple[float, str]]) -> str:
    return "".join(_line(oid + i, x, y, text) for i, (x, text) in enumerate(cells))


def _page(objects: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Area><ofd:PhysicalBox>0 0 210 297'
            f'</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="1" Type="Body">{objects}</ofd:Layer>'
            "</ofd:Content></ofd:Page>")


def _ofd(pages: list[str], *, doc_root: str = "Doc_0/Document.xml", template: str = "") -> bytes:
    listed = "".join(f'<ofd:Page ID="{100 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
    template_ref = '<ofd:TemplatePage ID="99" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.0" DocType="OFD">'
                         f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>"
                         f"<ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        archive.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}>'
                         "<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
                         f"</ofd:PhysicalBox></ofd:PageArea>{template_ref}</ofd:CommonData><ofd:Pages>{listed}</ofd:Pages>"
                         "</ofd:Document>")
        for n, page in enumerate(pages):
            archive.writestr(f"Doc_0/Pages/Page_{n}/Content.xml", page)
        if template:
            archive.writestr("Doc_0/Tpls/Tpl_0/Content.xml", template)
    return buffer.getvalue()


def _write(tmp_path: Path, data: bytes, name: str = "report.ofd") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_advances_expand_the_repeat_shorthand() -> None:
    assert advances("g 3 5.6 2.8") == [5.6, 5.6, 5.6, 2.8]
    assert advances("4.9 g 2 2.4 4.9") == [4.9, 2.4, 2.4, 4.9]
    assert advances(None) == [] and advances("g x 1") == []


def test_lines_become_paragraphs_a_table_its_rows_and_a_page_break_does_not_cut_a_paragraph(tmp_path: Path) -> None:
    first = _page(
        _line(1, 82, 37, "政府工作报告", 7.761)
        + _line(2, 39, 80, "一、2025年工作回顾")
        + _line(3, 39, 90, "全年新增规模以上工业企业23家，总数达到168家；新认定国家")
        + _line(4, 28, 100, "高新技术企业17家。")
        + _line(5, 39, 110, "项目建设提速增效。全年实施县级重点项目136个，完成投资98.7")
    )
    second = _page(
        _line(10, 28, 37, "亿元，其中新开工项目58个。")
        + _line(11, 39, 47, "附表　主要指标")
        + _cells(20, 57, [(28, "指标"), (90, "2025年"), (150, "增长")])
        + _cells(30, 67, [(28, "地区生产总值"), (90, "186.4亿元"), (150, "6.2%")])
        + _cells(40, 77, [(28, "实际使用外资"), (90, "2860万美元"), (150, "9.6%")])
    )
    decoded = read_report(_write(tmp_path, _ofd([first, second])))
    assert decoded.format == "ofd" and decoded.pages == 2
    lines = decoded.text.split("\n")
    assert lines[0] == "政府工作报告"
    assert "全年新增规模以上工业企业23家，总数达到168家；新认定国家高新技术企业17家。" in lines
    assert "项目建设提速增效。全年实施县级重点项目136个，完成投资98.7亿元，其中新开工项目58个。" in lines
    assert any(line.startswith("实际使用外资") and "2860万美元" in line and "9.6%" in line for line in lines)
    assert decoded.page_at(decoded.text.index("附表")) == 2


def test_template_page_text_is_not_read(tmp_path: Path) -> None:
    """A template page carries what every page repeats (the issuing office, a page number): not the report."""
    template = _page(_line(1, 28, 10, "东岭县人民政府办公室印发"))
    page = _page(_line(2, 39, 40, "各位代表：现在，我代表县人民政府，向大会报告工作。"))
    decoded = read_report(_write(tmp_path, _ofd([page], template=template)))
    assert "印发" not in decoded.text and "向大会报告工作" in decoded.text


def test_an_ofd_is_told_by_its_contents(tmp_path: Path) -> None:
    data = _ofd([_page(_line(1, 39, 40, "各位代表：现在向大会报告工作。"))])
    assert sniff(data) == "ofd"
    with pytest.raises(IngestError, match=r"OFD 版式文档.*请把扩展名改为 \.ofd"):
        read_report(_write(tmp_path, data, "report.docx"))


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (_ofd([_page("")]), "没有可读取的文字"),
        (_ofd([_page(_line(1, 39, 40, "各位代表："))], doc_root=""), "DocRoot"),
        (_ofd([_page(_line(1, 39, 40, "各位代表："))], doc_root="Doc_0/Missing.xml"), "缺少部件 Doc_0/Missing.xml"),
        (_ofd(["<ofd:Page><ofd:Content"]), "部件 Doc_0/Pages/Page_0/Content.xml 已损坏"),
        (_ofd([_page(_line(1, 39, 40, "各位代表："))])[:-40], "请确认文件完整"),
    ],
    ids=["no text", "no root", "missing part", "broken xml", "truncated"],
)
def test_broken_ofds_are_refused_with_what_to_do(tmp_path: Path, data: bytes, says: str) -> None:
    with pytest.raises(IngestError, match=says) as refused:
        read_report(_write(tmp_path, data))
    assert "report.ofd" in str(refused.value)


def test_too_many_pages_are_refused(tmp_path: Path) -> None:
    from qa.readers.ofd import read

    data = _ofd([_page(_line(n, 39, 40, f"第{n}页的文字。")) for n in range(4)])
    with pytest.raises(IngestError, match="超过上限 3 页"):
        read(tmp_path / "big.ofd", data, Limits(max_pages=3))
