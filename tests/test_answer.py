"""Composing the extractive answer from hits (pure: hits and scored sentences built by hand), the three
outcomes end to end, and `qa.ask` / `qa.retrieve` on hostile questions (the committed index and the model)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import qa
from qa.answer import (
    ASK_FOR_CONTEXT,
    NOT_COVERED,
    ClauseMatch,
    Evidence,
    answering_first,
    answering_footnote,
    clause_features,
    clause_in_context,
    clause_matches,
    compose_answer,
    defines,
    evidence_score,
    footnote_leads,
    not_covered,
    partial_answer,
    quoted_terms,
    untranslated,
)
from qa.answer_types import AnswerType, expected_answer
from qa.documents import Footnote
from qa.evaluate import load_questions
from qa.evidence import Candidate, Subject, candidate, sentence_score
from qa.search import Hit
from tests.conftest import DEV_SET
from tests.hostile import HOSTILE, check_answer

TEXT = "推动地铁18号线“三站一场”¹周边开发。梳理形成 14 个重点产业项目²，实施全过程管理。"
NOTES = (Footnote(1, "大康路站、呼兰路站、爱辉路站，场北车辆段。"), Footnote(2, "投产项目 1 个、新开工项目 3 个。"))
DEFINITION = AnswerType("definition")
SUBJECT = Subject({"三站一场": 5.0})
COUNT = AnswerType("count", "个")


def _hit(text: str = TEXT, highlight: str = "推动地铁18号线“三站一场”¹周边开发。", score: float = 1.0,
         source: str = "a.txt", footnotes: tuple[Footnote, ...] = NOTES, dense: float = 0.9) -> Hit:
    return Hit(chunk_id="c", source=source, title="报告", town="庙行镇", date="2023-01-01", section_path=("一、",),
               text=text, footnotes=footnotes, highlight=highlight, highlight_spans=(), score=score,
               dense_score=dense, bm25_score=1.0, start=0, end=len(text))


def _notes(best_first: list[int], typed: bool = True) -> list[Candidate]:
    return [Candidate(0, NOTES[n - 1].text, 0.9 - 0.01 * i, 1.0, typed, footnote=n) for i, n in enumerate(best_first)]


def test_definition_question_gets_the_closest_footnote() -> None:
    note = answering_footnote(DEFINITION, ["三站一场"], [_hit()], _notes([1, 2]), SUBJECT)
    assert note is not None and note.footnote == 1
    answer = compose_answer("“三站一场”指的是哪些地方？", [_hit()], 0.9, DEFINITION, _notes([1, 2]), note)
    assert answer.status == "answered" and answer.answerable
    assert answer.answer.splitlines()[0] == "注1：大康路站、呼兰路站、爱辉路站，场北车辆段。 [1]"
    assert "推动地铁18号线“三站一场”¹周边开发。 [1]" in answer.answer.splitlines()


def test_a_footnote_leads_a_list_or_definition_only_when_it_is_the_answer() -> None:
    """It leads when marked on a term the question quotes or when it covers the subject; the best of a
    passage's footnotes that does neither (a talent-housing note for a question on markets) follows the
    answering sentence."""
    anchored = (Footnote(1, NOTES[0].text, "推动地铁18号线“三站一场”"), Footnote(2, NOTES[1].text, "梳理形成 14 个重点产业项目"))
    hit = _hit(footnotes=anchored)
    station, projects = _notes([1, 2])
    assert footnote_leads(DEFINITION, hit, station, SUBJECT, ("三站一场",))  # marked on the quoted term
    assert footnote_leads(AnswerType("list"), hit, projects, Subject({"新开工": 2.0, "项目": 1.0}), ())  # covers it
    markets = Subject({"菜市场": 4.0, "新开": 2.0})
    assert not footnote_leads(AnswerType("list"), hit, projects, markets, ())
    assert not footnote_leads(COUNT, hit, station, SUBJECT, ("三站一场",))  # a count is no gloss
    sentence = Candidate(0, "梳理形成 14 个重点产业项目²，实施全过程管理。", 0.95, 0.5, True)
    answer = compose_answer("有哪些新开的菜市场？", [hit], 0.9, AnswerType("list"), [sentence, projects], projects)
    assert answer.answer.splitlines()[0].startswith("梳理形成") and "注2：" in answer.answer
    first = compose_answer("有哪些新开工项目？", [hit], 0.9, AnswerType("list"), [sentence, projects], projects, (), True)
    assert first.answer.splitlines()[0].startswith("注2：")


def test_of_two_footnotes_the_one_whose_anchor_names_the_subject_explains_it() -> None:
    """The footnote the question's term is marked with answers, not the one closest to the question:
    each footnote of a chunk carries the words its marker follows (`qa.chunking.footnote_anchor`)."""
    anchored = (Footnote(1, NOTES[0].text, "推动地铁18号线“三站一场”"), Footnote(2, NOTES[1].text, "梳理形成 14 个重点产业项目"))
    closest_first = _notes([2, 1])
    note = answering_footnote(DEFINITION, ["三站一场"], [_hit(footnotes=anchored)], closest_first, SUBJECT)
    assert note is not None and note.footnote == 1
    # without anchors (an index built before them) the closest is taken, as before
    assert answering_footnote(DEFINITION, ["三站一场"], [_hit()], closest_first, SUBJECT).footnote == 2


def test_a_footnote_marked_on_a_term_the_question_quotes_joins_any_answer() -> None:
    """「“三站一场”是做什么的？」 asks about the term its footnote explains, whatever kind of answer it wants."""
    anchored = (Footnote(1, NOTES[0].text, "推动地铁18号线“三站一场”"), Footnote(2, NOTES[1].text, "梳理形成 14 个重点产业项目"))
    hit = _hit(footnotes=anchored)
    general = AnswerType("general")
    assert quoted_terms("“三站一场”是做什么的？") == ("三站一场",)
    note = answering_footnote(general, ["三站一场", "做"], [hit], _notes([2, 1]), SUBJECT, quoted_terms("“三站一场”是做什么的？"))
    assert note is not None and note.footnote == 1
    assert answering_footnote(general, ["三站一场", "做"], [hit], _notes([2, 1]), SUBJECT, ()) is None


def test_footnote_with_a_question_word_the_highlight_lacks() -> None:
    hit = _hit(highlight="梳理形成 14 个重点产业项目²，实施全过程管理。")
    note = answering_footnote(COUNT, ["重点", "产业", "项目", "新开工"], [hit], _notes([1, 2]), SUBJECT)
    assert note is not None and note.footnote == 2


def test_no_footnote_when_it_adds_no_question_word() -> None:
    hit = _hit(highlight="梳理形成 14 个重点产业项目²，实施全过程管理。")
    assert answering_footnote(COUNT, ["重点", "产业", "项目"], [hit], _notes([2, 1]), SUBJECT) is None
    assert answering_footnote(DEFINITION, ["什么"], [_hit(footnotes=())], [], SUBJECT) is None


def test_footnotes_of_other_passages_are_not_taken() -> None:
    other = [Candidate(1, NOTES[0].text, 0.95, 1.0, True, footnote=1)]
    assert answering_footnote(DEFINITION, ["三站一场"], [_hit(), _hit(source="b.txt")], other, SUBJECT) is None


def test_the_sentence_with_the_asked_span_answers_and_is_highlighted() -> None:
    """Of two sentences on the subject, the one holding a count answers, though the other is closer."""
    first = Candidate(0, "推动地铁18号线“三站一场”¹周边开发。", 0.91, 0.5, False)
    second = Candidate(0, "梳理形成 14 个重点产业项目²，实施全过程管理。", 0.88, 0.5, True)
    answer = compose_answer("重点产业项目有几个？", [_hit()], 0.9, COUNT, [first, second])
    assert answer.answer.splitlines()[0] == "梳理形成 14 个重点产业项目²，实施全过程管理。 [1]"
    assert answer.hits[0].highlight == second.text
    start, end = answer.hits[0].highlight_spans[0]
    assert TEXT[start:end] == second.text


def test_a_sentence_opening_a_list_answers_with_the_whole_list_whatever_was_asked() -> None:
    """Reports cut a list of targets into 「；」-separated sentences after a colon: the first alone
    is one target of several, so the answer runs to the list's 「。」 even for a question not typed as a list."""
    text = "主要预期目标为：区级地方财政收入增速不低于全区平均水平；社会消费品零售总额力争完成 73 亿元；固定资产投资力争完成 10 亿元。全力以赴推进。"
    opener = Candidate(0, "主要预期目标为：区级地方财政收入增速不低于全区平均水平；", 0.9, 1.0, False)
    answer = compose_answer("主要预期目标是怎么定的？", [_hit(text, opener.text)], 0.9, AnswerType("general"), [opener])
    assert answer.answer.splitlines()[0] == text[: text.index("。") + 1] + " [1]"
    member = Candidate(0, "社会消费品零售总额力争完成 73 亿元；", 0.9, 1.0, True)  # no colon: a member, not the opener
    answer = compose_answer("社会消费品零售总额的目标是多少？", [_hit(text, member.text)], 0.9, AnswerType("money"), [member])
    assert answer.answer.splitlines()[0] == "社会消费品零售总额力争完成 73 亿元； [1]"


