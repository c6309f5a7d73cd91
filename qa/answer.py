"""Hits → an extractive answer with citations, or an honest abstention.

The answer is never generated: it is the highlighted sentences of the best hits, verbatim, each
followed by its citation marker [n] (n = the hit's position in `Answer.hits`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from qa.answer_types import AREA_WORDS, PROJECT_STAGES, AnswerType, asked_member, expected_answer, has_span
from qa.evidence import Candidate, Subject, candidate, sentence_score, subject_of
from qa.highlight import answer_sentences, clauses
from qa.ingest import role_and_name_joined
from qa.query import QueryReading, comparison_sides, is_foreign, town_spellings
from qa.search import Hit, Retriever, get_retriever
from qa.sections import ADDRESS
from qa.steering import is_opening, plans_after, reviewed_period
from qa.text import abbreviations, normalize_for_matching, replace_surrogates

NOT_COVERED = "报告中没有找到能回答这个问题的内容。"
#: When the best passages hold not one character of what the question asks about (a word in Latin letters
#: they never use), or not the term an abbreviation stands for (「GDP」, 生产总值), whatever they say is about
#: something else. No labelled question has such passages, so the answer model, fitted where the subject is
#: at least partly found, has nothing to say about them: the reports do not speak of it.
ABSENT_SUBJECT = "最相关的报告段落里没有提到{}，找不到能回答这个问题的内容。"

#: The fitted answer decision (`bench/fit_answer.py` writes it).
MODEL_FILE = Path(__file__).with_name("answer_model.json")
#: How many of the best passages the answer decision reads (`question_features`; the model is fitted so).
EVIDENCE_PASSAGES = 3
#: How many of the best passages the answering sentence may come from. One more than the decision reads:
#: a fourth passage of the same report sometimes holds the sentence (「…除颤仪…」), and the passage it comes
#: from is then cited first (`answering_first`). Five moved answers both ways (README).
ANSWER_PASSAGES = 4
#: A second passage joins the answer when its score is this close to the first's.
SECOND_HIT_RATIO = 0.92
#: The kinds of text the answer decision tells apart (`text_kind`): a work report, or anything else.
REPORT, OTHER_TEXT = "report", "other_text"
#: The three outcomes of a question (`Answer.status`).
ANSWERED, PARTIAL, NOT_COVERED_STATUS = "answered", "partial", "not_covered"


@dataclass(frozen=True)
class Answer:
    question: str
    answerable: bool  # True only when `status` is "answered"
    answer: str  # verbatim sentences with [n] citations, or what the reports do not say
    hits: tuple[Hit, ...]
    confidence: float  # the evidence score of the best sentence (see `evidence_score`)
    #: "answered"; "partial" — the reports speak of the subject but do not give the asked detail (the
    #: reply cites what they do say); "not_covered" — nothing in the reports answers.
    status: str = ""  # "" → "answered" or "not_covered", following `answerable`
    missing: str | None = None  # what was asked and not found (partial / not_covered)
    answer_type: str = "general"  # the kind of answer the question asks for (`qa.answer_types`)

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", ANSWERED if self.answerable else NOT_COVERED_STATUS)
        if self.status not in (ANSWERED, PARTIAL, NOT_COVERED_STATUS) or self.answerable != (self.status == ANSWERED):
            raise ValueError(f"Answer.status {self.status!r} does not agree with answerable={self.answerable}")


@dataclass(frozen=True)
class Evidence:
    """A sentence of a retrieved passage (or one of its footnotes) scored against the question."""

    hit: int  # position in the hits
    text: str
    similarity: float
    footnote: int | None = None  # the footnote's number when the sentence is a footnote


def candidate_sentences(hits: list[Hit]) -> list[tuple[int, str, int | None]]:
    """(hit position, sentence, footnote number) for the top passages (`answer_sentences` of each)."""
    return [
        (position, text, footnote)
        for position, hit in enumerate(hits[:ANSWER_PASSAGES])
        for text, footnote in answer_sentences(hit.text, hit.footnotes)
    ]


def score_sentences(retriever: Retriever, hits: list[Hit], query_vector: np.ndarray) -> list[Evidence]:
    """The candidate sentences of the top passages, best match first."""
    candidates = candidate_sentences(hits)
    if not candidates:
        return []
    similarities = retriever.sentence_similarities(query_vector, [text for _, text, _ in candidates])
    scored = [
        Evidence(position, text, float(similarity), footnote)
        for (position, text, footnote), similarity in zip(candidates, similarities, strict=True)
    ]
    return sorted(scored, key=lambda e: -e.similarity)


#: An item of a list set out one per line: 「1.」「2、」「（3）」「④」, or a bullet.
_LIST_ITEM_LINE = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[（(]\d{1,2}[)）]|[①-⑳]|[•·●▪■◆\-–—*])")
#: The most items a list's continuation takes from the passages after its opener.
LIST_ITEMS_MAX = 20


def list_continuation(retriever: Retriever, hit: Hit, sentence: str) -> str:
    """The items of the list a sentence opens (「…办好以下十件民生实事：」) when its passage goes on with
    nothing but items: those in the passage and those set out right after it in its report, up to the
    item that ends with 「。」. The chunker cuts a section of short items (a Word list, an HTML <ol>, a
    numbered plan) into passages of a few items each, so the passage holding a list's opener holds
    few of the items it introduces, or none."""
    at = hit.text.find(sentence)
    if at < 0 or not sentence.rstrip().endswith(("：", ":")):
        return ""
    items = [line.strip() for line in hit.text[at + len(sentence) :].split("\n") if line.strip()]
    if any(not _LIST_ITEM_LINE.match(item) for item in items):
        return ""  # the passage goes on with other text: the list, if any, is written in line
    if not (items and items[-1].endswith("。")) and (document := retriever.document(hit.source)) is not None:
        for line in document.text[hit.end :].lstrip("\n").split("\n")[: LIST_ITEMS_MAX - len(items)]:
            if not _LIST_ITEM_LINE.match(line):
                break
            items.append(line.strip())
            if line.rstrip().endswith("。"):
                break
    return "\n".join(items)


def with_lists_continued(retriever: Retriever, hits: list[Hit], sentences: list[Evidence]) -> list[Evidence]:
    """A list question's candidate sentences, each opener of a list followed by all the list's items
    (`list_continuation`): the opener with its items answers, the opener alone does not."""
    out = []
    for e in sentences:
        items = list_continuation(retriever, hits[e.hit], e.text) if e.footnote is None and e.hit < EVIDENCE_PASSAGES else ""
        out.append(replace(e, text=f"{e.text}\n{items}") if items else e)
    return out


def evidence_score(sentences: list[Evidence], hits: list[Hit]) -> float:
    """The best sentence's similarity, lowered by half of how far it falls below the top passage's."""
    if not sentences or not hits:
        return 0.0
    best = sentences[0].similarity
    return best + 0.5 * min(0.0, best - hits[0].dense_score)


def footnote_anchor_of(hit: Hit, footnote: int | None) -> str:
    """The words the marker of `hit`'s footnote `footnote` follows ("" for an index built before chunks
    carried anchors)."""
    return next((f.anchor for f in hit.footnotes if f.n == footnote), "")


def footnote_about(hit: Hit, footnote: int | None) -> str:
    """What footnote `footnote` of `hit` explains: its anchor, or the whole passage without one."""
    return footnote_anchor_of(hit, footnote) or hit.text


#: A term the question quotes (「“沪尚回收”是做什么用的」): reports quote programme names the same way.
_QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』]{2,20})[”\"」』]")
#: Chinese a question written in English gives in brackets: 'the "two wings" (两翼)'.
_BRACKETED_CHINESE = re.compile(r"[（(]([\u4e00-\u9fff]{2,20})[)）]")


def quoted_terms(question: str) -> tuple[str, ...]:
    """The terms a question quotes, and in an English question the Chinese it gives in brackets."""
    terms = _QUOTED.findall(question) + (_BRACKETED_CHINESE.findall(question) if is_foreign(question) else [])
    return tuple(dict.fromkeys(normalize_for_matching(term) for term in terms))


#: The term a definition question asks about: what comes before 「指的是什么」「是什么意思」…, less 「报告里说的」.
_DEFINED_TERM = re.compile(
    r"(?:(?:报告|文件)[里中]?(?:说|提|讲)到?的|所说的|提到的)?(?P<term>[^，,。？?]{2,20}?)(?:具体|到底|究竟)?"
    r"(?:指的?是什么|是指什么|指什么|是什么意思|什么意思|啥意思|是什么概念|的含义)"
)
_QUOTE_MARKS = re.compile(r"[“”\"「」『』‘’]")
#: How a sentence glosses the term it has just named: 「X：…」「X，是指…」「X是指…」「X，即…」「X指的是…」
#: 「所谓“X”，就是…」, or a note written in line after it (「X【注：指…】」「X（注：…）」), or a bracket of words
#: after it that says what it is (「“共富工坊”（依托村级闲置用房…的生产车间）」), not one that names it short
#: (「（以下简称…）」) or gives a figure or a year.
_GLOSS = re.compile(
    r"^[:：]|^[,，]?\s*(?:是指|指的是|即(?![将时可日])|也?就是|指(?![导挥出标数南定引向]))|^\s*[【（(\[]\s*注释?\s*[:：]"
    r"|^\s*[（(](?![^）)]*简称)(?=[^）)\d]{8,}[）)])"
)
#: A term that opens its sentence or clause (not a quotation inside one) glossed with 是:
#: 「“澄心议事厅”是在社区、小区设立的居民协商议事平台」, not 「全面推广“澄心议事厅”是今年的重点」.
_GLOSS_IS = re.compile(r"^是(?![否不])")


def glossed_terms(question: str, quoted: tuple[str, ...]) -> tuple[str, ...]:
    """The terms whose gloss answers a question: those it quotes, and the one a definition question asks
    the meaning of (「紧密型县域医共体指的是什么」)."""
    asked = _DEFINED_TERM.search(question)
    term = normalize_for_matching(_QUOTE_MARKS.sub("", asked.group("term"))) if asked else ""
    return tuple(dict.fromkeys([*quoted, *([term] if len(term) >= 2 else [])]))


#: The number a list of terms gives each, as matched (`normalize_for_matching`: 「1.」「（2）」, and 「③」 as
#: 「3」), after which a term opens its gloss: 「1.链长制：…」.
_ITEM_NUMBER = re.compile(r"(?<=^\d)|(?<=^\d\d)|(?<=^\d\.)|(?<=^\d\d\.)|(?<=^\(\d\))")
#: The same number standing alone before a term: such a term opens its clause (`_GLOSS_IS`).
_ITEM_NUMBER_ALONE = re.compile(r"\d{1,2}\.?|\(\d\)")


#: What kind of thing a term is, said right after it and before its gloss: 「推出“街区合伙人”模式，即由…」.
_KIND_OF_TERM = re.compile(r"^(?:模式|机制|制度|工程|行动|计划|改革|平台|体系|工作法)(?=[,，:：]|\s*(?:是指|指的是|即|就是))")


def defines(sentence: str, terms: tuple[str, ...]) -> bool:
    """Whether a sentence glosses one of `terms`: it names the term where a clause, a bracket or a quotation opens
    and says what it is, with a colon, 是指, 指的是, 即 or 就是 (「“两翼”：“西翼”宝山高新区…」「紧密型县域医共体，是指以
    县级医院为龙头…」「建立“店小二”服务机制，即为每家重点企业配备一名专属服务专员」), or with 是 where the term
    opens the clause (`_GLOSS_IS`), as a report explains its labels; not a longer term that ends in it
    (「一核两翼：…」)."""
    text = normalize_for_matching(sentence)
    for term in terms:
        written = "".join(re.escape(character) + rf"{_QUOTE_MARKS.pattern}?" for character in term)
        for found in re.finditer(rf"(?:^|(?<=[,，;；。:：、“\"「『（(])|{_ITEM_NUMBER.pattern})\s*[“\"「『]?{written}", text):
            rest, before = _KIND_OF_TERM.sub("", text[found.end() :], count=1), text[: found.start()].rstrip("“\"「『 ")
            opens_clause = not before or before[-1] in ",，;；。:：、（(" or bool(_ITEM_NUMBER_ALONE.fullmatch(before))
            if _GLOSS.match(rest) or (opens_clause and _GLOSS_IS.match(rest)):
                return True
    return False


def answering_footnote(
    answer: AnswerType,
    query_tokens: list[str],
    hits: list[Hit],
    sentences: list[Candidate],
    subject: Subject,
    quoted: tuple[str, ...] = (),
) -> Candidate | None:
    """The footnote of the top passage that answers the question, if one does: for a question asking
    what a term means or which items it covers (reports explain such terms in footnotes), the footnote
    closest to the question; otherwise a footnote holding a word of the question that the highlighted
    sentence lacks (「新开工」 in 「新开工项目 3 个」), or one whose marker follows a term the question
    quotes (`quoted`: the footnote explains what is asked about). Of a passage's footnotes, the one
    explaining the question's subject is the one whose anchor (`footnote_about`) and text cover it best;
    the closest to the question among equals."""
    notes = [e for e in sentences if e.hit == 0 and e.footnote is not None]  # best match first
    if not notes:
        return None
    if answer.kind in ("definition", "list"):
        def explains(note: Candidate) -> float:
            return subject.coverage(normalize_for_matching(f"{footnote_about(hits[0], note.footnote)}\n{note.text}"))

        return max(notes, key=explains)  # max keeps the first (closest) of equals
    for note in notes:
        anchor = normalize_for_matching(footnote_anchor_of(hits[0], note.footnote))
        if any(term in anchor for term in quoted):
            return note
    highlighted = normalize_for_matching(hits[0].highlight)
    for note in notes:
        text = normalize_for_matching(note.text)
        if any(len(token) >= 2 and token in text and token not in highlighted for token in query_tokens):
            return note
    return None


#: A definition or list question's footnote leads the answer when it covers this much of the subject
#: (the share at which passages "speak of" it, `bench.fit_answer.PARTIAL_COVERAGE`), or is marked on a
#: term the question quotes.
LEADING_FOOTNOTE_COVERAGE = 0.5


def footnote_leads(answer: AnswerType, hit: Hit, note: Candidate, subject: Subject, quoted: tuple[str, ...]) -> bool:
    """Whether the answering footnote of a definition or list question is the answer itself, to be read
    first: it explains the quoted term, or covers the subject. A footnote that is merely the best of a
    passage's footnotes (「注4：成功推荐 106 名人才申请安居政策…」 for 「有哪些新开的菜市场」) follows the
    answering sentence instead."""
    if answer.kind not in ("definition", "list"):
        return False
    anchor = normalize_for_matching(footnote_anchor_of(hit, note.footnote))
    explains = subject.coverage(normalize_for_matching(f"{footnote_about(hit, note.footnote)}\n{note.text}"))
    return any(term in anchor for term in quoted) or explains >= LEADING_FOOTNOTE_COVERAGE


def question_features(
    subject: Subject,
    hits: list[Hit],
    candidates: list[Candidate],
    evidence: float,
    answer: AnswerType,
    foreign: bool,
    quoted: tuple[str, ...] = (),
) -> dict[str, float]:
    """What the answer decision reads (see `qa/answer_model.json` for the weights). The last two say
    whether the reports explain the asked term in a footnote: how well the words a footnote's marker
    follows cover the question's subject, and whether a footnote is marked on a term it quotes."""
    anchors = [normalize_for_matching(f.anchor) for h in hits[:EVIDENCE_PASSAGES] for f in h.footnotes if f.anchor]
    typed = [c for c in candidates if c.typed]
    best_similarity = max((c.similarity for c in candidates), default=0.0)
    passages = [
        subject.coverage(normalize_for_matching(" ".join([*h.section_path, h.text, *(f.text for f in h.footnotes)])))
        for h in hits[:EVIDENCE_PASSAGES]
    ]
    return {
        "evidence": evidence,
        "typed_coverage": max((c.coverage for c in typed), default=0.0),
        # how far the closest sentence holding a span of the asked kind falls below the closest sentence
        "typed_similarity_gap": max((c.similarity for c in typed), default=best_similarity - 0.1) - best_similarity,
        "typed_score": max((c.similarity + 0.1 * c.coverage for c in typed), default=0.0),
        "best_coverage": max((c.coverage for c in candidates), default=0.0),
        "passage_coverage": max(passages, default=0.0),
        "dense": hits[0].dense_score if hits else 0.0,
        "general": float(answer.kind == "general"),
        "foreign": float(foreign),
        "footnote_anchor_coverage": max((subject.coverage(anchor) for anchor in anchors), default=0.0),
        "quoted_term_footnote": float(any(term in anchor for term in quoted for anchor in anchors)),
    }


