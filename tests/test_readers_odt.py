"""The OpenDocument reader (`qa.readers.odt`): an .odt reads as the same report saved as .docx would.

Four real files, written by LibreOffice 7.4. Three from flat OpenDocument files written by hand
(`soffice --headless --convert-to odt tests/fixtures/sources/odt_*.fodt`): odt_report.odt (chapter-numbered
headings, bold leads, a footnote and an endnote, a tracked deletion and insertion, a comment, a generated
table of contents, a text box and a picture in frames, a section, a page header and a footer), odt_lists.odt
(numbered, nested, continued, Chinese-numbered and bulleted lists) and odt_tables.odt (a table under a
caption stating its unit, with cells merged across and down, a table whose first column groups its rows,
and a one-column 「专栏」 box). One from a Word document: odt_chart_bar.odt (`soffice --headless
--convert-to odt tests/fixtures/docx_chart_bar.docx`: a bar chart, embedded as an object with its data
table, between a paragraph and its caption). The numbers read for their lists and headings are those
LibreOffice's own text export draws (`soffice --convert-to txt:Text`). What LibreOffice does not write —
list headers, numbered paragraphs, other number formats — and damaged or hostile files are built here.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from qa.readers import IngestError, Limits
from qa.readers.odt import MAX_REPEATS
from qa.readers.odt import read as read_odt

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = FIXTURES / "odt_report.odt"
LISTS = FIXTURES / "odt_lists.odt"
TABLES = FIXTURES / "odt_tables.odt"
CHART = FIXTURES / "odt_chart_bar.odt"
SOURCES = FIXTURES / "sources"
#: A report LibreOffice 7.4 wrote (measured blind: its questions are not read here).
SONGBAI = FIXTURES / "unseen" / "songbai_2025.odt"
#: Every refusal comes quickly (as in tests/test_readers_hostile.py).
BOUND_S = 5.0

_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
_TEXT_TYPE = "application/vnd.oasis.opendocument.text"


def _lines(path: Path, limits: Limits | None = None) -> list[str]:
    return read_odt(path, path.read_bytes(), limits or Limits()).text.split("\n")


def _content(body: str, styles: str = "") -> str:
    """content.xml of a text document whose body is `body`, with `styles` as its automatic styles."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NAMESPACES} office:version="1.3">'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )


