"""The one home of the patterns several steps share: report file suffixes, place names and periods.

Questions (`qa.query`), the chat's follow-ups (`qa.chat`), the BM25 user dictionary (`qa.text`), report
metadata (`qa.ingest`) and the periods of a passage (`qa.steering`) all read towns and years; they read
them with these patterns, so that a question, a follow-up and a report agree on what a town or a year is.
"""

from __future__ import annotations

import re
from pathlib import PurePath

# ---------------------------------------------------------------- report files

#: The file suffixes `qa build` lists and `qa.ingest.load_document` reads (lower case). File readers for
#: other formats extend this tuple; nothing else decides which files are reports.
REPORT_SUFFIXES: tuple[str, ...] = (
    ".txt", ".md", ".markdown", ".pdf", ".ofd", ".docx", ".doc", ".wps", ".odt", ".rtf", ".html", ".htm", ".mht", ".mhtml",
    ".epub", ".png", ".jpg", ".jpeg",
)


def is_report_file(path: PurePath | str) -> bool:
    """Whether a file name has a report suffix (case-insensitive)."""
    return PurePath(path).suffix.lower() in REPORT_SUFFIXES


# ---------------------------------------------------------------- places

#: What ends the name of a place a report may be of: 大场镇, 淞南街道, 某某乡, 云溪县, 宝山区.
TOWN_SUFFIX = r"镇|街道|乡|县|区"
#: A village and a city give reports too (「青石湾村村民委员会2025年工作报告」, 溱川市's): their names end in 村 and
#: 市, and a question names them without it (「溱川2016年…」). Only a report's own place is read so; in a
#: question 「…村」「…市」 are as often words as places (「美丽乡村」「超市」).
#: A development zone reports on its year as a town does (「梧港经济开发区管委会工作报告」, at the zone's
#: 工作会议), and a question names it by its core with any of these (「梧港开发区」「梧港经开区」) or without.
ZONE_SUFFIX = r"经济技术开发区|高新技术产业开发区|经济开发区|开发区|经开区|高新区"
#: The suffix a place's name drops (the leftmost that ends it: a zone's whole kind, not its last 区).
_SUFFIX_AT_END = re.compile(rf"(?:{ZONE_SUFFIX}|{TOWN_SUFFIX}|村|市)$")
#: A zone named in a title (「梧港经济开发区管委会工作报告」): its core and its kind.
ZONE_NAME = re.compile(rf"[\u4e00-\u9fff]{{2,6}}?(?:{ZONE_SUFFIX})")
#: A town-level place named in running text: two to four characters, then the suffix (group 1: the core);
#: not a level (「宁夏县级机构」「区级财政」), nor a class of road (「绕县道」「那条乡道」; 「青崖县道路」 is 青崖县's),
#: nor 乡村 "rural" (「民宿和乡村旅游」 names no 「民宿和乡」; 「柳塘乡村民」「柳塘乡村集体」 are 柳塘乡's), nor 区域 "regional"
#: (「评上省级区域公用品牌」 names no 「评上省级区」).
PLACE_NAME = re.compile(rf"([\u4e00-\u9fff]{{2,4}}?)({TOWN_SUFFIX})(?!级|(?<=区)域|(?<=[县乡])道(?!路)|(?<=乡)村(?!民|集体|级))")
#: The English words for the places a report may be of, with the pinyin of the suffix each stands for
#: (Town 镇, County 县).
PLACE_WORDS_EN = {"Town": "zhen", "Township": "xiang", "Subdistrict": "jiedao", "Sub-district": "jiedao", "County": "xian"}
#: A town-level place named in English: one or two capitalized words, then one of `PLACE_WORDS_EN`
#: ("Luodian Town"; group 1: the name, matched against the indexed towns' pinyin; group 2: the word).
PLACE_NAME_EN = re.compile(rf"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?) ({'|'.join(PLACE_WORDS_EN)})\b")
#: An administrative unit of any level, as a report's front matter names it (「上海市宝山区大场镇」), down to
#: a village (「青石湾村」; a 村 inside a town's name, 「顾村镇」, ends no unit).
ADMIN_UNIT = re.compile(r"[\u4e00-\u9fff]+?(?:自治区|省|市|区|县|镇|乡|街道|村(?![镇乡街]))")


def admin_units(text: str) -> list[str]:
    """The administrative units `text` names, largest first (`ADMIN_UNIT`). A 区 has a name of two
    characters or more: 「社区」「小区」「园区」 end in 区 and are none (「友谊路街道社区代表会议」)."""
    units = ADMIN_UNIT.findall(text)
    # a zone's bare kind (「在开发区2025年工作会议上」) names none
    return [unit for unit in units if not (len(unit) == 2 and unit.endswith("区")) and not re.fullmatch(ZONE_SUFFIX, unit)]


def short_town_name(town: str) -> str:
    """A town's name without its suffix (大场镇 → 大场), the way questions often write it."""
    return _SUFFIX_AT_END.sub("", town)


# ---------------------------------------------------------------- periods

