"""English words → Chinese BM25 tokens through the bilingual dictionary."""

from __future__ import annotations

from qa.crosslingual import (
    english_glosses,
    english_senses,
    flattened,
    pinyin_names,
    sense_phrases,
    translations,
    transliterated_tokens,
    word_forms,
)
from qa.text import BM25Tokenizer


def translated_tokens(*args) -> list[str]:
    """What BM25 is queried with for an English question: its translations' tokens, each once."""
    return flattened(translations(*args))


def test_word_forms_strip_plural_and_verb_suffixes() -> None:
    assert word_forms("enterprises")[:3] == ["enterprises", "enterpris", "enterprise"]
    assert "company" in word_forms("companies")
    assert "open" in word_forms("opened") and "plan" in word_forms("plans") and "build" in word_forms("building")
    assert word_forms("gas") == ["gas"]  # too short to strip


def test_dictionary_has_chinese_glosses() -> None:
    glosses = english_glosses()
    assert len(glosses) > 50_000
    assert "幼儿园" in glosses["kindergarten"]


def test_the_chinese_english_dictionary_read_the_other_way_has_the_reports_terms() -> None:
    """CC-CEDICT's senses, read from English to Chinese, have what the English-Chinese dictionary lacks or
    glosses otherwise ("tourism" 观光事业 游览, "subsidy" 补助金 津贴, no "foreign investment")."""
    senses = english_senses()
    assert senses["subsistence allowance"] == ("低保",)
    assert "外资" in senses["foreign investment"] and "城镇化" in senses["urbanization"]
    assert "旅游" in senses["tourism"] and "补贴" in senses["subsidy"]
    assert not any(key.startswith(("to ", "the ")) or "(" in key for key in senses)


def test_runs_of_words_that_are_senses_are_found_and_open_and_end_on_a_topic() -> None:
    words = ["how", "much", "subsistence", "allowances", "did", "the", "township", "pay", "out", "last", "year"]
    found = {phrase for _, _, phrase in sense_phrases(words)}
    assert {"subsistence allowance", "allowance", "pay"} <= found  # the plural dropped
    assert "township" not in found  # the kind of place asked about (`_NOT_TOPICS`)
    assert "last year" not in found and "how much" not in found  # words saying how or when it asks


def test_translations_are_grouped_by_the_word_they_translate() -> None:
    """A word's alternatives of one token each are one group (a passage with one of them has the word); a
    phrase that is a sense is a group of its own, and so is each word of a report term, which are read
    together."""
    tokenize = BM25Tokenizer([]).tokenize
    vocabulary = {"低保", "补助", "补贴", "津贴", "生存", "游客", "人次", "接待"}
    groups = translations("How much subsistence allowance was paid last year?", tokenize, vocabulary)
    assert ("低保",) in groups
    allowance = next(g for g in groups if "补助" in g)
    assert {"补助", "补贴", "津贴"} <= set(allowance)
    assert sorted(translations("How many tourist visits?", tokenize, vocabulary)) == [("人次",), ("接待",), ("游客",)]
    assert translated_tokens("How much subsistence allowance was paid last year?", tokenize, vocabulary) == list(
        dict.fromkeys(t for g in groups for t in g)
    )


def test_only_tokens_of_the_corpus_vocabulary_are_kept() -> None:
    tokenize = BM25Tokenizer([]).tokenize
    vocabulary = {"幼儿园", "企业", "草案"}
    tokens = translated_tokens("Which new kindergarten and enterprises are in the draft of the town report?", tokenize, vocabulary)
    assert set(tokens) == {"幼儿园", "企业", "草案"}
    assert len(tokens) == len(set(tokens))
    assert translated_tokens("How many in the town?", tokenize, vocabulary) == []


def test_a_phrasal_verb_is_read_as_the_word_of_its_meaning() -> None:
    """"bring in" has no headword and "bring" means 带来: it is read as "introduce" (引进)."""
    tokenize = BM25Tokenizer([]).tokenize
    vocabulary = {"引进", "企业", "设立", "带来"}
    assert set(translated_tokens("How many enterprises did Dachang bring in?", tokenize, vocabulary)) == {"企业", "引进"}
    assert "设立" in translated_tokens("Which fund did the town set up?", tokenize, vocabulary)


def test_a_term_of_the_reports_is_read_as_the_reports_write_it() -> None:
    """The dictionary glosses "new" as 更新 and "job" as 零活 or 事情, and has no "high-tech": the terms of
    government work reports are read as the reports write them (`REPORT_TERMS`), before the dictionary."""
    tokenize = BM25Tokenizer([]).tokenize
    vocabulary = {"新增", "就业", "岗位", "更新", "事情", "高新技术", "企业", "游客", "人次", "拜访", "目标"}
    assert set(translated_tokens("How many new jobs did Songnan create in 2024?", tokenize, vocabulary)) == {"新增", "就业", "岗位"}
    assert set(translated_tokens("How many high-tech enterprises by the end of 2024?", tokenize, vocabulary)) == {"高新技术", "企业"}
    assert set(translated_tokens("How many tourist visits last year?", tokenize, vocabulary)) == {"游客", "人次"}


