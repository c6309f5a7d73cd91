"""The RTF reader (`qa.readers.rtf`): an .rtf reads as the same report saved as .docx or .doc would.

One real file, written by LibreOffice 7.4: tests/fixtures/rtf_report.rtf, made from a flat ODT written for
it (`soffice --headless --convert-to rtf rtf_report.fodt`: a title, Heading 1 and Heading 2 paragraphs, a
bold lead sentence, a numbered list and a list numbered 「一、」, a line stating the table's unit, a table
with a title merged across it and a category merged down two rows, two footnotes and an endnote, hidden
text, a hyperlink, a manual line break, a text frame, a page header and a footer with a PAGE field). The
.doc fixtures are converted to RTF by LibreOffice here, when it is installed, and must read as the Word
readers read them. What LibreOffice does not write — Word's GBK bytes (`\\ansicpg936`, `\\'hh`), `\\uN` with
other fallbacks, `{\\*\\…}` destinations unknown to the reader, old-style merged cells, footnotes numbered by
hand, hostile files — is tested on RTF written here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from qa.readers import IngestError, Limits, rtf
from qa.readers.doc import read as read_doc
from qa.readers.docx import read as read_docx

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = FIXTURES / "rtf_report.rtf"
WORD97_REPORT = FIXTURES / "word97_report.doc"
XIAXI = FIXTURES / "unseen" / "xiaxi_2025.doc"
NANXI = FIXTURES / "unseen" / "nanxi_2025.doc"
LIANYUN = FIXTURES / "unseen" / "lianyun_2025.rtf"
#: What a file written here is called in messages.
BUILT = Path("built.rtf")
#: Every refusal comes quickly (as in tests/test_readers_hostile.py).
BOUND_S = 5.0
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


# ---------------------------------------------------------------- RTF written here


def gbk(text: str) -> str:
    """Text as Word writes it in a GB2312 font: each byte of its GBK encoding escaped (`\\'b9\\'fa`)."""
    return "".join(f"\\'{byte:02x}" for byte in text.encode("gbk"))


def uni(text: str) -> str:
    """Text as `\\uN?`: each UTF-16 unit a signed number, then one fallback character."""
    units = text.encode("utf-16-le")
    return "".join(f"\\u{value - 65536 if value > 32767 else value}?" for value in
                   (int.from_bytes(units[i : i + 2], "little") for i in range(0, len(units), 2)))


#: The head of a document Word writes in Chinese: code page 936, a Latin font and a GB2312 one (f1), a
#: colour table, document information and a page header, which hold nothing of the report.
WORD_HEAD = (
    r"{\rtf1\ansi\ansicpg936\deff0\deflang1033\deflangfe2052"
    r"{\fonttbl{\f0\froman\fcharset0\fprq2{\*\panose 02020603050405020304}Times New Roman;}"
    r"{\f1\fnil\fcharset134\fprq2{\*\panose 02010600030101010101}" + gbk("宋体") + r"{\*\falt SimSun};}}"
    r"{\colortbl;\red0\green0\blue0;}"
    r"{\stylesheet{\ql \f1\fs21 \snext0 Normal;}"
    r"{\s1\ql\keepn\b\f1\fs44\sbasedon0\snext0 " + gbk("标题 1") + r";}"
    r"{\s2\ql\keepn\sbasedon0\snext0 heading 2,h2;}"
    r"{\*\cs10\additive Default Paragraph Font;}{\*\cs15\additive\b\sbasedon10 " + gbk("加粗") + r";}}"
    r"{\info{\title " + gbk("页眉标题") + r"}{\author admin}}{\*\rsidtbl \rsid123}"
    r"{\header\pard\plain\f1 " + gbk("页眉：镇政府办公室") + r"\par}"
)


def word(body: str) -> str:
    return WORD_HEAD + body + "}"


def read_built(source: str | bytes, limits: Limits | None = None) -> list[str]:
    data = source.encode("latin-1") if isinstance(source, str) else source
    return rtf.read(BUILT, data, limits or Limits()).text.split("\n")


def refused(source: str | bytes, *patterns: str, limits: Limits | None = None) -> str:
    data = source.encode("latin-1") if isinstance(source, str) else source
    started = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        rtf.read(BUILT, data, limits or Limits())
    message = str(caught.value)
    assert BUILT.name in message, message
    for pattern in patterns:
        assert pattern in message, message
    assert time.perf_counter() - started < BOUND_S
    return message


def read_bounded(source: str | bytes) -> list[str]:
    started = time.perf_counter()
    lines = read_built(source)
    assert time.perf_counter() - started < BOUND_S
    return lines


# ---------------------------------------------------------------- real files


#: tests/fixtures/rtf_report.rtf as the reader reads it.
REPORT_LINES = [
    "青石镇政府工作报告",
    "# 一、2025年工作回顾",
    "**经济运行稳中有进。**全镇实现地区生产总值49.26亿元，同比增长6.1%。全面推行“田长制”<sup>1</sup>，耕地巡查实现全覆盖。",
    "详见镇政府网站政务公开专栏。",
    "主要指标见下表（单位：万元）。",
    "2025年主要指标完成情况。",
    "财政总收入（财政）：目标5200万元 完成5386万元。",
    "一般公共预算收入（财政）：目标3100万元 完成3275万元。",
    "民生支出（民生）：目标8600万元 完成8820万元。",
    "## （一）坚持项目为王",
    "新建共富工坊9家<sup>2</sup>，带动1860名群众就业。",
    "1.完成道路改造3.2公里。",
    "2.新增停车位420个。",
    "一、加快产业升级。",
    "二、提升民生福祉。",
    "茶旅融合加快发展<sup>3</sup>。",
    "专栏\u3000两个数字",
    "386户：全年新增市场主体386户。",
    "各位代表，让我们凝心聚力、实干争先！",
    "<sup>1</sup> 田长制：指由各级田长对责任区域内耕地开展日常巡查的管理制度。",
    "<sup>2</sup> 共富工坊：由村集体与企业合作设立的就业帮扶车间。",
    "<sup>3</sup> 茶旅融合：以茶产业带动乡村旅游的发展方式。",
]


def test_a_libreoffice_rtf_reads_as_its_report() -> None:
    """Headings by their styles, the bold lead sentence marked, the lists' numbers as they were drawn, the
    line break parting lines, the table's title merged across it once and its category merged down in each
    row it covers, with the unit the line over it states; the notes numbered in the order the text cites
    them (the endnote after the footnotes), the text frame after the paragraph it is anchored in; the
    hidden text, the hyperlink's address, the page header and the footer left out."""
    decoded = rtf.read(REPORT, REPORT.read_bytes(), Limits())
    assert decoded.format == "rtf" and decoded.pages is None and decoded.page_starts == ()
    assert decoded.text.split("\n") == REPORT_LINES
    for absent in ("内部备注", "页眉", "青石镇人民政府办公室印发", "第1页", "PAGE", "HYPERLINK", "http", "\\", "{"):
        assert absent not in decoded.text
    assert not _CONTROL.search(decoded.text)