@dataclass(frozen=True)
class ClauseMatch:
    """How close a candidate sentence's clauses come to the question: its closest clause, and its closest
    clause holding a span of the asked kind (None when none does)."""

    closest: float
    closest_typed: float | None


def clause_matches(retriever: Retriever, query_vector: np.ndarray, candidates: list[Candidate], answer: AnswerType) -> list[ClauseMatch]:
    """Each candidate's `ClauseMatch`. A report sentence strings facts together with 「，」, and which of its
    clauses holds the asked figure, and how close that clause is to the question, tells an answer from a
    sentence that names the subject in one clause and gives a figure of something else in another. The
    clauses' vectors are built with the index (`qa.highlight.answer_clauses`). A clause that goes on about
    another is weighed with it (`clause_in_context`); a sentence dated by its passage's period
    (`Candidate.dated_by`) is dated in each of its clauses."""
    pieces = [
        (n, clause_in_context(parts, i, answer), c.dated_by is not None or has_span(parts[i], answer, "".join(parts[:i])))
        for n, c in enumerate(candidates)
        for parts in [clauses(c.text)]
        for i in range(len(parts))
    ]
    similarities = retriever.sentence_similarities(query_vector, [text for _, text, _ in pieces])
    closest: list[float] = [-1.0] * len(candidates)
    closest_typed: list[float | None] = [None] * len(candidates)
    for (n, _, holds_span), similarity in zip(pieces, similarities.tolist(), strict=True):
        closest[n] = max(closest[n], similarity)
        if holds_span:
            closest_typed[n] = max(closest_typed[n] or -1.0, similarity)
    return [ClauseMatch(a, b) for a, b in zip(closest, closest_typed, strict=True)]


