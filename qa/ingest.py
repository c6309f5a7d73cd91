"""A report file becomes a `Document`: decoded text → clean text (no markup, footnotes pulled out) →
metadata → section tree (`qa.sections`) → chunks (`qa.chunking`).

Three export styles are known, each detected from the text itself, never from the file name:

* markdown-like: `#` headings, `**bold**` lead sentences, `<sup>1</sup>` markers whose definitions
  follow a `---` line in the middle of the text;
* word-processor export: `[bookmark: …]` tags, `[footnoteRef:N]` markers with inline `[N: …]`
  definitions (numbered from 0 by the exporter; shown from 1 as in the report), letter-spaced titles;
* PDF export: superscript markers (¹²³), footnote lines at page ends between the two halves of a
  paragraph broken by the page break, sometimes with the superscript lost (「3 TOD（…）是…」).

Every cleaning step is harmless on text that does not have its pattern, so a file mixing styles (or a
plain article) is cleaned too; the detected style is reported by `qa inspect` for diagnosis.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.chunking import DEFAULT_MAX_CHARS, chunk_document
from qa.documents import Document, Footnote, Metadata, Paragraph, Period, Section
from qa.patterns import (
    AHEAD_HEADING,
    BULLET,
    CN_DIGIT_VALUES,
    CN_NUMERAL_DIGITS,
    FIGURE_ALONE,
    FIVE_YEAR_PLAN_ORDINAL,
    NOTE_OWN_NUMBER,
    REVIEW_HEADING,
    ZONE_NAME,
    admin_units,
    five_year_plan_name,
    names_achievements,
    years_with_unit,
)
from qa.readers import Limits, read_report
from qa.readers.base import IngestError
from qa.readers.pages import with_pages
from qa.readers.text import read_text as read_text  # re-exported: the decoder of .txt/.md
from qa.sections import (
    ADDRESS,
    ADDRESS_WORDS,
    ENUMERATED_START,
    NOTES_HEADING_WORDS,
    build_sections,
    is_heading_line,
    numbering_level,
)
from qa.storage import file_sha256
from qa.text import chinese_count, looks_traditional, to_simplified

# ---------------------------------------------------------------- cleaning


@dataclass(frozen=True)
class CleanText:
    """The result of cleaning: the text, its paragraphs, the footnotes and where their markers were.

    `markers` holds (footnote number, offset): the marker stood right after `text[offset - 1]`.
    `body_start` is the offset of the first paragraph after the report's front matter (title,
    meeting, speaker, date), 0 when there is none.
    """

    text: str
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[Footnote, ...]
    markers: tuple[tuple[int, int], ...]
    body_start: int
    style: str


_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_WORD_REF = re.compile(r"\[footnoteRef:(\d+)\]")
_WORD_DEF = re.compile(r"\s*\[(\d+):\s+([^\[\]]*)\]\s*")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_MD_BULLET = re.compile(r"^(?:>\s*)+|^[-*+]\s+(?:\[[ xX]\]\s*)?")
#: A Markdown list item (「- 新增停车泊位6,800个」, a task 「- [x] …」): a line of its own, ended or not.
_MD_LIST_ITEM = re.compile(r"^(?:>\s*)*[-*+]\s+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_FOOTNOTE_REF = re.compile(r"\[\^(\d+)\]")
_SUP_TAG = re.compile(r"<sup>\s*(\d+)\s*</sup>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_BOLD = re.compile(r"\*\*|__")
#: A bold lead sentence inside a paragraph (PDF exports run a chapter's items together): it starts a
#: new paragraph, as it did in the report.
_INLINE_LEAD = re.compile(r"(?<=[。！？；])\s*(?=\*\*[^*\n]{2,40}?[。！？：:]\*\*)")
#: Superscript digits are footnote markers, except as units (m², 5 km³).
_SUPERSCRIPT_MARKER = re.compile(rf"(?<![0-9 ]m)(?<![ckd]m)[{_SUPERSCRIPT}]+")
# A line that defines a footnote: "<sup>1</sup> …", "[^1]: …", "¹ …", or (PDF with lost superscripts) "3 …".
_DEF_SUP_TAG = re.compile(r"^<sup>\s*(\d+)\s*</sup>\s*(.+)$", re.IGNORECASE)
_DEF_MD = re.compile(r"^\[\^(\d+)\]:\s*(.+)$")
_DEF_SUPERSCRIPT = re.compile(rf"^([{_SUPERSCRIPT}]+)\s*(.+)$")
_DEF_PLAIN = re.compile(r"^(\d{1,3})\s+(\S.*)$")
#: Notes as reports type them (no superscript at all): a line 「注1：…」, or 「[1] …」 when the text cites
#: 「[1]」 elsewhere; the citing marker is 「[1]」 (「［1］」「【1】」「（注1）」) or a superscript.
_DEF_NOTE = re.compile(r"^注\s*(\d{1,3})\s*[：:]\s*(\S.*)$")
_DEF_BRACKET = re.compile(r"^[\[［【](\d{1,3})[\]］】]\s*(\S.*)$")
_BRACKET_REF = re.compile(r"(?:[\[［【]|[（(]注\s*)(\d{1,3})[\]］】)）]")
#: Notes numbered with circled numbers: a term marked 「“共富工坊”①」 in the text and explained at the end,
#: often under 「名词解释」, by a line 「①共富工坊：指…」 or 「注①…」 (the term, a colon, its meaning). Circled numbers also
#: number items inside a paragraph (「：①…；②…」), so a line opening with one is a note only when it opens
#: with a term and a colon and the text cites its number inside a line.
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_DEF_CIRCLED = re.compile(rf"^注?\s*([{_CIRCLED}])\s*(\S[^：:。，]{{0,24}}[：:]\s*\S.*)$")
_CIRCLED_REF = re.compile(rf"([{_CIRCLED}])")
#: A table of contents: a bare 「目录」 line, and entries ending in dot leaders and a page number
#: (「一、2024年工作回顾 ........ 3」, two run into one line as PDFs extract them). Read as text, its entries
#: were headings with nothing under them, and it pushed the front matter out of reach.
_CONTENTS_TITLE = re.compile(r"^目\s*录$")
_CONTENTS_ENTRY = re.compile(r"^(?:[^.…·．]{1,80}?\s*[.…·．]{4,}\s*\d{1,3}\s*)+$")
#: A page number a text copied out of a PDF keeps on a line of its own (「— 3 —」「- 3 -」「第3页」「3/9」).
_PAGE_NUMBER_LINE = re.compile(r"^(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
#: A note's line at least this long that ends mid-sentence was wrapped: the next line goes on with it.
_WRAPPED_NOTE_LINE = 20
#: The bare heading over a report's typed notes (「名词解释」「注释」): no text of the report's own.
_NOTES_HEADING = re.compile(rf"^(?:{NOTES_HEADING_WORDS}|注)[：:]?$")

#: A picture's caption, as web pages and reports set one under an image (「图为…」「图：…」「（图为…）」), or a
#: table's over its rows (「表1 …」「附表：…」): a line of its own.
_CAPTION = re.compile(r"^[（(]?图(?:为|片|[：:]|\s*\d+[：:. ])|^附?表\s*\d+[\s：:.．]|^附表[：:\s]")
#: A news story's byline and credits (「来源：澄河区融媒体中心」「记者　周岚」「发布时间：2026-01-12 20:15」): each a
#: line of its own, not a paragraph cut short: run together, they took the story's lead, which names the
#: meeting and the speaker, into the headline above them.
_BYLINE = re.compile(r"^(?:来源|作者|记者|通讯员|摄影|发布时间|发布日期|发布于|编辑|责任编辑|审核|校对|终审|阅读)(?:\s*[：:]|[ \t\u3000]+)")
#: What ends a bold lead sentence, inside its bold or right after it.
_LEAD_END = set("。！？：:；;，,")
#: How long the caption under a callout's figure is at most.
_CAPTION_CHARS = 16
#: Characters that may end a paragraph; a body paragraph ending otherwise was cut by a page break.
_TERMINAL = set("。！？；：…!?;:」』）)】")
#: A figure under its label, as a sidebar, a slide or a list of indicators gives it (「工业用电量：1.36亿千瓦时，同比
#: 增长7.8%」「纳税超千万元企业：5家」): a line of its own, ended or not.
_LABELLED_FIGURE = re.compile(r"^[^，。；：:,;]{2,24}[：:][^：:。；;]{0,40}?\d[\d.,]*\s*(?:%|％|[^\s\d，。；、,;]{0,5})$")
#: A heading with its paragraph's text run in after it (「（一）坚定不移推进新型工业化。做强云台经济开发区，…三园」):
#: when that text stops mid-sentence, a page or a wrap cut it, and it goes on on the next line.
_RUN_IN_TEXT = re.compile(r"[。！？][^。！？]{2,}$")
#: Chinese script: a line holding none, with words of Latin letters, is English prose (`_latin_prose`).
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_CJK_START = re.compile(r"^[\u4e00-\u9fff“「《（]")
_LETTER_SPACED = re.compile(r"^(?:[\u4e00-\u9fff][ \t\u3000]+)+[\u4e00-\u9fff]$")


@dataclass
class _Line:
    """A paragraph being assembled: its text and the markers inside it (number, offset in text)."""

    text: str
    markers: list[tuple[int, int]] = field(default_factory=list)
    markup_level: int = 0
    bold_lead: int = 0
    list_item: bool = False

    def append(self, other: _Line) -> None:
        shift = len(self.text)
        self.text += other.text
        self.markers.extend((n, offset + shift) for n, offset in other.markers)


def detect_style(raw: str) -> str:
    """The export style, from the text: "word", "markdown", "pdf" or "plain"."""
    if _BOOKMARK.search(raw) or _WORD_REF.search(raw):
        return "word"
    if _SUP_TAG.search(raw) or re.search(r"^\s{0,3}#{1,6}\s", raw, re.MULTILINE):
        return "markdown"
    if _SUPERSCRIPT_MARKER.search(raw):
        return "pdf"
    if "**" in raw:
        return "markdown"
    return "plain"


#: A text whose line breaks were stripped (copied out of a messaging app or a web form) is a report of
#: this many characters on at most this many lines: no report's paragraph reaches 2,600 characters.
_FLATTENED_MIN_CHARS, _FLATTENED_MAX_LINES = 3000, 3
#: Where such a text's lines were: before a part, a chapter or a note opening after a sentence or a space
#: (「…意见。 一、2025年工作回顾」「…负增长。（五）坚持…」「…名词解释 1.三事分流：」), and after the address.
_PART_OR_CHAPTER = r"[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）"
_FLATTENED_OPENING = rf"{_PART_OR_CHAPTER}|名词解释|\d{{1,2}}[.．、](?!\d)"
_FLATTENED_BREAK = re.compile(
    rf"(?<=[。！？；!?;])\s*(?={_FLATTENED_OPENING})|\s+(?={_FLATTENED_OPENING})"
    rf"|\s*(?=(?:{ADDRESS_WORDS})：)|(?<=代表：)"
)
#: The front matter of such a text: its title, then the dateline 「——…会议上」, then the speaker.
_FLATTENED_DATELINE = re.compile(r"\s*(——[^。]{4,60}?会议上)\s*")
#: A heading and the text after it, parted by a space: 「一、2025年工作回顾 2025年是…」.
_HEADING_THEN_TEXT = re.compile(rf"^((?:{_PART_OR_CHAPTER})[^\s。]{{2,40}}?)\s+(?=\S)")


def flattened_lines_restored(raw: str) -> str:
    """A report whose line breaks were stripped, its lines put back where its structure shows through
    (`_FLATTENED_BREAK`): read as one paragraph, it had no sections, no dateline and no periods, and its
    questions were refused as about a period no report covers. A report with its lines is left as it is."""
    if len(raw) < _FLATTENED_MIN_CHARS or sum(1 for line in raw.split("\n") if line.strip()) > _FLATTENED_MAX_LINES:
        return raw
    text = _FLATTENED_DATELINE.sub(lambda m: f"\n{m.group(1)}\n", raw[:300], count=1) + raw[300:]
    lines = _FLATTENED_BREAK.sub("\n", text).split("\n")
    return "\n".join(_HEADING_THEN_TEXT.sub(r"\1\n", line.strip()) for line in lines)


def clean_text(raw: str) -> CleanText:
    """Clean a decoded report: strip markup, pull footnotes out, rejoin paragraphs cut by page breaks."""
    raw = flattened_lines_restored(raw)
    style = detect_style(raw)
    footnotes: dict[int, str] = {}
    word_base = 1 if re.search(r"\[footnoteRef:0\]", raw) else 0  # the exporter counts from 0
    lines: list[_Line] = []
    last_was_footnote = False
    last_footnote = 0
    highest_marker = 0

    typed_notes = typed_note_numbers(raw)
    follows: dict[int, int] = {}  # a typed note → how many lines stood before it (`_cite_uncited_notes`)
    wrapped_note: int | None = None  # the note whose last line was cut by a hard wrap
    physical_lines = [_BOOKMARK.sub("", raw_line).strip().lstrip("\ufeff") for raw_line in raw.split("\n")]
    for step in _LINE_STEPS:  # what is not the report's text, or not as it reads, line by line
        physical_lines = step(physical_lines)
    for line in (piece for physical in physical_lines for piece in _INLINE_LEAD.split(physical)):
        if not line or _MD_RULE.match(line) or (typed_notes and _NOTES_HEADING.match(line)):
            continue
        if _CONTENTS_TITLE.match(line) or _CONTENTS_ENTRY.match(line):
            continue
        definition = _footnote_definition(line, highest_marker, last_footnote, last_was_footnote, lines, typed_notes)
        if definition is None and wrapped_note is not None and not is_heading_line(line) and not ENUMERATED_START.match(line):
            footnotes[wrapped_note] += _strip_markup(line)  # a hard wrap inside a note (a text copied out of a PDF)
            wrapped_note = wrapped_note if len(line) >= _WRAPPED_NOTE_LINE and line[-1] not in _TERMINAL else None
            continue
        wrapped_note = None
        if definition is not None:
            n, note = definition
            if n <= last_footnote and last_was_footnote and n in footnotes:
                # "² 为…" inside footnote 7 of a PDF export: not a new definition, the text goes on.
                footnotes[last_footnote] = f"{footnotes[last_footnote]}\n{_strip_markup(line)}"
            else:
                footnotes[n] = _strip_markup(note)
                last_footnote = max(last_footnote, n)
                if n in typed_notes:
                    follows.setdefault(n, len(lines))
                if len(line) >= _WRAPPED_NOTE_LINE and line[-1] not in _TERMINAL:
                    wrapped_note = n
            last_was_footnote = True
            continue
        last_was_footnote = False

        # Word inline definitions: "… [0:  一地两区：…] " → footnote 1.
        for match in _WORD_DEF.finditer(line):
            footnotes[int(match.group(1)) + word_base] = match.group(2).strip()
            last_footnote = max(last_footnote, int(match.group(1)) + word_base)
        line = _WORD_DEF.sub("", line).strip()
        if not line:
            continue

        list_item = bool(_MD_LIST_ITEM.match(line))
        line = _MD_BULLET.sub("", line)
        markup_level = 0
        heading = _MD_HEADING.match(line)
        if heading:
            markup_level = len(heading.group(1))
            line = heading.group(2)
        bold_lead = 0
        if line.startswith(("**", "__")):
            close = line.find(line[:2], 2)
            # a lead sentence ends where its bold ends (「**楼宇经济提档升级。**」「**区域发展协同推进**。」);
            # a bold run inside a word is emphasis (「**2024**年是…」「**6.48亿元**」 highlighted)
            after = line[close + 2 : close + 3]
            if close > 2 and (line[close - 1] in _LEAD_END or not after or after in _LEAD_END or after.isspace()):
                bold_lead = len(_strip_markup(line[2:close]))
        parsed = _extract_markers(line, word_base, typed_notes)
        parsed.markup_level = markup_level
        parsed.list_item = list_item
        parsed.bold_lead = bold_lead if bold_lead < len(parsed.text) else 0
        if not parsed.text:
            continue
        highest_marker = max([highest_marker, *(n for n, _ in parsed.markers)])
        lines.append(parsed)

    if lines and _NOTES_HEADING.match(lines[-1].text):
        lines.pop()  # the heading over the notes, now footnotes, with nothing of the report's own under it
    _cite_uncited_notes(lines, footnotes, follows)
    paragraphs = _join_paragraphs(lines)
    return _assemble(paragraphs, footnotes, style)


def _without_page_lines(lines: list[str]) -> list[str]:
    """A text copied out of a PDF keeps each page's number (`_PAGE_NUMBER_LINE`) and running header on
    lines of their own, inside paragraphs: both go. A running header is a line next to a page number
    (blank lines apart) that recurs, its digits masked, beside another page number."""
    numbered = [i for i, line in enumerate(lines) if _PAGE_NUMBER_LINE.match(line)]
    if not numbered:
        return lines

    def beside(i: int) -> list[int]:
        near = []
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not lines[j]:
                j += step
            if 0 <= j < len(lines) and not _PAGE_NUMBER_LINE.match(lines[j]):
                near.append(j)
        return near

    masked = [re.sub(r"\d+", "#", line) for line in lines]
    counts: dict[str, int] = {}
    for i in numbered:
        for key in {masked[j] for j in beside(i)}:
            counts[key] = counts.get(key, 0) + 1
    drop = set(numbered) | {j for i in numbered for j in beside(i) if counts[masked[j]] >= 2 and len(lines[j]) <= 40}
    drop |= _site_lines(lines, numbered, masked)
    return [line for i, line in enumerate(lines) if i not in drop]


#: A running line recurs this often, word for word, in a report's body: a slide deck's or web page's header
#: over every slide (「蘅塘镇政府工作报告｜2025年工作回顾」), a watermark's text on every page.
_RUNNING_MIN_REPEATS = 3
_RUNNING_MAX_CHARS = 40


def _without_running_lines(lines: list[str]) -> list[str]:
    """A short line without a sentence's punctuation that recurs word for word three times or more is the
    page's furniture, not the report's (a header over each slide of an H5 page, a watermark's words drawn on
    each page): it goes wherever it cuts the body, and stays once in the front matter when it stands there
    too (a report's title repeated as each page's header). The address to the delegates (「各位代表！」), which
    a speech repeats, stays wherever it stands."""
    counts = Counter(line for line in lines if _running_like(line))
    running = {line for line, count in counts.items() if count >= _RUNNING_MIN_REPEATS}
    if not running:
        return lines
    body_from = next((i for i, line in enumerate(lines) if ADDRESS.match(line)), _FRONT_LINES)
    seen: set[str] = set()
    kept = []
    for index, line in enumerate(lines):
        if line in running and (line in seen or index >= body_from):
            continue
        seen.add(line)
        kept.append(line)
    return kept


def _running_like(line: str) -> bool:
    return 4 <= len(line) <= _RUNNING_MAX_CHARS and not re.search(r"[。；，,;]", line) and not ADDRESS.match(line)


#: A contents entry without its leaders: a title, then its page number (「政府工作报告 3」).
_CONTENTS_PAGE = re.compile(r"^(.{2,80}?)\s+\d{1,3}$")
#: An entry of the contents Word's TOC field writes, its title and its page parted by a tab (the leader
#: Word draws): 「一、2025年工作回顾\t1」. Read as the report's text, the entries stood before its dateline
#: and speaker as headings, and who gave the report was answered from its closing words (南溪镇, round 43).
_TABBED_ENTRY = re.compile(r"^\S.{1,80}?\t+\d{1,3}$")
#: A contents page lists at most this many lines.
_CONTENTS_MAX_LINES = 60


def _without_contents(lines: list[str]) -> list[str]:
    """A compilation's contents page (「目录」, then each document's title and page number, its speaker under
    it) goes when its leaders were not extracted (drawn, not typed: `_CONTENTS_ENTRY` takes typed ones): it
    ends where its first entry's title begins the text. Left in, 「政府工作报告 3」 was the report's title."""
    start = next((i for i, line in enumerate(lines[:_CONTENTS_MAX_LINES]) if _CONTENTS_TITLE.match(line)), None)
    if start is None or start + 1 >= len(lines) or not (first := _CONTENTS_PAGE.match(lines[start + 1])):
        return lines
    if _TABBED_ENTRY.match(lines[start + 1]):  # Word's contents field: each entry's title, a tab, its page
        end = start + 1
        while end < len(lines) and (not lines[end] or _TABBED_ENTRY.match(lines[end])):
            end += 1
        return lines[:start] + lines[end:]
    end = next((j for j in range(start + 2, min(len(lines), start + _CONTENTS_MAX_LINES)) if lines[j] == first.group(1)), None)
    return lines if end is None else lines[:start] + lines[end:]


#: A line is letter-spaced when this share of its Chinese characters has a space after it (「全 年 实 现 地 区
#: 生 产 总 值 4 8 . 6 亿 元」); a table's row spaces its cells, a few characters each, far less (0.3 at most
#: over every report the project carries).
_LETTER_SPACED_SHARE = 0.4
#: A text is letter-spaced when this many of its lines are.
_LETTER_SPACED_LINES = 5
#: A line with less spacing than this is left as it stands in a letter-spaced text (a speaker's 「镇长 陆文澜」).
_SOME_SPACING_SHARE = 0.1
#: A gap that letter-spacing leaves: one or two spaces, not between two letters of English words. Wider gaps
#: part a table's columns.
_LETTER_GAP = re.compile(r"(?<![A-Za-z ]) {1,2}(?![A-Za-z ])")


def _spaced_share(line: str) -> float:
    chinese = [i for i, ch in enumerate(line) if "\u4e00" <= ch <= "\u9fff"]
    if len(chinese) < 8:
        return 0.0
    return sum(1 for i in chinese if line[i + 1: i + 2] == " ") / len(chinese)


def _letter_spacing_closed(lines: list[str]) -> list[str]:
    """Text copied or extracted (`pdftotext -layout`) from a PDF set justified comes with spaces between the
    characters of its full lines, digits too (「同 比 增 长 6 . 3 %」): no term, figure or span of the answer step
    is found in it. When a text has such lines, the spacing goes from every line that has some (a table's
    columns, parted by wider gaps, stay apart); a text without them is left as it is."""
    if sum(_spaced_share(line) >= _LETTER_SPACED_SHARE for line in lines) < _LETTER_SPACED_LINES:
        return lines
    return [_LETTER_GAP.sub("", line) if _spaced_share(line) >= _SOME_SPACING_SHARE else line for line in lines]


#: A word of English (「Fixed-asset」「residents'」), and a run of them with what stands between (spaces,
#: punctuation, a bracketed unit: 「GDP (100 million yuan)」).
_ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[\s,.;:/&—–-]*(?:\([^()]*\)|[A-Za-z][A-Za-z'’-]*))*[.,;:]?")
#: What a heading's translation leaves after its words go: a slash and figures (「 / 2025」).
_TRANSLATION_LEFT = re.compile(r"\s+/[^/\u4e00-\u9fff]*$")
#: A figure as a table's cell gives it: 「71,380」「5.4%」「23」.
_FIGURE = re.compile(r"\d[\d,.]*%?")
#: A table's row label on a line of its own: words and a bracketed unit, no sentence (「居民人均可支配收入（元）」).
_TABLE_LABEL = re.compile(r"^[^，,；;。：:]{2,30}。?$")
#: So many words of English make a translation, not a term in a Chinese sentence (「GDP」「5G」「EOD模式」).
_TRANSLATION_WORDS = 3


def _without_translation(lines: list[str]) -> list[str]:
    """A bilingual edition follows each Chinese paragraph, heading and table label with its English
    translation. The Chinese is the report (every later step reads Chinese: spans, terms, the highlight),
    and the translation would answer beside it, uncited to the Chinese and without its figures' spans. So
    in a report mostly Chinese, runs of three English words or more go, and a line left without Chinese
    goes whole (「一、2025年工作回顾 / I. Review of Work in 2025」 keeps its Chinese; a translated paragraph,
    its figures with it, goes), and a table row's figures set after its English label go on with its Chinese
    label."""
    if sum(chinese_count(line) for line in lines) < sum(len(_ENGLISH_WORD.findall(line)) for line in lines) / 2:
        return lines  # an English text (a translation runs to about as many words as the Chinese has characters)
    kept = []
    for line in lines:
        runs = [run for run in _ENGLISH_RUN.finditer(line)
                if len(_ENGLISH_WORD.findall(run.group(0))) >= _TRANSLATION_WORDS and " " in run.group(0)]  # not a web address
        if runs:
            labelled = runs[0].start() == 0
            for run in reversed(runs):
                line = line[: run.start()] + line[run.end():]
            line = _TRANSLATION_LEFT.sub("", line).strip(" /|")  # 「一、2025年工作回顾 / I. Review of Work in 2025」
            if labelled and len(_FIGURE.findall(line)) >= 2 and kept and _TABLE_LABEL.match(kept[-1]):
                # a table row's English label with its figures after the Chinese label (「新增高新技术企业（家）」,
                # 「New high-tech enterprises (number) 23 — 25」): the figures go on with the Chinese label; a
                # heading's translation leaves one at most (its year: 「I. Review of Work in 2025」)
                kept[-1] = f"{kept[-1].rstrip('。')} {line}"
                continue
            if not chinese_count(line):
                continue
        kept.append(line)
    return kept


#: A label a news feed puts before each entry quoting a document (「【工作报告】」「【财政预算】」), markup aside.
_FEED_TAG = re.compile(r"^(?:\*\*)?【([^】]{2,8})】(?:\*\*)?")
#: A feed's label recurs on this many lines at least.
_FEED_TAG_MIN_LINES = 5


def _feed_tags_off_headings(lines: list[str]) -> list[str]:
    """A news feed quoting a report entry by entry labels each (「【工作报告】（一）聚焦产业强街，…」): before a
    part's or a chapter's number the label goes, so that the heading opens its section (read with it, the
    report had no sections and no planned year); before other text it stays, telling the report's entries
    from the budget's."""
    tags = Counter(found.group(1) for line in lines if (found := _FEED_TAG.match(line)))
    kept = []
    for line in lines:
        found = _FEED_TAG.match(line)
        rest = line[found.end():].lstrip() if found else ""
        if found and tags[found.group(1)] >= _FEED_TAG_MIN_LINES and 0 < numbering_level(rest) <= 2:
            line = rest
        kept.append(line)
    return kept


