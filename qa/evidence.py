"""Does a passage say what the question asks? The subject a question asks about, how much of it a
sentence covers, and the features the answer decision reads.

Retrieval finds passages on the question's topic; whether the asked fact is there is a second
question. A near miss (「庙行镇今年打算新建几个口袋公园？」 against a passage on pocket parks that gives no
count) has a passage on the subject but no sentence holding both the subject and a span of the asked
kind. So each candidate sentence is scored by
- its similarity to the question (the embedder, as before),
- its coverage of the question's subject: the share, weighted by rarity in the corpus (BM25 idf), of
  the question's content words it contains (place, period, question and measure words set aside), and
- whether it holds a span of the kind of answer asked (`qa.answer_types`).
The decision (`qa.answer.decide`) is a logistic model over a few such features, fitted on labelled
questions (`bench/fit_answer.py`; data and coefficients committed).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from qa.answer_types import COUNT_UNITS, AnswerType, dated_by_period, enumerated_items, has_span, says_plan
from qa.text import normalize_for_matching

#: Words that say how a question asks, not what it asks about.
_FUNCTION_WORD_LIST = """多少 几 几个 什么 哪些 哪个 哪里 哪儿 哪位 哪家 哪几 哪几类 哪几个 哪一年 什么样 怎样 怎么 如何 是否 有没有 吗 呢 吧
    请问 到底 究竟 一共 总共 共 大概 大约 左右 具体 具体地 分别 分别是 都 有 是 的 了 在 把 被 给 让 和 与 及 或 为 对 从 到 于 以
    上半 半年 下半 其中 这个 那个 这些 那些 那 这 该 其 各 每 全 全年 今年 去年 前年 明年 后年 当年 上半年 下半年 年 月 日 镇 街道 政府 工作 报告
    镇里 镇上 镇内 区里 县里 村里 街道里 乡里 乡上 那边 这边 那里 这里 那块 这块 为了 干什么 干啥 干嘛 做什么 平时 平常
    政府工作报告 提到 提出 说 讲 称 指 指的是 是指 意思 含义 情况 方面 时候 时间 地方 地址 位置 名称 名字 叫 叫做 东西 设在 位于 坐落
    达到 达 完成 实现 增长 增加 新增 下降 同比 比 比上年 比去年 比前年 上年 同期 百分比 比例 比重 占比 钱 元 万元 亿元
    准备 打算 计划 将 要 会 能 可以 已经 还 又 也 再 新 共计 累计 目前 现在 截至 底 年底 出来 下面 底下
    what which who where when how many much the a an of in on for to is are was were did does do that this town"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())
#: Tokens that begin with a question word ask how, not what (「哪些地方」「多少钱」「什么样」).
_QUESTION_PREFIXES = ("哪", "什么", "多少", "几", "怎么", "如何")
_UNIT_TOKEN = re.compile(rf"^[{COUNT_UNITS}]$")
#: A demonstrative or a numeral with its measure word points at the subject or counts it, it does not name it
#: (「那场强降雨」「这座桥」「三大主导产业是哪三个」); a phase (「一期」「二期」) is a name.
_DEMONSTRATIVE_OR_NUMERAL = re.compile(rf"^(?:[这那该此]|[一二两三四五六七八九十]+)[{COUNT_UNITS.replace('期', '').replace('届', '')}场]$")
_YEARISH = re.compile(r"^(?:19|20)?\d{2,4}年?$|^\d+$|^[上下]半年$|^十[一二三四五六七八九]五$")


def _of_function_words(token: str) -> bool:
    """Whether a token is two function words run together (「具体地址」「具体位置」): it says how the question
    asks, as each of them does."""
    return any(token[:i] in _FUNCTION_WORDS and token[i:] in _FUNCTION_WORDS for i in range(2, len(token) - 1))


#: How much a term not found whole counts at most (when all its characters are found apart).
PART_CREDIT = 0.8