def test_a_passage_heading_does_not_lead_an_answer() -> None:
    """A part heading that opens a passage is in its text, close in meaning to any question on that part
    (「二、关于《…规划纲要（草案）》的说明」 for the plan's targets), and states nothing."""
    heading = "二、关于《规划纲要（草案）》的说明"
    text = f"{heading}\n《纲要（草案）》是指导未来五年发展的行动纲领。"
    hit = replace(_hit(text, heading), section_path=(heading,))
    candidates = [Candidate(0, heading, 0.95, 1.0, False), Candidate(0, "《纲要（草案）》是指导未来五年发展的行动纲领。", 0.90, 0.5, False)]
    answer = compose_answer("规划纲要草案是什么？", [hit], 0.9, AnswerType("general"), candidates)
    assert answer.answer.splitlines()[0] == "《纲要（草案）》是指导未来五年发展的行动纲领。 [1]"


def test_partial_says_what_the_reports_say_and_what_they_do_not_give() -> None:
    about = Candidate(0, "推动地铁18号线“三站一场”¹周边开发。", 0.9, 0.8, False)
    subject = Subject({"三站一场": 4.0, "周边": 2.0})
    answer = partial_answer("“三站一场”周边有几个公园？", [_hit()], 0.88, COUNT, subject, [about])
    assert answer.status == "partial" and not answer.answerable
    assert answer.answer.startswith("报告提到了：推动地铁18号线“三站一场”¹周边开发。 [1]")
    assert "具体数量" in answer.answer and answer.missing and "具体数量" in answer.missing