#: The cleaning steps over a text's lines, in order (`clean_text`).
#: The heading over a glossary, however marked (「名词解释」「【名词解释】」「## 名词注释」「▌注释」).
_GLOSSARY_HEADING = re.compile(rf"^(?:#+\s*|[▍▌▋■◆◼]\s*)?[【\[]?(?:{NOTES_HEADING_WORDS})[】\]]?[：:]?$")
#: A term alone on its line, as a glossary card sets it over its definition (「“柏林议事厅”」「税收亿元楼」).
_TERM_ALONE = re.compile(r"^[“「\"]?(?=[^，。；：:,;！？\s]*[\u4e00-\u9fff]{2})[^，。；：:,;！？\s]{2,16}[”」\"]?$")
#: A glossary's entry already written whole: its term, then its definition after a colon.
_ENTRY = re.compile(r"^[^，。；：:]{2,20}[：:]")
#: A definition is longer than its term by this many characters at least.
_DEFINITION_MIN_CHARS = 12


def _glossary_terms_joined(lines: list[str]) -> list[str]:
    """Under a glossary's heading, a term alone on its line and the definition under it made one line,
    「term：definition」, as a glossary writes an entry: a page of cards (柏林街道's 「一图读懂」, round 43)
    sets each term over its definition, and read apart the definition named no term, so 「“柏林议事厅”是怎样一
    种机制」 was answered by a sentence using the name. The glossary ends at the first line that is neither."""
    joined: list[str] = []
    in_glossary = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if _GLOSSARY_HEADING.match(line):
            in_glossary = True
        elif in_glossary and line:
            following = next((candidate for candidate in lines[index + 1 :] if candidate), "")
            definition = len(following) >= len(line) + _DEFINITION_MIN_CHARS and not _ENTRY.match(following)
            if _TERM_ALONE.match(line) and definition:
                joined.append(f"{line}：{following}")
                index = lines.index(following, index + 1) + 1
                continue
            in_glossary = False
        joined.append(line)
        index += 1
    return joined