@pytest.mark.parametrize(
    ("source", "reader"),
    [(WORD97_REPORT, "doc"), (XIAXI, "doc"), (NANXI, "docx")],
    ids=["word97_report", "xiaxi", "nanxi"],
)
def test_a_report_saved_as_rtf_reads_as_the_word_readers_read_it(tmp_path: Path, source: Path, reader: str) -> None:
    """LibreOffice saves a .doc as RTF: it reads as the .doc reader reads the .doc (word97_report: notes of
    both kinds, a field's result, a tracked deletion, a one-column frame with a table nested in it; xiaxi: a
    whole report, tables with merged cells), or — nanxi, whose bold lead sentences and text box the .doc
    reader does not mark the same way — as the .docx reader reads the .docx LibreOffice saves it as (a
    contents field's entries with their tabs, a text box after its paragraph, bold leads)."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    saved = _soffice(source, "rtf", tmp_path)
    ours = rtf.read(saved, saved.read_bytes(), Limits()).text
    if reader == "doc":
        theirs = read_doc(source, source.read_bytes(), Limits()).text
    else:
        docx = _soffice(source, "docx", tmp_path)
        theirs = read_docx(docx, docx.read_bytes(), Limits()).text
    assert ours.split("\n") == theirs.split("\n")


def _soffice(source: Path, target: str, tmp_path: Path) -> Path:
    """`source` converted by LibreOffice, with a profile of its own (parallel runs share none)."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", target,
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    return tmp_path / f"{source.stem}.{target.split(':')[0]}"


