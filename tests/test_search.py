"""The retriever's filters, ranking, comparison sides and result type on the committed seed index with
the real model (reading the question: tests/test_query.py; steering: tests/test_steering.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qa.index import embedding_text
from qa.search import Retriever, SearchResult, get_retriever, release_retriever
from qa.stores import build_dense, build_lexical


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return get_retriever()


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


def test_hits_say_how_well_their_period_matches_the_one_asked(retriever: Retriever) -> None:
    """A look back on 2022 matches a question about 2022 whole; another year's review, or a report's
    plan part, less; a question naming no period matches none."""
    hits = retriever.search("大场镇2022年引进了多少家企业？", 10)
    for hit in hits:
        reviews_2022 = hit.date == "2023-01-12" and "2022" in hit.section_path[0]
        assert (hit.period_match == 1.0) == reviews_2022, (hit.section_path, hit.period_match)
    assert all(h.period_match == 0.0 for h in retriever.search("大场镇引进了多少家企业？", 5))


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


@pytest.mark.slow
def test_retrieve_returns_the_reading_and_the_query_with_the_hits(retriever: Retriever) -> None:
    result = retriever.retrieve("What did Gaojing Town collect in local fiscal revenue in 2023?", 3)
    assert isinstance(result, SearchResult)
    assert result.reading.foreign and result.reading.towns == ("高境镇",) and result.reading.years == (2023,)
    question = "What did Gaojing Town collect in local fiscal revenue in 2023?"
    assert [h.chunk_id for h in result.hits] == [h.chunk_id for h in retriever.search(question, 3)]
    assert result.covered and result.query_tokens and result.query_vector.shape == (retriever.embedder.dimension,)
    assert not retriever.retrieve("高境镇1999年的财政收入", 3).covered


def test_a_side_of_a_comparison_is_its_periods_closest_passages() -> None:
    """「2022年」's side: the reviews of 2022 (match 1), not a five-year review that mentions 2022 (0.5);
    with no passage closer than 0.5, those are the side's."""
    from qa.query import QueryReading
    from qa.search.retriever import side_members

    side = QueryReading(text="2022年", towns=("大场镇",), years=(2022,))
    town = np.array([1, 1, 1, 0], dtype=np.float32)
    assert side_members(town, np.array([1.0, 0.5, 0.0, 1.0]), side).tolist() == [True, False, False, False]
    assert side_members(town, np.array([0.0, 0.5, 0.5, 1.0]), side).tolist() == [False, True, True, False]
    assert not side_members(town, np.zeros(4), side).any()  # nothing about it: the caller ranks all passages


@pytest.mark.slow
def test_a_comparison_of_two_years_answers_each_from_its_years_review() -> None:
    """The review of 2022 stands for 2022, though the five-year review of 2021–2025 scores higher overall."""
    from qa.answer import ask

    answer = ask("大场镇2022年和2025年引进企业数量相比怎么样？")
    assert "967 家" in answer.answer and "6154家" in answer.answer


def test_a_released_retriever_is_loaded_again_on_next_use(retriever: Retriever) -> None:
    """`bench.unseen` reads 223 indexes one after another and releases each: the process-wide Retriever
    goes, a question holding it still answers, and the next use loads the index again."""
    assert get_retriever() is retriever
    release_retriever()
    assert retriever.search("大场镇2022年引进了多少家企业？", 3)
    fresh = get_retriever()
    assert fresh is not retriever and fresh.search("大场镇2022年引进了多少家企业？", 3)