_LINE_STEPS = (
    _letter_spacing_closed,
    _without_contents,
    _without_page_lines,
    _without_translation,
    _without_running_lines,
    _feed_tags_off_headings,
    _glossary_terms_joined,
)


#: The most lines a document-sharing site puts after a page's number (its prompts, ads, recommendations).
_MAX_SITE_LINES = 15


def _site_lines(lines: list[str], numbered: list[int], masked: list[str]) -> set[int]:
    """A report copied from a document-sharing site's reader keeps, after each page's number, the site's
    lines up to a blank line (「下载文档到电脑，查找使用更方便」「还剩 5 页未读，继续阅读」, other documents' titles),
    often in the middle of a sentence the page cut. Such a block goes whole when none of its lines ends a
    sentence and one recurs, its digits masked, after another page's number; the sentence then joins up
    (`_join_paragraphs`)."""
    blocks = []
    for i in numbered:
        j = i + 1
        while j < len(lines) and lines[j] and not _PAGE_NUMBER_LINE.match(lines[j]):
            j += 1
        blocks.append(range(i + 1, j))
    recurring = Counter(key for block in blocks for key in {masked[j] for j in block})
    return {
        j for block in blocks
        if 0 < len(block) <= _MAX_SITE_LINES
        and not any(lines[j][-1] in "。！？" for j in block)
        and any(recurring[masked[j]] >= 2 for j in block)
        for j in block
    }


