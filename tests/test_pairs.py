"""Character-pair coverage (`qa.pairs`): which pairs count, how they are weighed, and that a store's
candidates score as they do among all passages."""

from __future__ import annotations

import numpy as np
import pytest

from qa.pairs import PairIndex, candidate_coverage, decode_pair, pair_codes, passage_pairs


def pairs_of(text: str) -> set[str]:
    return {decode_pair(int(code)) for code in pair_codes(text)}


def test_pairs_are_adjacent_word_characters_within_a_run() -> None:
    assert pairs_of("拥军优属，ab12") == {"拥军", "军优", "优属", "ab", "b1", "12"}
    assert pairs_of("一") == set() and pairs_of("") == set()
    assert pairs_of("“双拥”模范") == {"双拥", "模范"}  # no pair across punctuation


def test_passages_are_width_folded_and_lower_cased() -> None:
    assert {decode_pair(int(c)) for c in passage_pairs("ＡＥＤ设备")} == {"ae", "ed", "d设", "设备"}


PASSAGES = [
    "争创市双拥模范镇“八连冠”，做好拥军优属工作。",
    "做好民生保障工作，推进养老服务。",
    "推进养老服务，新增养老床位。",
    "工作会议召开。",
]


def test_a_rare_pair_weighs_more_than_a_common_one() -> None:
    index = PairIndex.build(PASSAGES)
    covered = index.coverage("拥军优属工作")
    assert covered.shape == (4,) and covered.max() <= 1.0 + 1e-9
    assert covered[0] == pytest.approx(1.0)  # holds every pair of the question
    # 「工作」 is in three passages, 「拥军优属」's pairs in one: passage 1 holds only the common pair
    assert 0.0 < covered[1] < 0.3 and covered[3] == pytest.approx(covered[1])
    assert covered[2] == 0.0


def test_a_question_without_pairs_covers_nothing() -> None:
    index = PairIndex.build(PASSAGES)
    assert not index.coverage("？").any() and not index.coverage("").any()
    assert not PairIndex.build([]).coverage("养老").any()


def test_candidates_score_as_among_all_passages() -> None:
    """A store that keeps the passages elsewhere gives the same coverage from its document frequencies."""
    index = PairIndex.build(PASSAGES)
    frequency = {decode_pair(int(c)): int(index.starts[j + 1] - index.starts[j]) for j, c in enumerate(index.codes)}
    question = "养老服务工作怎么样？"
    subset = [2, 0]
    np.testing.assert_allclose(
        candidate_coverage(question, [PASSAGES[i] for i in subset], lambda pair: frequency.get(pair, 0), len(PASSAGES)),
        index.coverage(question)[subset],
    )