def clause_features(matches: list[ClauseMatch]) -> dict[str, float]:
    """The answer decision at the level of clauses (`clause_matches`): a near miss is often a sentence
    whose clause on the asked subject gives no figure while another clause gives one about something else
    (「家庭医生签约率持续提升，新建家庭病床 161 张」 for 「签约率达到了多少」). So: the similarity to the
    question of the closest clause holding a span of the asked kind (0 when none does), and how far it
    falls below the closest clause of all."""
    typed = [m.closest_typed for m in matches if m.closest_typed is not None]
    if not typed:
        return {"clause_typed_similarity": 0.0, "clause_typed_gap": -0.1}
    return {"clause_typed_similarity": max(typed), "clause_typed_gap": max(typed) - max(m.closest for m in matches)}


#: How a clause that goes on about its sentence's subject opens: a preposition or an adverb of time
#: (「港兴大道东延段全长6.8公里，于2024年12月26日建成通车」).
_GOES_ON = re.compile(r"^(?:于|在|从|自|已|并|将|计划|预计|力争|定于|已于)")
#: A clause that says where its sentence's subject stands (「学校位于荷塘路与兴学街交汇处」「项目选址后畈村」).
_SITED = re.compile(r"位于|选址|坐落|地址|落址|落户")
#: A clause that is a change alone (「增长11.7%」「同比下降3.2个百分点」): the change of what the clause before it gives.
_CHANGE_ALONE = re.compile(r"^(?:同比|比上年|比去年|较上年|较去年)?(?:增长|下降|提高|减少|增加|上升|回落|降低)\s*[\d.]+")
#: A clause that lists what the clause before it names (「新引进总部型企业3家，分别是A、B和C」): the list names
#: no subject of its own.
_LISTS_BACK = re.compile(r"^(?:分别是|分别为|分别位于|分别在|包括|主要包括|主要有|即)")
#: A clause that is a date alone, opening its sentence: 「2024年3月22日，」「11月，」「2023年底，」, or days
#: from one to another (「2024年6月18日至20日，」「7月30日—8月2日，」).
_DATE_ALONE = re.compile(
    r"^(?=[^，,]*\d)(?:(?:19|20)\d{2}\s*年)?\s*(?:\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号]"
    r"(?:\s*[至到—–-]\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号])?)?)?\s*(?:[上中下]旬|底|初|中)?\s*[，,]$"
)