def test_a_whole_libreoffice_report_reads_with_its_parts_and_notes() -> None:
    """lianyun_2025.rtf (LibreOffice, every character a `\\uN` with a `\\'3f` fallback, style names written with
    `\\uc2`): read whole, its headings at two levels, a table's rows as sentences, both footnotes defined once
    with their markers in the body, nothing of the RTF's syntax left."""
    lines = rtf.read(LIANYUN, LIANYUN.read_bytes(), Limits()).text.split("\n")
    assert sum(line.startswith("# ") for line in lines) >= 2
    assert sum(line.startswith("## ") for line in lines) >= 5
    assert sum(line.startswith("**") for line in lines) >= 20
    notes = [line for line in lines if re.match(r"<sup>\d+</sup> ", line)]
    assert [note[:13] for note in notes] == ["<sup>1</sup> ", "<sup>2</sup> "] and notes == lines[-2:]
    body = "\n".join(lines[:-2])
    assert body.count("<sup>1</sup>") == 1 and body.count("<sup>2</sup>") == 1
    assert sum(bool(re.search(r"：.*\d.*。$", line)) and len(line) < 120 for line in lines) >= 10
    assert not re.search(r"\\[a-z]|[{}]|\?\?|\ufffd", body) and not _CONTROL.search(body)


def test_an_rtf_is_read_end_to_end() -> None:
    """Through `qa.readers.read_report` and `qa.ingest.load_document`, as `qa build` and the upload panel
    read a report: the format recorded, the dialect's marks read by the cleaner."""
    from qa.ingest import load_document
    from qa.readers import read_report

    assert read_report(REPORT).text.split("\n") == REPORT_LINES
    document = load_document(REPORT)
    assert document.metadata.file_format == "rtf"
    assert "经济运行稳中有进。全镇实现地区生产总值49.26亿元" in document.text and "**" not in document.text


# ---------------------------------------------------------------- what Word writes


def test_word_s_gbk_bytes_styles_fields_and_hidden_text() -> None:
    """Word writes Chinese as the bytes of its GB2312 font, two escapes a character; a heading by its
    style's name (「标题 1」, in GBK too; 「heading 2」 with an alias), a bold lead by a character style; a
    field's result without its instruction; an old-style list number (`\\pntext`) without its definition
    (`{\\*\\pn …}`); hidden text, a tracked deletion, a bookmark and an unknown `{\\*\\…}` destination left
    out, as are the document information, the header and the font table's names."""
    lines = read_built(word(
        r"\pard\plain\s1\f1 " + gbk("一、总体情况") + r"\par"
        r"\pard\plain\f1{\cs15\b " + gbk("重点突出。") + r"}" + gbk("全年完成") + r"{\*\bkmkstart a}"
        + gbk("投资") + r"{\*\bkmkend a}{\*\unknowndestination " + gbk("不该出现") + r"}\par"
        r"\pard\plain\s2 Second heading\par"
        r"\pard\plain\f1{\pntext\f1 1.\tab}{\*\pn\pnlvlbody\pndec{\pntxta .}}" + gbk("第一项") + r"\par"
        r"\pard\plain\f1 " + gbk("详见") + r"{\field{\*\fldinst {HYPERLINK \"http://x.gov.cn\"}}{\fldrslt {"
        + gbk("政务公开") + r"}}}" + gbk("。") + r"{\v " + gbk("隐藏") + r"}{\deleted " + gbk("删除") + r"}\par"
    ))
    assert lines == ["# 一、总体情况", "**重点突出。**全年完成投资", "## Second heading", "1.第一项", "详见政务公开。"]


def test_unicode_escapes_skip_their_fallbacks() -> None:
    """`\\uN` is a signed UTF-16 unit followed by `\\ucN` fallback characters (default 1), an escaped byte
    counting as one; `\\uc` holds to the end of its group; a surrogate pair is one character, a lone half
    none."""
    lines = read_built(
        r"{\rtf1\ansi "
        + uni("政府") + r"\par"
        + r"{\uc2 \u21103\'95\'9b\u26631\'3f\'3f}" + r"\u39064?\par"  # 「副标题」: \uc2, then 1 again
        + r"{\uc0 \u20013\u25991}\par"
        + r"\u-10179?\u-8704? \u55357?x\par"  # 😀, then a high half with no low one
        + r"\u8212\'97 \u8220\'93" + "text" + r"\u8221\'94\par}"
    )
    assert lines == ["政府", "副标题", "中文", "😀 x", "— “text”"]


