"""The periods and towns each passage speaks of, and the per-chunk table, on the committed seed index
(no model: the table is built from the index's chunks and reports)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.index import LoadedIndex, load_index
from qa.query import QueryReading, read_question
from qa.settings import Settings
from qa.steering import ChunkTable, passage_time


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
    assert table.covers(read_question("2023年", table.towns)), "no town named: nothing to check"
    assert table.town_match((town,)).sum() == allowed.sum()