def _package(tmp_path: Path, content: str | bytes | None, *, mimetype: str | None = _TEXT_TYPE,
             manifest: str | None = None, extra: dict[str, bytes] | None = None, name: str = "report.odt") -> Path:
    """An .odt archive as LibreOffice lays one out: mimetype first, stored; then the parts given."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        if content is not None:
            archive.writestr("content.xml", content)
        if manifest is not None:
            archive.writestr("META-INF/manifest.xml", manifest)
        for part, blob in (extra or {}).items():
            archive.writestr(part, blob)
    return path


def _read_built(tmp_path: Path, body: str, styles: str = "") -> list[str]:
    return _lines(_package(tmp_path, _content(body, styles)))


def _refused(path: Path, *patterns: str, limits: Limits | None = None) -> str:
    started = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        read_odt(path, path.read_bytes(), limits or Limits())
    elapsed = time.perf_counter() - started
    message = str(caught.value)
    assert path.name in message, message
    for pattern in patterns:
        assert pattern in message, message
    assert elapsed < BOUND_S, f"{path.name} took {elapsed:.1f} s"
    return message


# ---------------------------------------------------------------- LibreOffice's files


def test_headings_read_at_their_level_with_the_chapter_number_the_outline_style_draws() -> None:
    """odt_report.odt (LibreOffice's from sources/odt_report.fodt): Heading 1 and Heading 2 under an outline style numbering 「一、」 and 「（一）」 (Tools ▸
    Chapter Numbering); LibreOffice stores no number, the reader draws it, as `qa.readers.docx` draws Word's.
    A heading inside a section is counted on; the title (style Title) is a paragraph."""
    lines = _lines(REPORT)
    assert [line for line in lines if line.startswith("#")] == [
        "# 一、2025年工作回顾",
        "## （一）坚持工业强镇，产业基础更加稳固",
        "# 二、2026年工作安排",
    ]
    assert lines[:2] == ["云溪镇政府工作报告", "——2026年1月8日在云溪镇第十八届人民代表大会第六次会议上"]


def test_a_bold_lead_is_marked_wherever_its_bold_comes_from() -> None:
    """odt_report.odt: a paragraph that opens in bold, by an automatic span style (T1), by a character style inheriting bold
    from another (Lead Phrase ← Strong Emphasis, in styles.xml), or by its paragraph style with the rest of
    it set back to normal weight. A heading in a bold style carries no marks."""
    lines = _lines(REPORT)
    assert "**一是工业经济稳中有进。**新增规模以上工业企业7家，规上工业产值增长9.2%。" in lines
    assert "**二是园区承载能力提升。**建成标准厂房  12万平方米，园区招商平台上线运行。" in lines
    assert "**三是营商环境持续优化。**全年为企业代办各类事项860余件。" in lines
    assert not any("**" in line for line in lines if line.startswith("#"))


def test_footnotes_and_endnotes_are_marked_where_they_stand_and_follow_the_body() -> None:
    """odt_report.odt: a footnote cited 「1」 keeps its number; an endnote cited 「i」 (LibreOffice's default) is numbered on."""
    lines = _lines(REPORT)
    assert "2025年，全镇实现地区生产总值48.1亿元，同比增长6.4%<sup>1</sup>。全年新增市场主体1260户。" in lines
    assert "（三）手写编号的段落保持原样。农业生产稳定<sup>2</sup>，全年粮食总产量2.1万吨。" in lines
    assert lines[-2:] == ["<sup>1</sup> 地区生产总值为快报数，按可比价格计算。", "<sup>2</sup> 粮食产量数据来自县统计局。"]


def test_what_is_no_part_of_the_report_is_not_read() -> None:
    """odt_report.odt: the page header and footer, a comment, the generated table of contents, a picture's title and a tracked
    deletion are left out; a tracked insertion is kept."""
    text = "\n".join(_lines(REPORT))
    for absent in ("云溪镇人民政府办公室印发", "第1页", "审稿意见", "目录", "初稿数字12.3亿元", "园区航拍图"):
        assert absent not in text
    assert "全年新增市场主体1260户" in text


def test_a_text_box_is_read_after_the_paragraph_it_is_anchored_in() -> None:
    """odt_report.odt: a 「数据速览」 box in a frame anchored to a paragraph (LibreOffice writes the frame at the paragraph's
    start): its lines follow the paragraph's."""
    lines = _lines(REPORT)
    at = lines.index("**三是营商环境持续优化。**全年为企业代办各类事项860余件。")
    assert lines[at + 1: at + 3] == ["数据速览", "工业用电量：1.36亿千瓦时，同比增长7.8%"]


def test_line_breaks_part_lines_and_tabs_and_spaces_stay_spaces() -> None:
    """odt_report.odt: a manual line break (text:line-break) ends a line, as a .docx's w:br does; a tab reads as a space."""
    lines = _lines(REPORT)
    at = lines.index("主要做法：")
    assert lines[at + 1] == "一是抓项目 二是优服务"


def test_list_numbers_are_drawn_from_the_list_style() -> None:
    """odt_lists.odt (LibreOffice's from sources/odt_lists.fodt): a list numbered 「1.」 whose nested level shows 「2.1.」 (display-levels 2), interrupted
    by a paragraph and continued (text:continue-list) at 「3.」; a number typed by hand kept as typed; a
    second paragraph of an item unnumbered; a list numbered 「（一）」 with a nested 「1．」; a bulleted list
    without its bullet (as `qa.readers.docx` reads Word's)."""
    assert _lines(LISTS) == [
        "# 二、2026年工作安排",
        "2026年重点抓好以下工作：",
        "1.**加快园区扩容提质。**新建标准厂房5万平方米。",
        "2.推进乡村全面振兴。",
        "2.1.新建高标准农田3000亩。",
        "2.2.培育省级龙头企业1家。",
        "（本项由农业服务中心牵头）",
        "以上两项列入年度重点考核。",
        "3.持续改善民生福祉。",
        "4.手写编号的段落保持原样。",
        "保障措施如下：",
        "（一）加强组织领导。",
        "（二）强化要素保障。",
        "1．保障建设用地。",
        "（三）严格督查考核。",
        "枫林村被评为市级美丽乡村",
        "竹溪村入选省级乡村旅游重点村",
    ]


def test_tables_read_as_sentences_with_merged_cells_in_every_place_they_cover() -> None:
    """odt_tables.odt (LibreOffice's from sources/odt_tables.fodt): a header of two rows (「指标」 and 「同比增长」 merged down, 「2025年」 across 「目标 | 完成」)
    under a caption stating 「单位：亿元」, a note merged across the table; a table whose first column groups
    its rows (「经济发展」 merged down two); a one-column box read as its paragraphs."""
    assert _lines(TABLES) == [
        "2025年主要经济指标完成情况见表1。",
        "表1 2025年主要经济指标完成情况（单位：亿元）",
        "地区生产总值：2025年目标47.5亿元 2025年完成48.1亿元 同比增长6.4%。",
        "一般公共预算收入：2025年目标3.2亿元 2025年完成3.3亿元 同比增长6.5%。",
        "注：2025年数据为快报数。",
        "重点任务目标完成情况如下：",
        "地区生产总值增速（经济发展）：目标6% 完成6.4%。",
        "规上工业产值增速（经济发展）：目标8% 完成9.2%。",
        "城镇新增就业（人）（民生保障）：目标300 完成326。",
        "专栏1 2026年十件民生实事",
        "改造农村公路20公里。",
        "新增养老床位120张。",
        "全镇将持续加大民生投入。",
    ]


def test_a_chart_reads_as_the_same_chart_in_a_word_document_does() -> None:
    """odt_chart_bar.odt, the bar chart of docx_chart_bar.docx saved by LibreOffice as .odt: its figures (kept in the chart's own
    data table) read line for line as the Word reader reads the .docx — a row a category, each series' value
    named by the series, in the unit the caption under the chart states."""
    from qa.readers.docx import read as read_docx

    source = FIXTURES / "docx_chart_bar.docx"
    expected = read_docx(source, source.read_bytes(), Limits()).text.split("\n")
    lines = _lines(CHART)
    assert lines == expected
    assert "地区生产总值：2024年168300万元 2025年179600万元。" in lines


def _without(source: Path, tmp_path: Path, part: str, blob: bytes | None = None) -> Path:
    """A copy of the package `source` with `part` left out, or replaced by `blob`."""
    target = tmp_path / source.name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            if info.filename != part:
                copy.writestr(info, original.read(info))
            elif blob is not None:
                copy.writestr(info, blob)
    return target


@pytest.mark.parametrize("blob", [None, b"<office:document-content"], ids=["missing", "broken"])
def test_a_chart_whose_part_is_missing_or_broken_is_left_out(blob: bytes | None, tmp_path: Path) -> None:
    with zipfile.ZipFile(CHART) as archive:
        part = next(name for name in archive.namelist() if name.startswith("Object") and name.endswith("/content.xml"))
    lines = _lines(_without(CHART, tmp_path, part, blob))
    assert lines == [line for line in _lines(CHART) if not line.endswith("万元。")]


@pytest.mark.parametrize("name", ["odt_report", "odt_lists", "odt_tables"])
def test_a_flat_file_reads_as_the_package_libreoffice_saves_from_it(name: str) -> None:
    """Each fixture's flat source (.fodt, one XML document) reads line for line as the .odt made from it."""
    assert _lines(SOURCES / f"{name}.fodt") == _lines(FIXTURES / f"{name}.odt")


def test_a_whole_report_reads_with_its_headings_list_table_and_notes() -> None:
    """tests/fixtures/unseen/songbai_2025.odt, LibreOffice 7.4's: its parts' headings, a ten-item numbered
    list, an indicator table and two footnotes (only the shape of what is read is checked here)."""
    lines = _lines(SONGBAI)
    assert sum(line.startswith("# ") for line in lines) == 2 and sum(line.startswith("## ") for line in lines) >= 10
    assert [line.split(".", 1)[0] for line in lines if line[:1].isdigit() and "." in line[:3]] == [str(n) for n in range(1, 11)]
    assert sum(line.startswith("<sup>") for line in lines) == 2
    assert sum("<sup>" in line and not line.startswith("<sup>") for line in lines) == 2
    assert any(line.startswith("地区生产总值：") and "亿元" in line for line in lines)


# ---------------------------------------------------------------- documents built here

_NUMBERED = (
    '<text:list-style style:name="L1">'
    '<text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."/>'
    '<text:list-level-style-number text:level="2" style:num-format="a" style:num-suffix=")"/></text:list-style>'
)


def test_a_list_header_is_not_numbered_and_an_item_may_restart_the_count(tmp_path: Path) -> None:
    """text:list-header (an unnumbered item, which LibreOffice reads but writes as an item's second
    paragraph) takes no number; text:start-value on an item restarts the count; an item holding only a
    nested list counts at its level, as LibreOffice counts it."""
    body = (
        '<text:list text:style-name="L1">'
        "<text:list-header><text:p>重点任务</text:p></text:list-header>"
        "<text:list-item><text:p>甲</text:p></text:list-item>"
        '<text:list-item text:start-value="5"><text:p>乙</text:p></text:list-item>'
        "<text:list-item><text:list><text:list-item><text:p>子项</text:p></text:list-item></text:list></text:list-item>"
        "<text:list-item><text:p>丙</text:p></text:list-item></text:list>"
    )
    assert _read_built(tmp_path, body, _NUMBERED) == ["重点任务", "1.甲", "5.乙", "a)子项", "7.丙"]


def test_a_new_list_restarts_and_continue_numbering_goes_on(tmp_path: Path) -> None:
    """A list of the same style after another starts again at its start value; text:continue-numbering (how
    LibreOffice writes a list taken up after a paragraph) continues the last one of its style."""
    item = '<text:list-item><text:p>{}</text:p></text:list-item>'
    body = (
        f'<text:list text:style-name="L1">{item.format("甲")}{item.format("乙")}</text:list>'
        f'<text:list text:style-name="L1">{item.format("丙")}</text:list>'
        "<text:p>插入段落</text:p>"
        f'<text:list text:style-name="L1" text:continue-numbering="true">{item.format("丁")}</text:list>'
    )
    assert _read_built(tmp_path, body, _NUMBERED) == ["1.甲", "2.乙", "1.丙", "插入段落", "2.丁"]


@pytest.mark.parametrize(("fmt", "shown"), [
    ("1", ["（1）", "（2）", "（3）"]),
    ("一, 二, 三, ...", ["（一）", "（二）", "（三）"]),
    ("壹, 贰, 叁, ...", ["（壹）", "（贰）", "（叁）"]),
    ("①, ②, ③, ...", ["（①）", "（②）", "（③）"]),
    ("a", ["（a）", "（b）", "（c）"]),
    ("A", ["（A）", "（B）", "（C）"]),
    ("i", ["（i）", "（ii）", "（iii）"]),
    ("I", ["（I）", "（II）", "（III）"]),
    ("", ["（）", "（）", "（）"]),
])
def test_each_number_format_is_drawn(fmt: str, shown: list[str], tmp_path: Path) -> None:
    style = (
        f'<text:list-style style:name="F"><text:list-level-style-number text:level="1" style:num-format="{fmt}" '
        'style:num-prefix="（" style:num-suffix="）"/></text:list-style>'
    )
    body = '<text:list text:style-name="F">' + "".join(
        f"<text:list-item><text:p>第{n}项</text:p></text:list-item>" for n in (1, 2, 3)) + "</text:list>"
    assert _read_built(tmp_path, body, style) == [f"{label}第{n}项" for label, n in zip(shown, (1, 2, 3), strict=True)]


def test_continue_list_takes_up_the_list_it_names(tmp_path: Path) -> None:
    """text:continue-list names the list it continues by its xml:id, past another list of the same style."""
    item = '<text:list-item><text:p>{}</text:p></text:list-item>'
    body = (
        f'<text:list xml:id="tasks" text:style-name="L1">{item.format("甲")}{item.format("乙")}</text:list>'
        f'<text:list xml:id="other" text:style-name="L1">{item.format("另一")}</text:list>'
        f'<text:list text:style-name="L1" text:continue-list="tasks">{item.format("丙")}</text:list>'
    )
    assert _read_built(tmp_path, body, _NUMBERED) == ["1.甲", "2.乙", "1.另一", "3.丙"]


def test_page_anchored_frames_hidden_sections_and_style_levels(tmp_path: Path) -> None:
    """A text box anchored to the page stands in the body itself (before the paragraphs that follow it) and
    is read there; a hidden section is not printed and not read; a heading without text:outline-level
    takes its level from its paragraph style."""
    styles = '<style:style style:name="H2" style:family="paragraph" style:default-outline-level="2"/>'
    body = (
        '<draw:frame xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" text:anchor-type="page">'
        "<draw:text-box><text:p>专栏：2025年亮点</text:p></draw:text-box></draw:frame>"
        '<text:h text:style-name="H2">工作回顾</text:h>'
        '<text:section text:name="草稿" text:display="none"><text:p>未定稿的段落</text:p></text:section>'
        "<text:p>正文。</text:p>"
    )
    assert _read_built(tmp_path, body, styles) == ["专栏：2025年亮点", "## 工作回顾", "正文。"]


def test_a_list_style_named_by_the_paragraph_style_and_a_numbered_paragraph_are_drawn(tmp_path: Path) -> None:
    """A list that names no style is numbered by the list style its paragraphs' style names; ODF 1.2's
    text:numbered-paragraph (a list item without a list) is numbered by its own."""
    styles = _NUMBERED + '<style:style style:name="P1" style:family="paragraph" style:list-style-name="L1"/>'
    body = (
        '<text:list><text:list-item><text:p text:style-name="P1">甲</text:p></text:list-item>'
        '<text:list-item><text:p text:style-name="P1">乙</text:p></text:list-item></text:list>'
        '<text:numbered-paragraph text:list-id="n1" text:style-name="L1"><text:p>丙</text:p></text:numbered-paragraph>'
        '<text:numbered-paragraph text:list-id="n1" text:style-name="L1"><text:p>丁</text:p></text:numbered-paragraph>'
    )
    assert _read_built(tmp_path, body, styles) == ["1.甲", "2.乙", "1.丙", "2.丁"]


def test_an_unnumbered_outline_and_a_heading_marked_as_list_header_draw_no_number(tmp_path: Path) -> None:
    """Headings under an outline style without numbers (LibreOffice's default) carry their text alone; one
    marked text:is-list-header takes no number where the outline numbers the others."""
    plain = '<text:h text:outline-level="1">工作回顾</text:h><text:h text:outline-level="3">三级标题</text:h>'
    assert _read_built(tmp_path, plain) == ["# 工作回顾", "### 三级标题"]
    outline = (
        '<text:outline-style style:name="Outline"><text:outline-level-style text:level="1" '
        'style:num-format="一, 二, 三, ..." style:num-suffix="、"/></text:outline-style>'
    )
    body = (
        '<text:h text:outline-level="1">工作回顾</text:h>'
        '<text:h text:outline-level="1" text:is-list-header="true">附：名词解释</text:h>'
        '<text:h text:outline-level="1">工作安排</text:h>'
    )
    assert _read_built(tmp_path, body, outline) == ["# 一、工作回顾", "# 附：名词解释", "# 二、工作安排"]


def test_bold_is_weighed_by_script_and_a_bold_paragraph_is_no_lead(tmp_path: Path) -> None:
    """ODF weighs Western and CJK text apart: Chinese text in a style bold only for Western text is not drawn
    bold. A paragraph bold throughout has no lead to mark; a lead of one character is none."""
    styles = (
        '<style:style style:name="W" style:family="text"><style:text-properties fo:font-weight="bold" '
        'style:font-weight-asian="normal"/></style:style>'
        '<style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="700"/></style:style>'
        '<style:style style:name="AllBold" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>'
    )
    body = (
        '<text:p><text:span text:style-name="W">一是稳增长。</text:span>全年增长6%。</text:p>'
        '<text:p><text:span text:style-name="B">二是</text:span>抓项目。</text:p>'
        '<text:p text:style-name="AllBold">全文加粗的段落。</text:p>'
        '<text:p><text:span text:style-name="B">三</text:span>是惠民生。</text:p>'
    )
    assert _read_built(tmp_path, body, styles) == ["一是稳增长。全年增长6%。", "**二是**抓项目。", "全文加粗的段落。", "三是惠民生。"]


def test_inline_markup_is_read_as_its_text(tmp_path: Path) -> None:
    """Links, fields showing their value, bookmarks and change marks, spaces (text:s), ruby text and hidden
    text: the paragraph's text as printed."""
    body = (
        '<text:p>详见<text:a xlink:href="https://example.gov.cn" xmlns:xlink="http://www.w3.org/1999/xlink">政务公开专栏</text:a>'
        '<text:bookmark-start text:name="b"/>，表<text:sequence text:name="Table">1</text:sequence><text:bookmark-end text:name="b"/>'
        '<text:s text:c="3"/>列出<text:ruby><text:ruby-base>指标</text:ruby-base><text:ruby-text>zhǐ biāo</text:ruby-text></text:ruby>'
        '<text:hidden-text text:condition="ooow:1" text:string-value="隐藏" text:is-hidden="true">隐藏</text:hidden-text>。</text:p>'
    )
    assert _read_built(tmp_path, body) == ["详见政务公开专栏，表1   列出指标。"]


def test_a_note_in_a_table_cell_is_read_after_the_body_and_a_nested_table_after_its_table(tmp_path: Path) -> None:
    """A cell's note keeps its number and its line after the body, its mark out of the cell (as a .docx cell's);
    a table in a cell follows its table."""
    cell = "<table:table-cell><text:p>{}</text:p></table:table-cell>"
    inner = f"<table:table><table:table-row>{cell.format('子表')}{cell.format('1')}</table:table-row></table:table>"
    body = (
        f"<table:table><table:table-row>{cell.format('指标')}{cell.format('完成')}</table:table-row>"
        "<table:table-row><table:table-cell><text:p>粮食产量<text:note text:note-class=\"footnote\">"
        "<text:note-citation>1</text:note-citation><text:note-body><text:p>快报数。</text:p></text:note-body></text:note>"
        f"</text:p></table:table-cell><table:table-cell><text:p>2.1万吨</text:p>{inner}</table:table-cell></table:table-row>"
        "</table:table>"
    )
    assert _read_built(tmp_path, body) == ["粮食产量：完成2.1万吨。", "子表 1。", "<sup>1</sup> 快报数。"]


# ---------------------------------------------------------------- refusals and hostile files


def test_a_damaged_package_is_refused(tmp_path: Path) -> None:
    data = REPORT.read_bytes()
    cut = tmp_path / "cut.odt"
    cut.write_bytes(data[: len(data) // 2])
    _refused(cut, "损坏", "重新保存")
    broken = _package(tmp_path, "<office:document-content", name="broken.odt")
    _refused(broken, "损坏", "重新保存")


def test_a_password_protected_document_is_refused_saying_so(tmp_path: Path) -> None:
    """A document saved with a password: its manifest describes each part's encryption (content.xml is then
    ciphertext)."""
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_TEXT_TYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="12881">'
        '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" '
        'manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
        'manifest:initialisation-vector="AAAA"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>'
    )
    path = _package(tmp_path, bytes(range(256)) * 8, manifest=manifest, name="locked.odt")
    _refused(path, "密码", "另存为不带密码的 .odt")


@pytest.mark.parametrize(("kind", "says"), [
    ("application/vnd.oasis.opendocument.spreadsheet", "电子表格（.ods）"),
    ("application/vnd.oasis.opendocument.presentation", "演示文稿（.odp）"),
    ("application/epub+zip", "不是 OpenDocument 文字文档"),
])
def test_another_kind_of_package_is_named(kind: str, says: str, tmp_path: Path) -> None:
    _refused(_package(tmp_path, _content("<text:p>甲</text:p>"), mimetype=kind, name="sheet.odt"), says)


def test_a_zip_that_is_no_opendocument_is_refused(tmp_path: Path) -> None:
    _refused(_package(tmp_path, None, mimetype=None, extra={"readme.txt": b"hello"}, name="archive.odt"), "content.xml")
    word = _package(tmp_path, None, mimetype=None, extra={"word/document.xml": b"<w:document/>"}, name="word.odt")
    _refused(word, "Word 文档", "改为 .docx")
    spreadsheet = _package(tmp_path, _content("").replace("office:text", "office:spreadsheet"), mimetype=None, name="lost.odt")
    _refused(spreadsheet, "电子表格")
    flat = tmp_path / "page.odt"
    flat.write_text("<html><body>不是文档</body></html>", encoding="utf-8")
    _refused(flat, "不是 OpenDocument 文字文档")


def test_a_document_without_text_is_refused(tmp_path: Path) -> None:
    body = '<text:p/><text:p><text:s text:c="4"/></text:p><office:annotation><text:p>批注</text:p></office:annotation>'
    _refused(_package(tmp_path, _content(body), name="empty.odt"), "没有文字")


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "bomb.odt"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", _TEXT_TYPE, compress_type=zipfile.ZIP_STORED)
        with archive.open("content.xml", "w") as entry:
            block = b" " * (1 << 20)
            for _ in range(80):  # 80 MB of spaces: ~80 KB compressed
                entry.write(block)
    assert path.stat().st_size < 1_000_000
    _refused(path, "压缩炸弹", ".odt")


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    """An entity declared in content.xml's DTD is left unexpanded and reads as nothing; a billion laughs is
    refused by the parser (its amplification limit) or read so, at once."""
    def with_entities(declarations: str, text: str) -> str:
        return _content(f"<text:p>{text}</text:p>").replace(
            "<office:document-content", f"<!DOCTYPE office:document-content [{declarations}]><office:document-content", 1)

    assert _lines(_package(tmp_path, with_entities('<!ENTITY place "外部文字">', "正文&place;结束"))) == ["正文结束"]
    laughs = '<!ENTITY lol "哈哈">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    path = _package(tmp_path, with_entities(laughs, "正文&lol9;结束"), name="laughs.odt")
    started = time.perf_counter()
    try:
        assert _lines(path) == ["正文结束"]
    except IngestError as error:
        assert "laughs.odt" in str(error) and "损坏" in str(error)
    assert time.perf_counter() - started < BOUND_S


def test_deep_nesting_is_refused_or_read_without_exhausting_the_stack(tmp_path: Path) -> None:
    """Spans, lists and sections nested thousands deep: the parser refuses past its depth limit, in a message."""
    for opening, closing in (("<text:span>", "</text:span>"), ("<text:list><text:list-item>", "</text:list-item></text:list>"),
                             ("<text:section>", "</text:section>")):
        depth = 5000
        inner = "<text:p>甲</text:p>" if opening != "<text:span>" else "甲"
        body = opening * depth + inner + closing * depth
        path = _package(tmp_path, _content(body if opening != "<text:span>" else f"<text:p>{body}</text:p>"))
        _refused(path, "损坏")
        shallow = 60
        body = opening * shallow + inner + closing * shallow
        lines = _lines(_package(tmp_path, _content(body if opening != "<text:span>" else f"<text:p>{body}</text:p>")))
        assert lines == ["甲"]


def test_huge_repeats_and_spans_are_capped(tmp_path: Path) -> None:
    """A spreadsheet's way of repeating empty rows and cells to its last row and column, a cell repeated and
    spans and spaces of a billion: read in bounded time and size."""
    body = (
        "<table:table>"
        '<table:table-row><table:table-cell><text:p>指标</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="3"><text:p>完成</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1000000000"><table:table-cell table:number-rows-spanned="1000000000" '
        'table:number-columns-spanned="1000000000"><text:p>粮食产量<text:s text:c="1000000000"/>吨</text:p></table:table-cell>'
        '<table:covered-table-cell table:number-columns-repeated="1000000000"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table>"
    )
    started = time.perf_counter()
    lines = _lines(_package(tmp_path, _content(body)))
    assert time.perf_counter() - started < BOUND_S
    # the row merged across the table reads as the label of a group, once for each repeat taken
    assert set(lines) == {"粮食产量 吨："} and len(lines) <= MAX_REPEATS


def test_repeats_that_would_write_more_than_the_limit_are_refused(tmp_path: Path) -> None:
    """A cell of a few hundred characters repeated across and down writes megabytes from a few bytes: past
    the unpacking limit, the file is refused, as a zip bomb is."""
    body = (
        "<table:table><table:table-row table:number-rows-repeated=\"100\">"
        f'<table:table-cell table:number-columns-repeated="100"><text:p>{"数" * 500}</text:p></table:table-cell>'
        "</table:table-row></table:table>"
    )
    path = _package(tmp_path, _content(body), name="repeats.odt")
    _refused(path, "重复单元格过多", limits=Limits(max_unpacked_bytes=1024 * 1024))
    assert _lines(path)  # within the default limit it is read