def test_not_covered_keeps_the_passages() -> None:
    answer = not_covered("问题", [_hit()], 0.5, COUNT)
    assert answer.status == "not_covered" and not answer.answerable
    assert answer.answer == NOT_COVERED and len(answer.hits) == 1 and answer.missing == "具体数量"


def test_evidence_is_lowered_by_half_the_shortfall_against_the_top_passage() -> None:
    sentences = [Evidence(0, "句子。", 0.80)]
    assert evidence_score(sentences, [_hit(dense=0.90)]) == pytest.approx(0.80 - 0.5 * 0.10)
    assert evidence_score(sentences, [_hit(dense=0.70)]) == 0.80
    assert evidence_score([], [_hit()]) == 0.0


# -- end to end on the committed index (real model)


@pytest.mark.slow
def test_a_bare_follow_up_as_first_question_asks_for_town_and_topic() -> None:
    from qa.answer import ask

    answer = ask("那2025年呢？")
    assert answer.status == "not_covered" and answer.answer == ASK_FOR_CONTEXT


@pytest.mark.slow
def test_a_period_no_report_of_the_town_covers_lists_the_reports_there_are() -> None:
    from qa.answer import ask

    answer = ask("大场镇2024年的工作重点是什么？")
    assert answer.status == "not_covered"
    assert "大场镇2024年" in answer.answer and "已收录的报告" in answer.answer
    assert "2022" in answer.answer and "2025" in answer.answer  # the periods the two Dachang reports review
    # a five-year plan no report of the town names (沙洲乡's 「“十三五”期间」, round 51, had been answered with 2026's plan)
    answer = ask("大场镇“十二五”期间一共新建了多少公园？")
    assert answer.status == "not_covered" and "大场镇“十二五”时期" in answer.answer and "已收录的报告" in answer.answer


def test_a_date_clause_going_on_about_its_sentence_s_subject_is_weighed_with_it() -> None:
    """「港兴大道东延段全长6.8公里，于2024年12月26日建成通车」: the date's clause names no subject of its own, so
    its likeness to 「港兴大道东延段是哪天通车的」 is read with the opening clause; a figure's clause is not."""
    parts = ["港兴大道东延段全长6.8公里，", "于2024年12月26日建成通车，", "打通了物流通道。"]
    assert clause_in_context(parts, 1, AnswerType("date")) == "港兴大道东延段全长6.8公里，于2024年12月26日建成通车，"
    assert clause_in_context(parts, 2, AnswerType("date")) == "打通了物流通道。"
    assert clause_in_context(parts, 1, COUNT) == "于2024年12月26日建成通车，"
    # days from one to another, alone before what happened on them (石湾乡, 凤凰乡: rank 1, refused as partial)
    rain = ["2024年6月18日至20日，", "我乡遭遇持续强降雨，", "提前转移群众1460人。"]
    assert clause_in_context(rain, 0, AnswerType("date")) == "2024年6月18日至20日，我乡遭遇持续强降雨，"
    assert clause_in_context(["7月30日—8月2日，", "举办节会，"], 0, AnswerType("date")) == "7月30日—8月2日，举办节会，"


@pytest.mark.parametrize(
    ("question", "parts", "weighed"),
    [
        # 「学校位于…」 names its subject only as 「学校」: read with the opening clause
        ("新建的县三中具体在什么位置？", ["沅湖县第三中学建成投用，", "学校位于荷塘路与兴学街交汇处，", "占地156亩。"],
         "沅湖县第三中学建成投用，学校位于荷塘路与兴学街交汇处，"),
        # 「增长11.7%」 names nothing: read with the clause whose figure it changes
        ("澜江港去年的货物吞吐量比前年涨了多少？", ["澜江港全年完成货物吞吐量1260万吨，", "增长11.7%；", "集装箱吞吐量8.6万标箱。"],
         "澜江港全年完成货物吞吐量1260万吨，增长11.7%；"),
        # 「分别是…」 names nothing: read with the clause naming what it lists (紫阳街道, round 32)
        ("去年新引进的三家总部型企业分别是哪几家？", ["新引进总部型企业3家，", "分别是楚衡供应链集团华中区域总部和景禾医疗器械研发总部，", "为经济增长提供了支撑。"],
         "新引进总部型企业3家，分别是楚衡供应链集团华中区域总部和景禾医疗器械研发总部，"),
    ],
)
def test_a_clause_going_on_about_another_is_weighed_with_it(question: str, parts: list[str], weighed: str) -> None:
    """For a place question a clause saying where its sentence's subject stands, for a rate question a change
    alone, for a list question the list; the clause after goes on about nothing, and a count question weighs each clause alone."""
    assert clause_in_context(parts, 1, expected_answer(question)) == weighed
    assert clause_in_context(parts, 2, expected_answer(question)) == parts[2]
    assert clause_in_context(parts, 1, COUNT) == parts[1]