def test_grassroots_and_city_terms_are_read_as_the_reports_write_them() -> None:
    """"full-time grid workers" are 专职网格员 (the dictionary reads "full" as 全部 and 丰富 and has no "grid
    worker"), "charging piles" 充电桩; "subdistrict" names the kind of place asked about, as "town" does."""
    tokenize = BM25Tokenizer([]).tokenize
    vocabulary = {"专职", "网格", "网格员", "全部", "丰富", "时间", "小区", "充电", "新能源", "汽车", "老旧", "改造"}
    grid = set(translated_tokens("How many full-time grid workers does the subdistrict have?", tokenize, vocabulary))
    assert {"专职", "网格"} <= grid and not grid & {"全部", "丰富", "时间", "小区"}
    assert {"充电", "新能源", "汽车"} <= set(translated_tokens("How many new-energy vehicle charging piles were built?", tokenize, vocabulary))
    assert set(translated_tokens("How many old residential communities were renovated?", tokenize, vocabulary)) == {"老旧", "小区", "改造"}
    # a "logistics park" is a 物流园, not a 公园; "cold-chain" is 冷链 and "farm produce" 农产品 (round 24's 长岭县)
    cold = {"冷链", "物流园", "物流", "农产品", "公园", "农田", "生产"}
    question = "Where is the county's new cold-chain logistics park for farm produce located?"
    read = set(translated_tokens(question, tokenize, cold))
    assert {"冷链", "物流园", "农产品"} <= read and not read & {"公园", "农田", "生产"}
    # a town attracts firms as it 引进 them, and a cycling greenway is a 骑行绿道 (round 28's 柳川街道, 桂花乡)
    firms = {"引进", "企业", "吸引", "骑行", "绿道", "贯通"}
    assert {"引进", "企业"} <= set(translated_tokens("How many new companies did Liuchuan attract in 2025?", tokenize, firms))
    assert {"骑行", "绿道"} <= set(translated_tokens("What is the name of the cycling greenway opened last year?", tokenize, firms))


def test_a_facility_opening_and_the_date_asked_are_read_as_a_report_writes_them() -> None:
    """"open" is a facility put into use or opened (the dictionary's 公开 is "make public"), a "centre" is a
    中心 (not 集中), and "date" names what is asked, not what it is about."""
    tokenize = BM25Tokenizer([]).tokenize
    vocabulary = {"投用", "开放", "公开", "中心", "集中", "文体", "日子", "日期", "正式"}
    tokens = set(translated_tokens("On what date did the culture and sports centre officially open?", tokenize, vocabulary))
    assert {"投用", "开放", "文体", "中心", "正式"} <= tokens
    assert not tokens & {"公开", "集中", "日子", "日期"}


def test_words_saying_how_or_when_a_question_asks_are_no_topic() -> None:
    """"last year", "the first half", "what share", "has": the dictionary reads them 持续 支持, 优先 部分,
    份额, 第三, and those were searched for and weighed as the question's subject (the blind reports'
    English questions: half the weight of their subjects was such words, found in no passage)."""
    tokenize = BM25Tokenizer([]).tokenize
    vocabulary = {"持续", "支持", "优先", "部分", "份额", "第三", "目标", "对象", "企业", "事业", "床位", "基础", "居民", "民宿"}
    tokens = translated_tokens("How many homestays did the town have last year, and what share of them has beds?", tokenize, vocabulary)
    assert set(tokens) == {"民宿", "床位"}
    assert set(translated_tokens("What target is set for enterprises in the first half?", tokenize, vocabulary)) == {"目标", "企业"}
    assert translated_tokens("How many residents?", tokenize, vocabulary) == ["居民"]


def test_names_spelled_in_pinyin_are_matched_by_sound_to_the_corpus_words() -> None:
    """"Hongguang Village" → 红光 ("Village" is left to the dictionary), "Zhu Junfeng" → 朱峻峰 as one
    name, every reading of a heteronym (庙行 is "miaohang"); English words and words the corpus lacks
    match nothing."""
    words = {"红光", "朱峻峰", "庙行", "康家", "幼儿园", "村"}
    names = pinyin_names(words)
    assert names["hongguang"] == ("红光",) and names["zhujunfeng"] == ("朱峻峰",)
    assert "庙行" in names["miaohang"] and "村" not in {w for found in names.values() for w in found}
    assert transliterated_tokens("When were the Hongguang Village homes handed over?", names) == ["红光"]
    assert transliterated_tokens("What did mayor Zhu Junfeng report for Miaohang?", names) == ["朱峻峰", "庙行"]
    assert transliterated_tokens("Which Kindergarten opened in Luodian?", names) == []
    tokenize = BM25Tokenizer([]).tokenize
    question = "When were the Hongguang Village homes handed over?"
    assert translated_tokens(question, tokenize, {"红光"}, names) == ["红光"]
    assert translated_tokens(question, tokenize, {"康家"}, names) == []  # only words of the vocabulary



def test_pinyin_names_do_not_depend_on_the_order_of_the_words() -> None:
    """The names reach the text embedded in this order: a set's order, which changes from process to
    process, once moved an English question's passages between ranks 2 and 3."""
    words = ["五家", "五届", "无界", "误解", "红光"]
    assert pinyin_names(words) == pinyin_names(reversed(words))
    assert pinyin_names(words)["wujie"] == ("五家", "五届", "无界", "误解")  # code-point order