def clause_in_context(parts: list[str], i: int, answer: AnswerType) -> str:
    """Clause `i` of a sentence's clauses `parts` as the answer decision weighs it: for a date question, a
    clause that goes on about the sentence's subject (`_GOES_ON`: 「…，于2024年12月26日建成通车」) with the
    sentence's opening clause before it, which names what the date is of, as for a place question a clause
    saying where the subject stands (`_SITED`: 「…建成投用，学校位于荷塘路与兴学街交汇处」), for a rate question a
    change alone with the clause whose figure it changes (`_CHANGE_ALONE`: 「…完成货物吞吐量1260万吨，增长11.7%」), for a
    list question a list with the clause naming what it lists (`_LISTS_BACK`: 「新引进总部型企业3家，分别是…」); and a clause that is a date
    alone (「2024年3月22日，第五届梅坞开茶节…开幕」) with the clause after it, which says what happened then.
    Both clauses' vectors are in the index, and the pair's is composed from them as a sentence's is
    (`qa.highlight.sentence_vector`)."""
    if answer.kind == "date" and i > 0 and _GOES_ON.match(parts[i]):
        return parts[0] + parts[i]  # parts[0] ends in 「，」
    if answer.kind in ("place", "address") and i > 0 and _SITED.search(parts[i]):
        return parts[0] + parts[i]
    if answer.kind == "rate" and i > 0 and _CHANGE_ALONE.match(parts[i]):
        return parts[i - 1] + parts[i]
    if answer.kind == "list" and i > 0 and _LISTS_BACK.match(parts[i]):
        return parts[i - 1] + parts[i]
    if answer.kind == "date" and i + 1 < len(parts) and _DATE_ALONE.match(parts[i]):
        return parts[i] + parts[i + 1]  # 「2024年3月22日，」 + what happened that day
    return parts[i]


@cache
def decision_model() -> dict:
    """The fitted answer decision: logistic weights over `question_features`, written by
    `bench/fit_answer.py` from labelled questions (data in tests/); read once per process, as the
    fusion's model is (`qa.fusion.fitted_model`), not on every question."""
    return json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def answered_probability(features: dict[str, float], kind: str = REPORT) -> float:
    """The model's probability that the passages answer; 0.5 is the threshold of the `kind` of text.

    Why a threshold per kind: the weights are fitted on the work reports, where they separate answerable
    questions from near misses (cross-validated AUC 0.84); on other text (news articles) they barely do
    (0.59), and at the reports' threshold a third of answerable news questions were refused. Each kind's
    intercept is set so that MIN_ANSWERED of its answerable questions are answered (`bench/fit_answer.py`).

    An English question on the reports is decided by weights of its own (the model's `english` part): its
    subject is its words' dictionary glosses, whose coverage of a passage says less than a Chinese
    question's own words do, and the shared weights refused only 35 of its 84 near misses on the reports
    written blind (`bench.fit_answer.fit_english`)."""
    model = decision_model()
    if kind == REPORT and features.get("foreign") == 1.0 and "english" in model:
        model = model["english"]
    intercept = model["intercept"] if kind == REPORT else model["intercept_other_text"]
    z = intercept + sum(w * features[name] for name, w in model["weights"].items())
    return 1.0 / (1.0 + math.exp(-z))


def text_kind(retriever: Retriever, hits: list[Hit]) -> str:
    """`REPORT` when the best passage comes from a work report — its metadata names a period it reviews
    or plans (`qa.ingest`) — else `OTHER_TEXT` (news articles, notices)."""
    if not hits:
        return REPORT
    document = retriever.document(hits[0].source)
    metadata = document.metadata if document is not None else None
    return REPORT if metadata is not None and (metadata.periods_reviewed or metadata.periods_planned) else OTHER_TEXT


#: A reply on a period no report covers lists the reports when a question names no town and there are
#: at most this many (a library of articles is not listed).
LISTED_REPORTS = 12


def coverage_gap(retriever: Retriever, intent: QueryReading, covered: bool, results_covered: bool = True) -> str | None:
    """When the question names a period no report of the town it names (or, naming none, no report)
    covers (`covered` false), or asks what was achieved in a period its reports only plan or review in
    part (`results_covered` false): which reports of that town exist, and the periods they review and plan."""
    if covered and results_covered:
        return None
    asked = "、".join([*(f"{y}年" for y in intent.years), *(f"“{plan}”时期" for plan in intent.plans)])
    if covered:  # the period is spoken of, but only as a plan or in part
        whole = "全年" if intent.whole_year else ""
        head = f"已收录的{'、'.join(intent.towns)}报告只有{asked}的工作安排或部分时期的回顾，没有{asked}{whole}的实际完成情况。"
    else:
        head = f"已收录的报告没有涉及{'、'.join(intent.towns)}{asked}的内容。"
    return head + _reports_listed(retriever, intent)


def in_passing_gap(retriever: Retriever, intent: QueryReading, years: tuple[int, ...], candidates: list[Candidate]) -> str | None:
    """When the reports the question asks about name a year it names only in passing (`SearchResult.in_passing`:
    「计划于2027年底前建成」 in a report on 2025 and 2026) and no sentence on its subject names that year: what
    they say of the subject is of other years. The reply says so, and which reports there are. An English
    question's subject is its words' glosses, which cover no sentence: any sentence naming the year will do."""
    if not years:
        return None
    about = [c for c in candidates if intent.foreign or c.coverage >= decision_model()["partial_coverage"]]
    if any(re.search(rf"{year}\s*年", c.text) for c in about for year in years):
        return None
    asked = "、".join(f"{y}年" for y in years)
    head = f"已收录的{'、'.join(intent.towns)}报告只在个别地方提到{asked}，没有讲到{asked}的这方面情况。"
    return head + _reports_listed(retriever, intent)