def test_a_clause_that_is_a_date_alone_is_weighed_with_what_happened_then() -> None:
    """「2024年3月22日，第五届梅坞开茶节在文化礼堂前广场开幕」: the date's clause says nothing but the date, so
    its likeness to 「开茶节是哪天开幕的」 is read with the clause after it."""
    parts = ["2024年3月22日，", "第五届梅坞开茶节在文化礼堂前广场开幕，", "当天吸引游客4000余人。"]
    assert clause_in_context(parts, 0, AnswerType("date")) == "2024年3月22日，第五届梅坞开茶节在文化礼堂前广场开幕，"
    assert clause_in_context(["11月，", "新馆开放。"], 0, AnswerType("date")) == "11月，新馆开放。"
    assert clause_in_context(["全年，", "接待游客68万人次。"], 0, AnswerType("date")) == "全年，"  # no date
    assert clause_in_context(parts, 0, COUNT) == "2024年3月22日，"


def test_an_english_question_s_untranslated_words_say_nothing_by_their_absence() -> None:
    """"How much did Liaozhou spend on people's livelihood?": no dictionary entry gave 民生, so the
    passages not holding "livelihood" is no sign that they do not speak of it."""
    assert untranslated(Subject({"livelihood": 3.4, "spend": 3.4}), foreign=True)
    assert not untranslated(Subject({"民生": 3.4, "spend": 3.4}), foreign=True)
    assert not untranslated(Subject({"gdp": 5.0}), foreign=False)


@pytest.mark.slow
def test_a_subject_the_passages_hold_nothing_of_is_not_covered_and_named() -> None:
    """「GDP」 is read as 地区生产总值, and no passage of the best holds 生产总值: the reply names what the
    reports do not mention instead of quoting a figure about something else."""
    from qa.answer import ask

    answer = ask("高境镇2023年的GDP是多少？")
    assert answer.status == "not_covered" and "“GDP”" in answer.answer and answer.missing == "“GDP”"
    english = ask("What was Gaojing's GDP in 2023?")
    assert english.status == "not_covered" and "Gaojing" not in english.answer  # the town steers; it is not the subject


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "first_line", "date"),
    [
        ("2023年1月在庙行镇人代会上作政府工作报告的镇长是谁？", "庙行镇镇长 朱峻峰", "2023-01-05"),
        ("大场镇第六届人大第三次会议上的政府工作报告是哪一天作的？", "(2023年1月12日)", "2023-01-12"),
        ("When was Gaojing's government work report reviewing 2023 delivered?",
         "——2024年1月10日在上海市宝山区高境镇第八届人民代表大会第六次会议上", "2024-01-10"),
    ],
)
def test_a_question_about_the_report_itself_is_answered_by_its_opening_lines(question: str, first_line: str, date: str) -> None:
    """Who gave a report and when are in its dateline and speaker lines, not in its body: the opening
    of the report meant comes first and its line holding the asked fact leads, verbatim."""
    from qa.answer import ask

    answer = ask(question)
    assert answer.status == "answered" and answer.answer.splitlines()[0] == f"{first_line} [1]"
    assert answer.hits[0].date == date and answer.hits[0].section_path == () and answer.hits[0].highlight == first_line


@pytest.mark.slow
def test_this_year_is_the_year_the_question_is_asked_in() -> None:
    """The issue's own example: asked on 3 Dec 2026 (QA_TODAY, tests/conftest.py), 「今年」 is 2026, which no
    Miaohang report covers; the reply says so, how it read 「今年」, and which reports there are — not
    「2 个驿站」 as the number of pocket parks."""
    from qa.answer import ask

    answer = ask("庙行镇今年打算新建几个口袋公园？")
    assert answer.status == "not_covered"
    assert "庙行镇2026年" in answer.answer and "“今年”按提问日期读作2026年" in answer.answer
    assert "2023-01-05" in answer.answer and "2023-07-26" in answer.answer and "驿站" not in answer.answer


# ---------------------------------------------------------------- hostile questions


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_question_through_the_library(kind: str) -> None:
    question = HOSTILE[kind]
    try:
        answer = qa.ask(question)
        hits = qa.retrieve(question, k=3)
    except ValueError as error:  # a clear error is acceptable: it must say what is wrong
        assert str(error)
        return
    check_answer(answer, question)
    assert len(hits) <= 3 and all(isinstance(h, qa.Hit) for h in hits)


@pytest.mark.slow
def test_lone_surrogates_are_replaced_not_refused() -> None:
    """JSON from an API client can carry lone surrogates; the library answers as for U+FFFD."""
    answer = qa.ask(HOSTILE["lone_surrogates"])
    assert "\ufffd" in answer.question and not any("\ud800" <= ch <= "\udfff" for ch in answer.question)
    check_answer(answer, answer.question)
    assert qa.retrieve(HOSTILE["lone_surrogates"], k=3)


