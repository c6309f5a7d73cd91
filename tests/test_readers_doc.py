"""The Word 97–2003 reader (`qa.readers.doc`): a .doc reads as the same report saved as .docx would.

Two real files, both written by LibreOffice: tests/fixtures/word97_report.doc, made from
tests/fixtures/sources/word97_report.fodt (`soffice --headless --convert-to doc:"MS Word 97" word97_report.fodt`:
heading styles, a footnote and an endnote, a hyperlink and a SEQ field, a tracked deletion, a manual line
break, a 2×3 table, a one-column frame table with a table nested in it, a page header and a footer with
a PAGE field), and tests/fixtures/unseen/xiaxi_2025.doc (a whole report: tables with merged cells, two
footnotes). Text boxes: tests/fixtures/unseen/nanxi_2025.doc (a report with a table of contents and a
floating 「专栏」 box of figures) and tests/fixtures/word97_text_box.doc, the report `text_box_report` builds
here as a .docx with a Word text box (DrawingML, with its VML fallback), converted by LibreOffice
(`soffice --headless --convert-to doc:"MS Word 97" word97_text_box.docx`). What LibreOffice does not
write — 8-bit (compressed) pieces, nested fields, linked and spare text-box entries, damaged or hostile
structures — is tested on documents built here, byte by byte.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import olefile
import pytest

from qa.ingest import load_document
from qa.readers import IngestError, Limits, read_report
from qa.readers.doc import (
    F_ENCRYPTED,
    F_WHICH_TBL_STM,
    FC_CLX,
    FC_COMPRESSED,
    FC_PLCFTXBXTXT,
    FC_PLCSPAMOM,
    FIB_FLAGS_OFFSET,
    LW_CCP_TEXT,
    LW_CCP_TXBX,
    NFIB_WORD97,
    SPA_SIZE,
    WORD_IDENT,
)

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = FIXTURES / "word97_report.doc"
XIAXI = FIXTURES / "unseen" / "xiaxi_2025.doc"
NANXI = FIXTURES / "unseen" / "nanxi_2025.doc"
TEXT_BOX_REPORT = FIXTURES / "word97_text_box.doc"
#: Every refusal comes quickly (as in tests/test_readers_hostile.py).
BOUND_S = 5.0
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


# ---------------------------------------------------------------- documents built here


#: Compound File Binary (version 3): 512-byte sectors, FAT markers, and the size below which a stream
#: would live in the mini stream (padding every stream past it keeps the writer to one FAT).
SECTOR = 512
FREE_SECT, END_OF_CHAIN, FAT_SECT, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MINI_STREAM_CUTOFF = 4096
STREAM, ROOT = 2, 5


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file holding `streams` in its root storage: the container of a .doc, written here
    because olefile only reads them. Sector 0 is the FAT, sector 1 the directory, the streams follow."""
    assert len(streams) <= 3  # the root and three streams fill the one directory sector
    fat, data, entries = [FAT_SECT, END_OF_CHAIN], b"", []
    for index, (name, content) in enumerate(streams.items(), start=1):
        content = content.ljust(MINI_STREAM_CUTOFF, b"\0")
        content = content.ljust(-(-len(content) // SECTOR) * SECTOR, b"\0")
        first, count = len(fat), len(content) // SECTOR
        fat += [*range(first + 1, first + count), END_OF_CHAIN]
        sibling = index + 1 if index < len(streams) else NO_STREAM
        entries.append(_directory_entry(name, STREAM, right=sibling, start=first, size=len(content)))
        data += content
    assert len(fat) <= SECTOR // 4
    root = _directory_entry("Root Entry", ROOT, child=1)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"", 0x3E, 3, 0xFFFE, 9, 6, b"",
        0, 1, 1, 0, MINI_STREAM_CUTOFF, END_OF_CHAIN, 0, END_OF_CHAIN, 0,
    ) + struct.pack("<109I", 0, *[FREE_SECT] * 108)
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *fat, *[FREE_SECT] * (SECTOR // 4 - len(fat)))
    directory = b"".join([root, *entries]).ljust(SECTOR, b"\0")
    return header + fat_sector + directory + data


def _directory_entry(name: str, kind: int, *, child: int = NO_STREAM, right: int = NO_STREAM,
                     start: int = END_OF_CHAIN, size: int = 0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, NO_STREAM, right, child, b"", 0, 0, 0,
                       start, size)


#: Where the built document's text starts in WordDocument (after its FIB), and the FIB's array lengths.
TEXT_OFFSET = 0x800
CSW, CSLW, CB_RG_FC_LCB = 14, 22, 93


def word_document(pieces: list[tuple[str, bool]], *, nfib: int = NFIB_WORD97, flags: int = 0,
                  table: bytes | None = None, text_boxes: str = "", structures: dict[int, bytes] | None = None,
                  counts: dict[int, int] | None = None) -> bytes:
    """A .doc whose main text is `pieces` ((text, compressed): 8-bit cp1252 or UTF-16LE), one after
    another, with no properties, styles or notes; `table` replaces the table stream (its Clx at 0).
    `text_boxes` is the story of the main text's text boxes, stored after it; `structures` are placed in
    the table stream after the Clx, each at its fibRgFcLcb index; `counts` set fibRgLw entries over the
    ones the text gives."""
    stored, descriptors, cps, offset = b"", b"", [0], TEXT_OFFSET
    for text, compressed in [*pieces, (text_boxes, False)] if text_boxes else pieces:
        encoded = text.encode("cp1252") if compressed else text.encode("utf-16-le")
        descriptors += struct.pack("<HIH", 0, offset * 2 | FC_COMPRESSED if compressed else offset, 0)
        stored, offset = stored + encoded, offset + len(encoded)
        cps.append(cps[-1] + len(text))
    table = _clx(cps, descriptors) if table is None else table
    lw = [0] * CSLW
    lw[LW_CCP_TEXT], lw[LW_CCP_TXBX] = cps[-1] - len(text_boxes), len(text_boxes)
    for index, count in (counts or {}).items():
        lw[index] = count
    fc_lcb = [0] * (2 * CB_RG_FC_LCB)
    fc_lcb[2 * FC_CLX + 1] = len(table)
    for index, structure in (structures or {}).items():
        fc_lcb[2 * index : 2 * index + 2] = [len(table), len(structure)]
        table += structure
    fib = struct.pack("<HHHHH", WORD_IDENT, nfib, 0, 0, 0) + struct.pack("<H", flags | F_WHICH_TBL_STM)
    fib = fib.ljust(0x20, b"\0") + struct.pack(f"<H{CSW}HH{CSLW}iH{2 * CB_RG_FC_LCB}I", CSW, *[0] * CSW, CSLW, *lw,
                                              CB_RG_FC_LCB, *fc_lcb)
    return compound_file({"WordDocument": fib.ljust(TEXT_OFFSET, b"\0") + stored, "1Table": table})


def _clx(cps: list[int], descriptors: bytes) -> bytes:
    plc = struct.pack(f"<{len(cps)}I", *cps) + descriptors
    return b"\x02" + struct.pack("<I", len(plc)) + plc


def read_built(tmp_path: Path, pieces: list[tuple[str, bool]], **kwargs) -> str:
    path = tmp_path / "built.doc"
    path.write_bytes(word_document(pieces, **kwargs))
    return read_report(path).text


def refused(path: Path, *patterns: str, limits: Limits | None = None) -> str:
    started = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        read_report(path, limits)
    message = str(caught.value)
    assert path.name in message, message
    for pattern in patterns:
        assert pattern in message, message
    assert time.perf_counter() - started < BOUND_S
    return message


# ---------------------------------------------------------------- real files


def test_a_word97_document_reads_as_its_report() -> None:
    """Headings by their styles, paragraphs a line, the 2×3 table's data row a sentence with its header's
    names, a field's result without its instruction, the tracked deletion and the page header and footer
    left out, the frame table's paragraphs and the table nested in it in place, both notes numbered in the
    order the text cites them."""
    decoded = read_report(REPORT)
    assert decoded.format == "doc" and decoded.pages is None
    assert decoded.text.split("\n") == [
        "政府工作报告",
        "# 一、2025年工作回顾",
        "全镇实现地区生产总值49.26亿元，同比增长6.1%。全面推行“田长制”<sup>1</sup>，耕地巡查实现全覆盖。",
        "详见镇政府网站政务公开专栏。",
        "主要指标见表1。",
        "地区生产总值（亿元）：目标48.5亿元 完成49.26亿元。",
        "## （一）坚持项目为王",
        "新建共富工坊9家<sup>2</sup>，带动1860名群众就业。",
        "（二）坚持民生为本",
        "风雨操场：计划投资860万元。",
        "民生实事全部按期完成。",
        "各位代表，让我们凝心聚力、实干争先！",
        "<sup>1</sup> 田长制：指由各级田长对责任区域内耕地开展日常巡查的管理制度。",
        "<sup>2</sup> 共富工坊：由村集体与企业合作设立的就业帮扶车间。",
    ]
    for absent in ("HYPERLINK", "http", "SEQ", "ARABIC", "初稿数字", "页眉", "PAGE", "第1页"):
        assert absent not in decoded.text
    assert not _CONTROL.search(decoded.text)


def test_the_same_report_reads_alike_as_doc_and_as_docx(tmp_path: Path) -> None:
    """LibreOffice saves the .doc as .docx; the two readers give the same text."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    docx = _soffice(REPORT, "docx", tmp_path)
    assert read_report(docx).text == read_report(REPORT).text


def test_xiaxi_reads_its_body_tables_and_footnotes() -> None:
    text = read_report(XIAXI).text
    for phrase in ("后洋村、桃源村入选省级乡村振兴示范村", "防汛能力提升工程", "霞溪镇人民政府镇长 陈立航",
                   "地区生产总值：2025年目标48.5亿元 2025年完成49.26亿元 2026年预期目标52.2亿元。"):
        assert phrase in text
    lines = text.split("\n")
    assert "# 一、2025年工作回顾" in lines and "## （一）坚持项目为王，工业经济稳中有进。" in lines
    assert "全面推行“田长制”<sup>1</sup>" in text and "大力推广“共富工坊”<sup>2</sup>模式" in text
    notes = [line for line in lines if line.startswith("<sup>")]
    assert len(notes) == 2 and notes[0].startswith("<sup>1</sup> 田长制：")
    assert "由村集体与企业合作设立的就业帮扶车间" in notes[1]
    assert "PAGE" not in text and "— 14 —" not in text  # the footer and its page field
    assert not _CONTROL.search(text)


def test_xiaxi_body_is_what_libreoffice_reads(tmp_path: Path) -> None:
    """LibreOffice's own text export of the file (cells a line each, no footnotes): every line of it is in
    the reader's text but for the column headers the table rows are read under (「2025年目标48.5亿元」), with
    a note's number, which it prints bare; its paragraphs in the same order (a table's short cells, such as
    「单位」, also stand in later sentences, so order is checked on lines of some length)."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    theirs = [_squeezed(line) for line in _soffice(XIAXI, "txt:Text", tmp_path).read_text(encoding="utf-8-sig").split("\n")]
    ours = _squeezed(re.sub(r"<sup>(\d+)</sup>", r"\1", read_report(XIAXI).text.replace("#", "")))
    assert [line for line in theirs if line not in ours] == ["指标名称", "序号", "计划投资（万元）"]
    positions = [ours.index(line) for line in theirs if len(line) >= ORDERED_LINE_CHARS]
    assert len(positions) >= 50 and positions == sorted(positions)


#: Lines of LibreOffice's text this long are found in the reader's once, where they stand.
ORDERED_LINE_CHARS = 20


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _soffice(source: Path, target: str, tmp_path: Path) -> Path:
    """`source` converted by LibreOffice, with a profile of its own (parallel runs share none)."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", target,
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    return tmp_path / f"{source.stem}.{target.split(':')[0]}"


def test_a_doc_is_read_end_to_end() -> None:
    """Through `qa.ingest.load_document`, as `qa build` and the upload panel read it: the format recorded,
    the parts found from the text's own numbering."""
    document = load_document(XIAXI)
    assert document.metadata.file_format == "doc"
    headings = [section.heading for section in document.sections]
    assert "一、2025年工作回顾" in headings and "二、2026年工作安排" in headings
    assert "后洋村、桃源村入选省级乡村振兴示范村" in document.text


def test_a_wps_file_is_read_as_the_doc_it_is(tmp_path: Path) -> None:
    """WPS Office, which many offices write their reports in, saves its own .wps files in Word 97–2003's binary
    format: a .wps reads as the .doc it is, to the same text and metadata. A .wps that is a .docx inside is
    named for what it is, as a .doc would be."""
    wps = tmp_path / "xiaxi_2025.wps"
    shutil.copy(XIAXI, wps)
    assert read_report(wps).text == read_report(XIAXI).text
    assert load_document(wps).metadata == load_document(XIAXI).metadata
    import docx

    zipped = tmp_path / "new.wps"
    document = docx.Document()
    document.add_paragraph("政府工作报告")
    document.save(str(zipped))
    refused(zipped, "扩展名是 .wps", "请把扩展名改为 .docx 后重试")


# ---------------------------------------------------------------- text boxes


#: The 「专栏」 box of nanxi_2025.doc, which floats beside the paragraph it is anchored in.
NANXI_BOX = [
    "专栏\u30002025年南溪“三个数字”",
    "386户：全年新增各类市场主体386户，其中新增企业97户、个体工商户289户。",
    "42.6万人次：全年接待游客42.6万人次，实现旅游综合收入2.35亿元。",
    "1,120个：全年新增城乡就业岗位1,120个，其中返乡创业带动就业318人。",
]


def test_nanxi_text_box_follows_the_paragraph_it_is_anchored_in() -> None:
    """The box's shape is anchored at the head of the paragraph on tea and tourism (two shapes, as LibreOffice
    writes a text box: the frame, whose story holds a lone paragraph mark, and its text): its lines follow
    that paragraph, once each, as the .docx reader places a box."""
    lines = read_report(NANXI).text.split("\n")
    anchor = next(i for i, line in enumerate(lines) if line.startswith("茶旅融合加快发展。"))
    assert lines[anchor + 1 : anchor + 5] == NANXI_BOX
    assert lines[anchor + 5].startswith("商贸消费持续回暖。")
    for line in NANXI_BOX:
        assert lines.count(line) == 1
    for figure in ("386户", "42.6万人次", "1,120个"):
        assert sum(figure in line for line in lines) == 1


def test_nanxi_table_of_contents_is_kept_as_the_docx_reader_keeps_it() -> None:
    """A TOC field's result is its entries, each with its page number after a tab: the .docx reader keeps a
    field's result (w:instrText is dropped, the result's w:t kept, an sdt's content read), so this one does
    too, between the cover page and the report's own title."""
    lines = read_report(NANXI).text.split("\n")
    assert lines[:6] == ["南溪镇政府工作报告", "（2026年1月11日在南溪镇第十八届人民代表大会第五次会议上）", "南溪镇人民政府",
                         "2026年1月11日", "目\u3000\u3000录", "一、2025年工作回顾\t1"]
    assert lines[21:23] == ["附件\t15", "政府工作报告"]
    assert not any("TOC" in line or "PAGEREF" in line or "_Toc" in line for line in lines)


def test_nanxi_reads_as_libreoffice_saves_it_as_docx(tmp_path: Path) -> None:
    """Table of contents, text box and all, nanxi_2025.doc reads as the .docx LibreOffice saves it as, but
    for the bold lead sentences the .docx reader marks (「**386户：**」), which this reader does not read."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    docx = _soffice(NANXI, "docx", tmp_path)
    assert read_report(docx).text.replace("**", "") == read_report(NANXI).text


_DOCX_TEXT_BOX_NAMESPACES = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
}.items())
#: The text box of tests/fixtures/word97_text_box.doc.
TEXT_BOX = ["专栏\u30002025年青石镇“两个数字”", "1,260亩：全年新建高标准农田1,260亩，亩均增产粮食45公斤。",
            "58家：全年新增规模以上工业企业58家，其中高新技术企业11家。"]


def text_box_report(path: Path) -> None:
    """The .docx tests/fixtures/word97_text_box.doc was converted from: a report whose third paragraph holds,
    between its two sentences, a floating text box as Word writes one — a DrawingML shape (wps:wsp) and, in
    mc:Fallback, its VML twin, each with the box's paragraphs in w:txbxContent."""
    import docx
    from docx.oxml import parse_xml

    content = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in TEXT_BOX)
    run = parse_xml(
        f'<w:r {_DOCX_TEXT_BOX_NAMESPACES}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>3200400</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2286000" cy="1371600"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        '<wp:wrapSquare wrapText="bothSides"/><wp:docPr id="1" name="文本框 1"/><wp:cNvGraphicFramePr/><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2286000" cy="1371600"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" anchor="t"><a:noAutofit/></wps:bodyPr></wps:wsp>'
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        '<v:shape id="文本框 1" o:spid="_x0000_s1026" type="#_x0000_t202" style="position:absolute;'
        'margin-left:252pt;margin-top:0;width:180pt;height:108pt;z-index:251659264">'
        f"<v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    document = docx.Document()
    document.add_paragraph("青石镇政府工作报告")
    document.add_heading("一、2025年工作回顾", level=1)
    anchored = document.add_paragraph("全年实现地区生产总值41.2亿元，同比增长6.3%。")
    anchored._p.append(run)
    anchored.add_run("农业农村稳步发展，粮食总产1.52万吨。")
    document.add_paragraph("民生实事全部按期完成。")
    document.add_heading("二、2026年工作安排", level=1)
    document.add_paragraph("各位代表，让我们凝心聚力、实干争先！")
    document.save(str(path))


def test_a_text_box_reads_as_the_docx_it_was_saved_from(tmp_path: Path) -> None:
    """The box anchored mid-paragraph follows the whole paragraph, in the .doc as in the .docx."""
    docx = tmp_path / "word97_text_box.docx"
    text_box_report(docx)
    text = read_report(TEXT_BOX_REPORT).text
    assert text == read_report(docx).text
    assert text.split("\n") == [
        "青石镇政府工作报告",
        "# 一、2025年工作回顾",
        "全年实现地区生产总值41.2亿元，同比增长6.3%。农业农村稳步发展，粮食总产1.52万吨。",
        *TEXT_BOX,
        "民生实事全部按期完成。",
        "# 二、2026年工作安排",
        "各位代表，让我们凝心聚力、实干争先！",
    ]


def plc(cps: list[int], entries: list[bytes]) -> bytes:
    """A PLC: its CPs, then an entry for each range."""
    return struct.pack(f"<{len(cps)}I", *cps) + b"".join(entries)


def ftxbxs(lid: int, *, reusable: bool = False) -> bytes:
    """An FTXBXS: a box (a chain of one shape) or a spare; reusable flag, next spare, the shape's lid, undo id."""
    return struct.pack("<iiHiii", 1, 0, reusable, -1, lid, 0)


def spa(lid: int) -> bytes:
    """An SPA naming shape `lid`, its place on the page all zero (nothing of it is read but the lid)."""
    return struct.pack("<I", lid).ljust(SPA_SIZE, b"\0")


#: A main text with three shapes anchored (\x08), and the story of its text boxes: box 甲 (shape 1), a spare
#: holding text no box shows, box 乙 (shape 2, anchored nowhere), box 丙 (shape 3), and the last entry, which
#: is always a spare however it is flagged. Shape 4, in the third paragraph, is linked after shape 1: box
#: 甲's text flows on into it, and it has no range of its own.
BOXED_MAIN = "第一段。\r第二段\x08。\r第三段\x08。\r第四段\x08。\r"
BOXED_STORY = "框甲：386户。\r备用\r框乙：42.6万人次。\r框丙：1,120个。\r不读\r"
STORY_CPS = [0, *(i + 1 for i, char in enumerate(BOXED_STORY) if char == "\r")]
SHAPE_CPS = [*(i for i, char in enumerate(BOXED_MAIN) if char == "\x08"), len(BOXED_MAIN)]
BOXES = [ftxbxs(1), ftxbxs(4, reusable=True), ftxbxs(2), ftxbxs(3), ftxbxs(1)]
SHAPES = [spa(1), spa(4), spa(3)]
BODY = ["第一段。", "第二段。", "第三段。", "第四段。"]
#: The boxes in the text-box story's order, as placed when no anchor can be trusted.
BOXES_IN_ORDER = ["框甲：386户。", "框乙：42.6万人次。", "框丙：1,120个。"]


def read_boxed(tmp_path: Path, boxes: bytes, shapes: bytes, main: str = BOXED_MAIN, **kwargs) -> list[str]:
    """The lines of a built .doc with `main` and the text-box story, its PlcftxbxTxt and PlcSpaMom, read in
    bounded time."""
    path = tmp_path / "boxes.doc"
    path.write_bytes(word_document([(main, False)], text_boxes=BOXED_STORY,
                                   structures={FC_PLCFTXBXTXT: boxes, FC_PLCSPAMOM: shapes}, **kwargs))
    started = time.perf_counter()
    text = read_report(path).text
    assert time.perf_counter() - started < BOUND_S
    return text.split("\n")


def test_text_boxes_follow_their_anchors_each_once(tmp_path: Path) -> None:
    """Box 甲 after the paragraph of shape 1, not again after shape 4's (linked after it); box 丙 after shape
    3's; box 乙, whose shape is anchored nowhere, after the text; the spares' text nowhere."""
    assert read_boxed(tmp_path, plc(STORY_CPS, BOXES), plc(SHAPE_CPS, SHAPES)) == [
        "第一段。", "第二段。", "框甲：386户。", "第三段。", "第四段。", "框丙：1,120个。", "框乙：42.6万人次。",
    ]


def test_a_text_box_anchored_in_a_frame_table_stays_in_its_cell(tmp_path: Path) -> None:
    """In a table of one column, which lays out the page, a box follows the paragraph it is anchored in."""
    main = "前文。\r格中\x08\x07\r后文\x08。\r"
    shapes = plc([*(i for i, char in enumerate(main) if char == "\x08"), len(main)], [spa(1), spa(3)])
    assert read_boxed(tmp_path, plc(STORY_CPS, BOXES), shapes, main) == [
        "前文。", "格中", "框甲：386户。", "后文。", "框丙：1,120个。", "框乙：42.6万人次。",
    ]


@pytest.mark.parametrize(
    ("boxes", "shapes", "counts", "expected"),
    [
        # PlcftxbxTxt: a CP past the story, CPs out of order, a CP twice, a size that is no whole PLC
        (plc([*STORY_CPS[:-1], len(BOXED_STORY) + 5], BOXES), plc(SHAPE_CPS, SHAPES), None, BODY),
        (plc([STORY_CPS[1], STORY_CPS[0], *STORY_CPS[2:]], BOXES), plc(SHAPE_CPS, SHAPES), None, BODY),
        (plc([0, 0, *STORY_CPS[2:]], BOXES), plc(SHAPE_CPS, SHAPES), None, BODY),
        (plc(STORY_CPS, BOXES)[:-1], plc(SHAPE_CPS, SHAPES), None, BODY),
        # ccpTxbx: more characters than the file holds, fewer than the boxes claim, negative
        (plc(STORY_CPS, BOXES), plc(SHAPE_CPS, SHAPES), {LW_CCP_TXBX: 1 << 30}, BODY),
        (plc(STORY_CPS, BOXES), plc(SHAPE_CPS, SHAPES), {LW_CCP_TXBX: 3}, BODY),
        (plc(STORY_CPS, BOXES), plc(SHAPE_CPS, SHAPES), {LW_CCP_TXBX: -1}, BODY),
        # PlcSpaMom: an anchor past the main text, anchors out of order, a size that is no whole PLC: the
        # boxes are sound, and follow the text
        (plc(STORY_CPS, BOXES), plc([*SHAPE_CPS[:2], len(BOXED_MAIN) + 2, len(BOXED_MAIN) + 3], SHAPES), None,
         BODY + BOXES_IN_ORDER),
        (plc(STORY_CPS, BOXES), plc([SHAPE_CPS[1], SHAPE_CPS[0], *SHAPE_CPS[2:]], SHAPES), None,
         BODY + BOXES_IN_ORDER),
        (plc(STORY_CPS, BOXES), plc(SHAPE_CPS, SHAPES)[:-1], None, BODY + BOXES_IN_ORDER),
    ],
    ids=["box-cp-past-story", "box-cps-unordered", "box-cp-twice", "box-plc-cut", "story-past-file",
         "story-short", "story-negative", "anchor-past-text", "anchors-unordered", "shape-plc-cut"],
)
def test_hostile_text_box_tables_are_ignored(tmp_path: Path, boxes: bytes, shapes: bytes,
                                             counts: dict[int, int] | None, expected: list[str]) -> None:
    assert read_boxed(tmp_path, boxes, shapes, counts=counts) == expected


def test_many_text_boxes_are_read_in_bounded_time(tmp_path: Path) -> None:
    """A PlcftxbxTxt of 1,500 one-character boxes (as many as the built file holds), anchored nowhere: each
    read once, quickly."""
    story = "\r" * 1_500
    path = tmp_path / "many.doc"
    path.write_bytes(word_document([(BOXED_MAIN, False)], text_boxes=story, structures={
        FC_PLCFTXBXTXT: plc(list(range(len(story) + 1)), [ftxbxs(9)] * len(story)),
        FC_PLCSPAMOM: plc(SHAPE_CPS, SHAPES),
    }))
    started = time.perf_counter()
    assert read_report(path).text.split("\n") == BODY
    assert time.perf_counter() - started < BOUND_S


# ---------------------------------------------------------------- what the text holds


def test_8_bit_pieces_are_cp1252_and_pieces_join_in_order(tmp_path: Path) -> None:
    """Word stores a run of text every character of which cp1252 has in one byte each (a fast save writes
    pieces as they were typed): its curly quotes and euro sign are cp1252's, not Latin-1's controls."""
    # stored as bytes 0x93, 0x94 and 0x80, which Latin-1 would read as control characters
    text = read_built(tmp_path, [("Smart “quotes” cost € 5; ", True), ("镇里", False), ("\r中文段落。\r", False)])
    assert text.split("\n") == ["Smart “quotes” cost € 5; 镇里", "中文段落。"]


def test_fields_keep_their_results_nested_or_not(tmp_path: Path) -> None:
    """A field's instruction (between \\x13 and \\x14) is dropped, its result (to \\x15) kept; a field in a
    result shows its result, a field in an instruction nothing, a field without a result nothing."""
    body = (
        "见\x13 HYPERLINK \"https://x.gov.cn\" \x14表\x13 SEQ 表 \\* ARABIC \x142\x15\x15。\r"
        "共\x13 IF \x13 PAGE \x143\x15 > 1 \"多页\" \x142页\x15。\r"
        "目录项\x13 TC \"不显示\" \\l 1 \x15之后。\r"
    )
    assert read_built(tmp_path, [(body, False)]).split("\n") == ["见表2。", "共2页。", "目录项之后。"]


def test_special_characters_become_what_they_print(tmp_path: Path) -> None:
    """A manual line break and a page break part lines; a non-breaking hyphen is a hyphen; an optional
    hyphen, a picture and a drawn object print nothing of the report; an unmatched field end is no text."""
    body = "第一行\x0b第二行\x0c第三行\r非\x1e断\x1f字\x01符\x08号\x15。\r\t缩进\r"
    assert read_built(tmp_path, [(body, False)]).split("\n") == ["第一行", "第二行", "第三行", "非-断字符号。", "缩进"]


# ---------------------------------------------------------------- refused, with a message


def test_an_encrypted_doc_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.doc"
    shutil.copy(REPORT, path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        word = bytearray(ole.openstream("WordDocument").read())
        struct.pack_into("<H", word, FIB_FLAGS_OFFSET, struct.unpack_from("<H", word, FIB_FLAGS_OFFSET)[0] | F_ENCRYPTED)
        ole.write_stream("WordDocument", bytes(word))
    refused(path, "加密", "未加密")


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.9])
def test_a_truncated_doc_is_refused(tmp_path: Path, fraction: float) -> None:
    data = XIAXI.read_bytes()
    path = tmp_path / "cut.doc"
    path.write_bytes(data[: int(len(data) * fraction)])
    refused(path, "损坏", "重新保存")