def _reports_listed(retriever: Retriever, intent: QueryReading) -> str:
    """How a reply on a period lists the reports there are: those of the towns the question names, or
    all of them when it names none and there are few (`LISTED_REPORTS`), with the periods they review
    and plan; and how a relative year was read."""
    lines = []
    for document in retriever.documents:
        meta = document.metadata
        if meta.town not in intent.towns and (intent.towns or len(retriever.documents) > LISTED_REPORTS):
            continue
        reviewed = "、".join(p.label for p in meta.periods_reviewed) or "—"
        planned = "、".join(p.label for p in meta.periods_planned) or "—"
        named = " ".join(part for part in (meta.town, meta.title or document.source) if part)
        lines.append(f"· {named}（{meta.date or '日期不详'}；回顾 {reviewed}，部署 {planned}）")
    read_as = "，".join(f"“{word}”按提问日期读作{year}年" for word, year in intent.relative_years)
    return (f"（{read_as}。）" if read_as else "") + ("\n已收录的报告：\n" + "\n".join(lines) if lines else "")


_BARE_FOLLOW_UP = re.compile(r"^(?:那|那么|还有|再问一下)?[^，,。？?]{0,12}(?:呢|怎么样|如何)[？?]?$")


def untranslated(subject: Subject, foreign: bool) -> bool:
    """Whether the subject is only an English question's own words, none of which its dictionary turned
    into the reports' words ("livelihood"): their absence from Chinese passages says nothing."""
    return foreign and all(term.isascii() for term in subject.terms)


def needs_context(intent: QueryReading, subject: Subject) -> bool:
    """A follow-up with nothing to follow (「那2025年呢？」 as a first question): no subject of its own."""
    return not subject.terms and bool(_BARE_FOLLOW_UP.match(intent.text.strip()))


ASK_FOR_CONTEXT = "请说明要问哪个镇、哪方面的内容，例如「大场镇2025年引进了多少家企业？」。"


def _with_highlight(hit: Hit, sentence: str) -> Hit:
    """The hit with `sentence` (a piece of its text) as its highlight; with the first line of it only when
    the rest lies beyond the passage (a list's items after its opener, `list_continuation`)."""
    sentence = sentence if sentence in hit.text else sentence.split("\n", 1)[0]
    start = hit.text.find(sentence)
    if start < 0 or not sentence:
        return hit
    return replace(hit, highlight=sentence, highlight_spans=((start, start + len(sentence)),))


def opens_list(sentence: str) -> bool:
    """A sentence that introduces a list with 「：」 and stops at its first 「；」 (「主要预期目标为：区级地方财政收入
    增速不低于全区平均水平；」) is only the first member: whatever was asked, the answer is the whole list."""
    return re.search(r"[：:][^：:；;。]*[；;]\s*$", sentence) is not None


def _whole_list(hit: Hit, sentence: str) -> str:
    """A list question's answering sentence with the rest of its enumeration: reports run a list
    over several 「；」-separated sentences of one line, ending at 「。」."""
    for line in hit.text.split("\n"):
        at = line.find(sentence)
        if at < 0:
            continue
        rest = line[at + len(sentence):]
        if sentence.rstrip().endswith(("；", ";", "：", ":")) and rest:
            stop = rest.find("。")
            return sentence + (rest if stop < 0 else rest[: stop + 1])
        return sentence
    return sentence


def compose_answer(
    question: str,
    hits: list[Hit],
    confidence: float,
    answer: AnswerType,
    candidates: list[Candidate],
    footnote: Candidate | None = None,
    quoted: tuple[str, ...] = (),
    footnote_first: bool = False,
    sides: int = 0,
) -> Answer:
    """The answer text: the sentence that answers best (holding the subject and a span of the asked
    kind, see `sentence_score`; for a list, with the rest of its enumeration), the footnote that
    answers the question (see `answering_footnote`), the top passage's own best sentence if it says
    something else, then a close second passage's highlight; each verbatim with its citation [n].
    The hit holding the chosen sentence highlights it and comes first (`answering_first`)."""
    hits = list(hits)
    # for a list or a definition, a gloss of the term the question quotes comes first, from any of the
    # passages the decision reads (`glosses_asked_term`), though its passage ranks below a close second
    glosses = glossed_terms(question, quoted) if answer.kind in ("list", "definition") else ()
    glossing = {id(c) for c in candidates if glosses and defines(c.text, glosses)}  # read once, used twice
    close = [
        c for c in candidates
        if hits[c.hit].source == hits[0].source or hits[c.hit].score >= SECOND_HIT_RATIO * hits[0].score
        or (c.hit < EVIDENCE_PASSAGES and id(c) in glossing)
    ]
    parts: list[tuple[str, int]] = []  # (sentence with its prefix, the position + 1 of the hit it cites)
    said: list[str] = []

    def say(text: str, n: int, prefix: str = "") -> None:
        if text and not any(text in s or (len(s) > 8 and s in text) for s in said):
            parts.append((f"{prefix}{text}", n))
            said.append(text)

    # a passage's own heading names its section and states nothing: it leads only when nothing else can
    ranked = sorted(close, key=lambda c: (c.footnote is None and c.text.strip() in hits[c.hit].section_path,
                                          id(c) not in glossing, -sentence_score(c, answer)))
    best = ranked[0] if ranked else None
    if footnote is not None and footnote_first:
        say(footnote.text, footnote.hit + 1, f"注{footnote.footnote}：")
    if best is not None:
        if best.footnote is None:
            text = _whole_list(hits[best.hit], best.text) if answer.kind == "list" or opens_list(best.text) else best.text
            hits[best.hit] = _with_highlight(hits[best.hit], text)
            say(text, best.hit + 1, f"（{best.dated_by}）" if best.dated_by else "")
        else:
            say(best.text, best.hit + 1, f"注{best.footnote}：")
    if footnote is not None:
        say(footnote.text, footnote.hit + 1, f"注{footnote.footnote}：")
    for n in range(min(sides, len(hits))):  # a comparison: the best passage of each side answers for it
        if own := [c for c in candidates if c.hit == n]:
            side = max(own, key=lambda c: sentence_score(c, answer))
            say(side.text, n + 1, f"注{side.footnote}：" if side.footnote is not None else "")
    say(hits[0].highlight, 1)
    if close:  # the sentence closest to the question in meaning, when it says something else
        nearest = close[0]
        say(nearest.text, nearest.hit + 1, f"注{nearest.footnote}：" if nearest.footnote is not None else "")
    for n, hit in enumerate(hits[1:3], start=2):
        different_side = hit.source != hits[0].source
        near = hit.score >= SECOND_HIT_RATIO * hits[0].score
        other_side = n == 2 and different_side and hit.score > 0.8 * hits[0].score
        if (near or other_side) and hit.highlight:
            say(hit.highlight, n)
    # the passage holding the answering sentence is cited first; a comparison's hits keep their sides' order
    order = answering_first(len(hits), parts[0][1] - 1 if parts and not sides else 0)
    cited = {old + 1: new + 1 for new, old in enumerate(order)}
    text = "\n".join(f"{sentence} [{cited[n]}]" for sentence, n in parts)
    return Answer(question, True, text, tuple(hits[i] for i in order), confidence, ANSWERED, None, answer.kind)


