"""Which periods and towns each passage speaks of, as a per-chunk table the retriever filters and steers
with in a few numpy operations per question.

A passage speaks of the years in its top-level part heading, else of the report's reviewed or planned
periods, depending on whether its part looks back (回顾) or ahead (安排/任务).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qa.documents import Chunk, Metadata, document_years
from qa.patterns import FIVE_YEAR_PLAN, PLAN_PART, REVIEW_PART, names_achievements, years_with_unit
from qa.query import QueryReading

if TYPE_CHECKING:
    from qa.index import IndexedDocument


@dataclass(frozen=True)
class PassageTime:
    """The periods a passage speaks of."""

    years: frozenset[int]
    labels: frozenset[str]  # "H1"/"H2", "十四五" …
    is_plan: bool


def part_is_plan(part: str, first_part: bool) -> bool:
    """Whether a report's top-level part looks ahead: its heading says so (安排/任务), or it says
    nothing and is not the first part (a report reviews first, then plans)."""
    if REVIEW_PART.search(part) or names_achievements(part, PLAN_PART):
        return False
    if PLAN_PART.search(part):
        return True
    return not first_part


def top_part(section_path: tuple[str, ...], document: IndexedDocument) -> tuple[str, bool]:
    """A passage's top-level part heading, and whether that part plans (`part_is_plan`)."""
    part = section_path[0] if section_path else ""
    first_part = bool(document.sections) and document.sections[0].heading == part
    return part, part_is_plan(part, first_part)


def passage_time(chunk: Chunk, document: IndexedDocument) -> PassageTime:
    """When a passage speaks of: the years in its top-level part heading, else the report's reviewed
    or planned periods depending on whether the part looks back (回顾) or ahead (安排/任务)."""
    meta = document.metadata
    part, is_plan = top_part(chunk.section_path, document)
    periods = meta.periods_planned if is_plan else meta.periods_reviewed
    years = {int(y) for y in years_with_unit(part)}
    labels = set(FIVE_YEAR_PLAN.findall(part))
    if not years:
        for period in periods:
            if period.kind != "plan":
                years.update(range(period.start_year, period.end_year + 1))
            labels.add(period.label[-2:] if period.kind == "half" else period.label)
    if "上半年" in part:
        labels.add("H1")
    if "下半年" in part:
        labels.add("H2")
    return PassageTime(frozenset(years), frozenset(labels), is_plan)


def plans_after(section_path: tuple[str, ...], document: IndexedDocument, years: Iterable[int]) -> bool:
    """Whether a passage lies in a part that plans only years after every one of `years`: the plan for 2026
    (「新建5G基站40个」) tells nothing of what was done in 2025. The part must say that it plans (「二、2026年工作
    安排」「二、重点任务」): a report may review in several parts whose headings say neither (「二、坚持更新为要，
    城市面貌持续改善」), which `part_is_plan` takes for plans. The planned years are those its heading names,
    else the years (not a five-year plan's span) the report plans; False when there are none."""
    years = list(years)
    part = section_path[0] if section_path else ""
    if not years or not PLAN_PART.search(part) or REVIEW_PART.search(part) or names_achievements(part, PLAN_PART):
        return False
    planned = {int(y) for y in years_with_unit(part)} or {
        year for period in document.metadata.periods_planned if period.kind != "plan"
        for year in range(period.start_year, period.end_year + 1)
    }
    return bool(planned) and min(planned) > max(years)


def reviewed_period(section_path: tuple[str, ...], document: IndexedDocument) -> str | None:
    """The one year or half-year a passage looks back on, as a reader names it (「2023年」,
    「2023年上半年」): the year its top-level part heading names, else the one period the report
    reviews; None for a part that plans, a part naming several years, a report reviewing several
    periods, or a text that is no report. A report tells what happened in the year it reviews without
    repeating the year in each sentence: this is when those sentences' events took place."""
    part, is_plan = top_part(section_path, document)
    if is_plan:
        return None
    named = set(years_with_unit(part))
    if len(named) == 1:
        return f"{named.pop()}年" + ("上半年" if "上半年" in part else "下半年" if "下半年" in part else "")
    periods = [p for p in document.metadata.periods_reviewed if p.kind != "plan"]
    if named or len(periods) != 1 or periods[0].start_year != periods[0].end_year:
        return None
    half = {"H1": "上半年", "H2": "下半年"}.get(periods[0].label[-2:], "") if periods[0].kind == "half" else ""
    return f"{periods[0].start_year}年{half}"