@pytest.mark.parametrize(
    ("head", "text", "expected"),
    [
        (r"\ansicpg936{\fonttbl{\f0\fnil Arial;}}\f0 ", "中华人民共和国".encode("gbk"), "中华人民共和国"),  # no charset: the document's
        (r"{\fonttbl{\f0\fnil\fcharset136 MingLiU;}}\f0 ", "臺灣".encode("cp950"), "臺灣"),
        (r"{\fonttbl{\f0\fnil\fcharset128 MS Mincho;}}\f0 ", "東京".encode("cp932"), "東京"),
        (r"{\fonttbl{\f0\fnil\fcharset0\cpg936 SimSun;}}\f0 ", "北京".encode("gbk"), "北京"),  # \cpg over \fcharset
        (r"{\fonttbl{\f0\froman\fcharset0 Times;}}\f0 ", "“quotes” €".encode("cp1252"), "“quotes” €"),
        # LibreOffice's Asian text: the double-byte font (\dbch\afN) decodes it, whatever \fN is
        (r"{\fonttbl{\f0\froman\fcharset0 Times;}{\f1\fnil\fcharset134 SimSun;}}\f0\dbch\af1 ", "镇".encode("gbk"), "镇"),
    ],
    ids=["ansicpg936", "big5", "shift-jis", "cpg", "cp1252", "dbch-font"],
)
def test_escaped_bytes_are_decoded_in_their_font_s_code_page(head: str, text: bytes, expected: str) -> None:
    """Consecutive `\\'hh` are decoded together (a GBK character is two of them), in the code page of the
    font's charset, else the document's; raw 8-bit bytes written without escapes read the same way."""
    escaped = "".join(f"\\'{byte:02x}" for byte in text)
    assert read_built(r"{\rtf1\ansi" + head + escaped + r"\par}") == [expected]
    assert read_built(b"{\\rtf1\\ansi" + head.encode() + text + b"\\par}") == [expected]


def test_line_breaks_tabs_and_control_symbols() -> None:
    """A manual line break parts lines and a tab stays a tab, as in the Word readers; `\\~` is a
    non-breaking space, `\\-` an optional hyphen (nothing), `\\_` a hyphen; escaped braces and backslashes are
    text; a backslash before a line end ends a paragraph, bare line ends are no text."""
    lines = read_built(
        "{\\rtf1\\ansi first\\line second\\par\n"
        "entry\\tab 3\\par\n"
        "a\\~b\\-c\\_d \\{x\\} \\\\ \\emdash\\par\n"
        "one\n two\\\nthree\\par}"
    )
    assert lines == ["first", "second", "entry\t3", "a\u00a0bc-d {x} \\ \u2014", "one two", "three"]


def test_bold_lead_sentences_are_marked_as_the_docx_reader_marks_them() -> None:
    """A paragraph that starts with a bold run shorter than itself is `**lead**rest` (indentation before it
    no matter); a paragraph bold throughout, a one-character lead, a bold run after plain text, or a
    heading is not marked. LibreOffice writes Asian bold as `\\dbch\\ab`; Word's `\\rtlch\\ab` is bold for
    right-to-left text only."""
    lines = read_built(word(
        r"\pard\plain\f1{\b " + gbk("一是") + r"}{\b0 " + gbk("稳增长。") + r"}\par"
        r"\pard\plain\f1 " + gbk("\u3000\u3000") + r"{\b " + gbk("二是优结构。") + r"}" + gbk("成效明显。") + r"\par"
        r"\pard\plain\f1\b " + gbk("全部加粗。") + r"\par"
        r"\pard\plain\f1{\b " + gbk("三") + r"}" + gbk("是惠民生。") + r"\par"
        r"\pard\plain\f1 " + gbk("先是正文，") + r"{\b " + gbk("后加粗。") + r"}\par"
        r"\pard\plain\s1\f1{\b " + gbk("标题") + r"}" + gbk("正文") + r"\par"
        r"\pard\plain{\dbch\ab\dbch " + uni("亚洲粗体。") + r"}{\dbch " + uni("其后正文。") + r"}\par"
        r"\pard\plain{\rtlch\ab\ltrch " + uni("不是粗体。") + r"}" + uni("正文。") + r"\par"
    ))
    assert lines == ["**一是**稳增长。", "**二是优结构。**成效明显。", "全部加粗。", "三是惠民生。", "先是正文，后加粗。",
                     "# 标题正文", "**亚洲粗体。**其后正文。", "不是粗体。正文。"]


