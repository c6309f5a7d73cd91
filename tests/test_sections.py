"""The section tree: parts, chapters, numbered and lead-sentence items, markdown headings."""

from __future__ import annotations

import pytest

from qa.documents import Paragraph
from qa.ingest import load_document
from qa.sections import CHAPTER, ITEM, LEAD, PART, build_sections, classify, numbering_level
from tests.conftest import FIXTURES_DIR, SEEDS_DIR


def paths(prefix: str) -> list[tuple[str, ...]]:
    return [s.path for s in load_document(next(SEEDS_DIR.glob(f"{prefix}_*.txt"))).sections]


def test_word_export_tree() -> None:
    assert ("一、2025年主要工作和“十四五”工作回顾", "（一）承压奋进，经济发展持续向好", "招商引资交出新答卷") in paths("001")


def test_markdown_export_tree_uses_numbering_not_hash_count() -> None:
    """000 marks chapters with `##`, `####` or bold alike; numbering decides the level."""
    document = load_document(next(SEEDS_DIR.glob("000_*.txt")))
    chapters = [s for s in document.sections if s.level == CHAPTER]
    assert len(chapters) == 10
    assert ("一、2022年主要工作回顾", "（四）补齐短板、善治善成，着力提升城市治理现代化水平", "加快推进城市数字化转型") in [
        s.path for s in document.sections
    ]


def test_pdf_export_inline_bold_leads_are_items() -> None:
    """002 runs a chapter's bold lead sentences together in one paragraph; each is an item."""
    found = paths("002")
    assert ("一、上半年工作回顾", "（一）突出产业驱动，经济发展蓄势增能", "重点项目落地开花") in found
    assert ("二、下半年工作打算", "（六）增强服务意识，提高政府管理新能级", "严格落实依法行政") in found


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_sections_nest_and_cover(prefix: str) -> None:
    document = load_document(next(SEEDS_DIR.glob(f"{prefix}_*.txt")))
    parts = [s for s in document.sections if s.level == PART]
    assert len(parts) >= 2
    for section in document.sections:
        assert document.text[section.start :].startswith(section.heading[:4])
        assert section.start < section.end <= len(document.text)
        assert section.path[-1] == section.heading
        parent = [s for s in document.sections if s.path == section.path[:-1]]
        if len(section.path) > 1:
            assert parent and parent[0].start <= section.start and section.end <= parent[0].end


def test_numbering_levels() -> None:
    assert numbering_level("一、2022年工作回顾") == PART
    assert numbering_level("第二部分 2024年工作安排") == PART
    assert numbering_level("（三）突出生态底线") == CHAPTER
    assert numbering_level("(六) 突出提质增效") == CHAPTER
    assert numbering_level("1. 推进项目建设") == ITEM
    assert numbering_level("（2）完善机制") == ITEM
    assert numbering_level("③加强监管") == ITEM
    assert numbering_level("二是城乡面貌持续改善。") == ITEM
    assert numbering_level("2.25亿元的收入") == 0
    assert numbering_level("经济发展保持韧劲。") == 0


def test_lead_sentences() -> None:
    plain = Paragraph(0, 0)
    assert classify("招商引资交出新答卷。全年引进企业120家，税收同比增长5%。", plain, {}) == (LEAD, "招商引资交出新答卷")
    assert classify("过去一年，我们坚持稳中求进，完成了年度目标任务。", plain, {}) is None
    assert classify("2022年是极不平凡的一年。我们迎难而上，完成了目标。", plain, {}) is None
    assert classify("各位代表！让我们在新的一年里团结奋斗，再创佳绩。", plain, {}) is None
    bold = Paragraph(0, 0, bold_lead=16)
    assert classify("2023年政府工作的指导思想是：以新思想为指导。", bold, {}) == (LEAD, "2023年政府工作的指导思想是")


def test_other_heading_styles() -> None:
    document = load_document(FIXTURES_DIR / "other_place_report.txt")
    assert [s.path for s in document.sections] == [
        ("第一部分 2023年工作回顾",),
        ("第一部分 2023年工作回顾", "一是产业发展提质增效"),
        ("第一部分 2023年工作回顾", "三是民生保障更加有力"),
        ("第二部分 2024年工作安排",),
        ("第二部分 2024年工作安排", "一是全力以赴抓项目"),
        ("第二部分 2024年工作安排", "三是持之以恒抓治理"),
    ]