def answering_first(n: int, lead: int) -> list[int]:
    """The order of `n` hits with the `lead`-th first and the rest as ranked. Retrieval ranks passages
    by the question as a whole; the answer step reads their sentences (the asked kind of span, the
    subject, the period) and may find the answer in the second or third passage (「拥军优属方面要争取
    什么荣誉」: the top passage is on social undertakings, the answer 「争创市双拥模范镇“八连冠”」 is in the
    next). The reader's first citation, and the first passage shown, should be the one that answers."""
    return [lead, *(i for i in range(n) if i != lead)]


def partial_answer(question: str, hits: list[Hit], confidence: float, answer: AnswerType, subject: Subject, candidates: list[Candidate]) -> Answer:
    """What the reports say about the subject, cited, and what they do not give."""
    hits = list(hits)
    about = max(candidates, key=lambda c: (round(c.coverage, 2), c.similarity))
    if about.footnote is None:
        hits[about.hit] = _with_highlight(hits[about.hit], about.text)
    missing = f"{subject.name}的{answer.missing}" if subject.name else answer.missing
    prefix = f"注{about.footnote}：" if about.footnote is not None else ""
    text = f"报告提到了：{prefix}{about.text} [{about.hit + 1}]\n但报告没有给出{missing}。"
    return Answer(question, False, text, tuple(hits), confidence, PARTIAL, missing, answer.kind)


def not_covered(question: str, hits: list[Hit], confidence: float, answer: AnswerType, text: str = NOT_COVERED, missing: str | None = None) -> Answer:
    return Answer(question, False, text, tuple(hits), confidence, NOT_COVERED_STATUS, missing or answer.missing, answer.kind)


@dataclass(frozen=True)
class Reading:
    """A question read against the reports: what `decide` needs. `settled` is the answer when no
    model is needed (nothing retrieved, a place or period the reports do not cover, a bare follow-up)."""

    question: str
    hits: tuple[Hit, ...]
    answer_type: AnswerType
    subject: Subject
    candidates: tuple[Candidate, ...]
    query_tokens: tuple[str, ...]
    evidence: float
    features: dict[str, float]
    settled: Answer | None = None
    quoted: tuple[str, ...] = ()  # the terms the question quotes (`quoted_terms`)
    kind: str = REPORT  # the kind of text the best passage comes from (`text_kind`)
    sides: int = 0  # the sides a comparison names (`qa.query.comparison_sides`), whose best passages lead the hits


#: A sentence of a plan that speaks of what was done (「去年共办理区人大代表建议193件」): not only of what is planned.
_SAYS_PAST = re.compile(r"去年|上年|过去一年|前年|已经|已")


def read(
    question: str,
    k: int = 5,
    *,
    town: str | None = None,
    year: int | None = None,
    index_dir: Path | str | None = None,
    sources: list[str] | None = None,
) -> Reading:
    """Retrieve for `question` and score the sentences of the best passages (see `qa.evidence`)."""
    question = replace_surrogates(question)
    retriever = get_retriever(index_dir)
    result = retriever.retrieve(question, k, town=town, year=year, sources=sources)
    intent, hits = result.reading, result.hits
    answer = expected_answer(intent.text)
    spellings = [spelling for town in intent.towns for spelling in town_spellings(town)]  # "Gaojing"
    kind_words = AREA_WORDS if "area" in {answer.kind, *(other.kind for other in answer.also)} else None
    subject = subject_of(
        result.query_tokens, [*intent.towns, *spellings, *intent.unknown_places], retriever.term_idf, intent.text, kind_words,
        result.translations,
    )
    reading = Reading(question, tuple(hits), answer, subject, (), tuple(result.query_tokens), 0.0, {})
    if needs_context(intent, subject):
        return replace(reading, settled=not_covered(question, hits, 0.0, answer, ASK_FOR_CONTEXT, "问的是哪个镇、哪方面的内容"))
    if not hits:
        return replace(reading, settled=not_covered(question, hits, 0.0, answer))
    sentences = score_sentences(retriever, hits, result.query_vector)
    if answer.kind == "list":
        sentences = with_lists_continued(retriever, hits, sentences)
    evidence = evidence_score([e for e in sentences if e.hit < EVIDENCE_PASSAGES], hits)
    periods = [reviewed_period(h.section_path, d) if (d := retriever.document(h.source)) else None for h in hits]
    # a member the question names that is no town it names, nor the town of the report (a village's own report)
    member = asked_member(intent.text)
    member = None if member and any(member in place for place in [*intent.towns, *spellings]) else member
    # the years a question on what was done asks (「去年新建了多少个」): a plan for later years does not answer it
    done_in = () if answer.plan or intent.wants_plan else intent.years
    later = [bool(done_in) and (d := retriever.document(h.source)) is not None and plans_after(h.section_path, d, done_in) for h in hits]
    # a report's passage on its own year, when another report's passage is on the year asked (「全年拆除违建7.9万平方米」
    # of 2025 for 「2022年一共拆除了多少」, the review of 2022 retrieved beside it)
    about_asked = {h.source for h in hits if h.period_match >= 1.0} if intent.years else set()
    elsewhere = [bool(about_asked) and h.source not in about_asked and h.period_match < 1.0 for h in hits]
    candidates = [
        candidate(
            e.hit, e.text, e.similarity, subject, answer, e.footnote, hits[e.hit].text, periods[e.hit], hits[e.hit].period_match,
            other_town=bool(intent.towns) and hits[e.hit].town is not None and hits[e.hit].town not in intent.towns,
            member=None if member and member in (hits[e.hit].town or "") else member,
            planned_later=later[e.hit] and not _SAYS_PAST.search(e.text) and not any(f"{year}年" in e.text for year in done_in),
            other_period=elsewhere[e.hit] and not any(f"{year}年" in e.text for year in intent.years),
        )
        for e in sentences
    ]
    quoted = quoted_terms(question)
    matches = clause_matches(retriever, result.query_vector, candidates, answer)
    # a sentence holding the asked kind of span answers through the clause that holds it (`sentence_score`)
    candidates = [
        replace(c, clause_similarity=m.closest_typed if c.typed and m.closest_typed is not None else m.closest)
        for c, m in zip(candidates, matches, strict=True)
    ]
    decisive = [c for c in candidates if c.hit < EVIDENCE_PASSAGES]  # what the decision model was fitted on
    features = question_features(subject, hits, decisive, evidence, answer, intent.foreign, quoted)
    features |= clause_features([m for c, m in zip(candidates, matches, strict=True) if c.hit < EVIDENCE_PASSAGES])
    kind = text_kind(retriever, hits)
    sides = len(comparison_sides(intent))
    reading = replace(reading, candidates=tuple(candidates), evidence=evidence, features=features, quoted=quoted, kind=kind, sides=sides)
    if intent.unknown_places and not intent.towns:
        missing = "、".join(intent.unknown_places) + "的内容"
        return replace(reading, settled=not_covered(question, hits, evidence, answer, missing=missing))
    if gap := coverage_gap(retriever, intent, result.covered, result.results_covered):
        missing = "该镇该时期的报告" if not result.covered else "该镇该时期的实际完成情况"
        return replace(reading, settled=not_covered(question, hits, evidence, answer, gap, missing))
    if gap := in_passing_gap(retriever, intent, result.in_passing, decisive):
        return replace(reading, settled=not_covered(question, hits, evidence, answer, gap, "该时期的这方面情况"))
    if intent.about_report and (facts := report_facts(question, hits, answer, intent.about_report, retriever, evidence)):
        return replace(reading, settled=facts)
    if subject.terms and features["passage_coverage"] == 0.0 and not untranslated(subject, intent.foreign):
        named = "、".join(f"“{as_asked(term, question)}”" for term in subject.terms)
        return replace(reading, settled=not_covered(question, hits, evidence, answer, ABSENT_SUBJECT.format(named), named))
    # an abbreviation stands for one term (「GDP」, 生产总值): passages that do not hold it do not speak of it
    best = [normalize_for_matching(h.text) for h in hits[:EVIDENCE_PASSAGES]]
    if absent := [written for written, core in abbreviations(question) if not any(core in text for text in best)]:
        named = "、".join(f"“{written}”" for written in absent)
        return replace(reading, settled=not_covered(question, hits, evidence, answer, ABSENT_SUBJECT.format(named), named))
    return reading


