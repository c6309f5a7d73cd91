"""Sentence splitting and the choice of the highlighted sentence (pure, fast)."""

from __future__ import annotations

import numpy as np

from qa.highlight import answer_clauses, best_sentences, clauses, sentence_vector, split_sentences
from qa.text import normalize_for_matching

PASSAGE = "招商引资交出新答卷。全年新引进企业 1,204 家，同比增长 12%。完成税收 30 亿元；“一地两区”建设有序推进！"


def _best(text: str, question: str, tokens: list[str], **kwargs: str) -> str:
    sentences = split_sentences(text)
    spans = best_sentences(sentences, [normalize_for_matching(s.text) for s in sentences], question, tokens, **kwargs)
    return "".join(text[s:e] for s, e in spans)


def test_split_keeps_every_character() -> None:
    sentences = split_sentences(PASSAGE + "没有句号的结尾")
    assert "".join(s.text for s in sentences) == PASSAGE + "没有句号的结尾"
    assert [s.text for s in sentences][-1] == "没有句号的结尾"
    assert all(PASSAGE[s.start:s.end] == s.text for s in sentences[:-1])


def test_closing_quote_stays_with_its_sentence() -> None:
    assert [s.text for s in split_sentences("他说：“好。”然后走了。")] == ["他说：“好。”", "然后走了。"]


def test_sentence_with_the_question_words_wins() -> None:
    assert _best(PASSAGE, "税收完成了多少？", ["税收", "完成"]).startswith("完成税收 30 亿元；")


def test_quantity_question_prefers_a_sentence_with_a_number() -> None:
    assert _best(PASSAGE, "新引进企业有多少家？", ["企业"]).startswith("全年新引进企业")


def test_tokens_match_traditional_and_full_width_text() -> None:
    text = "第一句無關。引進企業１２家。"
    assert _best(text, "引进企业几家", ["引进", "企业"]) == "引進企業１２家。"


def test_lead_sentence_is_skipped_unless_nothing_else() -> None:
    assert _best(PASSAGE, "招商引资", ["招商引资"], skip_prefix="招商引资交出新答卷。") != "招商引资交出新答卷。"
    assert _best("招商引资交出新答卷。", "招商引资", ["招商引资"], skip_prefix="招商引资交出新答卷。") == "招商引资交出新答卷。"


def test_short_sentence_is_extended_by_the_next() -> None:
    assert _best("好。全年新引进企业 1,204 家。", "好", ["好"]) == "好。全年新引进企业 1,204 家。"


def test_empty_passage_has_no_highlight() -> None:
    assert best_sentences([], [], "问题", ["问题"]) == ()


def test_clauses_split_a_sentence_at_its_commas() -> None:
    sentence = "持续扩大基本医疗服务覆盖面，家庭医生签约率持续提升，新建家庭病床 161 张。"
    assert clauses(sentence) == ["持续扩大基本医疗服务覆盖面，", "家庭医生签约率持续提升，", "新建家庭病床 161 张。"]
    assert clauses("新建家庭病床 161 张。") == ["新建家庭病床 161 张。"]


def test_the_index_embeds_the_clauses_of_each_answer_sentence() -> None:
    texts = answer_clauses("家庭医生签约率持续提升，新建家庭病床 161 张。\n完成加装电梯 38 台。")
    assert texts == ["家庭医生签约率持续提升，", "新建家庭病床 161 张。", "完成加装电梯 38 台。"]


def test_a_sentence_vector_is_its_clauses_mean_weighted_by_length() -> None:
    first, second = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    vectors = {"一二三，": first, "四五。": second, "六七八。": second}
    composed = sentence_vector("一二三，四五。", vectors)
    assert np.allclose(composed, np.array([4.0, 3.0]) / 5.0)
    assert sentence_vector("六七八。", vectors) is second  # one clause: its own vector
