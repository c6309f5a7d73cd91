"""Normalization and BM25 tokens: the query side and the index side must agree."""

from __future__ import annotations

from qa.text import (
    BM25Tokenizer,
    abbreviations,
    fold_width,
    looks_traditional,
    mine_user_words,
    normalize_question,
    replace_surrogates,
)


def test_fold_width_turns_full_width_into_ascii() -> None:
    assert fold_width("ＡＢＣ１２３（一）") == "abc123(一)"


def test_traditional_question_is_simplified() -> None:
    assert normalize_question("廟行鎮2023年上半年的報告") == "庙行镇2023年上半年的报告"


def test_simplified_place_name_with_one_mappable_character_is_kept() -> None:
    # 乾 is a legitimate simplified character in place names; one changed character is not "traditional".
    assert not looks_traditional("乾康苑交付使用了吗")
    assert normalize_question("乾康苑交付使用了吗") == "乾康苑交付使用了吗"


def test_a_chinese_question_says_gdp_as_the_reports_do() -> None:
    assert normalize_question("澄浦镇去年GDP一共多少？") == "澄浦镇去年地区生产总值一共多少?"
    assert normalize_question("去年gdp涨了多少") == "去年地区生产总值涨了多少"
    # an English question keeps it (its dictionary translates it); a longer word is not the abbreviation
    assert normalize_question("What was Dachang's GDP in 2025?") == "What was Dachang's GDP in 2025?"
    assert normalize_question("GDPR是什么") == "GDPR是什么"
    # the core of the words a passage speaking of it holds, for the answer step to look for
    assert abbreviations("澄浦镇去年GDP一共多少？") == (("GDP", "生产总值"),)
    assert abbreviations("What was Dachang's GDP in 2025?") == (("GDP", "生产总值"),)


def test_tokens_drop_stopwords_and_punctuation_and_keep_numbers() -> None:
    tokens = BM25Tokenizer().tokenize("全年完成地方财政收入8.37亿元，同比增长7.91%，是多少？")
    assert "8.37" in tokens and "7.91%" in tokens and "财政收入" in tokens
    assert "，" not in tokens and "多少" not in tokens and "是" not in tokens


def test_traditional_and_full_width_text_give_the_same_tokens() -> None:
    tokenizer = BM25Tokenizer()
    assert tokenizer.tokenize("財政收入８．３７億元") == tokenizer.tokenize("财政收入8.37亿元")


def test_user_words_keep_program_names_whole() -> None:
    words = mine_user_words(["紧紧围绕宝山“一地两区”发展大局", "推进“一地两区”建设"], ["招商引资交出新答卷。"])
    assert "一地两区" in words and "招商引资交出新答卷" in words
    tokenizer = BM25Tokenizer(words)
    assert "一地两区" in tokenizer.tokenize("“一地两区”指什么")


def test_lone_surrogates_become_replacement_characters() -> None:
    assert replace_surrogates("a\ud800b\udcffc") == "a\ufffdb\ufffdc"
    assert replace_surrogates("大场镇😀") == "大场镇😀"