def test_office_files_that_are_no_word_document_are_named(tmp_path: Path) -> None:
    sheet = tmp_path / "table.doc"
    sheet.write_bytes(compound_file({"Workbook": b"\x09\x08" + b"\0" * 100}))
    refused(sheet, "不是 Word 文档")
    old = tmp_path / "word95.doc"
    old.write_bytes(word_document([("正文。\r", False)], nfib=104))
    refused(old, "Word 6.0/95", "另存为 .docx")
    magic_only = tmp_path / "empty.doc"
    magic_only.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    refused(magic_only, "损坏")
    blank = tmp_path / "blank.doc"
    blank.write_bytes(word_document([("\r\r\x0c\r", False)]))
    refused(blank, "没有文字")


def test_extensions_that_lie_about_word_files(tmp_path: Path) -> None:
    """A .doc renamed .docx (or .txt), a .docx renamed .doc: each is named for what it is."""
    doc_as_docx = tmp_path / "report.docx"
    shutil.copy(REPORT, doc_as_docx)
    refused(doc_as_docx, "扩展名是 .docx", "旧版 Word 文档", "请把扩展名改为 .doc 后重试")
    doc_as_text = tmp_path / "report.txt"
    shutil.copy(REPORT, doc_as_text)
    refused(doc_as_text, "不是文本文件", "请把扩展名改为 .doc 后重试")
    import docx

    docx_as_doc = tmp_path / "new.doc"
    document = docx.Document()
    document.add_paragraph("政府工作报告")
    document.save(str(docx_as_doc))
    refused(docx_as_doc, "扩展名是 .doc", "请把扩展名改为 .docx 后重试")


