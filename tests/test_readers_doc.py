"""The Word 97–2003 reader (`qa.readers.doc`): a .doc reads as the same report saved as .docx would.

Two real files, both written by LibreOffice: tests/fixtures/word97_report.doc, made from
tests/fixtures/sources/word97_report.fodt (`soffice --headless --convert-to doc:"MS Word 97" word97_report.fodt`:
heading styles, a footnote and an endnote, a hyperlink and a SEQ field, a tracked deletion, a manual line
break, a 2×3 table, a one-column frame table with a table nested in it, a page header and a footer with
a PAGE field), and tests/fixtures/unseen/xiaxi_2025.doc (a whole report: tables with merged cells, two
footnotes). What LibreOffice does not write — 8-bit (compressed) pieces, nested fields, damaged or
hostile structures — is tested on documents built here, byte by byte.
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
    FIB_FLAGS_OFFSET,
    LW_CCP_TEXT,
    NFIB_WORD97,
    WORD_IDENT,
)

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = FIXTURES / "word97_report.doc"
XIAXI = FIXTURES / "unseen" / "xiaxi_2025.doc"
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
                  table: bytes | None = None) -> bytes:
    """A .doc whose main text is `pieces` ((text, compressed): 8-bit cp1252 or UTF-16LE), one after
    another, with no properties, styles or notes; `table` replaces the table stream (its Clx at 0)."""
    stored, descriptors, cps, offset = b"", b"", [0], TEXT_OFFSET
    for text, compressed in pieces:
        encoded = text.encode("cp1252") if compressed else text.encode("utf-16-le")
        descriptors += struct.pack("<HIH", 0, offset * 2 | FC_COMPRESSED if compressed else offset, 0)
        stored, offset = stored + encoded, offset + len(encoded)
        cps.append(cps[-1] + len(text))
    table = _clx(cps, descriptors) if table is None else table
    lw = [0] * CSLW
    lw[LW_CCP_TEXT] = cps[-1]
    fc_lcb = [0] * (2 * CB_RG_FC_LCB)
    fc_lcb[2 * FC_CLX + 1] = len(table)
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