@pytest.mark.slow
def test_answering_embeds_nothing_but_the_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index holds the vector of every sentence the answer step weighs (qa.index), so a question
    costs one query embedding, however many sentences its passages hold."""
    from qa.search import get_retriever

    embedder = get_retriever().embedder

    def refuse(texts: list[str], **_: object) -> None:
        raise AssertionError(f"embedded at question time: {texts[:2]}")

    monkeypatch.setattr(embedder, "encode_passages", refuse)
    answers = [qa.ask(q.question) for q in load_questions(DEV_SET)[:15] if q.doc]
    assert sum(a.status == "answered" for a in answers) >= 10


class _Similarities:
    """The one retriever method `clause_matches` calls, over fixed similarities."""

    def __init__(self, similarity: dict[str, float]) -> None:
        self.similarity = similarity

    def sentence_similarities(self, query_vector: np.ndarray, texts: list[str]) -> np.ndarray:
        return np.array([self.similarity[t] for t in texts])


def test_a_clause_on_the_subject_without_the_figure_is_a_near_miss_sign() -> None:
    """「签约率达到了多少」: the closest clause gives no rate, the clause with a figure is about beds."""
    sentence = "家庭医生签约率持续提升，新建家庭病床 161 张。"
    similarity = {sentence: 0.9, "家庭医生签约率持续提升，": 0.92, "新建家庭病床 161 张。": 0.85}
    candidates = [Candidate(0, sentence, 0.9, 1.0, True)]
    counted = clause_matches(_Similarities(similarity), np.zeros(3), candidates, AnswerType("count"))
    assert counted == [ClauseMatch(0.92, 0.85)]
    assert clause_features(counted) == {"clause_typed_similarity": 0.85, "clause_typed_gap": pytest.approx(-0.07)}
    rated = clause_matches(_Similarities(similarity), np.zeros(3), candidates, AnswerType("rate"))
    assert rated == [ClauseMatch(0.92, None)]
    assert clause_features(rated) == {"clause_typed_similarity": 0.0, "clause_typed_gap": -0.1}


def test_a_sentence_answers_through_the_clause_that_holds_the_asked_figure() -> None:
    """「规上工业产值涨了多少」: 「三大主导产业实现产值443.4亿元，占规上工业总产值的72.4%，其中新材料产业产值
    238.6亿元，增长12.3%」 is the closer sentence, but its rates are in clauses about other things; the clause of
    「完成规上工业总产值612.4亿元，增长9.6%」 holding a rate is the closer clause (similarities as measured on
    the blind report it comes from)."""
    question = expected_answer("2024年梧港开发区规上工业产值涨了多少？")
    industries = "三大主导产业实现产值443.4亿元，占规上工业总产值的72.4%，其中新材料产业产值238.6亿元，增长12.3%。"
    part = Candidate(0, industries, 0.915, 0.84, True, clause_similarity=0.867)
    total = Candidate(1, "完成规上工业总产值612.4亿元，增长9.6%，规上工业增加值增长8.9%；", 0.911, 0.84, True, clause_similarity=0.895)
    assert sentence_score(total, question) > sentence_score(part, question)
    unmeasured = [replace(c, clause_similarity=None) for c in (part, total)]
    assert sentence_score(unmeasured[0], question) > sentence_score(unmeasured[1], question)  # as before clauses


def test_an_amount_a_rate_an_area_or_a_date_asked_needs_a_sentence_holding_one() -> None:
    """「村里一年要补贴多少钱」 of passages giving no amount is not answered, however close their wording; a
    count (whose measure words vary) and an English question (whose kind is read less surely) are left
    to the model."""
    from qa.answer import OTHER_TEXT, Reading, gives_asked_kind

    hit = _hit("幸福食堂日均就餐85人，老人每餐自付3元。")
    untyped = [Candidate(0, "幸福食堂日均就餐85人，老人每餐自付3元。", 0.92, 1.0, False)]
    subsidy = Reading("村里一年要补贴多少钱？", (hit,), AnswerType("money"), SUBJECT, tuple(untyped), (), 0.9, {"foreign": 0.0})
    assert not gives_asked_kind(subsidy)
    assert gives_asked_kind(replace(subsidy, candidates=(replace(untyped[0], typed=True),)))
    assert not gives_asked_kind(replace(subsidy, answer_type=AnswerType("count", measure="出口额")))  # an amount asked as a measure
    assert gives_asked_kind(replace(subsidy, answer_type=COUNT))
    assert gives_asked_kind(replace(subsidy, features={"foreign": 1.0}))
    assert gives_asked_kind(replace(subsidy, kind=OTHER_TEXT))  # a news article: its kinds are read less surely
    # a sentence beyond the passages the decision weighs gives no answer either
    assert not gives_asked_kind(replace(subsidy, candidates=(replace(untyped[0], hit=3, typed=True),)))


# ---------------------------------------------------------------- the kind of text


def test_the_threshold_follows_the_kind_of_text() -> None:
    """Other text has its own intercept, set so that as many of its answerable questions are answered:
    the same evidence is more likely to answer there than in a work report."""
    from qa.answer import OTHER_TEXT, REPORT, answered_probability, decision_model

    model = decision_model()
    assert model["intercept_other_text"] > model["intercept"]
    features = dict.fromkeys(model["weights"], 0.5)
    assert answered_probability(features, OTHER_TEXT) > answered_probability(features, REPORT)


def test_an_english_question_on_the_reports_is_decided_by_weights_of_its_own() -> None:
    """The model's English part decides an English question on a work report; on other text, and for a
    Chinese question, the shared weights do."""
    import math

    from qa.answer import OTHER_TEXT, REPORT, answered_probability, decision_model

    model = decision_model()
    english = model["english"]
    assert "foreign" not in english["weights"]  # 1 for every English question: the intercept says it
    features = {**dict.fromkeys(model["weights"], 0.5), "foreign": 1.0}
    z = english["intercept"] + sum(w * features[name] for name, w in english["weights"].items())
    assert answered_probability(features, REPORT) == 1.0 / (1.0 + math.exp(-z))
    shared = model["intercept_other_text"] + sum(w * features[name] for name, w in model["weights"].items())
    assert answered_probability(features, OTHER_TEXT) == 1.0 / (1.0 + math.exp(-shared))
    chinese = {**features, "foreign": 0.0}
    shared = model["intercept"] + sum(w * chinese[name] for name, w in model["weights"].items())
    assert answered_probability(chinese, REPORT) == 1.0 / (1.0 + math.exp(-shared))


def test_a_passage_of_a_plain_article_is_other_text(corpus, tmp_path) -> None:
    """One index holding a work report and a news-like article: the kind is the best passage's."""
    import shutil

    from qa.answer import OTHER_TEXT, REPORT, read
    from qa.index import build_index
    from tests.conftest import FIXTURES_DIR

    shutil.copy(FIXTURES_DIR / "plain_article.txt", corpus.docs_dir / "plain_article.txt")
    build_index(corpus, progress=False)
    article = read("社区食堂对多大年纪的老人提供九折优惠？", index_dir=corpus.index_dir)
    assert article.hits[0].source == "plain_article.txt" and article.kind == OTHER_TEXT
    report = read("庙行镇上半年在城市更新方面做了什么？", index_dir=corpus.index_dir)
    assert report.hits[0].source != "plain_article.txt" and report.kind == REPORT