#: The term a note opens by defining: 「“一街两巷”：指…」「长者照护之家：指…」 (group 1, without its quotes), after
#: the note's own number where it keeps one (`NOTE_OWN_NUMBER`).
_NOTE_TERM = re.compile(rf"\s*{NOTE_OWN_NUMBER}\s*[“「《\"]?([^“”「」《》\"：:，,。；;\s]{{2,24}})[”」》\"]?\s*[：:]")


def _cite_uncited_notes(lines: list[_Line], footnotes: dict[int, str], follows: dict[int, int]) -> None:
    """A typed note that no marker cites (「注3：“澜邻议事厅”是…」 set right under its paragraph, as web pages
    often do) explains the paragraph it follows: it is cited there, after the term it opens with when that
    paragraph names it (its anchor), else at the paragraph's end. Any other note no marker cites (a notes
    list at the end of a page whose text marks no term) explains the term it opens by defining
    (「“一街两巷”：指…」): it is cited after the term's first mention in the text. Without a citation a note
    reached no passage, and what it says could not be found."""
    cited = {n for line in lines for n, _ in line.markers}
    for n, before in follows.items():
        if n in cited or before == 0 or n not in footnotes:
            continue
        paragraph = next((line for line in reversed(lines[:before]) if not line.markup_level), lines[before - 1])
        term = re.match(r"\s*([“「《\"][^”」》\"]{1,24}[”」》\"])", footnotes[n])
        at = paragraph.text.find(term.group(1)) if term else -1
        paragraph.markers.append((n, at + len(term.group(1)) if at >= 0 else len(paragraph.text)))
    for n, text in footnotes.items():
        if n in cited or n in follows or not (term := _NOTE_TERM.match(text)):
            continue
        core = term.group(1)
        if mention := next((line for line in lines if core in line.text), None):
            at = mention.text.find(core) + len(core)
            at += mention.text[at : at + 1] in "”」》\""  # after the term's closing quote
            mention.markers.append((n, at))