def report_facts(question: str, hits: list[Hit], answer: AnswerType, asked: str, retriever: Retriever, confidence: float) -> Answer | None:
    """A question about the report itself — who gave it, on which day, at which meeting — answered by the
    opening lines of the report retrieval put first (`qa.steering.openings_asked`): the line holding the
    asked fact, then the report's other dateline and speaker lines, verbatim. None when the first passage
    is no opening or its report's metadata, read from those lines, lacks the fact: then the answer
    decision judges the question as any other."""
    hit = hits[0]
    document = retriever.document(hit.source)
    if document is None or not is_opening(hit.section_path, hit.start):
        return None
    meta = document.metadata
    lines = []
    for line in (line.strip() for line in hit.text.split("\n")):
        if ADDRESS.match(line):  # 「各位代表：」 ends the front matter
            break
        if line and line != meta.title:
            lines.append(line)
    lines = role_and_name_joined(lines)  # the speaker's role and name on lines of their own are one line
    holds = {  # lines compared as matched (a report in traditional script has its metadata read in simplified)
        "speaker": lambda line: bool(meta.speaker) and normalize_for_matching(meta.speaker) in re.sub(r"\s+", "", line),
        "date": lambda line: bool(meta.date) and re.search(r"年.{0,3}月", line) is not None,
        "meeting": lambda line: bool(meta.meeting) and ("会议" in line or "大会" in line),
    }[asked]
    found = next((line for line in lines if holds(normalize_for_matching(line))), None)
    if found is None:
        return None
    text = "\n".join(f"{line} [1]" for line in (found, *(line for line in lines if line != found)))
    # the report's own head quoted elsewhere on the page (a news story's or an infographic's closing 「原文」:
    # 「——2026年1月14日在…会议上　柏林街道办事处主任　韩亦舟」) says it in the report's words
    quoted = next(
        ((n, line) for n, other in enumerate(hits[1:], start=2) if other.source == hit.source
         for line in (line.strip() for line in other.text.split("\n"))
         if line.startswith(("——", "—")) and _MEETING_ON.search(line) and holds(normalize_for_matching(line)) and line not in lines),
        None,
    )
    if quoted is not None:
        text += f"\n{quoted[1]} [{quoted[0]}]"
    return Answer(question, True, text, (_with_highlight(hit, found), *hits[1:]), confidence, ANSWERED, None, answer.kind)


#: A dateline: the meeting a report was given at (「——2026年1月14日在…会议上」).
_MEETING_ON = re.compile(r"在.{4,60}?(?:会议|大会)上")


def as_asked(term: str, question: str) -> str:
    """`term` as the question spells it (the subject's terms are matched lower-cased: "GDP" → gdp)."""
    found = re.search(re.escape(term), question, re.IGNORECASE)
    return found.group(0) if found else term


#: Kinds of answer a sentence gives only as a span of that kind: an amount, a rate, an area or a length, a
#: date. Not a count, whose measure word a report varies (「多少件烦心事」 of 「110余项」, 「几次」 of 「十连冠」).
SPAN_KINDS = ("money", "rate", "area", "date")


def gives_asked_kind(reading: Reading) -> bool:
    """Whether a sentence of the best passages holds a span of the kind the question asks for, where that
    kind is read surely: an amount, a rate, an area or a date asked in Chinese of a work report (an amount
    asked as a measure, 「出口额是多少」, is one). Passages that give none speak of the subject without giving
    the asked figure, however close their wording (「幸福食堂…日均就餐85人，老人每餐自付3元」 for 「村里一年要
    补贴多少钱」). The fitted model weighs how close the typed sentences are, not whether there is one: with
    none, their features fall to their floor and a close passage could still outweigh them.

    Not over other text: a news question's kind is read less surely (「今年多大」 asks an age, 「多长时间」 a
    duration, both read as a size), and there the rule refused 9 of 330 answerable questions for 29 of
    609 near misses."""
    answer = reading.answer_type
    asks_span = answer.kind in SPAN_KINDS or (answer.kind == "count" and answer.measure is not None)
    if not asks_span or reading.features.get("foreign") or reading.kind != REPORT:
        return True
    return any(c.typed for c in reading.candidates if c.hit < EVIDENCE_PASSAGES)