@pytest.mark.parametrize(
    ("name", "table"),
    [
        # 3,000 pieces, each sound, all of the same two stored characters: more text than the file holds
        ("reused.doc", _clx(list(range(0, 6002, 2)), struct.pack("<HIH", 0, TEXT_OFFSET, 0) * 3000)),
        ("unordered.doc", _clx([0, 4, 2], struct.pack("<HIH", 0, TEXT_OFFSET, 0) * 2)),
        ("outside.doc", _clx([0, 4], struct.pack("<HIH", 0, 0x3FFF0000, 0))),
        ("overlong.doc", b"\x02" + struct.pack("<I", 0xFFFFFFF0) + b"\0" * 64),
        # a Prc (a fast save's property changes) whose signed size is -3, before a Clx that is cut short
        ("backwards.doc", b"\x01\xfd\xff" * 10 + b"\x02\x10\x00"),
        ("no_piece_table.doc", b""),
    ],
)
def test_a_hostile_piece_table_is_refused(tmp_path: Path, name: str, table: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(word_document([("正文。\r", False)], table=table))
    refused(path, "损坏")


def test_a_table_nested_past_any_depth_is_read_in_bounded_time(tmp_path: Path) -> None:
    """Each paragraph of a table says how deep in tables it stands (sprmPItap, a 32-bit count): one that
    says 2,147,483,647 had made the reader open a table for every level, until memory ran out."""
    path = tmp_path / "deep.doc"
    shutil.copy(REPORT, path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        word = ole.openstream("WordDocument").read()
        deep = re.sub(rb"\x49\x66[\x01\x02]\x00\x00\x00", b"\x49\x66\xff\xff\xff\x7f", word)
        assert deep != word
        ole.write_stream("WordDocument", deep)
    started = time.perf_counter()
    text = read_report(path).text
    assert time.perf_counter() - started < BOUND_S
    assert "风雨操场" in text and "各位代表，让我们凝心聚力、实干争先！" in text


def test_a_doc_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    refused(XIAXI, "过大", "上限 0 MB", limits=Limits(max_unpacked_bytes=32 * 1024))