def test_markdown_headings_rank_by_hash_count() -> None:
    document = load_document(FIXTURES_DIR / "markdown_notes.md")
    assert [(s.level, s.heading) for s in document.sections] == [
        (1, "城市更新工作简报"), (2, "总体情况"), (2, "重点项目"), (3, "旧区改造"), (3, "公共空间"), (2, "下一步计划"),
    ]
    assert document.sections[3].path == ("城市更新工作简报", "重点项目", "旧区改造")


def test_plain_article_has_no_sections() -> None:
    assert load_document(FIXTURES_DIR / "plain_article.txt").sections == ()


def test_build_sections_on_bare_text() -> None:
    text = "一、总体情况\n（一）经济\n经济平稳。全年增长百分之五，好于预期。\n（二）民生\n民生改善。"
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    paragraphs = [Paragraph(s, s + len(line)) for s, line in zip(starts, text.split("\n"), strict=True)]
    sections = build_sections(text, paragraphs)
    assert [s.path for s in sections] == [
        ("一、总体情况",), ("一、总体情况", "（一）经济"), ("一、总体情况", "（一）经济", "经济平稳"),
        ("一、总体情况", "（二）民生"),
    ]
    assert sections[0].end == len(text)
    assert sections[1].end == sections[3].start


def test_headings_numbered_as_an_outline_are_parts_chapters_and_items() -> None:
    """tests/fixtures/unseen/shuangxi_2025.txt (round 23, measured blind before this) numbers its headings
    1, 1.1, 1.1.1: none was a section, so every passage was the report's at large. A figure and its unit
    (「3 月18日」「12 个项目」) and a decimal (「4.2万平方米」) are no heading."""
    from qa.sections import outline_level

    assert [outline_level(t) for t in ("1 2024年工作回顾", "1.1 经济运行稳中向好", "1.3.2 人才集聚效应显现")] == [1, 2, 3]
    assert [outline_level(t) for t in ("3 月18日举办开茶节", "12 个项目竣工", "4.2万平方米", "1.1 全年完成投资21亿元，增长5%")] == [0, 0, 0, 0]


def test_notes_and_appendices_are_parts_of_their_own() -> None:
    """The notes after a report's closing words (「名词解释」) and its appendices (「附件：…」「附表1」) are parts of
    their own, not the end of the plan's last chapter, whose period and heading they would take."""
    text = "\n".join([
        "二、2026年工作安排", "（六）提升基层治理水平", "深化“寨管家”机制。", "名词解释", "1.“双百工程”：指建设百亩示范茶园、培育百户民宿的工程。",
        "附件：2026年县政府十件民生实事", "1．新建城区幼儿园2所。", "附表1", "地区生产总值：2025年完成186.4亿元。",
    ])
    paragraphs, start = [], 0
    for line in text.split("\n"):
        paragraphs.append(Paragraph(start, start + len(line)))
        start += len(line) + 1
    parts = [s.heading for s in build_sections(text, paragraphs) if s.level == PART]
    assert parts == ["二、2026年工作安排", "名词解释", "附件：2026年县政府十件民生实事", "附表1"]
    assert classify("注释：本报告中的数据均为快报数。", Paragraph(0, 16), {}) is None  # a note, not a heading