def typed_note_numbers(raw: str) -> frozenset[int]:
    """The numbers of the notes a report types as text: 「注1：…」 lines, and 「[1] …」 lines whose 「[1]」 the
    text also cites inside a line (a line opening with 「[1]」 and cited nowhere is no note)."""
    lines = [line.strip() for line in raw.split("\n")]
    noted = {int(m.group(1)) for line in lines if (m := _DEF_NOTE.match(line))}
    bracketed = {int(m.group(1)) for line in lines if (m := _DEF_BRACKET.match(line))}
    cited = {int(m.group(1)) for line in lines for m in _BRACKET_REF.finditer(line) if m.start() > 0}
    circled = {_circled_number(m.group(1)) for line in lines if (m := _DEF_CIRCLED.match(line))}
    circled_cited = {_circled_number(m.group(1)) for line in lines for m in _CIRCLED_REF.finditer(line) if m.start() > 0}
    return frozenset(noted | (bracketed & cited) | (circled & circled_cited))


def _circled_number(character: str) -> int:
    return _CIRCLED.index(character) + 1


def _footnote_definition(
    line: str, highest_marker: int, last_footnote: int, last_was_footnote: bool, lines: list[_Line],
    typed_notes: frozenset[int] = frozenset(),
) -> tuple[int, str] | None:
    """(number, text) when `line` defines a footnote, else None."""
    for pattern in (_DEF_SUP_TAG, _DEF_MD):
        match = pattern.match(line)
        if match:
            return int(match.group(1)), match.group(2)
    for pattern in (_DEF_NOTE, _DEF_BRACKET):
        match = pattern.match(line)
        if match and int(match.group(1)) in typed_notes:
            return int(match.group(1)), match.group(2)
    match = _DEF_CIRCLED.match(line)
    if match and _circled_number(match.group(1)) in typed_notes:
        return _circled_number(match.group(1)), match.group(2)
    match = _DEF_SUPERSCRIPT.match(line)
    if match and highest_marker:
        return int(match.group(1).translate(_SUPERSCRIPT_DIGITS)), match.group(2)
    match = _DEF_PLAIN.match(line)
    if match:
        # A lost superscript: only the next expected number, announced by a marker already seen, and
        # only where a footnote can stand (after another footnote or inside a paragraph cut by a page).
        n = int(match.group(1))
        cut_paragraph = bool(lines) and lines[-1].text[-1] not in _TERMINAL and not lines[-1].markup_level
        if n == last_footnote + 1 and n <= highest_marker and (last_was_footnote or cut_paragraph):
            return n, match.group(2)
    return None


def _strip_markup(text: str) -> str:
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    return _BOLD.sub("", text).strip()


def _extract_markers(line: str, word_base: int, typed_notes: frozenset[int] = frozenset()) -> _Line:
    """Remove markup and footnote markers from a line, remembering where each marker stood. A bracketed
    number (「[1]」) is a marker only when the report types a note of that number (`typed_note_numbers`)."""
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    out: list[str] = []
    markers: list[tuple[int, int]] = []
    length = 0
    position = 0
    marker = re.compile(
        rf"{_SUP_TAG.pattern}|{_WORD_REF.pattern}|{_MD_FOOTNOTE_REF.pattern}|{_SUPERSCRIPT_MARKER.pattern}"
        rf"|{_HTML_TAG.pattern}|{_BOLD.pattern}",
        re.IGNORECASE,
    )
    if typed_notes:  # 「[1]」 last, so that its number is the pattern's last group
        marker = re.compile(f"{marker.pattern}|{_BRACKET_REF.pattern}", re.IGNORECASE)
        # 「①」 citing a typed note is its 「[1]」
        line = _CIRCLED_REF.sub(lambda m: f"[{n}]" if (n := _circled_number(m.group(1))) in typed_notes else m.group(1), line)
    for match in marker.finditer(line):
        bracketed = match.group(match.re.groups) if typed_notes else None
        if bracketed is not None and int(bracketed) not in typed_notes:
            continue  # 「[3]」 of no note: text
        piece = line[position : match.start()]
        out.append(piece)
        length += len(piece)
        position = match.end()
        sup_tag, word_ref, md_ref = match.group(1), match.group(2), match.group(3)
        if sup_tag is not None:
            markers.append((int(sup_tag), length))
        elif word_ref is not None:
            markers.append((int(word_ref) + word_base, length))
        elif md_ref is not None:
            markers.append((int(md_ref), length))
        elif match.group(0)[0] in _SUPERSCRIPT:
            markers.append((int(match.group(0).translate(_SUPERSCRIPT_DIGITS)), length))
        elif bracketed is not None:
            markers.append((int(bracketed), length))
    out.append(line[position:])
    text = "".join(out)
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    markers = [(n, min(max(0, offset - lead), len(stripped))) for n, offset in markers]
    return _Line(stripped, markers)


#: How many lines into a text its front matter may run (title, dateline, speaker, a portal's or an
#: article's lines before them).
_FRONT_LINES = 40
#: An address to the meeting ending a line it was run into (「…镇长顾文涛各位代表：」, a PDF's right-aligned
#: speaker line and the address below it read as one line).
_ADDRESS_AT_END = re.compile(rf"(?<=[\u4e00-\u9fff])({ADDRESS_WORDS})[：:]$")


def _address_apart(lines: list[_Line]) -> list[_Line]:
    """The front matter's lines with an address run into the line before it (`_ADDRESS_AT_END`) set on a
    line of its own, as the report sets it: the address is where the report's body begins."""
    apart: list[_Line] = []
    for index, line in enumerate(lines):
        found = _ADDRESS_AT_END.search(line.text) if index < _FRONT_LINES and not line.markers else None
        if found is None:
            apart.append(line)
            continue
        apart += [_Line(line.text[: found.start()], [], line.markup_level), _Line(line.text[found.start() :])]
    return apart


#: A dateline run into a line of the front matter, between the report's title and its speaker:
#: 「【工作报告】《鹭沙街道办事处工作报告》——2026年1月16日在…会议上，鹭沙街道办事处主任 宋知远」.
_DATELINE_INSIDE = re.compile(r"(?<=\S)\s*(——\s*[\d〇○零一二三四五六七八九]{4}\s*年[^。]{4,60}?会议上)[，,\s]*")


def _dateline_apart(lines: list[_Line]) -> list[_Line]:
    """The front matter's lines with a dateline run into one (`_DATELINE_INSIDE`: a news feed quoting the
    report's head in one paragraph) set on a line of its own, the title before it and the speaker after it
    on theirs, as the report sets them: read as one line, the report had no date, no place and no speaker."""
    apart: list[_Line] = []
    # a feed's host may address the delegates before the report does: the front matter reaches past that
    front = max(_FRONT_LINES, next((i for i, line in enumerate(lines) if ADDRESS.match(line.text)), 0))
    for index, line in enumerate(lines):
        found = _DATELINE_INSIDE.search(line.text) if index < front and not line.markers else None
        if found is None or not _CJK.search(line.text[: found.start()]):  # a title before it, not markup (「*——…*」)
            apart.append(line)
            continue
        pieces = (line.text[: found.start()], found.group(1), line.text[found.end() :])
        apart += [_Line(piece.strip(), [], line.markup_level if i == 0 else 0) for i, piece in enumerate(pieces) if piece.strip()]
    return apart


def _join_paragraphs(lines: list[_Line]) -> list[_Line]:
    """Rejoin what page breaks and hard wraps cut: a body line that does not end a sentence continues on
    the next line unless either is a heading. Front-matter lines are joined only where a bracket or the
    「在…会议上」 phrase is left open; letter-spaced titles and names lose their spaces."""
    lines = _address_apart(_dateline_apart(lines))
    body_from = next((i for i, line in enumerate(lines) if ADDRESS.match(line.text)), None)
    if body_from is None or body_from > _FRONT_LINES:
        body_from = 0
    width = wrap_width([line.text for line in lines])
    joined: list[_Line] = []
    for index, line in enumerate(lines):
        in_front = index < body_from
        if in_front and _LETTER_SPACED.match(line.text):
            line = _Line(re.sub(r"[ \t\u3000]+", "", line.text), line.markers, line.markup_level, line.bold_lead)
        cut = width is not None and index > 0 and display_width(lines[index - 1].text) >= _FILLED * width
        if joined and not in_front and _captions(joined[-1], line):
            joined[-1].append(_Line(" "))
            joined[-1].append(line)
        elif joined and _continues(joined[-1], line, in_front, index == body_from, cut):
            joined[-1].append(line)
        else:
            joined.append(line)
    return joined