def glosses_asked_term(reading: Reading) -> bool:
    """Whether a definition question is answered by a sentence of the best passages that glosses the very
    term it asks about (`defines`): 「紧密型县域医共体，是指…」 says what 「紧密型县域医共体指的是什么」 asks,
    however the model weighs the passages."""
    if reading.answer_type.kind != "definition":
        return False
    terms = glossed_terms(reading.question, reading.quoted)
    return any(defines(c.text, terms) for c in reading.candidates if c.hit < EVIDENCE_PASSAGES)


#: A deadline a plan sets: 「确保11月底前建成通车」「计划8月底竣工」「力争2025年9月底前建成」.
_DEADLINE = re.compile(r"[月年]底?前|[上中下]旬前|年内|计划[^，,。；;]{0,12}\d{1,2}\s*月|力争[^，,。；;]{0,12}\d{1,2}\s*月|确保[^，,。；;]{0,12}\d{1,2}\s*月")
#: Words naming a project, a site or a facility: a clause naming one sets its own deadline.
_PROJECT_WORD = re.compile(r"项目|工程|基地|中心|园区|大桥|公路|学校|医院|厂")
#: A clause saying where what its sentence speaks of stands, naming it by its kind or not at all:
#: 「学校位于翠屏路88号」「该项目选址…」.
_SITED_BACK = re.compile(rf"^(?:该|其)?(?:学校|项目|工程|园区|中心|医院|基地|新馆|新院区|校区)?(?:{_SITED.pattern})")
#: Words naming a project or a building, which a clause giving an address may be of: 「市图书馆新馆位于…」.
_FACILITY_WORD = re.compile(rf"{_PROJECT_WORD.pattern}|馆|院|站|楼|园")
#: A road and a house number: 「滨江大道188号」「翠屏路88号」.
_HOUSE_NUMBER = re.compile(r"(?:路|街|大道|公路|弄)\s*\d+\s*号")
#: How much of the subject a sentence setting the deadline covers to answer for it (`sets_the_asked_deadline`).
DEADLINE_COVERAGE = 0.7


def sets_the_asked_deadline(reading: Reading) -> bool:
    """Whether a question asking when a stage of a project is to come (「桃源路南段什么时候能修通」) is answered
    by a sentence of the best passages that sets the deadline of that stage for its subject (「加快推进桃源路
    南段建设，…确保11月底前建成通车」): a date of the asked stage in a plan's words, in a sentence covering most
    of the subject, and not in a clause that names another project."""
    answer = reading.answer_type
    if answer.kind != "date" or answer.stage is None or answer.period_answers:
        return False
    for c in reading.candidates:
        if c.hit >= EVIDENCE_PASSAGES or not c.typed or c.coverage < DEADLINE_COVERAGE:
            continue
        for clause in clauses(c.text):
            # the deadline of another project the sentence names (「确保鼎铖…项目一期年内建成试产，加快晟芯…建设」)
            other = _PROJECT_WORD.search(clause) and reading.subject.coverage(normalize_for_matching(clause)) < 0.5
            if _DEADLINE.search(clause) and PROJECT_STAGES[answer.stage].search(clause) and not other:
                return True
    return False


#: How much of the subject a sentence giving an address covers to answer for it (`gives_the_asked_address`).
ADDRESS_COVERAGE = 0.8


def gives_the_asked_address(reading: Reading) -> bool:
    """Whether an address question (「新的市博物馆建在哪里？具体地址是？」) is answered by a sentence of the best
    passages that covers the subject and gives a road and number in a clause not naming another project
    (「溱川市博物馆新馆在临皋区滨江大道188号建成开放」): an address is a span no neighbouring fact is
    mistaken for, however the model weighs the passages."""
    if reading.answer_type.kind != "address":
        return False
    for c in reading.candidates:
        if c.hit >= EVIDENCE_PASSAGES or not c.typed or c.coverage < ADDRESS_COVERAGE:
            continue
        for clause in clauses(c.text):
            # a clause naming another project, not one saying where the sentence's own stands (「学校位于…」)
            other = (
                _FACILITY_WORD.search(clause)
                and not _SITED_BACK.match(clause)
                and reading.subject.coverage(normalize_for_matching(clause)) < 0.5
            )
            if _HOUSE_NUMBER.search(clause) and has_span(clause, reading.answer_type) and not other:
                return True
    return False


def surely_answered(reading: Reading) -> bool:
    """Whether a sentence of the best passages surely answers, however the model weighs them: it glosses
    the term a definition question asks about, sets the deadline of the stage a question on what is to
    come asks, or gives the road and number an address question asks."""
    return glosses_asked_term(reading) or sets_the_asked_deadline(reading) or gives_the_asked_address(reading)


def decide(reading: Reading) -> Answer:
    """Answered, partial or not covered: the fitted model says whether the passages answer, unless a
    sentence of theirs surely does (`surely_answered`); when they do not, the reply is "partial" if they
    speak of the subject (and cites what they say)."""
    if reading.settled is not None:
        return reading.settled
    question, hits, answer, candidates = reading.question, list(reading.hits), reading.answer_type, list(reading.candidates)
    if (answered_probability(reading.features, reading.kind) >= 0.5 and gives_asked_kind(reading)) or surely_answered(reading):
        footnote = answering_footnote(answer, list(reading.query_tokens), hits, candidates, reading.subject, reading.quoted)
        first = footnote is not None and footnote_leads(answer, hits[footnote.hit], footnote, reading.subject, reading.quoted)
        return compose_answer(question, hits, reading.evidence, answer, candidates, footnote, reading.quoted, first, reading.sides)
    speaks_of_subject = reading.features["passage_coverage"] >= decision_model()["partial_coverage"]
    if candidates and reading.subject.terms and speaks_of_subject:
        return partial_answer(question, hits, reading.evidence, answer, reading.subject, candidates)
    return not_covered(question, hits, reading.evidence, answer)


def ask(
    question: str,
    k: int = 5,
    *,
    town: str | None = None,
    year: int | None = None,
    index_dir: Path | str | None = None,
    sources: list[str] | None = None,
) -> Answer:
    """Answer `question` from the reports: the cited passages and the sentences that answer it, what
    they say short of the asked detail ("partial"), or that they do not cover it ("not_covered")."""
    return decide(read(question, k, town=town, year=year, index_dir=index_dir, sources=sources))
