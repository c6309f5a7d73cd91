"""Query understanding (pure) and the retriever's filters, steering and comparison sides on the committed
seed index with the real model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qa.index import embedding_text
from qa.search import (
    QueryIntent,
    Retriever,
    anchored_query,
    get_retriever,
    is_foreign,
    parse_question,
    passage_time,
)
from qa.stores import build_dense, build_lexical

TOWNS = ["大场镇", "庙行镇", "高境镇"]


# ---------------------------------------------------------------- parse_question


def test_towns_years_and_periods_in_order_of_mention() -> None:
    intent = parse_question("庙行镇和大场镇2023年上半年、2022年以及“十四五”期间分别做了什么？", TOWNS)
    assert intent.towns == ("庙行镇", "大场镇")
    assert intent.years == (2023, 2022)
    assert intent.halves == ("H1",)
    assert intent.plans == ("十四五",)


def test_short_town_name_and_full_width_digits() -> None:
    intent = parse_question("大场２０２２年引进了多少家企业？", TOWNS)
    assert intent.towns == ("大场镇",) and intent.years == (2022,)


def test_english_question_names_town_by_pinyin_and_period() -> None:
    intent = parse_question("What did Miaohang Town plan for the first half of 2023 in the 14th Five-Year Plan?", TOWNS)
    assert intent.towns == ("庙行镇",)
    assert intent.years == (2023,) and intent.halves == ("H1",) and intent.plans == ("十四五",)
    assert is_foreign(intent.text)
    query = anchored_query(intent)
    assert "庙行镇" in query and "2023年" in query and "上半年" in query and "“十四五”规划" in query


def test_place_not_in_the_reports_is_unknown() -> None:
    intent = parse_question("淞南镇2023年新建了几个公园？", TOWNS, corpus_text="大场镇 庙行镇 高境镇 顾村公园")
    assert intent.unknown_places == ("淞南镇",)
    assert parse_question("顾村镇的情况", TOWNS, corpus_text="与顾村镇合作").unknown_places == ()
    assert parse_question("社区有哪些变化", TOWNS).unknown_places == ()


def test_plan_words_want_plans_unless_the_question_looks_back() -> None:
    assert parse_question("大场镇明年的目标是什么？", TOWNS).wants_plan
    assert not parse_question("大场镇去年完成了哪些目标？", TOWNS).wants_plan


# ---------------------------------------------------------------- the retriever on the seed index


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return get_retriever()


def _reference_time_match(retriever: Retriever, intent: QueryIntent) -> np.ndarray:
    """The steering rule written as a plain loop over chunks (what the vectorized table must equal)."""
    scores = []
    for chunk in retriever.index.chunks:
        document = retriever.index.documents[chunk.source]
        time = passage_time(chunk, document)
        doc_years = {y for p in (*document.metadata.periods_reviewed, *document.metadata.periods_planned)
                     for y in range(p.start_year, p.end_year + 1)}
        if document.metadata.date:
            doc_years.add(int(document.metadata.date[:4]))
        labels = set(intent.halves) | set(intent.plans)
        score = 0.0
        if intent.years:
            score = 1.0 if time.years & set(intent.years) else 0.5 if doc_years & set(intent.years) else 0.0
        if labels:
            label_score = 1.0 if time.labels & labels else 0.0
            score = (score + label_score) / 2 if intent.years else label_score
        if intent.wants_plan and not time.is_plan:
            score *= 0.6
        scores.append(score)
    return np.array(scores, dtype=np.float32)


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["大场镇2022年引进了多少家企业？", "2023年上半年庙行镇做了什么？", "“十四五”期间高境镇的规划目标", "明年2026年的打算", "社区治理"],
)
def test_time_steering_matches_the_rule(retriever: Retriever, question: str) -> None:
    intent = retriever.parse(question)
    np.testing.assert_allclose(retriever._table.time_match(intent), _reference_time_match(retriever, intent))


@pytest.mark.slow
def test_hard_filters_keep_only_matching_reports(retriever: Retriever) -> None:
    documents = retriever.documents
    town = documents[0].metadata.town
    assert town
    hits = retriever.search("经济发展和招商引资", 10, town=town)
    assert hits and all(hit.town == town for hit in hits)
    source = documents[-1].source
    hits = retriever.search("经济发展和招商引资", 10, sources=[source])
    assert hits and {hit.source for hit in hits} == {source}
    assert retriever.search("经济发展", 5, year=1999) == []
    assert retriever.search("经济发展", 5, town="不存在镇") == []


@pytest.mark.slow
def test_hits_are_ranked_cited_and_highlighted(retriever: Retriever) -> None:
    hits = retriever.search("大场镇2022年引进了多少家企业？", 5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert hit.source and hit.section_path and hit.highlight
        assert all(hit.text[s:e].strip() for s, e in hit.highlight_spans)
        assert hit.highlight in hit.text
    assert hits[0].town == "大场镇"


@pytest.mark.slow
def test_comparison_puts_the_best_passage_of_each_side_first(retriever: Retriever) -> None:
    question = "大场镇和高境镇的招商引资成效相比如何？"
    hits = retriever.search(question, 5)
    assert {hits[0].town, hits[1].town} == {"大场镇", "高境镇"}
    assert hits[0].town == "大场镇"  # in the order the question names them


@pytest.mark.slow
def test_retriever_accepts_a_prepared_index(retriever: Retriever) -> None:
    """The benchmark builds a tiled index and a Retriever over it; the original stays untouched."""
    chunks = retriever.index.chunks[:20]
    dense = build_dense(retriever.index.dense.get(np.arange(20)))
    lexical = build_lexical([retriever.index.tokenizer.tokenize(embedding_text(c, retriever.index.documents[c.source].metadata))
                             for c in chunks])
    small = Retriever(retriever.settings, index=dataclasses.replace(retriever.index, chunks=chunks, dense=dense, lexical=lexical))
    assert {h.chunk_id for h in small.search("经济", 5)} <= {c.id for c in chunks}
    assert len(retriever.index.chunks) > 20
