"""The section tree of a clean report: parts (一、), chapters (（一）), numbered items (1. /（1）/① and
一是、二是…), headings numbered as an outline (1, 1.1, 1.1.1) and lead-sentence items (a paragraph opening with a short summarizing sentence such as
「招商引资交出新答卷。」, bold or not). Markdown `#` headings without such numbering take the level
their `#` count ranks at in the document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.documents import Paragraph, Section

PART, CHAPTER, ITEM, LEAD = 1, 2, 3, 4

_CN_NUM = "一二三四五六七八九十百"
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (PART, re.compile(rf"^[{_CN_NUM}]+、")),
    (PART, re.compile(rf"^第[{_CN_NUM}\d]+(?:部分|章|篇)")),
    (CHAPTER, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    (CHAPTER, re.compile(rf"^第[{_CN_NUM}\d]+节")),
    (ITEM, re.compile(r"^\d{1,2}[.．、](?!\d)")),
    (ITEM, re.compile(r"^[（(]\d{1,2}[）)]")),
    (ITEM, re.compile(r"^[\u2460-\u2473]")),
    (ITEM, re.compile(rf"^[{_CN_NUM}]+是")),
    # an ordinal a speech runs its points in by (「第一，坚持工业强县不动摇。…」)
    (ITEM, re.compile(rf"^第[{_CN_NUM}]+[，,、]")),
)
#: A paragraph opening with any enumeration: a page-broken paragraph never continues into one.
ENUMERATED_START = re.compile("|".join(f"(?:{p.pattern})" for _, p in _PATTERNS))

#: How a report addresses its meeting (「各位代表：」「同志们：」), where its body begins.
ADDRESS_WORDS = r"各位(?:[\u4e00-\u9fff]{1,4})?代表|各位委员|各位同志|代表们|同志们"
#: The speaker turning to the audience (「各位代表、同志们！」「各位村民代表：」「各位人大代表」) opens no section; a
#: sentence about them (「代表们在会场入口签到」, a news report of the meeting) addresses no one.
ADDRESS = re.compile(rf"^({ADDRESS_WORDS})(?=[\s：:，,！!、。；;]|$)")

#: A paragraph this short that starts with a numbering is a heading line as a whole.
HEADING_MAX_CHARS = 60
LEAD_MAX_CHARS = 24
_TRAILING = "。：:；;，, "
_SENTENCE = re.compile(r"^(.+?[。！？!?：:；;])")
_LEAD = re.compile(rf"^([^。！？!?，,；;：:“”\n]{{2,{LEAD_MAX_CHARS}}})[。！？!?]")


def numbering_level(text: str) -> int:
    """The level a paragraph's leading numbering gives it, 0 when it has none."""
    for level, pattern in _PATTERNS:
        if pattern.match(text):
            return level
    return 0


#: A heading numbered as an outline (「1 2024年工作回顾」「1.1 经济运行稳中向好」「1.1.1 主要指标平稳增长」): the
#: number, a space, then the heading's words; not a figure and its unit (「3 月」「12 个」).
_OUTLINE = re.compile(
    r"^(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?|\d{1,2}(?![ \t\u3000]+[月日年号时个万亿千百家人项]))[ \t\u3000]+(?=[\u4e00-\u9fff]|(?:19|20)\d{2}年)"
)
#: Sentence punctuation no outline heading holds.
_SENTENCE_PUNCTUATION = re.compile(r"[，。；！？,;]")


def outline_level(text: str) -> int:
    """The level an outline number gives a short line without sentence punctuation (1 a part, 1.1 a
    chapter, 1.1.1 an item), 0 when it is none."""
    match = _OUTLINE.match(text)
    if not match or len(text) > HEADING_MAX_CHARS or _SENTENCE_PUNCTUATION.search(text):
        return 0
    return (PART, CHAPTER, ITEM)[match.group(1).count(".")]


#: A heading a news story or an article marks with a sign instead of a number: a bracketed label opening
#: a part (「【回眸2025】稳中有进　“成绩单”成色足」), a bar or a block opening a chapter (「▍经济：总量稳步扩大」).
_MARKED: tuple[tuple[int, re.Pattern[str]], ...] = (
    (PART, re.compile(r"^【[^】]{2,12}】(?!\s*【)")),  # not a page's buttons, 「【打印本页】【关闭窗口】」
    (CHAPTER, re.compile(r"^[▍▌▋■◆◼]\s*(?=\S)")),
)
#: Sentence punctuation a marked heading holds none of: a line opening with a sign and going on as a
#: sentence is a paragraph (「【转载】澜涧县2026年政府工作报告（全文）——去年干了啥、今年要干啥，都在这」).
_MARKED_SENTENCE = re.compile(r"[。；！？;!?]|[，,、].*[，,、]")


def marked_level(text: str) -> int:
    """The level a short line's heading sign gives it (`_MARKED`), 0 when it has none."""
    if len(text) > HEADING_MAX_CHARS or _MARKED_SENTENCE.search(text):
        return 0
    return next((level for level, pattern in _MARKED if pattern.match(text)), 0)


def is_heading_line(text: str) -> bool:
    """A short line starting with a part/chapter/item numbering or a heading sign: a heading on its own."""
    level = numbering_level(text)
    return (
        (0 < level <= CHAPTER and len(text) <= HEADING_MAX_CHARS)
        or (level == ITEM and len(text) <= 30)
        or bool(outline_level(text))
        or bool(marked_level(text))
    )