def spoken_years(document: IndexedDocument) -> frozenset[int]:
    """The years a report speaks of as such: its date's, those of the years and half-years it reviews
    or plans (not a five-year plan's whole span), and every year its text names (「2024年」)."""
    return period_years(document) | {int(y) for y in years_with_unit(document.text)}


def spoken_plans(document: IndexedDocument) -> frozenset[str]:
    """The five-year plans a report speaks of: those it reviews or plans, and those its text names
    (「“十四五”规划收官」「十五五」)."""
    meta = document.metadata
    named = {p.label for p in (*meta.periods_reviewed, *meta.periods_planned) if p.kind == "plan"}
    return frozenset(named | set(FIVE_YEAR_PLAN.findall(document.text)))


def period_years(document: IndexedDocument) -> frozenset[int]:
    """The years a report is about: its date's, and those of the years and half-years it reviews or
    plans (`spoken_years` less the years its text only names)."""
    meta = document.metadata
    years = {int(meta.date[:4])} if meta.date else set()
    for period in (*meta.periods_reviewed, *meta.periods_planned):
        if period.kind != "plan":
            years.update(range(period.start_year, period.end_year + 1))
    return frozenset(years)


def review_text(document: IndexedDocument) -> str:
    """The top-level parts of a report that look back (`part_is_plan`); not the lines before its first
    part, which give the date it was delivered (「2024年1月10日」 is no look back on 2024). A text with
    no parts cannot be told apart, so all of it counts."""
    parts = [s for s in document.sections if len(s.path) == 1]
    if not parts:
        return document.text
    return "\n".join(document.text[s.start : s.end] for i, s in enumerate(parts) if not part_is_plan(s.heading, i == 0))


#: The month a question names (「2023年1月」, "January 2023"): with the year of a report given then, the
#: question asks what that report says.
_MONTH = re.compile(r"(\d{1,2})月|\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")


def _named_months(text: str) -> set[int]:
    return {int(number) if number else _MONTHS_EN.index(name.lower()) + 1 for number, name in _MONTH.findall(text)}


def report_periods(meta: Metadata) -> frozenset[int | str]:
    """The years, half-years ("H1", "H2") and five-year plans ("十四五") a report reviews or plans, and the
    year it was given in: what a question names a report by (「高境镇2024年那份政府工作报告」)."""
    found: set[int | str] = {int(meta.date[:4])} if meta.date else set()
    for period in (*meta.periods_reviewed, *meta.periods_planned):
        if period.kind == "plan":
            found.add(period.label)
        else:
            found.update(range(period.start_year, period.end_year + 1))
            if period.kind == "half":
                found.add(period.label[-2:])
    return frozenset(found)


def is_opening(section_path: tuple[str, ...], start: int) -> bool:
    """Whether a passage (its section path, its start in the report's text) opens its report, before any
    section: the front matter (title, dateline, speaker), which answers a question about the report
    itself (`QueryReading.about_report`)."""
    return not section_path and start == 0


