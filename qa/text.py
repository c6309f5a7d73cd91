"""Text normalization and BM25 tokenization, shared by index building and query time so that both
sides see the same tokens.

Normalization folds what users type differently from the reports: traditional characters (OpenCC),
full-width forms (NFKC) and case. It only ever touches *tokens*; chunk text stays verbatim.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache

import jieba
import opencc

from qa.patterns import short_town_name

jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at DEBUG to stderr by default

#: Function words, question words and report boilerplate that carry no topic. Dropped from BM25 tokens.
STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "是", "在", "有", "为", "对", "把", "将", "被", "以", "于", "其", "之", "等", "并", "也", "都", "就", "而", "从", "向", "到", "由", "这", "那", "哪", "个", "中", "上", "下", "里", "内", "外", "年", "月", "日", "所", "该", "此", "各", "每", "多", "少", "几", "吗", "呢", "啊", "吧", "么", "么样", "什么", "多少", "哪些", "哪个", "哪里", "怎么", "怎样", "如何", "为什么", "是否", "有没有", "有何", "具体", "分别", "一共", "总共", "共", "约", "大约", "方面", "主要", "情况", "哪几", "几个", "几家", "请问", "请", "问", "报告", "政府", "工作", "提到", "提出", "指", "指的是", "哪两", "哪三", "其中", "我们", "全镇", "镇",
     # question words: they ask, they do not describe what is asked about
     "哪家", "哪所", "哪项", "哪位", "哪条", "哪种", "哪座", "哪一", "第几", "各是", "什么样", "是不是", "能否",
     # English function and question words (English questions go through the same tokenizer)
     "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "is", "are", "was", "were", "be",
     "does", "do", "did", "how", "many", "much", "what", "which", "who", "when", "where", "why", "its",
     "it", "this", "that", "with", "by", "as", "from", "s"]
)

#: Part of the index's identity: changing the tokenizer (stopwords, normalization) means rebuilding BM25.
TOKENIZER_VERSION = "tok-2"

_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_LATIN = re.compile(r"[a-z][a-z0-9+\-]*")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def chinese_count(text: str) -> int:
    """How many CJK ideographs `text` holds: how much of it is Chinese prose, as readers and cleaning weigh it."""
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def fold_width(text: str) -> str:
    """NFKC: full-width letters/digits/punctuation → ASCII, ideographic space → space; lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """`text` in traditional script: how a report written so spells a name a question gives in simplified."""
    return _s2t().convert(text)


def normalize_for_matching(text: str) -> str:
    """The form tokens are made from (simplified, width-folded, lower case): text normalized so that it
    can be searched for tokens directly."""
    return fold_width(to_simplified(text))


def looks_traditional(text: str) -> bool:
    """True when OpenCC changes enough characters that the text is written in traditional script.

    A single changed character is not enough: simplified text legitimately keeps some characters
    that t2s maps (e.g. the place name 乾溪 becomes 干溪)."""
    simplified = to_simplified(text)
    changed = sum(1 for a, b in zip(text, simplified, strict=False) if a != b)
    return changed >= 2


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """The text with lone surrogates (from JSON of an API client, or undecodable command-line bytes)
    replaced by U+FFFD: they cannot be encoded, so the tokenizers and OpenCC would raise on them."""
    return _SURROGATE.sub("\ufffd", text)