def test_headings_by_outline_level_and_style_chain() -> None:
    """A paragraph's own `\\outlinelevelN` (0–8) makes it a heading of level N+1 whatever its style, level 9
    is body text; a style based on a heading style is a heading of that level; levels past 6 are written
    as six `#`."""
    lines = read_built(
        r"{\rtf1\ansi{\stylesheet{\s0 Normal;}{\s3\sbasedon0 Heading 3;}{\s7\sbasedon3 My heading;}"
        r"{\s8\outlinelevel1 Chapter;}}"
        r"\pard\outlinelevel0 Title\par\pard\s3\outlinelevel9 Body\par\pard\s7 Based\par\pard\s8 Chapter\par"
        r"\pard\outlinelevel7 Deep\par\pard Plain\par}"
    )
    assert lines == ["# Title", "Body", "### Based", "## Chapter", "###### Deep", "Plain"]


# ---------------------------------------------------------------- tables


def _row(definition: str, cells: list[str]) -> str:
    """A table row as Word writes it: its definition, its cells' paragraphs, then the definition again in
    the group that ends the row."""
    row = r"\trowd\trgaph108\trleft-108" + definition
    return row + "".join(r"\pard\intbl\f1 " + gbk(cell) + r"\cell" for cell in cells) + r"\pard\intbl{" + row + r"\row}"


def test_a_table_s_merged_cells_are_in_every_place_they_cover() -> None:
    """A title merged across the table (one wide cell), a category merged down (`\\clvmgf`/`\\clvmrg`) and a
    cell merged across the old way (`\\clmgf`/`\\clmrg`): each merged text in every column it covers, no
    column shifted; the unit the line over the table states given to bare numbers; the table ends where a
    paragraph outside it begins."""
    columns = r"\cellx1500\cellx3000\cellx4500\cellx6000"
    lines = read_built(word(
        r"\pard\plain\f1 " + gbk("主要指标（单位：万元）") + r"\par"
        + _row(r"\cellx6000", ["2025年主要指标"])
        + _row(columns, ["类别", "指标", "目标", "完成"])
        + _row(r"\clvmgf" + columns, ["财政", "税收", "5200", "5386"])
        + _row(r"\clvmrg" + columns, ["", "非税收入", "3100", "3275"])
        + _row(r"\cellx1500\cellx3000\clmgf\cellx4500\clmrg\cellx6000", ["民生", "民生支出", "8600", ""])
        + r"\pard\plain\f1 " + gbk("正文继续。") + r"\par"
    ))
    assert lines == ["主要指标（单位：万元）", "2025年主要指标。", "税收（财政）：目标5200万元 完成5386万元。",
                     "非税收入（财政）：目标3100万元 完成3275万元。", "民生支出（民生）：目标8600万元 完成8600万元。", "正文继续。"]


def test_a_table_at_the_end_of_the_document_and_a_note_in_a_cell() -> None:
    """A table the document ends in is read; a note cited in a cell keeps its definition, its marker kept out
    of the cell's text (as the .docx reader reads a cell); a cell's paragraphs run together."""
    lines = read_built(word(
        r"\pard\plain\f1 " + gbk("表1") + r"\par"
        + _row(r"\cellx2000\cellx4000", ["项目", "投资（万元）"])
        + r"\trowd\cellx2000\cellx4000\pard\intbl\f1 " + gbk("风雨")
        + r"{\super\chftn}{\footnote\pard\plain\f1{\super\chftn} " + gbk("含看台。") + r"}\par " + gbk("操场")
        + r"\cell 860\cell\row"
    ))
    assert lines == ["表1", "风雨操场：投资860万元。", "<sup>1</sup> 含看台。"]