class ChunkTable:
    """Per-chunk facts as arrays, so that filters and steering are a few numpy operations per query
    instead of a Python loop over every chunk: the report each chunk is from, its town, the years and
    period labels it speaks of, whether it is about plans."""

    def __init__(self, chunks: list[Chunk], documents: Mapping[str, IndexedDocument]) -> None:
        self.sources = list(documents)
        doc_position = {source: i for i, source in enumerate(self.sources)}
        self.towns = sorted({d.metadata.town for d in documents.values() if d.metadata.town})
        town_position = {town: i for i, town in enumerate(self.towns)}
        times = [passage_time(c, documents[c.source]) for c in chunks]
        doc_years = [document_years(documents[s].metadata) for s in self.sources]
        years = sorted(set().union(*doc_years, *(t.years for t in times)))
        labels = sorted(set().union(*(t.labels for t in times)))
        self.year_column = {year: i for i, year in enumerate(years)}
        self.label_column = {label: i for i, label in enumerate(labels)}

        self.doc_of_chunk = np.array([doc_position[c.source] for c in chunks], dtype=np.int64)
        doc_town = np.array([town_position.get(documents[s].metadata.town, -1) for s in self.sources], dtype=np.int64)
        self.town_of_chunk = doc_town[self.doc_of_chunk] if len(chunks) else np.zeros(0, dtype=np.int64)
        self.doc_years = np.zeros((len(self.sources), len(years)), dtype=bool)
        for row, found in enumerate(doc_years):
            self.doc_years[row, [self.year_column[y] for y in found]] = True
        self.chunk_years = np.zeros((len(chunks), len(years)), dtype=bool)
        self.chunk_labels = np.zeros((len(chunks), len(labels)), dtype=bool)
        for row, time in enumerate(times):
            self.chunk_years[row, [self.year_column[y] for y in time.years]] = True
            self.chunk_labels[row, [self.label_column[label] for label in time.labels]] = True
        self.chunk_doc_years = self.doc_years[self.doc_of_chunk]
        self.is_plan = np.array([t.is_plan for t in times], dtype=bool)
        #: the passage each report opens with, before its first section: its title, dateline and speaker
        self.opening = np.array([is_opening(c.section_path, c.start) for c in chunks], dtype=bool)
        self.doc_town_names = [documents[s].metadata.town for s in self.sources]
        self.doc_spoken_years = [spoken_years(documents[s]) for s in self.sources]
        self.doc_spoken_plans = [spoken_plans(documents[s]) for s in self.sources]
        self.doc_period_years = [period_years(documents[s]) for s in self.sources]
        self.doc_reviewed = [documents[s].metadata.periods_reviewed for s in self.sources]
        #: per report, the years, half-years ("H1") and five-year plans it reviews, plans or was given in
        self.doc_periods = [report_periods(documents[s].metadata) for s in self.sources]
        self.doc_dates = [documents[s].metadata.date or "" for s in self.sources]
        self.doc_review_text = [review_text(documents[s]) for s in self.sources]

    def allowed(self, *, town: str | None, year: int | None, sources: list[str] | None) -> np.ndarray:
        """Chunks passing the hard filters: reports of `town`, about `year`, among `sources`."""
        docs = np.ones(len(self.sources), dtype=bool)
        if town:
            docs &= [bool(t) and (t.startswith(town) or town.startswith(t)) for t in self.doc_town_names]
        if year:
            column = self.year_column.get(year)
            docs &= self.doc_years[:, column] if column is not None else False
        if sources:
            docs &= np.isin(self.sources, sources)
        return docs[self.doc_of_chunk]

    def town_match(self, towns: tuple[str, ...]) -> np.ndarray:
        """1 for a chunk of a report of one of `towns`, else 0."""
        wanted = [self.towns.index(t) for t in towns if t in self.towns]
        return np.isin(self.town_of_chunk, wanted).astype(np.float32)

    def openings_asked(self, reading: QueryReading, town_match: np.ndarray) -> np.ndarray:
        """The openings (`is_opening`) of the reports a question about a report itself means: of the
        towns it names; given in the month it names (「2023年1月在庙行镇人代会上作…」), else reviewing,
        planning or given in as many of the periods it names as any ("the report reviewing the first half
        of 2023"). Which of those is the one, the fused score says (「第六届人大第三次会议上的报告」)."""
        members = self.opening.copy()
        if reading.towns:
            members &= town_match > 0
        dated = [f"{year:04d}-{month:02d}" for year, month in reading.report_dates]
        if dated:
            given = np.array([any(d.startswith(m) for m in dated) for d in self.doc_dates], dtype=bool)
            members &= given[self.doc_of_chunk]
        elif reading.years or reading.halves or reading.plans:
            asked = {*reading.years, *reading.halves, *reading.plans}
            match = np.array([len(asked & periods) for periods in self.doc_periods], dtype=np.int64)[self.doc_of_chunk]
            members &= match >= int(match[members].max(initial=0))
        return members

    def time_match(self, reading: QueryReading) -> np.ndarray:
        """1 for a chunk about a year the question names, 0.5 for one in a report about it; averaged
        with a match on half-years and five-year plans; damped for a look back when plans are asked."""
        n = len(self.doc_of_chunk)
        labels = [self.label_column[x] for x in (*reading.halves, *reading.plans) if x in self.label_column]
        wants_labels = bool(reading.halves or reading.plans)
        if not reading.years and not wants_labels:
            return np.zeros(n, dtype=np.float32)
        score = np.zeros(n, dtype=np.float32)
        if reading.years:
            columns = [self.year_column[y] for y in reading.years if y in self.year_column]
            score = np.where(
                self.chunk_years[:, columns].any(axis=1), 1.0, np.where(self.chunk_doc_years[:, columns].any(axis=1), 0.5, 0.0)
            ).astype(np.float32)
        if wants_labels:
            label_score = self.chunk_labels[:, labels].any(axis=1).astype(np.float32)
            score = (score + label_score) / 2 if reading.years else label_score
        if reading.wants_plan:
            score = score * np.where(self.is_plan, 1.0, 0.6).astype(np.float32)
        return score

    def covers(self, reading: QueryReading) -> bool:
        """Whether some indexed report of the towns the question names speaks of one of the years it
        names: a year it reviews or plans, the year it was given, or a year its text names (a five-year
        plan's span alone does not count: 「十四五」 in a 2023 report says nothing of 2024). A question
        naming no town asks about any report (`_checked_years`). A five-year plan the question names
        (「“十三五”期间」) is spoken of when a report reviews or plans it or its text names it: a 2026 report
        on 2025 and 「十五五」 had answered what was built in 「十三五」 with 2026's plan. True when the
        question names no year and no plan."""
        if reading.plans and not any(
            plan in spoken for spoken in self._asked_of(reading, self.doc_spoken_plans) for plan in reading.plans
        ):
            return False
        years = self._checked_years(reading)
        return not years or any(year in spoken for spoken in self._asked_of(reading, self.doc_spoken_years) for year in years)

    def in_passing(self, reading: QueryReading) -> tuple[int, ...]:
        """The years the question names that the reports it asks about (`covers`) speak of only in passing:
        their text names the year (「计划于2027年底前建成」), but none was given in it, reviews it or plans it.
        What such a report says of the question's subject is of other years, unless a sentence names it."""
        years = self._checked_years(reading)
        spoken = self._asked_of(reading, self.doc_spoken_years)
        about = self._asked_of(reading, self.doc_period_years)
        return tuple(sorted(y for y in years if any(y in s for s in spoken) and not any(y in a for a in about)))

    @staticmethod
    def _checked_years(reading: QueryReading) -> set[int]:
        """The years `covers` checks: all the question names when it names a town; naming none, those it
        writes out as years (「到2030年」, not 「1927·鲁迅…书局」; a 「今年」 is read against the day asked, which
        says nothing of text that is not a work report)."""
        if reading.towns:
            return set(reading.years)
        relative = {year for _, year in reading.relative_years}
        return {year for year in reading.years if year not in relative and (reading.foreign or f"{year}年" in reading.text)}

    def _asked_of(self, reading: QueryReading, per_report: list[frozenset[int]]) -> list[frozenset[int]]:
        """`per_report` of the reports of the towns the question names, or of all when it names none."""
        return [years for town, years in zip(self.doc_town_names, per_report, strict=True) if not reading.towns or town in reading.towns]

    def covers_results(self, reading: QueryReading) -> bool:
        """Whether a report of the named towns can say what was achieved in a year the question names,
        when it asks that (`QueryReading.wants_result`): the report looks back on the year, or on the
        half it names, or on the whole year when it asks for the whole year (「全年」); or a part of it
        that looks back names the year (「2023年」 in a five-year review); or the question names the
        month the report was given in (it asks what that report says). A report that only plans the
        year cannot give its results. True when the question does not ask for results, or names no
        town or no year."""
        if not reading.wants_result or not reading.towns or not reading.years:
            return True
        months = _named_months(reading.text)
        for town, reviewed, date, text in zip(
            self.doc_town_names, self.doc_reviewed, self.doc_dates, self.doc_review_text, strict=True
        ):
            if town not in reading.towns:
                continue
            for year in reading.years:
                if date[:4] == str(year) and date[5:7].isdigit() and int(date[5:7]) in months:
                    return True
                for period in reviewed:
                    if period.kind == "plan" or not period.start_year <= year <= period.end_year:
                        continue
                    if period.kind == "half" and (reading.whole_year or (reading.halves and period.label[-2:] not in reading.halves)):
                        continue
                    return True
                if not reading.whole_year and f"{year}年" in text:
                    return True
        return False