#: A hard-wrapped text (a PDF's narrow column, `pdftotext -layout` output) has this share of its lines or
#: more within `_WRAP_BAND` columns of one width; texts whose lines are paragraphs have at most a quarter
#: (measured on the blind reports: 0.43–0.60 against 0.05–0.25).
_WRAPPED_SHARE = 0.35
_WRAP_BAND = 3
#: A text of fewer lines (an article pasted whole, a notice) says nothing of a wrap by its widths.
_WRAPPED_MIN_LINES = 8
#: A line of a hard-wrapped text this near the wrap's width fills it: a proportional font's digits, the
#: indent of a paragraph's first line and a wrap before a word leave a full line a few columns short.
_FILLED = 0.85


def display_width(text: str) -> int:
    """Columns a line takes in print: two for a Chinese character or full-width sign, one for the rest."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text was cut at (the widest line of the most crowded band of widths), or
    None when its lines are paragraphs. In such a text a line that fills the width was cut by the wrap,
    however short or numbered it looks: 「全镇经济社会发展的主要预期目标是：地区生产总值」 (a two-column PDF's
    line) and 「（四）坚持城乡融合，县域面貌焕然一新。实施城市更新行动，城区改造」 go on on the next line."""
    widths = Counter(display_width(line) for line in lines if line)
    total = sum(widths.values())
    if total < _WRAPPED_MIN_LINES:
        return None
    crowded = max(sorted(widths), key=lambda w: sum(widths[x] for x in range(w - _WRAP_BAND, w + 1)))
    share = sum(widths[x] for x in range(crowded - _WRAP_BAND, crowded + 1)) / total
    return crowded if share >= _WRAPPED_SHARE else None


def _continues(previous: _Line, line: _Line, in_front: bool, starts_body: bool, cut: bool = False) -> bool:
    """Whether `line` goes on with the paragraph `previous`; `cut`: the line before it filled the width a
    hard-wrapped text was cut at (`wrap_width`)."""
    if starts_body or line.markup_level or line.list_item or previous.list_item:
        return False
    if previous.text.startswith(("——", "—")) and _MEETING.search(previous.text) and "会议" not in line.text:
        return False  # the dateline (「——2026年1月14日在…会议上」) is a line of its own, wherever the front matter ends
    if _open_bracket(previous.text) and (is_heading_line(previous.text) or in_front) and len(line.text) <= 40:
        return True  # 「二、关于《…第十五个」 + 「五年规划纲要（草案）》的说明」
    if in_front:
        return previous.text.startswith(("——", "—")) and "会议" not in previous.text and "会议" in line.text
    if previous.markup_level or previous.text[-1] in _TERMINAL or (_title_like(previous.text) and not cut):
        return False
    if _CAPTION.match(previous.text) or _CAPTION.match(line.text):
        return False  # a picture's caption (「图为…」) is a line of its own, ended or not
    if _BYLINE.match(previous.text) or _BYLINE.match(line.text):
        return False
    if BULLET.match(line.text) or FIGURE_ALONE.match(line.text) or FIGURE_ALONE.match(previous.text):
        return False  # a slide's bullet point, or its big figure (`_captions`), is a line of its own, ended or not
    if _LABELLED_FIGURE.match(previous.text) and not cut:
        return False
    if _latin_prose(previous.text) and _CJK_START.match(line.text):
        return False  # a bilingual edition's translation (「…raising the share of premium fruit to 78%.」) ends before the next Chinese paragraph
    heading = is_heading_line(previous.text) and not _RUN_IN_TEXT.search(previous.text)
    if (heading and not cut) or is_heading_line(line.text) or ENUMERATED_START.match(line.text):
        return False
    return not ADDRESS.match(line.text)


def _latin_prose(text: str) -> bool:
    """Whether a line is English prose (a bilingual edition's translation, an English heading): four words
    of Latin letters or more, nothing in Chinese script. No Chinese paragraph goes on from one."""
    return not _CJK.search(text) and len(re.findall(r"[A-Za-z]{2,}", text)) >= 4


def _captions(previous: _Line, line: _Line) -> bool:
    """Whether `line` is the caption under a slide's big figure (「1.52亿元」 over 「茶叶总产值」): the two are
    one line, 「1.52亿元 茶叶总产值」, a figure with what it counts, not a heading 「茶叶总产值」 over nothing."""
    return bool(FIGURE_ALONE.match(previous.text)) and len(line.text) <= _CAPTION_CHARS and not re.search(r"[，。；、,;：:\d]", line.text)


def _title_like(text: str) -> bool:
    """A short line without sentence punctuation: a title or heading, not half of a cut paragraph."""
    return len(text) <= 30 and not re.search(r"[，。；、,;]", text)


def _open_bracket(text: str) -> bool:
    return any(text.count(a) > text.count(b) for a, b in ("《》", "（）", "“”", "【】", "「」"))


def _assemble(paragraphs: list[_Line], footnotes: dict[int, str], style: str) -> CleanText:
    pieces: list[str] = []
    spans: list[Paragraph] = []
    markers: list[tuple[int, int]] = []
    offset = 0
    body_start = 0
    for paragraph in paragraphs:
        if ADDRESS.match(paragraph.text) and not body_start and len(spans) <= _FRONT_LINES:
            body_start = offset
        spans.append(Paragraph(offset, offset + len(paragraph.text), paragraph.markup_level, paragraph.bold_lead))
        markers.extend((n, offset + at) for n, at in paragraph.markers if n in footnotes)
        pieces.append(paragraph.text)
        offset += len(paragraph.text) + 1
    notes = tuple(Footnote(n, footnotes[n]) for n in sorted(footnotes))
    return CleanText("\n".join(pieces), tuple(spans), notes, tuple(markers), body_start, style)


# ---------------------------------------------------------------- metadata

#: A date in Arabic or Chinese numerals (「2024年1月10日」, 「二〇二四年一月十日」: formal documents write both).
_DATE = re.compile(r"([\d〇○零一二三四五六七八九]{4})\s*年\s*([\d一二三四五六七八九十]{1,3})\s*月\s*([\d一二三四五六七八九十]{1,3})\s*日")
#: A year and month with no day (「——2024年1月在嘉定区…会议上」): the report's date to the month.
_MONTH_DATE = re.compile(r"([\d〇○零一二三四五六七八九]{4})\s*年\s*([\d一二三四五六七八九十]{1,3})\s*月(?!\s*[\d一二三四五六七八九十]{1,3}\s*日)")
#: The meeting a report was given at: a congress (「…人民代表大会第五次会议」) or a working meeting
#: (「在棠浦街道2025年年中工作推进会上」「在开发区2025年工作会议上」).
_MEETING = re.compile(r"在(.{4,60}?(?:会议|大会|(?:推进|动员|总结|部署|工作|讲评|调度|座谈|务虚|汇报)会))上")
#: How many lines before its first heading a report without an address to the meeting may give its title,
#: date, meeting and speaker in.
_FRONT_WITHOUT_ADDRESS = 8
_GOVERNMENT = re.compile(r"代表([\u4e00-\u9fff]{2,20}?)人民政府")
#: A news story's lead, which tells of the meeting instead of giving a dateline: the meeting opening
#: (「1月12日，槐荫街道第三届居民代表会议第五次会议开幕。」), on a day whose year the story's publishing
#: time gives (「发布时间：2026-01-12 20:15」).
_MEETING_OPENED = re.compile(r"([\u4e00-\u9fff]{2,20}?第[一二三四五六七八九十\d]+届[\u4e00-\u9fff]{2,30}?(?:会议|大会))(?:隆重)?(?:开幕|召开|举行)")
_LEAD_DAY = re.compile(r"(?:^|\n)(\d{1,2})月(\d{1,2})日[，,]")
_PUBLISHED = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def _date_number(text: str) -> int:
    """A year, month or day of `_DATE` as a number: 「二〇二四」 digit by digit, 「十」「二十五」 as tens."""
    if text.isdigit():  # str.isdigit is False for Chinese numerals
        return int(text)
    if "十" not in text:
        return int(text.translate(CN_NUMERAL_DIGITS))
    tens, _, units = text.partition("十")
    return int(tens.translate(CN_NUMERAL_DIGITS) if tens else 1) * 10 + (int(units.translate(CN_NUMERAL_DIGITS)) if units else 0)