#: A number that names one of a numbered set: a grade, a phase, a line, an edition (「三星级」「二期」「3号线」
#: 「第五届」), not a slogan's count (「三站一场」, whose 站 a sentence naming the stations holds).
_NUMBERED = re.compile(r"[\d一二三四五六七八九十两]+(?:星|期|号|届|批|级|A)")


def _found(term: str, text: str) -> float:
    """1 for a term found whole; else `PART_CREDIT` × the share of its characters found. Chinese
    paraphrase keeps characters (捐血 → 献血, 房租 → 租金, 着火 → 火灾), and a colloquial question's
    words, cut by jieba where the reports have none, still meet the report's words. A term naming one of a
    numbered set (`_NUMBERED`) gets no part credit: 「三星级」 is not found in 「五星级渔家乐6家」."""
    if term in text:
        return 1.0
    if _NUMBERED.search(term):  # a numbered thing is not another number's: no part credit
        return 0.0
    return PART_CREDIT * sum(character in text for character in term) / len(term)


@dataclass(frozen=True)
class Subject:
    """The content words of a question with their weights (idf), and their total. `synonyms` gives a
    term the other words that say it: an English question's word translates to several Chinese ones
    ("project" → 项目 工程), and a passage with any of them has the word."""

    terms: dict[str, float]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The subject in a few words: its two weightiest terms that do not overlap, in question order."""
        chosen: list[str] = []
        for term in sorted(self.terms, key=lambda t: -self.terms[t] * len(t)):
            if not any(term in c or c in term for c in chosen):
                chosen.append(term)
            if len(chosen) == 2:
                break
        return "".join(t for t in self.terms if t in chosen)

    @property
    def total(self) -> float:
        return sum(self.terms.values())

    def coverage(self, normalized_text: str) -> float:
        """Weighted share of the subject's terms found in a text normalized with
        `normalize_for_matching` (1.0 when the question has no content words). A term not found whole
        counts in part for the characters of it found (see `_found`)."""
        total = self.total
        if total <= 0:
            return 1.0
        return sum(w * max(_found(word, normalized_text) for word in (t, *self.synonyms.get(t, ()))) for t, w in self.terms.items()) / total


def subject_of(
    query_tokens: Iterable[str],
    places: Iterable[str],
    idf: Callable[[str], float],
    question: str = "",
    kind_words: re.Pattern[str] | None = None,
    translations: Iterable[tuple[str, ...]] = (),
) -> Subject:
    """The question's content words: its BM25 tokens less function words, measure words, years and
    periods, and the names of the places it names (those steer retrieval; they are not the subject),
    whole or in pieces: a place name the tokenizer cuts across its suffix (「张庙街道」 → 「张庙街」「道」)
    leaves a piece that is no word of the question's once the place is taken out of `question`. Less,
    too, the words in which `question` names the kind of answer it asks (`kind_words`: 「占地有多大」 asks
    an area, which 「面积18公顷」 gives): a token of the question that is no word of it once they are
    taken out. The words of `translations` that translate one English word (`qa.crosslingual.translations`)
    are one term, weighed as the rarest of them (`synonyms_joined`)."""
    query_tokens, places = list(query_tokens), list(places)
    place_parts = set()
    for place in places:
        place_parts.add(normalize_for_matching(place))
        short = re.sub(r"(镇|街道|乡|区)$", "", place)
        place_parts.add(normalize_for_matching(short))
    rest = normalize_for_matching(question)
    for part in sorted(place_parts, key=len, reverse=True):
        rest = rest.replace(part, " ") if part else rest
    if question:
        place_parts |= {t for t in query_tokens if len(t) >= 2 and t not in rest and any(t in part for part in place_parts)}
    unnamed = kind_words.sub(" ", rest) if question and kind_words is not None else rest
    kind_parts = {t for t in query_tokens if t in rest and t not in unnamed}
    terms: dict[str, float] = {}
    for token in query_tokens:
        if (
            token in _FUNCTION_WORDS
            or token.startswith(_QUESTION_PREFIXES)
            or _UNIT_TOKEN.match(token)
            or _DEMONSTRATIVE_OR_NUMERAL.match(token)
            or _YEARISH.match(token)
            or token in place_parts
            or token in kind_parts
            or _of_function_words(token)
            or (len(token) < 2 and not token.isalnum())
        ):
            continue
        if len(token) == 1 and "\u4e00" <= token <= "\u9fff":
            continue  # single characters are parts of the words jieba also returns
        terms[token] = max(idf(token), 0.1)
    if any(not t.isascii() for t in terms):  # an English question: its Chinese tokens (translations)
        terms = {t: w for t, w in terms.items() if not t.isascii()}
    # jieba's search mode also returns the parts of a long word (空气质量 → 空气, 气质, 质量): keep the
    # longest words only, so that a part shared with an unrelated word does not count as the subject
    return synonyms_joined({t: w for t, w in terms.items() if not any(t != u and t in u for u in terms)}, translations)


def synonyms_joined(terms: dict[str, float], translations: Iterable[tuple[str, ...]]) -> Subject:
    """The `Subject` of `terms` in which the terms that translate one English word are one: the rarest of
    them not already standing for another word's stands for the rest, its `synonyms` ("focus" 聚焦 for 集中
    中心, "central" 中央 for 中心: a passage with 中心 has both words). Without this, each of a word's several
    translations counted as a part of the subject, and a sentence with one of them lacked the rest."""
    leads: dict[str, tuple[str, ...]] = {}
    stood_for: set[str] = set()
    for translation in translations:
        words = sorted({t for t in translation if t in terms}, key=lambda t: (-terms[t], t))
        lead = next((t for t in words if t not in leads), None)
        if lead is None or len(words) < 2:
            continue
        leads[lead] = tuple(t for t in words if t != lead)
        stood_for.update(leads[lead])
    kept = {t: w for t, w in terms.items() if t in leads or t not in stood_for}
    return Subject(kept, leads)


def bm25_idf(document_frequency: int, documents: int) -> float:
    """The BM25 (Lucene) idf of a term in `document_frequency` of `documents` passages; a term the
    corpus never uses weighs as much as the rarest."""
    df = max(document_frequency, 1) if document_frequency else 1
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Candidate:
    """A sentence (or footnote) of a retrieved passage that might answer."""

    hit: int  # position in the hits
    text: str
    similarity: float  # embedding similarity to the question
    coverage: float  # share of the subject in the sentence
    typed: bool  # holds a span of the asked kind
    footnote: int | None = None
    #: the period its passage looks back on, when that, not a date in the sentence, answers the
    #: question's "when" (`qa.answer_types.dated_by_period`): the reply says it
    dated_by: str | None = None
    period_match: float = 0.0  # its passage's match with the period the question names (`Hit.period_match`)
    #: the similarity to the question of its closest clause holding a span of the asked kind (of its closest
    #: clause, when it holds none: `qa.answer.clause_matches`); None when not measured
    clause_similarity: float | None = None


#: The whole a share is of: 「占区域税收的」「占规上工业总产值的」「占一般公共预算支出比重」 (not 占地).
_WHOLE_OF_A_SHARE = re.compile(r"占(?!地)[^，,。；;%％\d]{1,24}?(?:的|比重|比例)")


def candidate(
    hit: int,
    text: str,
    similarity: float,
    subject: Subject,
    answer: AnswerType,
    footnote: int | None = None,
    passage: str = "",
    period: str | None = None,
    period_match: float = 0.0,
    other_town: bool = False,
    member: str | None = None,
    planned_later: bool = False,
    other_period: bool = False,
) -> Candidate:
    """A sentence scored for the answer decision. A footnote is a definition by nature: it answers a
    question about a term's meaning or members as a span of that kind (a list of N members only if it
    names as many, as a sentence must), and it is about what its passage is about (its coverage is
    read over the passage and the footnote together). `period` is the one its passage looks back on
    (`qa.steering.reviewed_period`): it dates the sentence's events for a "when" question;
    `period_match` is how well that passage's period matches the one the question names. A sentence of
    a report of `other_town` than the question names holds no answer to it, whatever its figures; nor does
    a passage that never names the `member` of a set the question asks about (`qa.answer_types.asked_member`):
    「全年接待游客1186万人次」 is the county's, not 云台山景区's; nor a sentence of a plan for years after those a
    question on what was done asks (`planned_later`, `qa.steering.plans_after`), nor one of `other_period`: a
    report's passage on its own year, when another report's passage speaks of the year the question names."""
    explains = footnote is not None and (
        answer.kind == "definition" or (answer.kind == "list" and (answer.items is None or enumerated_items(text) >= answer.items))
    )
    spanned = has_span(text, answer) and says_plan(text, answer, period)
    dated = footnote is None and not spanned and dated_by_period(answer, period, f"{passage}\n{text}", text)
    dated_by = period if dated else None
    elsewhere = other_town or planned_later or other_period
    typed = (explains or dated or spanned) and not elsewhere and (not member or member in f"{passage}\n{text}")
    context = f"{passage}\n{text}" if footnote is not None else text
    if answer.kind in ("count", "money", "area") or (answer.kind == "rate" and answer.change):
        # the whole a share is of (「占区域税收的70.2%」) is not what the sentence's figures count
        context = _WHOLE_OF_A_SHARE.sub("", context)
    coverage = subject.coverage(normalize_for_matching(context))
    return Candidate(hit, text, similarity, coverage, typed, footnote, dated_by, period_match)


#: How much a sentence's passage matching the period asked weighs (`sentence_score`).
PERIOD_WEIGHT = 0.2
#: How much a sentence's closest clause weighs in its similarity (`sentence_score`).
CLAUSE_WEIGHT = 0.25


def sentence_score(c: Candidate, answer: AnswerType) -> float:
    """How well a sentence answers: similarity, plus its coverage of the subject, plus a span of the
    asked kind. The two weights are the best on the answerable report and news questions (a grid, the
    held-out lines left out): of the questions whose evidence is in a candidate, it leads for 0.86 of the
    report ones and 0.80 of the news ones, against 0.85 and 0.76 with the 0.08 / 0.10 chosen on reports.

    Plus its passage's match with the period the question names: 「2022年…发了多少补助款」 is answered by the
    review of 2022, not by the same figure's sentence in a review of 2025 or in the plan for 2023, however
    close in wording. On the report questions it was chosen on (the held-out lines left out) the right
    sentence led 4 more times of 259, and on sets never fitted on 4 more of 165; none led less often.
    Every weight from 0.08 to 0.5 chose the same sentences: 0.2 lies inside that range.

    The similarity is the sentence's blended with its closest clause holding a span of the asked kind
    (`Candidate.clause_similarity`): 「三大主导产业实现产值443.4亿元，占规上工业总产值的72.4%，其中新材料产业产值
    238.6亿元，增长12.3%」 is closer to 「规上工业产值涨了多少」 than 「完成规上工业总产值612.4亿元，增长9.6%」, but its
    rates are in clauses about the three industries and about new materials. Of the
    answerable questions answered, the right sentence led 9 more times of 946 on the blind reports of
    earlier rounds and 6 more of 559 on the sets (weights 0.15 to 0.35 all gained on both), and on the two
    latest rounds and the news questions, never used to choose it, 2 fewer of 129 and 2 more of 319."""
    typed_bonus = 0.04 if c.typed and answer.kind != "general" else 0.0
    similarity = c.similarity if c.clause_similarity is None else (1 - CLAUSE_WEIGHT) * c.similarity + CLAUSE_WEIGHT * c.clause_similarity
    return similarity + 0.12 * c.coverage + typed_bonus + PERIOD_WEIGHT * c.period_match
