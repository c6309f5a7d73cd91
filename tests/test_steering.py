"""The periods and towns each passage speaks of, and the per-chunk table, on the committed seed index
(no model: the table is built from the index's chunks and reports)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from qa.documents import Metadata, Period
from qa.index import IndexedDocument, LoadedIndex, load_index
from qa.query import QueryReading, read_question
from qa.settings import Settings
from qa.steering import ChunkTable, passage_time, report_periods, reviewed_period


@pytest.fixture(scope="module")
def index() -> LoadedIndex:
    return load_index(Settings.from_env().index_dir)


def _reference_time_match(index: LoadedIndex, reading: QueryReading) -> np.ndarray:
    """The steering rule written as a plain loop over chunks (what the vectorized table must equal)."""
    scores = []
    for chunk in index.chunks:
        document = index.documents[chunk.source]
        time = passage_time(chunk, document)
        doc_years = {y for p in (*document.metadata.periods_reviewed, *document.metadata.periods_planned)
                     for y in range(p.start_year, p.end_year + 1)}
        if document.metadata.date:
            doc_years.add(int(document.metadata.date[:4]))
        labels = set(reading.halves) | set(reading.plans)
        score = 0.0
        if reading.years:
            score = 1.0 if time.years & set(reading.years) else 0.5 if doc_years & set(reading.years) else 0.0
        if labels:
            label_score = 1.0 if time.labels & labels else 0.0
            score = (score + label_score) / 2 if reading.years else label_score
        if reading.wants_plan and not time.is_plan:
            score *= 0.6
        scores.append(score)
    return np.array(scores, dtype=np.float32)


@pytest.mark.parametrize(
    "question",
    ["大场镇2022年引进了多少家企业？", "2023年上半年庙行镇做了什么？", "“十四五”期间高境镇的规划目标", "明年2026年的打算", "社区治理"],
)
def test_time_steering_matches_the_rule(index: LoadedIndex, question: str) -> None:
    table = ChunkTable(index.chunks, index.documents)
    reading = read_question(question, table.towns, "")
    np.testing.assert_allclose(table.time_match(reading), _reference_time_match(index, reading))


def test_filters_and_coverage(index: LoadedIndex) -> None:
    table = ChunkTable(index.chunks, index.documents)
    town = table.towns[0]
    allowed = table.allowed(town=town, year=None, sources=None)
    assert allowed.any() and not allowed.all()
    assert all(index.documents[c.source].metadata.town == town for c, ok in zip(index.chunks, allowed, strict=True) if ok)
    assert not table.allowed(town=None, year=1999, sources=None).any()
    assert table.covers(read_question(f"{town}2023年", table.towns))
    assert not table.covers(read_question(f"{town}1999年", table.towns))
    assert table.covers(read_question("2023年", table.towns)), "no town named: any report"
    assert not table.covers(read_question("到1999年要达到多少", table.towns)), "a year no report speaks of"
    assert table.covers(read_question("今年要达到多少", table.towns, this_year=1999)), "「今年」 is the asker's, not the text's"
    # a five-year plan is spoken of where a report names it (大场镇's 2026 report: 「较“十三五”末」), not elsewhere
    assert table.covers(read_question("大场镇“十三五”末的情况", table.towns))
    assert not table.covers(read_question("大场镇“十二五”期间建了多少公园", table.towns)), "a plan no report names"
    assert not table.covers(read_question("“十二五”期间建了多少公园", table.towns)), "no town named: no report names it"
    assert table.town_match((town,)).sum() == allowed.sum()


@pytest.mark.parametrize(
    ("question", "covered"),
    [
        # 大场镇's reports look back on 2022 (given Jan 2023) and on 2025 and the 14th plan (given Jan 2026)
        ("大场镇2022年引进了多少家企业？", True),
        ("大场镇2023年全年新引进了多少家企业？", False),  # 2023 is only planned (Jan 2023 report)
        ("大场镇2023年计划引进多少家企业？", True),  # asks the plan, which that report gives
        ("What green coverage did Dachang report in January 2023?", True),  # the month of a report: what it says
        # 庙行镇's mid-2023 report looks back on the first half only
        ("庙行镇2023年上半年新增了多少户企业？", True),
        ("庙行镇2023年一整年加装电梯最后完工了几台？", False),
        ("How many enterprises did Miaohang Town add in the whole of 2023?", False),
        ("高境镇2024年实际完成了多少项民生实事？", False),  # 2024 is only planned (Jan 2024 report)
        ("高境镇2023年完成了多少项民生实事？", True),
    ],
)
def test_results_are_covered_only_where_a_report_looks_back(index: LoadedIndex, question: str, covered: bool) -> None:
    """A question asking what was achieved in a year is covered by a report that looks back on that
    year (on the half it names, on the whole year when it asks for the whole year), not by one that
    only plans it."""
    table = ChunkTable(index.chunks, index.documents)
    reading = read_question(question, table.towns, "")
    assert table.covers(reading)
    assert table.covers_results(reading) is covered


def test_a_report_without_parts_counts_whole_for_results() -> None:
    """A town's text whose parts cannot be told apart (no headings) can speak of any year it names."""
    text = "大场镇2024年新引进企业120家，完成投资30亿元。"
    document = IndexedDocument("notice.txt", "0" * 64, Metadata(town="大场镇", date="2025-01-05"), text, ())
    table = ChunkTable([], {"notice.txt": document})
    assert table.covers_results(read_question("大场镇2024年引进了多少家企业？", table.towns, ""))
    assert not table.covers_results(read_question("大场镇2023年引进了多少家企业？", table.towns, ""))


