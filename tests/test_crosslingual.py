"""English words → Chinese BM25 tokens through the bilingual dictionary."""

from __future__ import annotations

from qa.crosslingual import english_glosses, translated_tokens, word_forms
from qa.text import BM25Tokenizer


def test_word_forms_strip_plural_and_verb_suffixes() -> None:
    assert word_forms("enterprises")[:3] == ["enterprises", "enterpris", "enterprise"]
    assert "company" in word_forms("companies")
    assert "open" in word_forms("opened") and "plan" in word_forms("plans") and "build" in word_forms("building")
    assert word_forms("gas") == ["gas"]  # too short to strip


def test_dictionary_has_chinese_glosses() -> None:
    glosses = english_glosses()
    assert len(glosses) > 50_000
    assert "幼儿园" in glosses["kindergarten"]


def test_only_tokens_of_the_corpus_vocabulary_are_kept() -> None:
    tokenize = BM25Tokenizer([]).tokenize
    vocabulary = {"幼儿园", "企业", "草案"}
    tokens = translated_tokens("Which new kindergarten and enterprises are in the draft of the town report?", tokenize, vocabulary)
    assert set(tokens) == {"幼儿园", "企业", "草案"}
    assert len(tokens) == len(set(tokens))
    assert translated_tokens("How many in the town?", tokenize, vocabulary) == []