def test_a_nested_table_follows_the_table_it_stands_in() -> None:
    """Word's nested table (`\\itap2`, `\\nestcell`, its rows ended in `{\\*\\nesttableprops …\\nestrow}`, a
    `{\\nonesttables …}` fallback for readers that know none): after the outer table's rows, as the .docx
    reader places one; the outer cell keeps its own text."""
    inner_row = r"{\*\nesttableprops\trowd\cellx1000\cellx2000\nestrow}{\nonesttables\par}"
    inner = "".join(r"\pard\intbl\itap2\f1 " + gbk(name) + r"\nestcell " + gbk(count) + r"\nestcell" + inner_row
                    for name, count in (("设施", "数量"), ("学校", "2所"), ("医院", "1所")))
    lines = read_built(word(
        _row(r"\cellx3000\cellx6000", ["事项", "说明"])
        + r"\trowd\cellx3000\cellx6000\pard\intbl\f1 " + gbk("民生") + r"\cell" + inner
        + r"\pard\intbl\itap1\f1 " + gbk("见下") + r"\cell\row\pard\par"
    ))
    assert lines == ["民生：说明见下。", "学校：数量2所。", "医院：数量1所。"]


# ---------------------------------------------------------------- notes, boxes


def test_notes_are_numbered_in_the_order_the_text_cites_them() -> None:
    """Word's footnote (`{\\footnote …}` after `\\chftn`) and endnote (`\\ftnalt`), LibreOffice's starred
    `{\\*\\footnote …}`: a marker where each is anchored, numbered 1, 2, 3 in the body's order, each note's
    text a line after the body (its own mark, tabs and paragraphs run together); a number set by hand in
    superscript before a note is the note's number, not a second marker."""
    lines = read_built(word(
        r"\pard\plain\f1 " + gbk("甲") + r"{\cs15\super\chftn{\footnote\pard\plain\f1{\super\chftn}\tab "
        + gbk("第一条。") + r"\par\pard " + gbk("续。") + r"}}" + gbk("乙")
        + r"{\super\chftn}{\*\footnote\ftnalt\chftn\pard\plain\f1 " + gbk("尾注。") + r"}\par"
        r"\pard\plain\f1 " + gbk("丙") + r"{\super 3}{\footnote\pard\plain\f1{\super 3} " + gbk("手编号。") + r"}"
        + gbk("丁") + r"{\super 5}" + gbk("。") + r"\par"
    ))
    assert lines == ["甲<sup>1</sup>乙<sup>2</sup>", "丙<sup>3</sup>丁<sup>5</sup>。",
                     "<sup>1</sup> 第一条。 续。", "<sup>2</sup> 尾注。", "<sup>3</sup> 手编号。"]


def test_a_text_box_follows_the_paragraph_it_is_anchored_in() -> None:
    """A shape's text (`\\shptxt` in `{\\*\\shpinst …}`) is read once, after its paragraph; the shape's
    properties and the drawing Word writes as its twin for older readers (`\\shprslt`) are not."""
    lines = read_built(word(
        r"\pard\plain\f1 " + gbk("茶旅融合") + r"{\shp{\*\shpinst\shpleft0\shpright100{\sp{\sn shapeType}{\sv 202}}"
        r"{\shptxt\pard\plain\f1{\b " + gbk("专栏：") + r"}" + gbk("386户新增主体") + r"\par}}"
        r"{\shprslt{\*\do\dobxcolumn{\dptxbx{\dptxbxtext " + gbk("重复") + r"\par}}}}}" + gbk("加快发展。") + r"\par"
        r"\pard\plain\f1 " + gbk("下一段。") + r"\par"
    ))
    assert lines == ["茶旅融合加快发展。", "**专栏：**386户新增主体", "下一段。"]


def test_binary_data_and_pictures_are_passed_over() -> None:
    """A picture's hex and `\\binN`'s raw bytes (which may hold braces and backslashes) are no text."""
    picture = b"{\\*\\shppict{\\pict\\pngblip\\bin8 {}}\\{\\\\x}{\\pict\\wmetafile8 0a0b0c}}{\\nonshppict{\\pict 89ab}}"
    assert read_built(b"{\\rtf1\\ansi before " + picture + b"after\\bin3 }{x between\\par}") == ["before after between"]


