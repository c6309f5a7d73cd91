"""Question → its reading: the towns, periods and language it names and the text to match, read once.

The reading travels with the question: `qa.search` steers and matches with it, `qa.answer` decides
abstention and footnote answers with it, and nothing parses the question again.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache, cached_property

from pypinyin import Style, pinyin

from qa.crosslingual import transliterated_tokens
from qa.patterns import (
    FIVE_YEAR_PLAN,
    FIVE_YEAR_PLAN_EN,
    HALF_YEAR,
    HALF_YEAR_EN,
    PLACE_NAME,
    PLACE_NAME_EN,
    PLACE_WORDS_EN,
    YEAR,
    YEAR_DIGITS,
    five_year_plan_name,
    short_town_name,
)
from qa.text import normalize_question, strip_meta_reference, to_traditional

#: Words of a question asking about plans, unless it also looks back (then it asks about results).
_PLAN_WORDS = re.compile(r"计划|打算|将要|准备|目标|预期|力争|安排|今后|明年|下半年|规划|\bplan(?:s|ned|ning)?\b|\btargets?\b|\bwill\b|\bwould\b|\bset out to\b|\baim(?:s|ed)? (?:to|at|for)\b|\bexpect(?:s|ed)? to\b|\bintend(?:s|ed)? to\b", re.I)
_FIVE_YEAR_PLAN_WORDS = re.compile(r"five[- ]year\s+plans?", re.I)
_REVIEW_WORDS = re.compile(r"完成了|引进了|实现了|取得|去年|回顾|过去|已经|成效")
#: Words of a question asking what was achieved (a past 了, 实际, "did"), unless it asks about plans.
_RESULT_WORDS = re.compile(r"(?<!为)了(?!解)|实际|最终|最后|截至|一共|共计|\b(?:did|was|were|had)\b", re.I)
#: A year named as the date a report was given (「2023年1月的政府工作报告里」「2023年1月在…人代会上作的报告」):
#: which report to read, not a period the question compares; groups: the year's digits, the month's.
_REPORT_DATE = re.compile(rf"({YEAR_DIGITS})\s*年\s*(\d{{1,2}})\s*月[^，,。？?；;]{{0,24}}?报告")
#: A question about the report itself — who gave it, on which day, at which meeting — which the report's
#: opening lines (its dateline and speaker) answer, not its body: 「…政府工作报告是谁作的」「作政府工作报告的
#: 镇长是谁」「…报告是在哪天的人代会上作的」, "When did … deliver the government work report". A question word and a
#: verb of delivering (作, 做, 宣读, 发表) next to 「报告」 within one clause, so that 「报告里，…什么时候交付使用」,
#: a question on what a report says, is not one. The three groups say what is asked.
_ASKS = r"(?:(谁|哪位)|(哪天|哪一天|什么时候|何时|几月几[日号]|哪年哪个?月|哪个月|几月)|(哪次|哪一次|什么会|哪个会|哪届))"
_GIVES = r"(?:作|做|宣读|发表)"
#: What is given: a report, or a speech (「讲话」: a half-year review given at a working meeting, not a congress),
#: or a report to the level above (「工作汇报」).
_DELIVERED = r"(?:报告|讲话|汇报)"
_ABOUT_REPORT = (
    # 报告是谁作的 / 是哪天在人代会上作的: the verb ends the question (「报告里…几月做完」 asks of a project)
    re.compile(rf"{_DELIVERED}[^，,。？?；;]{{0,12}}?{_ASKS}[^，,。？?；;]{{0,10}}?{_GIVES}[的了]?(?:[？?。]|$)"),
    re.compile(rf"{_GIVES}[^，,。？?；;]{{0,8}}{_DELIVERED}的?[^，,。？?；;]{{0,6}}?(?:是)?{_ASKS}"),  # 作政府工作报告的镇长是谁
    # 谁作的大场镇2026年政府工作报告, 是谁代表街道办事处作的讲话, 谁在竹岙村村民代表会议上作的这份报告
    re.compile(rf"{_ASKS}[^，,。？?；;]{{0,10}}?{_GIVES}[^，,。？?；;]{{0,16}}{_DELIVERED}"),
    re.compile(rf"{_ASKS}在[^，,。？?；;]{{2,24}}?(?:会议|大会|会)上{_GIVES}[^，,。？?；;]{{0,16}}{_DELIVERED}"),
)
_ABOUT_REPORT_EN = re.compile(
    r"\b(?:(who)|(when|what date|which day)|(which|what) (?:meeting|session|congress))\b"
    r"[^?]{0,80}\b(?:deliver|present|gave|give|given|made|read)\w*\b", re.I
)
#: What `report_question` returns for each group of `_ASKS` / `_ABOUT_REPORT_EN`.
REPORT_FACTS = ("speaker", "date", "meeting")
#: A year named relative to the day the question is asked: 「今年」「去年」「前年」「明年」「后年」, "this/last/next year" (group
#: 1 or 2: the word). Not a baseline it is compared with (「比去年」「同比去年」「去年同期」, "than last year"):
#: that year is the one before the period asked, not a period asked.
_RELATIVE_YEAR = re.compile(
    r"(?<![比较与和])(?<!同比|相比|对比)(今年|本年|去年|前年|明年|后年)(?!同期)"
    r"|(?<!than )(?<!over )(?<!from )(?<!with )\b(this|last|next) year\b(?! ?-on-)",
    re.I,
)
_YEARS_FROM_NOW = {"今年": 0, "本年": 0, "this": 0, "去年": -1, "前年": -2, "last": -1, "明年": 1, "后年": 2, "next": 1}
#: Words of a question asking for a whole year rather than part of it.
_WHOLE_YEAR = re.compile(r"全年|一整年|整年|\b(?:whole|full|entire) year\b|\bwhole of\b", re.I)
#: Capitalized words before "Town" that name no place ("Which Town built…", "Each Town").
_NOT_NAMES_EN = frozenset({
    "Which", "What", "Whose", "Each", "Every", "Any", "Another", "The", "This", "That", "Our", "Your", "Their", "My",
    "One", "Same",
})
#: Places ending like a town that are not one (城区, 社区 …).
#: 「历史街区」 is a kind of area; 「辖区」 the area a government serves (「帮辖区科技型中小企业争取…」, round 46).
#: Not 山区 or 市区, which end real names (宝山区).
_NOT_PLACES = (
    "城区", "园区", "社区", "片区", "小区", "地区", "示范区", "样板区", "主城区", "建成区", "街区", "辖区", "校区", "厂区",
)
#: A question word inside a would-be place name means the question asks which place, not that it names
#: one: 「哪个服务区」「张家港哪个街道」, or runs into the place word from a count 「多少名返乡」; so does a word
#: pointing at a thing (「石门到上源那条乡道」: a road, not 「上源那条乡」).
_ASKING_WHICH = re.compile(r"哪|什么|么样|多少|几个|[这那][条个座家所片块项处]")
#: The longest name a place spoken of as 「X镇里」「X镇上」 has (「淞南镇里」 names 淞南镇).
_IN_TOWN_NAME_MAX = 3
#: Particles, prepositions, verbs and parts of a year no place name holds: 「几个村通过了区里的…」 names no
#: 「村通过了区」, 「综合体在镇上…」 no 「综合体在镇」, 「今年上半年街道帮…」 no 「年上半年街道」, 「去年5月份镇上…」
#: no 「月份镇」.
_NOT_IN_A_NAME = re.compile(r"[了的是把被在]|通过|[上下]半年|季度|月份")
#: A word pointing at the questioner's own place, just before the place word: 「税收占整个街道税收的比重」 names the
#: subdistrict asked about, not a 「收占整个街道」 the reports do not cover.
_WHOLE_OF = re.compile(r"(?:整个|这个|我们|所在|所属)$")
#: A preposition just before the place word points at the questioner's own place too: 「老百姓对乡便民服务中心
#: 满意吗」 is about the township's centre, not a 「百姓对乡」 (no place name ends in one of these).
_PREPOSITION_BEFORE = re.compile(r"[对向给从跟往]$")
#: Time and pointing words a would-be place name may open with: 「去年镇里」「今年全镇」 name no 「去年镇」 (nor
#: 「“十四五”期间县城」 a 「期间县」), and
#: 「去年罗店镇」 names 罗店镇. What is left after them is the name, two characters at least. 「全县」「本镇」
#: are the questioner's own place, and 「县里」「镇上」 "in the county", "in town": the word after them
#: (「全县城镇居民」「镇上城镇生活污水」) starts no name. An ordinal counts an event or a batch, whose name may
#: end as a place's does (「第三届桔乡丰收节」: no 「第三届桔乡」), and a grade ends in 级 (「国家3A级景区」: no
#: 「级景区」); a preposition opens none (「按照县财政预算草案」 names no 「按照县」).
_BEFORE_A_PLACE = re.compile(
    r"^(?:今年|本年|去年|前年|明年|后年|当年|全年|每年|近年|年底|年初|年末|现在|目前|期间|时期|以来|整个|[这那][个份]|[全本该各我]?[镇县区乡][上里]?|全|本|该|各|我"
    r"|第?[一二三四五六七八九十百\d]+[届次期批轮]|级|按照|依照|根据|对照|关于)+"
)
#: What the words before a would-be place name leave at its start: a date's unit after its figure (「2025年
#: 全镇」 names no 「年全镇」, 「2025年末全县」 no 「末全县」, 「2023年石城镇」 names 石城镇), and 「上」「里」 after a
#: place word (「现在镇上城镇…」 names no 「上城镇」).
_UNIT_AFTER_A_FIGURE = re.compile(r"^[年月日号][末底]?")
_IN_A_PLACE = re.compile(r"^[上里]")


@dataclass(frozen=True)
class QueryReading:
    """What the question says about where and when to look, and in which language it is written."""

    text: str  # the normalized question
    towns: tuple[str, ...] = ()  # indexed towns the question names (canonical names), in order of mention
    unknown_places: tuple[str, ...] = ()  # towns/streets named that no indexed report is about
    years: tuple[int, ...] = ()  # in order of mention
    halves: tuple[str, ...] = ()  # "H1", "H2"
    plans: tuple[str, ...] = ()  # "十四五", "十五五"
    wants_plan: bool = False
    #: years named only as the date a report was given (`_REPORT_DATE`): not a side of a comparison
    report_years: tuple[int, ...] = ()
    #: (year, month) of the report a question names by its date (「2023年1月的政府工作报告」)
    report_dates: tuple[tuple[int, int], ...] = ()
    wants_result: bool = False  # asks what was achieved (完成了, 实际, "did"), not what is planned
    whole_year: bool = False  # asks for a whole year (「全年」, "the full year"), not a part of it
    foreign: bool = False  # written mostly in Latin letters (English)
    #: the years named relative to the day it is asked (「今年」 → 2026), as (word, year), in `years` too
    relative_years: tuple[tuple[str, int], ...] = ()
    #: the Chinese words an English question spells in pinyin ("Hongguang" → 红光; `qa.crosslingual.transliterated_tokens`)
    names: tuple[str, ...] = ()
    #: what it asks of the report itself — "speaker", "date" or "meeting" (`report_question`) — or None
    about_report: str | None = None

    @cached_property
    def matched_text(self) -> str:
        """The text matched against passages: the question without its reference to the report itself."""
        return strip_meta_reference(self.text)

    @cached_property
    def anchored_text(self) -> str:
        """The text to embed (see `anchored_query`)."""
        return anchored_query(self)


def read_question(
    question: str,
    known_towns: list[str],
    corpus_text: str = "",
    this_year: int | None = None,
    pinyin_names: Callable[[], Mapping[str, tuple[str, ...]]] | None = None,
) -> QueryReading:
    """Towns, years, half-years and five-year plans named in the question, and its language. A place
    name that neither is an indexed town nor occurs anywhere in the indexed reports is `unknown` (the
    question is about somewhere the reports do not cover); in English, a "… Town" whose name is not the
    pinyin of an indexed town (the reports' text cannot be searched for a spelling). 「今年」「去年」「明年」
    are read against `this_year`, the year the question is asked in (`Settings.today`; None: not read).
    `pinyin_names` gives the index's words by their pinyin (`qa.crosslingual.pinyin_names`), asked for
    only when the question is in English."""
    text = normalize_question(question)
    mentioned: dict[str, int] = {}
    for town in known_towns:
        short = short_town_name(town)
        if len(short) >= 2 and short in text:
            mentioned[town] = text.index(short)
        elif town in text:
            mentioned[town] = text.index(town)
    towns = sorted(mentioned, key=mentioned.get)  # in order of mention: comparisons put the first side first
    spaced = re.sub(r"[^a-z]", "", text.lower())
    for town in known_towns:
        if town not in towns and any(spelling in spaced for spelling in town_spellings(town)):
            towns.append(town)
    unknown = []
    for match in PLACE_NAME.finditer(text):
        name = match.group(0)
        core = match.group(1)
        # the match starts where the sentence allows, so its first characters may not be the name's
        # (「公交从瀛湖景区」): a shorter tail the reports hold (「瀛湖景区」) is the place they speak of
        tails = [name[start:] for start in range(len(core) - 1)]
        # as the reports spell it, in simplified or in traditional script (「开发区」, 「開發區」)
        spelt = [*tails, *(to_traditional(tail) for tail in tails)]
        known = any(core in t or t.startswith(core) for t in known_towns) or any(tail in corpus_text for tail in spelt)
        before = text[match.start() - 1] if match.start() else ""
        left = _UNIT_AFTER_A_FIGURE if before.isdigit() else _IN_A_PLACE if before and before in "镇县区乡" else None
        if left is not None and (cut := left.match(core)):
            name, core = name[cut.end() :], core[cut.end() :]
        lead = _BEFORE_A_PLACE.match(core)
        name, core = (name[lead.end():], core[lead.end():]) if lead else (name, core)
        wording = _NOT_IN_A_NAME.search(core) or _WHOLE_OF.search(core) or _PREPOSITION_BEFORE.search(core)
        # 「镇上」「镇里」 is "in town", the questioner's own: after more than a name's three characters
        # (「…民生实事镇里准备投多少钱」) it names no place
        in_town = text[match.end() : match.end() + 1] in ("上", "里") and len(core) > _IN_TOWN_NAME_MAX
        if len(core) >= 2 and not wording and not in_town and not known and not name.endswith(_NOT_PLACES) and not _ASKING_WHICH.search(name):
            unknown.append(name)
    for match in PLACE_NAME_EN.finditer(text):  # "Luodian Town": not the pinyin of an indexed town
        name = match.group(1)
        letters = re.sub(r"[^a-z]", "", name.lower())
        # nor of a place the reports name, with its suffix as the question gives it ("Huaichuan County" is
        # 槐川县, a county of the city whose report is indexed; "Gucun Town" is not the park 顾村公园)
        spelt = pinyin_names is not None and letters + PLACE_WORDS_EN[match.group(2)] in pinyin_names()
        if name.split()[0] not in _NOT_NAMES_EN and not spelt and not any(letters in town_spellings(t) for t in known_towns):
            unknown.append(match.group(0))
    mentions = [int(y) for y in YEAR.findall(text)]
    relative: dict[tuple[str, int], None] = {}
    if this_year is not None:
        for chinese, english in _RELATIVE_YEAR.findall(text):
            word = chinese or f"{english} year"
            relative[(word, this_year + _YEARS_FROM_NOW[(chinese or english).lower()])] = None
    years = tuple(dict.fromkeys(mentions + [year for _, year in relative]))  # in order of mention
    named_dates = [(int(y), int(m)) for y, m in _REPORT_DATE.findall(text)]
    report_dates = tuple(dict.fromkeys(named_dates))
    dated = [year for year, _ in named_dates]
    report_years = tuple(y for y in dict.fromkeys(dated) if mentions.count(y) == dated.count(y))  # named only as a date
    halves = _halves(text)
    plans = set(FIVE_YEAR_PLAN.findall(text))
    plans |= {five_year_plan_name(10 + int(d)) for d in FIVE_YEAR_PLAN_EN.findall(text)}
    # "the 14th Five-Year Plan" names a period, not an intent
    wants_plan = bool(_PLAN_WORDS.search(_FIVE_YEAR_PLAN_WORDS.sub("", text))) and not _REVIEW_WORDS.search(text)
    return QueryReading(
        text=text,
        towns=tuple(towns),
        unknown_places=tuple(unknown),
        years=years,
        halves=halves,
        plans=tuple(sorted(plans)),
        wants_plan=wants_plan,
        report_years=report_years,
        report_dates=report_dates,
        wants_result=bool(_RESULT_WORDS.search(text)) and not wants_plan,
        whole_year=bool(_WHOLE_YEAR.search(text)),
        foreign=is_foreign(text),
        relative_years=tuple(relative),
        about_report=report_question(text),
        names=tuple(n for n in transliterated_tokens(text, pinyin_names()) if not any(n in t for t in towns))
        if pinyin_names is not None and is_foreign(text)
        else (),  # a town's name is steered, and anchored as the town
    )


def report_question(text: str) -> str | None:
    """What a question asks of the report itself (`REPORT_FACTS`: who gave it, on which day, at which
    meeting), or None when it asks what a report says (see `_ABOUT_REPORT`)."""
    patterns = _ABOUT_REPORT if re.search(_DELIVERED, text) else ()
    if re.search(r"\breports?\b", text, re.I):
        patterns = (*patterns, _ABOUT_REPORT_EN)
    for pattern in patterns:
        if found := pattern.search(text):
            return next(fact for fact, group in zip(REPORT_FACTS, found.groups(), strict=True) if group)
    return None


def is_foreign(text: str) -> bool:
    """A question written mostly in Latin letters (English)."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    return letters > len(text) / 3


def anchored_query(reading: QueryReading) -> str:
    """The text to embed. A question in English gets the Chinese names of the towns and periods it
    names appended, and the Chinese words of the names it spells in pinyin: a small multilingual model
    matches Chinese passages far better when the query carries a few words in their language, and these
    are exact, not guessed translations."""
    if not reading.foreign:
        return reading.matched_text
    anchors = [*reading.towns, *(f"{y}年" for y in reading.years)]
    anchors += ["上半年" if h == "H1" else "下半年" for h in reading.halves]
    anchors += [f"“{p}”规划" for p in reading.plans]
    anchors += list(reading.names)
    return f"{reading.text} {' '.join(anchors)}".strip()


def comparison_sides(reading: QueryReading) -> list[QueryReading]:
    """The sides of a comparison, in the order the question names them: two years, a year and a
    five-year plan (「2022年…到“十四五”期末…」), or two towns; [] when it compares nothing."""
    compared = [y for y in reading.years if y not in reading.report_years]
    if len(compared) == 2:
        return [replace(reading, years=(year,), halves=halves) for year, halves in _halves_by_year(reading, compared)]
    if len(reading.years) == 1 and len(reading.plans) == 1 and not reading.halves:
        year_side = replace(reading, plans=())
        plan_side = replace(reading, years=())
        year_first = reading.text.find(str(reading.years[0])) < reading.text.find(reading.plans[0])
        return [year_side, plan_side] if year_first else [plan_side, year_side]
    if len(reading.towns) == 2:
        return [replace(reading, towns=(t,)) for t in reading.towns]
    return []


def _halves(text: str) -> tuple[str, ...]:
    """The half-years a text names: "H1" for 上半年 / "first half", "H2" for 下半年 / "second half"."""
    halves = {"H1" if h == "上" else "H2" for h in HALF_YEAR.findall(text)}
    halves |= {"H1" if (word or "").lower() == "first" or number == "1" else "H2" for word, number in HALF_YEAR_EN.findall(text)}
    return tuple(sorted(halves))


def _halves_by_year(reading: QueryReading, years: list[int]) -> list[tuple[int, tuple[str, ...]]]:
    """Each of the two `years` a question compares, with the half-years named from its mention up to the
    other's: in 「2022年全年…2023年上半年…」 the first half is 2023's, and 2022 is asked whole. A half named
    before both years (「上半年，2022年和2023年…」) belongs to both."""
    starts = {}
    for match in YEAR.finditer(reading.text):
        starts.setdefault(int(match.group(1)), match.start())
    first, second = sorted(years, key=lambda y: starts.get(y, 0))
    cut = starts.get(second, len(reading.text))
    before = _halves(reading.text[: starts.get(first, 0)])
    own = {first: _halves(reading.text[starts.get(first, 0) : cut]), second: _halves(reading.text[cut:])}
    return [(year, tuple(sorted(set(before) | set(own[year])))) for year in years]


@cache
def town_spellings(town: str) -> frozenset[str]:
    """Pinyin spellings of a town's name without its suffix, for English questions ("Miaohang Town").
    Every reading of each character is tried (行 → xing/hang/heng), since place names often use the
    rarer one."""
    core = short_town_name(town)
    if len(core) < 2:  # one character's pinyin (「的市」 → "de") is in every other English word
        return frozenset()
    readings = pinyin(core, style=Style.NORMAL, heteronym=True)
    return frozenset("".join(combo) for combo in itertools.product(*readings))