#: The digits of a year the reports or a question can speak of.
YEAR_DIGITS = r"(?:19|20)\d{2}"
#: A year in a question, 年 optional (「2022年」「2022 年」「in 2022」); group 1: the digits. Not an amount
#: that starts like one (「1920多万」「2000余人」「2023.5亿元」) nor part of a longer number.
YEAR = re.compile(rf"(?<!\d)(?<!\d\.)({YEAR_DIGITS})(?!\d|\.\d|\s*[多余万亿千百元个人家台套项件%％])\s*年?")
#: A year written with 年, as headings write it (「2022年工作回顾」); group 1: the digits.
YEAR_WITH_UNIT = re.compile(rf"({YEAR_DIGITS})\s*年")
#: A year in Chinese numerals, as some reports write every year (「二〇二四年工作回顾」); group 1: the numerals.
CN_YEAR_WITH_UNIT = re.compile(r"([一二九][〇零○Ｏ一二三四五六七八九]{3})\s*年")
#: Chinese numerals written digit by digit (「二〇二四」) → Arabic digits, with `str.translate`.
CN_NUMERAL_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")


def years_with_unit(text: str) -> list[str]:
    """The years `text` writes with 年, in digits (「2024年」, and 「二〇二四年」 read as 2024), in the order
    they stand."""
    found = [(m.start(), m.group(1)) for m in YEAR_WITH_UNIT.finditer(text)]
    for match in CN_YEAR_WITH_UNIT.finditer(text):
        digits = match.group(1).translate(CN_NUMERAL_DIGITS)
        if re.fullmatch(YEAR_DIGITS, digits):
            found.append((match.start(), digits))
    return [year for _, year in sorted(found)]


#: A half-year; group 1: 上 or 下.
HALF_YEAR = re.compile(r"(上|下)半年")
#: A half-year in English: "first half", "H2"; group 1 the word, group 2 the number.
HALF_YEAR_EN = re.compile(r"\b(first|second) half\b|\bH([12])\b", re.I)
#: Chinese digits 1–9, in order (a five-year plan's ordinal: 十四五 is the 14th).
CN_DIGITS = "一二三四五六七八九"
#: Their values: 「五」 → 5.
CN_DIGIT_VALUES = {digit: value for value, digit in enumerate(CN_DIGITS, start=1)}
#: A five-year plan by its short name: 「十四五」.
FIVE_YEAR_PLAN = re.compile(rf"十[{CN_DIGITS}]五")
#: A five-year plan, short or long name, quoted or not (「“十四五”」「第十四个五年规划」); the digit is in
#: group 1 or group 2.
FIVE_YEAR_PLAN_ORDINAL = re.compile(rf"“?十([{CN_DIGITS}])五”?|第十([{CN_DIGITS}])个五年规划")
#: A five-year plan in English: "14th Five-Year Plan"; group 1: the last digit of the ordinal.
FIVE_YEAR_PLAN_EN = re.compile(r"\b1([1-9])(?:st|nd|rd|th)\s+five[- ]year\s+plan", re.I)


def five_year_plan_name(ordinal: int) -> str:
    """The short name of the `ordinal`-th five-year plan (11–19): 14 → 十四五."""
    return f"十{CN_DIGITS[ordinal - 11]}五"


# ---------------------------------------------------------------- parts that look back or ahead
# Two pairs, each tuned where it is used; merging them would change which periods a report or a
# passage is about, so it waits for a re-measure on both question sets.

#: A top-level part heading that reviews (metadata: the periods a report reviews, `qa.ingest`).
REVIEW_HEADING = re.compile(r"回顾|总结|成绩|完成情况")
#: A top-level part heading that plans (metadata: the periods a report plans, `qa.ingest`).
AHEAD_HEADING = re.compile(r"安排|任务|打算|目标|计划|思路|重点|开局|展望|部署")
#: A part a passage is in that looks back (steering: the periods a passage speaks of, `qa.steering`).
REVIEW_PART = re.compile(r"回顾|过去|完成情况|总结")
#: A part heading naming what was achieved (「一、上半年主要工作成效」).
ACHIEVED_PART = re.compile(r"成效")


def names_achievements(heading: str, ahead: re.Pattern[str]) -> bool:
    """Whether a part heading reviews by naming what was achieved before anything it plans: 「一、上半年主要
    工作成效｜重点项目建设」 reviews the projects, 「三、2026年主要任务：推动发展取得新成效」 plans."""
    achieved, planned = ACHIEVED_PART.search(heading), ahead.search(heading)
    return achieved is not None and (planned is None or achieved.start() < planned.start())
#: A part a passage is in that looks ahead (steering, `qa.steering`).
PLAN_PART = re.compile(r"安排|任务|目标|计划|打算|思路|要求|展望|开局|建议|说明")

#: The mark a slide or a list sets before each item (「● 签约招商项目7个」「▶ 茶产业链条偏短」): each item is a
#: The number a note's own text may open with, before the term it defines (「①社区嵌入式服务设施：指…」「1.时间银行：…」
#: 「[2]链长制：…」): what OCR keeps of a page-foot note whose raised marker it lost in the text, and what a web
#: page's note list writes. Optional: a note's term is read after it (`qa.readers.layout`, `qa.ingest`).
NOTE_OWN_NUMBER = r"(?:[①-⑳]|\d{1,2}[.．、]|[\[［]\d{1,2}[\]］])?"

#: line of its own, ended or not.
BULLET = re.compile(r"^\s*[●•▶►■◆▪◇○☆★➤◎]")
#: A figure alone on a line with its unit (「1.52亿元」「92.3%」「312户1096人」): a slide's big-number callout,
#: over the caption that says what it counts.
FIGURE_ALONE = re.compile(r"^\s*[\d.,]+\s*(?:[%％‰]|[万亿千百]?[\u4e00-\u9fff]{1,3})(?:[\d.,]+\s*[万亿千百]?[\u4e00-\u9fff]{1,3})?\s*$")