# ---------------------------------------------------------------- refused, with a message


def test_what_is_not_rtf_is_refused() -> None:
    refused("政府工作报告".encode(), "不是 RTF 文档")
    refused(b"{\\rtx1 hello}", "不是 RTF 文档")
    refused(b"", "不是 RTF 文档")


def test_an_rtf_with_no_text_is_refused() -> None:
    refused(word(r"\pard\par\pard{\*\bkmkstart x}{\pict 0a0b}\par"), "没有文字")
    refused(b"{\\rtf1}", "没有文字")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_rtf_is_refused(fraction: float) -> None:
    """A file cut short would lose the rest of the report without a word: it is refused, not read in part."""
    data = REPORT.read_bytes()
    refused(data[: int(len(data) * fraction)], "不完整", "可能被截断", "重新保存")


def test_braces_that_close_the_document_early_are_refused() -> None:
    refused(b"{\\rtf1 first\\par}} second\\par}", "大括号不配对")


def test_padding_after_the_document_is_no_matter() -> None:
    assert read_built(REPORT.read_bytes() + b"\r\n\x00\x00}") == REPORT_LINES


def test_groups_nested_past_any_writer_s_depth_are_refused() -> None:
    """Ten thousand `{`: refused at once, without recursion; the same depth inside a skipped destination
    is only counted, and passed over."""
    refused(b"{\\rtf1 " + b"{" * 10_000 + b"x" + b"}" * 10_001, "嵌套", "层")
    assert read_bounded(b"{\\rtf1 {\\*\\x " + b"{" * 100_000 + b"}" * 100_000 + b"} ok}") == ["ok"]


def test_a_report_over_the_size_limit_is_refused() -> None:
    """The text read counts against `Limits.max_unpacked_bytes`, and so does a merged cell's text repeated
    in every row it covers (a small file may merge one long cell down many rows)."""
    refused(REPORT.read_bytes(), "过多", "上限", limits=Limits(max_unpacked_bytes=256))
    rows = b"\\trowd\\cellx100\\clvmrg\\cellx200\\intbl b\\cell\\cell\\row" * 2_000
    bomb = b"{\\rtf1 \\trowd\\cellx100\\cellx200\\intbl a\\cell " + b"y" * 20_000 + b"\\cell\\row" + rows + b"\\pard\\par}"
    assert len(bomb) < 200_000
    refused(bomb, "过多", limits=Limits(max_unpacked_bytes=1024 * 1024))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"{\\rtf1 \\intbl\\itap2147483647 x\\nestcell\\nestrow\\pard\\par y\\par}", ["x", "y"]),
        (b"{\\rtf1 a{\\pict\\bin99999999 }}b}", None),  # binary data past the file's end: cut short
        (b"{\\rtf1 {\\uc999999999\\u20013 " + b"x" * 1000 + b"} after\\par}", ["中 after"]),
        (b"{\\rtf1 \\fs" + b"9" * 100_000 + b" \\u99999999999 \\u-99999 ok\\par}", ["k"]),
        (b"{\\rtf1 \\trowd" + b"".join(b"\\cellx%d" % (40 * i) for i in range(1, 20_000)) + b"\\intbl a\\cell b\\cell\\row"
         + b"\\trowd\\cellx40\\intbl c\\cell\\row" * 2_000 + b"\\pard\\par}", None),
        (b"{\\rtf1 \\'zz\\'4ok\\'}", ["zz4ok"]),
    ],
    ids=["table-depth", "binary-length", "fallback-count", "long-numbers", "many-columns", "bad-escapes"],
)
def test_hostile_numbers_are_read_in_bounded_time(source: bytes, expected: list[str] | None) -> None:
    """Numbers a writer never means — a table depth of 2³¹, binary data longer than the file, a fallback
    count of a billion, parameters of 100,000 digits, a row of 20,000 columns under 2,000 rows, escapes
    that are no hex — read (or refused) quickly, never opening a table or a column for each."""
    started = time.perf_counter()
    try:
        lines = read_built(source)
    except IngestError:
        lines = None
    assert time.perf_counter() - started < BOUND_S
    if expected is not None:
        assert lines == expected