#: Latin abbreviations a Chinese question uses for what the reports write out in Chinese (「GDP」: a
#: town's or district's report says 地区生产总值): the words it is read as, and the core of them that a
#: passage speaking of it holds (a national report says 国内生产总值). Read as the reports' words, else
#: they match no token of any passage. An English question keeps them: its dictionary
#: (`qa.crosslingual`) translates them with its other words, these among them.
CHINESE_FOR_ABBREVIATION = {"gdp": ("地区生产总值", "生产总值"), "cpi": ("居民消费价格", "消费价格")}
_ABBREVIATION = re.compile(rf"(?<![a-z])({'|'.join(CHINESE_FOR_ABBREVIATION)})(?![a-z])", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _written_in_chinese(text: str) -> bool:
    return len(_CJK.findall(text)) > sum(ch.isascii() and ch.isalpha() for ch in text)


def abbreviations(question: str) -> tuple[tuple[str, str], ...]:
    """(as the question writes it, the core words a passage on it holds) for each Latin abbreviation a
    question uses, in Chinese (`normalize_question` reads it as the reports' words) or in English (its
    dictionary does)."""
    text = unicodedata.normalize("NFKC", question)
    return tuple((m.group(1), CHINESE_FOR_ABBREVIATION[m.group(1).lower()][1]) for m in _ABBREVIATION.finditer(text))


def normalize_question(question: str) -> str:
    """What the embedder and the query parser read: width-folded, simplified when traditional, with the
    Latin abbreviations of a question written in Chinese in the reports' words."""
    text = unicodedata.normalize("NFKC", question).strip()
    text = re.sub(r"\s+", " ", text)
    text = to_simplified(text) if looks_traditional(text) else text
    if _written_in_chinese(text):
        text = _ABBREVIATION.sub(lambda m: CHINESE_FOR_ABBREVIATION[m.group(1).lower()][0], text)
    return text


#: A question's reference to the document itself (「…的政府工作报告里提到」「报告中」) says where to look,
#: which the town and year steering already use, not what to look for; it is left out of the text that is
#: matched against passages, where it would pull towards the report's title page.
_META_REFERENCE = re.compile(r"(?:的)?(?:政府)?工作报告(?:里|中|上)?(?:提到|提出|说|指出|写)?(?:的)?|报告(?:里|中)(?:提到|提出|说)?(?:的)?")


def strip_meta_reference(text: str) -> str:
    """The question without its reference to the report itself; unchanged if nothing is left."""
    stripped = _META_REFERENCE.sub("", text).strip(" ，,")
    return stripped if len(stripped) >= 4 else text


class BM25Tokenizer:
    """jieba (search mode) over normalized text, with a user dictionary mined from the corpus.

    Owns a private `jieba.Tokenizer` so user words never leak into the global jieba state, and
    initializes it under a lock so concurrent first queries are safe.
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._user_words = sorted({w for w in user_words if w})
        self._ready = False
        self._lock = threading.Lock()

    @property
    def user_words(self) -> list[str]:
        return list(self._user_words)

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            self._jieba.initialize()
            for word in self._user_words:
                self._jieba.add_word(fold_width(to_simplified(word)), freq=2000)
            self._ready = True

    def tokenize(self, text: str) -> list[str]:
        self._ensure_ready()
        normalized = normalize_for_matching(text)
        tokens: list[str] = []
        for token in self._jieba.cut_for_search(normalized):
            token = token.strip()
            if not token or token in STOPWORDS or _PUNCT_ONLY.match(token):
                continue
            tokens.append(token)
        return tokens


_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,16})[”\"」』]")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:路|街|村|园|苑|站|河|浦|港|公园|中心|小区|基地|广场)")


def mine_user_words(texts: Iterable[str], headings: Iterable[str], names: Iterable[str] = ()) -> list[str]:
    """Words jieba would otherwise split: quoted program names (“一地两区”), short headings
    (lead sentences such as 「招商引资交出新答卷」 minus punctuation), place names seen at least
    twice (「南泗塘河」, 「乾康苑」) and the given names (the reports' towns, so that 「2022年庙行镇」
    is not cut into 「年庙」「行镇」)."""
    words: set[str] = set()
    for name in names:
        words.add(name)
        short = short_town_name(name)
        if len(short) >= 2:
            words.add(short)
    place_counts: Counter[str] = Counter()
    for text in texts:
        words.update(match.strip() for match in _QUOTED.findall(text))
        place_counts.update(_PLACE.findall(text))
    words.update(place for place, count in place_counts.items() if count >= 2)
    for heading in headings:
        core = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*", "", heading).strip("。；，：: ")
        if 2 <= len(core) <= 12 and not re.search(r"[，、；：]", core):
            words.add(core)
    return sorted(w for w in words if not _NUMBER.fullmatch(w) and not _LATIN.fullmatch(w))