def test_a_year_named_only_in_passing_is_told_apart() -> None:
    """A report on 2025 and 2026 that names 2027 once (a project's deadline) speaks of 2027 (`covers`) only
    in passing (`in_passing`): its figures are not 2027's."""
    text = "一、2025年工作回顾\n汀兰老街更新单元一期工程计划于2027年底前建成。\n二、2026年工作安排\n新建长者食堂1家。"
    meta = Metadata(town="汀兰街道", date="2026-01-16", periods_reviewed=(Period("year", "2025", 2025, 2025),), periods_planned=(Period("year", "2026", 2026, 2026),))
    table = ChunkTable([], {"tinglan.txt": IndexedDocument("tinglan.txt", "0" * 64, meta, text, ())})
    reading = read_question("汀兰街道2027年计划新建几家长者食堂？", table.towns, "")
    assert table.covers(reading) and table.in_passing(reading) == (2027,)
    assert table.in_passing(read_question("汀兰街道2026年计划新建几家长者食堂？", table.towns, "")) == ()
    assert table.in_passing(read_question("2027年计划新建几家长者食堂？", table.towns, "")) == (2027,), "no town: any report"


def test_results_named_in_a_look_back_are_covered(index: LoadedIndex) -> None:
    """A year a report's look-back names (「2023年」 inside a review of five years) can be answered from it."""
    table = ChunkTable(index.chunks, index.documents)
    for town, text in zip(table.doc_town_names, table.doc_review_text, strict=True):
        named = {int(y) for y in re.findall(r"(20\d\d)年", text)}
        for year in named:
            assert table.covers_results(read_question(f"{town}{year}年完成了哪些工作？", table.towns, "")), (town, year)


def test_the_period_a_passage_looks_back_on(index: LoadedIndex) -> None:
    """A review part's year (or half-year); none for a part that plans, nor for a text without parts."""
    looked_back = {
        source: {reviewed_period((s.heading,), document) for s in document.sections if s.heading.startswith("一、")}
        for source, document in index.documents.items()
    }
    assert looked_back["003_ba4aa9962f5a29a2.txt"] == {"2023年"}
    assert looked_back["002_dd07b67f804f2d67.txt"] == {"2023年上半年"}
    plans = {reviewed_period((s.heading,), d) for d in index.documents.values() for s in d.sections if s.heading.startswith("二、")}
    assert plans == {None}
    notice = IndexedDocument("notice.txt", "0" * 64, Metadata(town="大场镇", date="2025-01-05"), "大场镇新引进企业120家。", ())
    assert reviewed_period((), notice) is None


@pytest.mark.parametrize(
    ("question", "report_date"),
    [
        ("2023年1月在庙行镇人代会上作政府工作报告的镇长是谁？", "2023-01-05"),  # named by the month given
        ("庙行镇2023年7月的政府工作报告是谁作的？", "2023-07-26"),
        ("When did Miaohang's mayor deliver the report reviewing the first half of 2023?", "2023-07-26"),  # by its period
        ("高境镇2024年那份政府工作报告是在哪天的人代会上作的？", "2024-01-10"),  # the year it plans and was given in
    ],
)
def test_the_opening_of_the_report_a_question_means(index: LoadedIndex, question: str, report_date: str) -> None:
    table = ChunkTable(index.chunks, index.documents)
    assert table.opening.sum() == len(index.documents), "every seed report opens with its front matter"
    reading = read_question(question, table.towns)
    members = table.openings_asked(reading, table.town_match(reading.towns))
    assert {index.documents[index.chunks[i].source].metadata.date for i in np.flatnonzero(members)} == {report_date}


def test_a_report_is_named_by_the_periods_it_reviews_plans_or_was_given_in(index: LoadedIndex) -> None:
    periods = {d.metadata.date: report_periods(d.metadata) for d in index.documents.values()}
    assert periods["2023-07-26"] == {2023, "H1", "H2"}
    assert {2025, 2026, "十四五", "十五五"} <= periods["2026-01-06"] and 2024 not in periods["2026-01-06"]


def test_a_part_naming_what_was_achieved_reviews() -> None:
    """A slide deck makes each slide a part (round 22's 桃源乡): 「一、上半年主要工作成效｜重点项目建设」 reviews the
    half-year, though 重点 is a word of plans; 「三、2026年主要任务：推动发展取得新成效」 plans."""
    from qa.steering import part_is_plan

    assert not part_is_plan("一、上半年主要工作成效｜重点项目建设", first_part=False)
    assert part_is_plan("三、2026年主要任务：推动发展取得新成效", first_part=False)
    assert part_is_plan("三、下半年工作打算｜全年目标", first_part=False)



def test_a_part_that_plans_later_years_tells_nothing_done_in_earlier_ones() -> None:
    """「去年新建了多少个5G基站」 asked of a report given in January 2026 is not answered by its plan for 2026; a
    part that does not say it plans (a review written in several parts) is no such plan, and a plan for the year
    asked is one."""
    from qa.steering import plans_after

    meta = Metadata(town="菱湖镇", date="2026-01-15", periods_reviewed=(Period("year", "2025", 2025, 2025),),
                    periods_planned=(Period("year", "2026", 2026, 2026),))
    report = IndexedDocument("linghu.txt", "0" * 64, meta, "", ())
    assert plans_after(("二、2026年工作安排", "（二）完善基础设施"), report, [2025])
    assert plans_after(("二、重点任务",), report, [2025])  # the years the report plans
    assert not plans_after(("二、2026年工作安排",), report, [2026])
    assert not plans_after(("二、2026年工作安排",), report, [2025, 2026])
    assert not plans_after(("二、坚持更新为要，城市面貌持续改善",), report, [2025])
    assert not plans_after(("一、2025年工作回顾",), report, [2025])
    assert not plans_after(("二、2026年工作安排",), report, [])