def test_an_english_question_quotes_the_chinese_it_gives_in_brackets() -> None:
    assert quoted_terms('What are the "two wings" (两翼) of the layout?') == ("two wings", "两翼")
    assert quoted_terms("高境镇（全体居民）的签约率是多少？") == ()  # brackets in a Chinese question quote nothing


def test_a_gloss_opens_with_the_quoted_term_and_a_colon() -> None:
    assert defines("“两翼”：“西翼”宝山高新区（南区）和“东翼”大场机场。", ("两翼",))
    assert defines("三纵: 东部依托沪太路", ("三纵",))
    assert not defines("一核两翼：中部吴淞创新城、东部滨江产业带。", ("两翼",))  # another term that ends in it
    assert not defines("推进两翼建设：加快…", ())
    # a list of terms numbers each (「1.」「（2）」「③」)
    assert defines("1.链长制：由县级领导担任重点产业链“链长”的工作机制。", ("链长制",))
    assert defines("③链长制，是指由县级领导担任“链长”的机制。", ("链长制",))
    assert not defines("2.1链长制：…", ("链长制",))
    assert defines("1. 湖邻议事厅：指由社区党组织牵头的协商议事平台。", ("湖邻议事厅",))  # a space after the number


def test_a_gloss_may_say_what_its_term_is_in_so_many_words() -> None:
    """「所谓“X”，就是…」 and 「“X”是…的平台」 gloss X as a colon does; 「X是否…」 asks, and a term named inside a
    clause is not glossed by what follows it."""
    assert defines("大力推广“共富工坊”，所谓“共富工坊”，就是依托村级闲置用房等场地的就业帮扶载体。", ("共富工坊",))
    assert defines("“澄心议事厅”是在社区、小区设立的居民协商议事平台。", ("澄心议事厅",))
    assert not defines("澄心议事厅是否推广到全街道，视试点而定。", ("澄心议事厅",))
    assert not defines("全面推广“澄心议事厅”是今年的重点。", ("澄心议事厅",))


def test_a_bracket_of_words_after_a_term_glosses_it() -> None:
    """「新建十二个“共富工坊”（依托…的生产车间）」 says what a 共富工坊 is; a bracket that names the term short
    or gives a year or a figure does not."""
    workshop = "新建十二个“共富工坊”（依托村级闲置用房，由企业把简单加工工序下放到村的生产车间），吸纳劳动力460余人。"
    assert defines(workshop, ("共富工坊",))
    assert not defines("建成“一网统管”平台（2024年）。", ("一网统管",))
    assert not defines("组建“枫林兴农”（以下简称兴农公司），统一运营。", ("枫林兴农",))