def _heading_of(text: str, level: int) -> str:
    """The heading of a paragraph that starts a section: the whole line when short, else its first
    sentence (or clause) for numbered paragraphs."""
    if len(text) <= HEADING_MAX_CHARS and (level <= CHAPTER or not _SENTENCE.match(text[:-1] or text)):
        return text.rstrip(_TRAILING)
    sentence = _SENTENCE.match(text)
    if sentence and len(sentence.group(1)) <= HEADING_MAX_CHARS:
        return sentence.group(1).rstrip(_TRAILING)
    clause = re.match(r"^(.+?)[，,]", text)
    if clause and len(clause.group(1)) <= 30:
        return clause.group(1)
    return text[:20]


#: The words a report heads its notes with (「名词解释」「注释」): the cleaner drops such a heading over notes it
#: pulled out, and the section tree makes one over notes left in the text a part of its own.
NOTES_HEADING_WORDS = "名词解释|名词注释|注释|附注"
#: The heading of what follows a report's body, a part of its own: its notes (「名词解释」「注释」) and its
#: appendices (「附件：2026年县政府十件民生实事」「附表1」). Filed under the last chapter of the plan, the notes
#: took its period and its heading.
_BACK_MATTER = re.compile(rf"^(?:{NOTES_HEADING_WORDS}|附[件表]\s*\d{{0,2}})\s*(?:[：:]\s*[^。；;，,]{{0,40}})?$")


#: A notes heading (「名词解释：强村公司」), which opens back matter where the body is over.
_NOTES_HEADING = re.compile(rf"^(?:{NOTES_HEADING_WORDS})(?:\s*[：:]|$)")


#: A chapter that opens a sequence of chapters (「（一）」「第一节」), as a new part or a new document does.
_FIRST_CHAPTER = re.compile(r"^(?:[（(]一[）)]|第一节)")


def _body_goes_on(headings_after: Sequence[tuple[int, tuple[int, str], int]], part_has_chapters: bool) -> bool:
    """Whether the chapters go on after notes: the next numbered part or chapter, before any other back
    matter, is a chapter continuing its part (「（四）」 after a box that stands after 「（三）」, or 「（一）」
    after a box in a part that has no chapter yet). Then the notes are a box set in the body (a web page's
    「名词解释」 panel, a toggle between a part's targets and its first chapter), not a part of their own;
    read as a part, such a box had taken every chapter after it from its part, and their period with it.
    A part after the notes, or a chapter 「（一）」 after a part's chapters, may be another document bound
    after this one."""
    for _, (_, heading), numbered in headings_after:
        if _BACK_MATTER.match(heading) or numbered == PART:
            return False
        if numbered == CHAPTER:
            return not (_FIRST_CHAPTER.match(heading) and part_has_chapters)
    return False


def classify(text: str, paragraph: Paragraph, markup_levels: dict[int, int]) -> tuple[int, str] | None:
    """(level, heading) when the paragraph starts a section, else None."""
    level = numbering_level(text)
    if level:
        return level, _heading_of(text, level)
    first_line = text.split("\n", 1)[0]
    if level := marked_level(first_line):  # the sign is no part of the heading: 「▌名词解释」 is back matter
        first_line = re.sub(r"^[▍▌▋■◆◼]\s*", "", first_line)
        level = PART if _BACK_MATTER.match(first_line) else level
        return level, first_line.rstrip(_TRAILING)
    if _BACK_MATTER.match(first_line):
        return PART, first_line.rstrip(_TRAILING)
    if level := outline_level(first_line):
        return level, first_line.rstrip(_TRAILING)
    if paragraph.markup_level:
        return markup_levels[paragraph.markup_level], text.rstrip(_TRAILING)
    if paragraph.bold_lead:
        return LEAD, text[: paragraph.bold_lead].rstrip(_TRAILING)
    lead = _LEAD.match(text)
    if lead and not text[0].isdigit() and not ADDRESS.match(text) and len(text) - len(lead.group(0)) >= 10:
        return LEAD, lead.group(1)
    return None


def build_sections(text: str, paragraphs: Sequence[Paragraph], body_start: int = 0) -> tuple[Section, ...]:
    """The section tree, flattened in reading order; each node's span covers its heading and all
    that belongs under it (up to the next node at the same or a higher level)."""
    ranks = sorted({p.markup_level for p in paragraphs if p.markup_level and p.start >= body_start})
    markup_levels = {markup: min(rank + 1, LEAD) for rank, markup in enumerate(ranks)}
    headings = [
        (paragraph.start, found, numbering_level(text[paragraph.start : paragraph.end]))
        for paragraph in paragraphs
        if paragraph.start >= body_start
        and (found := classify(text[paragraph.start : paragraph.end], paragraph, markup_levels))
    ]
    opened: list[tuple[int, str, tuple[str, ...], int]] = []  # (level, heading, path, start)
    stack: list[tuple[int, str]] = []
    part_has_chapters = False
    for index, (start, (level, heading), numbered) in enumerate(headings):
        if level == PART and _NOTES_HEADING.match(heading) and _body_goes_on(headings[index + 1 :], part_has_chapters):
            level = LEAD
        if level == PART:
            part_has_chapters = False
        elif numbered == CHAPTER:
            part_has_chapters = True
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        opened.append((level, heading, tuple(h for _, h in stack), start))

    sections: list[Section] = []
    for index, (level, heading, path, start) in enumerate(opened):
        end = next((s for lv, _, _, s in opened[index + 1 :] if lv <= level), len(text))
        sections.append(Section(heading, level, path, start, end))
    return tuple(sections)