#: How much of a report's text tells whether it is written in traditional script.
_TRADITIONAL_SAMPLE = 2000


def extract_metadata(clean: CleanText, sections: Iterable[Section]) -> Metadata:
    """What the report says about itself: title, town, date, meeting, speaker and role (front matter),
    and the periods reviewed and planned (from the top-level part headings).

    A report in traditional script (「檀溪縣…人民代表大會…」) is read in simplified, as questions are
    (`qa.text.normalize_question`): its town, meeting and speaker are then named as a question names them
    (「檀溪县」), and the patterns below, written in simplified, find them. Its text stays as written."""
    if looks_traditional(clean.text[:_TRADITIONAL_SAMPLE]):
        clean = replace(clean, text=to_simplified(clean.text))
        sections = [replace(section, heading=to_simplified(section.heading)) for section in sections]
    sections = list(sections)
    # no address to the meeting (a slide deck, a speech to a working meeting): what comes before the first
    # heading is the front matter, a few lines at most
    if clean.body_start:
        front = clean.text[: clean.body_start].split("\n")
    else:
        first_heading = min((section.start for section in sections), default=0)
        front = clean.text[:first_heading].split("\n")[:_FRONT_WITHOUT_ADDRESS] if first_heading else []
    front_text = "\n".join(front)
    # a title ends in no full stop: a form's field above it does (「主题词：政府工作 报告 2026年。」)
    title = next((line for line in front if "报告" in line and len(line) <= 40 and line[-1] not in "。；"), None)
    first_line = (front or clean.text.split("\n"))[0]
    if title is None and len(first_line) <= 40 and first_line[-1] not in _TERMINAL:
        title = first_line

    # the meeting's dateline (「——2025年1月9日在…会议上」) dates the report, not a page's publishing time above it
    # (「石湾融媒 2025年1月10日 18:32」 heads a report reposted as an article)
    dateline = next((line for line in front if _MEETING.search(line) and _DATE.search(line)), None)
    date_match = _DATE.search(dateline or front_text)
    date = None
    if date_match:
        year, month, day = (_date_number(g) for g in date_match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            date = f"{year:04d}-{month:02d}-{day:02d}"
    elif month_match := _MONTH_DATE.search(front_text):
        year, month = (_date_number(g) for g in month_match.groups())
        if 1 <= month <= 12:
            date = f"{year:04d}-{month:02d}"
    elif (lead_day := _LEAD_DAY.search(front_text)) and (published := _PUBLISHED.search(front_text)):
        month, day = int(lead_day.group(1)), int(lead_day.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:
            date = f"{published.group(1)}-{month:02d}-{day:02d}"

    # the dateline's own line when there is one: joined with the lines above it, a 「在」 there (「都在这儿了」, a
    # reposter's note) opened the meeting's name; a dateline wrapped over two lines is read joined
    meeting_match = (
        (_MEETING.search(dateline) if dateline else None)
        or _MEETING.search(front_text.replace("\n", ""))
        or _MEETING_OPENED.search(front_text)
    )
    meeting = meeting_match.group(1) if meeting_match else None
    meeting_text = _DATE.sub("", meeting) if meeting else ""
    town = None
    # a report given to a meeting of the level above (「桃源乡…工作汇报」 at 「青岚县…讲评会」) names its own place in
    # its title; a congress's report is titled 「政府工作报告」 and named by its meeting
    if title and "工作汇报" in title and (units := admin_units(title)):
        town = units[-1]
    if town is None and meeting_text:
        place = re.split(r"第[一二三四五六七八九十\d]+届", meeting_text)[0]
        units = admin_units(place)
        town = units[-1] if units else None
    if town is None:
        government = _GOVERNMENT.search(clean.text[: clean.body_start + 400])
        if government:
            units = admin_units(government.group(1))
            town = units[-1] if units else government.group(1)
    if town is None and title and (zone := ZONE_NAME.search(title)):  # 「梧港经济开发区管委会工作报告」
        town = zone.group(0)
    if meeting:
        meeting = _DATE.sub("", meeting).lstrip("在")

    speaker, role = _speaker(front, title, town)
    if (newest := _newest_dateline(clean.text, date)) is not None:
        # a compilation of the place's reports over years (「…工作报告汇编（2025—2026）」) is its newest report's
        newest_date, newest_line, after = newest
        date = newest_date
        meeting = (_MEETING.search(newest_line).group(1).lstrip("在") if _MEETING.search(newest_line) else meeting)
        speaker, role = _speaker([newest_line, *after], title, town)
    reviewed, planned = _periods(sections, date)
    return Metadata(title, town, date, meeting, speaker, role, reviewed, planned)


#: A report's dateline, on a line of its own or run into its title's and speaker's (「——2026年1月9日在石塘乡第十八届
#: 人民代表大会第六次会议上」).
_DATELINE_ANYWHERE = re.compile(r"[—（(]{1,2}\s*[\d〇○零一二三四五六七八九]{4}\s*年.{0,80}?会议上")


def _newest_dateline(text: str, date: str | None) -> tuple[str, str, list[str]] | None:
    """A later report's (date, dateline, the speaker's lines after it) when the text holds the datelines of
    reports given on different days and the latest is later than `date`: a compilation of a place's
    reports over years (石塘乡's 2025 and 2026 reports in one PDF, round 44) is dated and spoken by its newest,
    not by the first it holds."""
    lines = text.split("\n")
    found: list[tuple[str, int, int, int]] = []  # (date, line, where the dateline starts and ends in it)
    for index, line in enumerate(lines):
        for dateline in _DATELINE_ANYWHERE.finditer(line):
            if day := _DATE.search(dateline.group(0)):
                year, month, number = (_date_number(g) for g in day.groups())
                if 1 <= month <= 12 and 1 <= number <= 31:
                    found.append((f"{year:04d}-{month:02d}-{number:02d}", index, dateline.start(), dateline.end()))
    if len({day for day, *_ in found}) < 2 or date is None:
        return None
    latest, index, start, end = max(found)
    rest = [lines[index][end:].strip(" ，,\u3000"), *lines[index + 1 : index + 3]]
    after = [_ADDRESS_AT_END.sub("", line) for line in rest if line]  # 「…代乡长 方晓岚各位代表：」
    return (latest, lines[index][start:end], after) if latest > date else None


_ROLE_END = "(?:镇长|乡长|区长|县长|市长|主任|书记|主席)"
#: A label before the speaker's role on a slide's or a speech's title page (「汇报人：桃源乡乡长 林承远」).
_SPEAKER_LABEL = re.compile(r"^(?:汇报人|报告人|主讲人|发言人|讲话人)\s*[：:]\s*")


def role_and_name_joined(lines: list[str]) -> list[str]:
    """`lines` with a line that is a speaker's role (「蘅塘镇人民政府镇长」) and the next, a name alone (「陆嘉禾」),
    made one line 「蘅塘镇人民政府镇长 陆嘉禾」, as a title page set in blocks parts them."""
    joined: list[str] = []
    for line in lines:
        if joined and re.search(rf"{_ROLE_END}$", joined[-1]) and re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", line):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


#: A news story's lead naming who gave the report: 「街道办事处主任邵景明代表街道办事处作工作报告」.
_REPORTED_BY = re.compile(rf"([\u4e00-\u9fff]{{0,16}}?{_ROLE_END})([\u4e00-\u9fff·]{{2,4}}?)代表[\u4e00-\u9fff]{{1,16}}?作[^。，,]{{0,12}}?报告")


def _speaker(front: list[str], title: str | None, town: str | None) -> tuple[str | None, str | None]:
    """The speaker's name and role from the front matter's lines: a news story's lead saying who gave the
    report (`_REPORTED_BY`), then a line naming a role (「区长 沈嘉言」), so that an article's lines before
    the report (「编者按」) or a site's breadcrumb (「首页 > 要闻 > 街镇动态」) are not read as a name."""
    for line in front:
        if reported := _REPORTED_BY.search(line):
            role = reported.group(1)
            return reported.group(2), (role[len(town) :] if town and role.startswith(town) else role) or None
    # the dateline may go on with the speaker: 「——2026年1月9日在…会议上　南山街道办事处主任　何静远」
    front = [*front, *(rest for line in front if line.startswith("—") and (rest := line.partition("会议上")[2].strip()))]
    # the role on a line and the name on the next (「蘅塘镇人民政府镇长」 / 「陆嘉禾」, a title page set in blocks)
    front = [*(line for line in role_and_name_joined(front) if line not in front), *front]
    with_role = [line for line in front if re.search(_ROLE_END, line)]
    for line in [*with_role, *(line for line in front if line not in with_role)]:
        if line == title or "会议" in line or _DATE.search(line) or line.startswith("—"):
            continue
        match = re.fullmatch(r"(?:(.{2,30}?)[ \t\u3000]+)?((?:[\u4e00-\u9fff·][ \t\u3000]*){1,4}[\u4e00-\u9fff])", line)
        # 「庙行镇镇长朱峻峰」: the space between role and name lost (OCR, some exports)
        match = match or re.fullmatch(rf"(.{{2,30}}?{_ROLE_END})([\u4e00-\u9fff·]{{2,4}})", line)
        if match:
            role = _SPEAKER_LABEL.sub("", match.group(1)) if match.group(1) else None
            name = re.sub(r"[ \t\u3000]+", "", match.group(2))
            if role and town and role.startswith(town):
                role = role[len(town) :] or None
            return name, role
    return None, None


def _periods(sections: Iterable[Section], date: str | None) -> tuple[tuple[Period, ...], tuple[Period, ...]]:
    report_year = int(date[:4]) if date else None
    early_in_year = bool(date) and int(date[5:7]) <= 3
    reviewed: list[Period] = []
    planned: list[Period] = []
    parts = [s.heading for s in sections if s.level == 1]
    for index, heading in enumerate(parts):
        looks_back = (
            bool(REVIEW_HEADING.search(heading))
            or names_achievements(heading, AHEAD_HEADING)
            or (index == 0 and not AHEAD_HEADING.search(heading))
        )
        target = reviewed if looks_back else planned
        # a news story's part label gives its year bare (「【回眸2025】」「【展望2026】」)
        for year in [*years_with_unit(heading), *_LABEL_YEAR.findall(heading)]:
            target.append(Period("year", year, int(year), int(year)))
        if report_year is not None:
            for word, half in (("上半年", "H1"), ("下半年", "H2")):
                if word in heading:
                    target.append(Period("half", f"{report_year}{half}", report_year, report_year))
        for match in FIVE_YEAR_PLAN_ORDINAL.finditer(heading):
            target.append(_plan(10 + CN_DIGIT_VALUES[match.group(1) or match.group(2)]))
        if report_year is not None:
            for span, into in ((_FIVE_YEARS_PAST, reviewed), (_FIVE_YEARS_AHEAD, planned)):
                if span.search(heading):
                    into.extend(_five_years(span is _FIVE_YEARS_PAST, report_year, early_in_year))
    if report_year is not None and early_in_year:
        # An annual report delivered early in the year looks back on last year and ahead to this one.
        if not any(p.kind in ("year", "half") for p in reviewed):
            reviewed.insert(0, Period("year", str(report_year - 1), report_year - 1, report_year - 1))
        if planned and not any(p.kind in ("year", "half") for p in planned):
            planned.insert(0, Period("year", str(report_year), report_year, report_year))
    return _unique(reviewed), _unique(planned)


#: A year inside a part's bracketed label (「【展望2026】锚定目标」), where no 年 follows it.
_LABEL_YEAR = re.compile(r"(?<=【)[^】\d]{0,6}((?:19|20)\d{2})(?=[^】\d]{0,6}】)")
#: A part of a report given at a new term's first session (换届) looking back on the term, or ahead to the next.
_FIVE_YEARS_PAST = re.compile(r"过去五年|五年来|近五年")
_FIVE_YEARS_AHEAD = re.compile(r"今后五年|未来五年")


def _five_years(past: bool, report_year: int, early_in_year: bool) -> list[Period]:
    """The five years a part looking back on or ahead to 「五年」 means, as years (「过去五年」 in a report given
    in January 2026: 2021–2025), and the five-year plan they make when they make one (十四五). Read without
    them, a five-year report reviewed 2025 alone, and 「到2030年…要达到多少」 was refused as not covered."""
    if past:
        start = report_year - 5 if early_in_year else report_year - 4
    else:
        start = report_year if early_in_year else report_year + 1
    spans = [Period("year", f"{start}-{start + 4}", start, start + 4)]
    if (start - _FIRST_PLAN_START) % 5 == 0:
        spans.append(_plan(_FIRST_PLAN + (start - _FIRST_PLAN_START) // 5))
    return spans


#: The 6th five-year plan was 1981–1985; each since has run five years.
_FIRST_PLAN, _FIRST_PLAN_START = 6, 1981


def _plan(ordinal: int) -> Period:
    """The `ordinal`-th five-year plan as a period (14 → 十四五, 2021–2025)."""
    start = _FIRST_PLAN_START + 5 * (ordinal - _FIRST_PLAN)
    return Period("plan", five_year_plan_name(ordinal), start, start + 4)


def _unique(periods: list[Period]) -> tuple[Period, ...]:
    return tuple(dict.fromkeys(periods))


# ---------------------------------------------------------------- documents


def parse_document(raw: str, source: str, sha256: str = "", max_chunk_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Decoded text → `Document`. Pure: the same text always gives the same document."""
    clean = clean_text(raw)
    if not clean.text.strip():
        raise IngestError(f"{source}: 清理后没有正文（只有标记或脚注），请检查文件内容")
    sections = build_sections(clean.text, clean.paragraphs, clean.body_start)
    if not _has_body(clean, sections):
        raise IngestError(f"{source}: 只有标题，没有正文段落，请检查文件内容是否完整")
    metadata = extract_metadata(clean, sections)
    chunks = chunk_document(
        source, clean.text, clean.paragraphs, sections, clean.footnotes, clean.markers, max_chars=max_chunk_chars
    )
    return Document(source, sha256, clean.text, metadata, clean.style, clean.footnotes, sections, chunks)


def _has_body(clean: CleanText, sections: Iterable[Section]) -> bool:
    """Whether any paragraph is more than a heading (a file of only 「一、…」「（一）…」 lines has nothing
    to answer from)."""
    headings = {s.heading for s in sections}
    for paragraph in clean.paragraphs:
        line = clean.text[paragraph.start : paragraph.end].strip()
        if line and not paragraph.markup_level and line not in headings and not is_heading_line(line):
            return True
    return False


def load_document(
    path: Path | str, max_chunk_chars: int = DEFAULT_MAX_CHARS, limits: Limits | None = None
) -> Document:
    """Read and parse one report file (`qa.patterns.REPORT_SUFFIXES`: text, PDF, Word (.docx, .doc), HTML; see `qa.readers`)."""
    path = Path(path)
    decoded = read_report(path, limits)
    document = parse_document(decoded.text, path.name, file_sha256(path), max_chunk_chars)
    metadata = replace(document.metadata, file_format=decoded.format, pages=decoded.pages, ocr=decoded.ocr)
    return with_pages(replace(document, metadata=metadata), decoded)