def test_a_definition_question_is_answered_by_a_sentence_that_glosses_its_term() -> None:
    """「紧密型县域医共体指的是什么」 is answered by 「紧密型县域医共体，是指…」, and 「“店小二”服务机制具体是指
    什么」 by 「建立“店小二”服务机制，即为每家重点企业配备…」, however the model weighs the passages; a
    sentence that only uses the term (「推进紧密型县域医共体建设」) or in which 即 is 即将 glosses nothing."""
    from qa.answer import Reading, glossed_terms, glosses_asked_term

    alliance = "紧密型县域医共体指的是什么？"
    assert glossed_terms(alliance, ()) == ("紧密型县域医共体",)
    assert defines("紧密型县域医共体，是指以县级医院为龙头、乡镇卫生院为枢纽的县乡村一体化医疗服务体系。", glossed_terms(alliance, ()))
    assert not defines("深化紧密型县域医共体建设，推动优质资源下沉。", glossed_terms(alliance, ()))
    shop = "报告里说的“店小二”服务机制具体是指什么？"
    assert defines("建立“店小二”服务机制，即为每家重点企业配备一名专属服务专员。", glossed_terms(shop, quoted_terms(shop)))
    assert not defines("“店小二”服务机制即将推广到全镇。", glossed_terms(shop, quoted_terms(shop)))
    # a note written in line after the term glosses it
    assert defines("深化“标准地”【注：指在完成区域评估的基础上再行出让的国有建设用地】出让改革", ("标准地",))

    def reading(sentence: str) -> Reading:
        candidates = (Candidate(0, sentence, 0.9, 1.0, True),)
        return Reading(alliance, (_hit(sentence),), expected_answer(alliance), SUBJECT, candidates, (), 0.9, {})

    assert glosses_asked_term(reading("紧密型县域医共体，是指以县级医院为龙头的医疗服务体系。"))
    assert not glosses_asked_term(reading("深化紧密型县域医共体建设。"))


def test_a_date_to_come_is_answered_by_the_plan_that_sets_its_deadline() -> None:
    """「桃源路南段什么时候能修通」 is answered by 「…确保11月底前建成通车」, which sets the deadline of the asked stage
    for the subject; not by the deadline of another project a clause of the sentence names."""
    from qa.answer import Reading, sets_the_asked_deadline

    def reading(question: str, sentence: str, subject: Subject) -> Reading:
        answer = expected_answer(question)
        candidates = (candidate(0, sentence, 0.9, subject, answer),)
        return Reading(question, (_hit(sentence),), answer, subject, candidates, (), 0.9, {})

    road = Subject({"桃源路": 3.0, "南段": 2.0})
    assert sets_the_asked_deadline(reading("桃源路南段什么时候能修通？", "加快推进桃源路南段建设，该路段全长0.6公里，确保11月底前建成通车。", road))
    assert not sets_the_asked_deadline(reading("桃源路南段什么时候能修通？", "加快推进桃源路南段建设，年内开工。", road))
    plant = Subject({"晟芯": 3.0, "封测": 3.0, "基地": 1.0})
    other = "确保鼎铖新材料高端铝箔项目一期年内建成试产，加快晟芯科技功率半导体封测基地建设。"
    assert not sets_the_asked_deadline(reading("晟芯科技功率半导体封测基地什么时候能投产？", other, plant))


def test_an_address_question_is_answered_by_the_sentence_giving_the_road_and_number() -> None:
    """「新的市博物馆建在哪里？具体地址是？」 is answered by 「…博物馆新馆在临皋区滨江大道188号建成开放」, and 「县第三实验
    小学在哪条路上」 by 「…县第三实验小学…建成开学，学校位于翠屏路88号」; not by the address of another project a
    clause of the sentence names, nor by a sentence without a house number."""
    from qa.answer import Reading, gives_the_asked_address

    def reading(question: str, sentence: str, subject: Subject) -> Reading:
        answer = expected_answer(question)
        candidates = (candidate(0, sentence, 0.9, subject, answer),)
        return Reading(question, (_hit(sentence),), answer, subject, candidates, (), 0.9, {})

    museum = Subject({"博物馆": 3.0})
    asked = "新的市博物馆建在哪里？具体地址是？"
    assert gives_the_asked_address(reading(asked, "9月28日，溱川市博物馆新馆在临皋区滨江大道188号建成开放。", museum))
    assert not gives_the_asked_address(reading(asked, "溱川市博物馆新馆建成开放，市图书馆新馆位于滨江大道100号。", museum))
    assert not gives_the_asked_address(reading(asked, "溱川市博物馆新馆在滨江大道建成开放。", museum))
    school = Subject({"第三": 2.0, "实验": 3.0, "小学": 3.0})
    assert gives_the_asked_address(
        reading("县第三实验小学在哪条路上？", "县第三实验小学于2024年9月1日建成开学，学校位于翠屏路88号，新增学位1620个。", school)
    )


def test_the_passage_holding_the_answering_sentence_is_cited_first() -> None:
    """「拥军优属方面要争取什么荣誉」: the top passage is on social undertakings, the answering sentence is in
    the second. The answer's first citation is [1] and the first hit is the passage it cites; the other
    citations are renumbered with the hits."""
    top = _hit("均衡发展各项社会事业。完成博爱家园示范点建设。", "完成博爱家园示范点建设。", 1.0, "a.txt", ())
    second = _hit("统筹做好社会救助、退役军人保障等工作，争创市双拥模范镇“八连冠”。", "", 0.99, "a.txt", ())
    candidates = [
        Candidate(1, "统筹做好社会救助、退役军人保障等工作，争创市双拥模范镇“八连冠”。", 0.90, 1.0, True),
        Candidate(0, "完成博爱家园示范点建设。", 0.85, 0.0, False),
    ]
    answer = compose_answer("?", [top, second], 0.9, AnswerType("general"), candidates)
    assert [h.text for h in answer.hits] == [second.text, top.text]
    assert answer.answer.splitlines() == [
        "统筹做好社会救助、退役军人保障等工作，争创市双拥模范镇“八连冠”。 [1]",
        "完成博爱家园示范点建设。 [2]",
    ]
    assert answering_first(4, 2) == [2, 0, 1, 3] and answering_first(3, 0) == [0, 1, 2]