def test_a_notes_box_between_chapters_stays_in_its_part() -> None:
    """tests/fixtures/unseen/jiaobai_2025.md (round 48, measured blind before this) sets a 「名词解释」 box after
    the review's 「（三）」, and 杞园乡's .docx one after its 「（五）」. Read as back matter, the box was a part,
    and the review's chapters after it, 「（四）」 on, were under it and not under 「一、2025年工作回顾」. A box
    the chapters go on after is a section within its chapter; notes followed by a part or by a chapter
    「（一）」 (a budget report bound after the report) stay a part of their own."""
    def parts(lines: list[str]) -> list[tuple[str, ...]]:
        text = "\n".join(lines)
        paragraphs, start = [], 0
        for line in lines:
            paragraphs.append(Paragraph(start, start + len(line)))
            start += len(line) + 1
        return [s.path for s in build_sections(text, paragraphs)]

    body = ["一、2025年工作回顾", "（三）聚焦乡村振兴", "村级集体经济发展壮大。组建镇级强村公司，统筹实施强村项目9个。", "名词解释：强村公司",
            "强村公司，是指由镇、村两级集体经济组织出资组建的经营主体。"]
    assert parts([*body, "（四）聚焦城镇品质", "集镇有机更新稳步实施。完成老旧小区改造2个。"])[3:] == [
        ("一、2025年工作回顾", "（三）聚焦乡村振兴", "名词解释：强村公司"),
        ("一、2025年工作回顾", "（四）聚焦城镇品质"),
        ("一、2025年工作回顾", "（四）聚焦城镇品质", "集镇有机更新稳步实施"),
    ]
    assert parts([*body, "一、2025年预算执行情况", "（一）一般公共预算"])[3] == ("名词解释：强村公司",)
    assert parts([*body, "（一）一般公共预算", "全年收入3.1亿元，增长5%。"])[3] == ("名词解释：强村公司",)
    # a toggle between a part's targets and its first chapter (沙洲乡's Notion page, round 51): in the part
    plan = ["二、2026年工作安排", "主要预期目标是：农业总产值增长5%左右。", "名词解释", "稻虾共作：在同一块稻田中种稻养虾的模式。",
            "（一）坚持特色引领", "筑牢粮食安全根基。新建高标准农田8000亩，粮食播种面积稳定。"]
    assert parts(plan)[1:3] == [("二、2026年工作安排", "名词解释"), ("二、2026年工作安排", "（一）坚持特色引领")]


def test_a_speech_s_ordinals_are_items() -> None:
    """A report transcribed from a speech runs its points by ordinals in the paragraph (「第一，坚持…。」): each
    opens an item, as 「一是」 does; 「第一部分」 stays a part."""
    assert classify("第一，坚持工业强县不动摇，产业底盘更加厚实。全年新增规模以上工业企业23家。", Paragraph(0, 40), {}) == (
        ITEM, "第一，坚持工业强县不动摇，产业底盘更加厚实")
    assert numbering_level("第一部分　2025年工作回顾") == PART


def test_headings_marked_by_a_sign_are_parts_and_chapters() -> None:
    """tests/fixtures/unseen/huaiyin_2025.txt (round 42, a news app's story of the report, measured blind): its
    parts open with a bracketed label (「【回眸2025】稳中有进」) and its chapters with a bar (「▍经济：总量稳步扩大」).
    Unread, the story had no parts, so no periods, and a plan's figure answered what was done last year. A
    line that opens with a sign and goes on as a sentence is a paragraph; the sign is no part of a heading."""
    assert classify("【回眸2025】稳中有进　“成绩单”成色足", Paragraph(0, 20), {}) == (PART, "【回眸2025】稳中有进　“成绩单”成色足")
    assert classify("▍聚力产业升级，做强发展引擎", Paragraph(0, 14), {}) == (CHAPTER, "聚力产业升级，做强发展引擎")
    assert classify("▌名词解释", Paragraph(0, 5), {}) == (PART, "名词解释")
    assert classify("【转载】澜涧县2026年政府工作报告（全文）——去年干了啥、今年要干啥，都在这", Paragraph(0, 40), {}) is None
    assert classify("■全年新增就业2386人。", Paragraph(0, 13), {}) is None
    assert classify("【打印本页】【关闭窗口】", Paragraph(0, 12), {}) is None
    document = load_document(FIXTURES_DIR / "unseen" / "huaiyin_2025.txt")
    parts = [s.heading for s in document.sections if s.level == PART]
    assert parts[:2] == ["【回眸2025】稳中有进\u3000“成绩单”成色足", "【展望2026】锚定目标\u3000“任务书”路径清"]
    assert [p.label for p in document.metadata.periods_reviewed] == ["2025"]
    assert [p.label for p in document.metadata.periods_planned] == ["2026"]