def test_a_comparison_answers_for_each_side_from_its_best_passage() -> None:
    """「高境镇2023年实际完成的地方财政收入是多少？2024年的目标又是多少？」: the retriever puts each side's best
    passage first; the answer gives each its best sentence, not only the one best overall."""
    plan = _hit("2024 年主要预期目标是：地方财政收入同比增长 6%，达到 8.83 亿元；", "", source="a.txt", footnotes=())
    review = _hit("过去一年，全镇经济运行稳中有进。全年完成地方财政收入8.37亿元，同比增长7.91%。", "", 0.7, "a.txt", ())
    money = AnswerType("money")
    candidates = [
        Candidate(0, "2024 年主要预期目标是：地方财政收入同比增长 6%，达到 8.83 亿元；", 0.92, 1.0, True),
        Candidate(1, "全年完成地方财政收入8.37亿元，同比增长7.91%。", 0.90, 1.0, True),
        Candidate(1, "过去一年，全镇经济运行稳中有进。", 0.91, 0.0, False),
    ]
    one = compose_answer("?", [plan, review], 0.9, money, candidates)
    both = compose_answer("?", [plan, review], 0.9, money, candidates, sides=2)
    assert "8.37亿元" not in one.answer  # the second passage is not close enough to join on its own
    assert both.answer.splitlines()[:2] == [
        "2024 年主要预期目标是：地方财政收入同比增长 6%，达到 8.83 亿元； [1]",
        "全年完成地方财政收入8.37亿元，同比增长7.91%。 [2]",
    ]


LISTED_PLAN = """溪口镇2025年政府工作报告

一、2025年工作安排

（一）办好民生实事

全力稳就业保民生。2025年，镇政府将集中力量办好以下十件民生实事：
1.新建溪口中心幼儿园，新增学位180个；
2.完成白石村、下坪村2处集中供水工程改造；
3.新建及改造农村公路15公里；
4.为全镇65岁以上老年人免费开展健康体检；
5.新增村级老年人助餐点5个；
6.改造农村户厕400户；
7.在集镇新建公共停车场1处、车位120个；
8.为12个行政村新增安装视频监控探头150个；
9.开展农村实用技能培训1000人次；
10.完成农村危房改造和抗震改造30户。

（二）守牢安全底线

开展安全生产治本攻坚行动，检查生产经营单位1286家次，整改隐患2417处。
"""


def test_a_list_question_reads_the_items_of_an_opener_beyond_its_passage(corpus) -> None:
    """The chunker cuts short items into passages of a few each: the passage holding 「…办好以下十件民生实事：」
    holds the first item only, and the list question's candidate is the opener with all ten."""
    from qa.answer import read
    from qa.index import build_index

    (corpus.docs_dir / "xikou_2025.txt").write_text(LISTED_PLAN, encoding="utf-8")
    build_index(corpus, progress=False)
    reading = read("今年镇政府要办的十件民生实事具体有哪些？", index_dir=corpus.index_dir, sources=["xikou_2025.txt"])
    opener = "2025年，镇政府将集中力量办好以下十件民生实事："
    passage = next(h for h in reading.hits if opener in h.text)
    assert "10.完成农村危房改造" not in passage.text  # the items lie in the passages after it
    listed = next(c for c in reading.candidates if c.text.startswith(opener))
    assert listed.text.endswith("10.完成农村危房改造和抗震改造30户。") and listed.typed
    assert "（二）" not in listed.text and "安全生产" not in listed.text


def test_a_term_glossed_inside_a_bracket_after_it_is_defined() -> None:
    """「建成“村播驿站”43个（“村播驿站”是依托…的站点）」: the bracket opens a clause of its own, where the term
    is glossed with 是 as at the start of a sentence."""
    sentence = "建成“村播驿站”43个（“村播驿站”是依托村级综合服务中心设立，为农户提供直播带货培训的站点），全年网络零售额4.6亿元。"
    assert defines(sentence, ("村播驿站",))
    assert not defines("建成“村播驿站”43个（其中“村播驿站”是否收费由各村自定）。", ("村播驿站",))


def test_a_term_glossed_after_the_kind_of_thing_it_is_is_defined() -> None:
    """「推出“街区合伙人”模式，即由…」: the kind of thing the term is (模式, 机制…) may stand between it and its gloss."""
    assert defines("创新推出“街区合伙人”模式，即由辖区商户、物业企业和驻区单位与社区签订共建协议。", ("街区合伙人",))
    assert not defines("全面推行“街区合伙人”模式，全年签约137家。", ("街区合伙人",))
