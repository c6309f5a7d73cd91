"""The subject of a question and how much of it a sentence covers."""

from __future__ import annotations

import pytest

from qa.answer_types import AREA_WORDS, AnswerType, expected_answer
from qa.evidence import Subject, bm25_idf, candidate, sentence_score, subject_of


def test_subject_drops_places_periods_question_words_and_word_parts() -> None:
    tokens = ["庙行", "庙行镇", "2023", "2023年", "上半年", "空气", "质量", "空气质量", "哪些地方", "多少"]
    subject = subject_of(tokens, ["庙行镇"], lambda token: 2.0)
    assert list(subject.terms) == ["空气质量"]


def test_a_demonstrative_or_a_numeral_and_its_measure_word_are_no_subject() -> None:
    """「那场」「这座」 point at what is asked about and 「哪三个」 counts it; they name nothing a report writes."""
    assert list(subject_of(["那场", "持续", "强降雨"], [], lambda token: 2.0, "那场持续强降雨是哪几天下的").terms) == ["持续", "强降雨"]
    assert list(subject_of(["这座", "大桥", "总投资"], [], lambda token: 2.0, "这座大桥总投资多少").terms) == ["大桥", "总投资"]
    assert list(subject_of(["三大", "主导产业", "三个"], [], lambda token: 2.0, "三大主导产业是哪三个").terms) == ["三大", "主导产业"]


def test_a_piece_of_a_place_name_cut_across_its_suffix_is_no_subject() -> None:
    """「张庙街道」 is cut 「张」「庙街」「道」: 「庙街」 is no word of the question once the place is taken out; a
    word the question also writes outside the place name is (「经济」 of 「梧港经济开发区的经济产值是多少」)."""
    pieces = subject_of(["张", "庙街", "道", "一共", "税收"], ["张庙街道"], lambda token: 2.0, "张庙街道2023年一共收了多少税收")
    assert list(pieces.terms) == ["税收"]
    zone = subject_of(["梧港", "经济", "开发区", "产值"], ["梧港经济开发区"], lambda token: 2.0, "梧港经济开发区的经济产值是多少")
    assert list(zone.terms) == ["经济", "产值"]


def test_the_words_naming_an_area_asked_are_no_subject() -> None:
    """「占地有多大」 asks an area, which 「面积18公顷」 gives: 占地 is not what the question is about. 「建筑面积」
    keeps 建筑 (a floor area is not the land covered), and a translation of an English question stays."""
    park = subject_of(["滨江", "公园", "一期", "占地", "大"], [], lambda token: 2.0, "滨江公园一期占地有多大？", AREA_WORDS)
    assert list(park.terms) == ["滨江", "公园", "一期"]
    floor = ["安置", "点", "总", "建筑", "面积", "建筑面积", "平方", "平方米"]
    assert list(subject_of(floor, [], lambda token: 2.0, "安置点的总建筑面积是多少平方米？", AREA_WORDS).terms) == ["安置", "建筑"]
    assert list(subject_of(floor, [], lambda token: 2.0, "安置点的总建筑面积是多少平方米？").terms) == ["安置", "建筑面积", "平方米"]
    english = subject_of(["park", "公园", "面积"], [], lambda token: 2.0, "How large is the park?", AREA_WORDS)
    assert list(english.terms) == ["公园", "面积"]


def test_two_function_words_run_together_are_no_subject() -> None:
    """「具体地址」 is 「具体」 and 「地址」, each of which says how the question asks, not what about."""
    museum = subject_of(["博物馆", "具体", "地址", "具体地址"], [], lambda token: 2.0, "新的市博物馆建在哪里？具体地址是？")
    assert list(museum.terms) == ["博物馆"]



def test_words_pointing_at_a_place_are_no_subject() -> None:
    """「青石巷那边新建的…」 (round 21's 白沙街道, blind): 「那边」 points at where the park is, as 「这块」 does at a
    part of the work; a sentence on the park never says it, and its coverage fell short of an answer."""
    park = subject_of(["青石", "那边", "新建", "石榴园", "公园"], [], lambda token: 2.0, "青石巷那边新建的石榴园公园面积有多大？")
    assert list(park.terms) == ["青石", "新建", "石榴园", "公园"]
    # 「设在哪些地方」 asks where, as 「在哪」 does (a report says 「分别位于…」)
    canteens = subject_of(["新增", "长者", "餐点", "设在", "地方"], [], lambda token: 2.0, "新增的几个长者助餐点都设在哪些地方？")
    assert list(canteens.terms) == ["长者", "餐点"]
    # 「乡里」 is the township, as 「镇里」 is the town; 「为了」 says why (round 22's 桃源乡)
    drills = subject_of(["为了", "防汛", "乡里", "演练"], [], lambda token: 2.0, "上半年为了防汛，乡里组织了几次演练？")
    assert list(drills.terms) == ["防汛", "演练"]
    # 「下面」 points at what comes under the place (round 39's 鹭沙街道: 「鹭沙街道下面都有哪些社区」)
    communities = subject_of(["鹭沙", "街道", "下面", "社区"], ["鹭沙街道"], lambda token: 2.0, "鹭沙街道下面都有哪些社区？")
    assert list(communities.terms) == ["社区"]
    # 「干什么」 asks what, as 「什么」 does; 「平时」 says when (round 24's 翠屏乡)
    steward = subject_of(["寨管家", "是", "什么", "人", "平时", "负责", "干什么"], [], lambda token: 2.0, "“寨管家”是什么人，平时负责干什么？")
    assert list(steward.terms) == ["寨管家", "负责"]


def test_english_questions_keep_their_chinese_tokens() -> None:
    subject = subject_of(["kindergarten", "幼儿园"], [], lambda token: 1.0)
    assert list(subject.terms) == ["幼儿园"]


def test_the_translations_of_one_english_word_are_one_term() -> None:
    """"projects" → 项目 工程: a passage with 项目 has the word. Before, each translation was a term of its
    own, and a sentence with 项目 alone covered half of what the question asked. A translation standing for
    two words ("focus" 集中 中心, "central" 中央 中心) is the synonym of both."""
    weights = {"项目": 1.0, "工程": 2.0, "低保": 3.0, "聚焦": 3.0, "中心": 1.0, "集中": 2.0, "中央": 2.5}

    def idf(token: str) -> float:
        return weights.get(token, 1.0)  # an English word weighs too, and is dropped: the question has Chinese tokens

    subject = subject_of(["projects", "项目", "工程", "低保"], [], idf, "How many projects?", None, [("项目", "工程"), ("低保",)])
    assert subject.terms == {"工程": 2.0, "低保": 3.0} and subject.synonyms == {"工程": ("项目",)}
    assert subject.coverage("实施项目12个，发放低保金") == 1.0
    tokens = ["聚焦", "中心", "集中", "中央"]
    towns = subject_of(tokens, [], idf, "Which central towns to focus on?", None, [("聚焦", "集中", "中心"), ("中央", "中心")])
    assert towns.terms == {"聚焦": 3.0, "中央": 2.5} and towns.coverage("推进3个中心镇建设") == 1.0
    assert subject_of(["项目", "工程"], [], idf).synonyms == {}  # a Chinese question has no translations


def test_coverage_is_weighted_and_credits_characters_in_part() -> None:
    subject = Subject({"口袋公园": 3.0, "新建": 1.0})
    assert subject.coverage("新建口袋公园3个") == 1.0
    assert subject.coverage("新建驿站") == 0.25
    assert subject.coverage("新建公园") == (1.0 + 3.0 * 0.8 * 2 / 4) / 4  # half of 口袋公园's characters
    assert Subject({"捐血": 1.0}).coverage("672人献血134400毫升") == 0.4  # a paraphrase keeps a character
    assert Subject({}).coverage("任何") == 1.0
    # a numbered thing is not found in part in another number's (「三星级」 in 「五星级」: round 21's 澄湖镇)
    assert Subject({"三星级": 1.0}).coverage("评出五星级渔家乐6家") == 0.0
    assert Subject({"二期": 1.0}).coverage("项目一期投产") == 0.0


def test_rarer_terms_weigh_more() -> None:
    assert bm25_idf(1, 200) > bm25_idf(50, 200) > 0


def test_a_footnote_explains_its_passage_for_definition_questions() -> None:
    subject = Subject({"三站一场": 1.0})
    note = candidate(0, "大康路站、呼兰路站。", 0.9, subject, AnswerType("definition"), footnote=1, passage="“三站一场”¹周边")
    assert note.typed and note.coverage == 1.0
    sentence = candidate(0, "大康路站、呼兰路站。", 0.9, subject, AnswerType("definition"))
    assert sentence.coverage == 0.8 * 1 / 4  # only 站 of 三站一场


def test_a_footnote_answers_a_list_of_n_only_when_it_names_n_members() -> None:
    subject = Subject({"实事项目": 1.0})
    three = "中部吴淞创新城、东部滨江产业带、西部科创集聚带。"
    assert not candidate(0, three, 0.9, subject, AnswerType("list", items=10), footnote=1, passage="十项实事项目¹").typed
    assert candidate(0, three, 0.9, subject, AnswerType("list", items=3), footnote=1, passage="十项实事项目¹").typed
    assert candidate(0, three, 0.9, subject, AnswerType("list"), footnote=1, passage="十项实事项目¹").typed


def test_a_when_question_about_what_happened_is_answered_by_the_period_looked_back_on() -> None:
    """「举办首届“社区服务节”」 in a review of the first half of 2023 answers when it was held; not a
    question about what is to come, nor one asking the day."""
    subject = Subject({"社区服务节": 3.0})
    sentence = "举办首届“社区服务节”及“庙社家社工精英营”。"
    held = candidate(0, sentence, 0.9, subject, expected_answer("庙行镇首届社区服务节是什么时候办的？"), period="2023年上半年")
    assert held.typed and held.dated_by == "2023年上半年"
    for question in ("社区服务节预计什么时候举办？", "社区服务节是哪一天办的？"):
        assert not candidate(0, sentence, 0.9, subject, expected_answer(question), period="2023年上半年").typed, question
    assert not candidate(0, sentence, 0.9, subject, expected_answer("社区服务节是什么时候办的？")).typed  # no period known
    dated = candidate(0, "11月底交付入住。", 0.9, subject, expected_answer("什么时候交付入住的？"), period="2025年")
    assert dated.typed and dated.dated_by is None  # the sentence's own date answers


def test_a_passage_on_several_years_dates_none_of_its_sentences() -> None:
    """A look back on the five years of a plan, in a part headed 「2025年…和“十四五”工作回顾」, is no answer
    to when one of its events happened."""
    asked = expected_answer("中邮华东智能产业园是哪一年打造的？")
    passage = "经济综合实力实现新跃升。产业转型深入推进，打造中邮华东智能产业园等载体项目7个，五年来新增专精特新企业44家。"
    sentence = "产业转型深入推进，打造中邮华东智能产业园等载体项目7个。"
    assert not candidate(0, sentence, 0.9, Subject({"中邮": 3.0}), asked, passage=passage, period="2025年").typed


def test_a_sentence_of_the_period_asked_answers_before_a_closer_one_of_another() -> None:
    """「2022年…发了多少救助金」: the review of 2022 answers, not the same figure for 2025, even when the
    2025 sentence is a little closer in wording and covers more of the subject."""
    asked = expected_answer("大场镇2022年一共给生活困难的居民发了多少补助款？")
    subject = Subject({"补助款": 3.0, "困难": 2.0})
    of_2025 = candidate(2, "保障困难群众基本生活，发放各类救助资金9693.15万元。", 0.90, subject, asked, period_match=0.5)
    of_2022 = candidate(0, "扎实做好救助帮困，全年共发放各类救助金 7301.18 万元。", 0.89, subject, asked, period_match=1.0)
    assert of_2025.coverage > of_2022.coverage
    assert sentence_score(of_2022, asked) > sentence_score(of_2025, asked)


@pytest.mark.parametrize(
    ("question", "terms", "sentence", "flag"),
    [
        # Dachang's 「新增科技型中小企业 80 家」 for a question on Miaohang
        ("庙行镇2022年新增了多少家科技型中小企业？", {"科技型": 3.0, "中小企业": 2.0}, "新增科技型中小企业 80 家。", "other_town"),
        # the 2026 plan's 「新建5G基站40个」 for what was done last year (`qa.steering.plans_after`)
        ("去年镇里新建了多少个5G基站？", {"5G": 3.0, "基站": 3.0}, "新建5G基站40个，实现重点区域5G网络全覆盖。", "planned_later"),
        # the review of 2025's 「全年拆除违建」 for 2022, the review of 2022 retrieved beside it
        ("2022年一共拆除了多少平方米违建？", {"拆除": 3.0, "违建": 3.0}, "全年拆除违建7.9万平方米。", "other_period"),
    ],
)
def test_a_sentence_of_another_town_or_period_holds_no_answer(question: str, terms: dict, sentence: str, flag: str) -> None:
    """A sentence of another town's report, of a plan for years after those asked of what was done, or of
    a report's passage on its own year when another report's is on the year asked, answers nothing."""
    asked = expected_answer(question)
    assert candidate(0, sentence, 0.9, Subject(terms), asked).typed
    assert not candidate(0, sentence, 0.9, Subject(terms), asked, **{flag: True}).typed


def test_a_passage_that_never_names_the_asked_member_holds_no_answer_of_it() -> None:
    """「梅坞村去年接待了多少游客？」 is not answered by the town's 「全年接待游客86.4万人次」 in a passage that never
    names 梅坞 (blind round: seven scenic areas, villages and communities asked, the whole's figure answered); a
    passage naming it may answer, as a village's own report gives its figures without its name. (A scenic
    area's figure must be in a sentence naming it: `qa.answer_types`.)"""
    asked = expected_answer("梅坞村去年接待了多少游客？")
    subject = Subject({"接待": 2.0, "游客": 2.0})
    town = "全年接待游客86.4万人次，实现旅游综合收入5.2亿元。"
    assert candidate(0, town, 0.9, subject, asked).typed
    assert not candidate(0, town, 0.9, subject, asked, passage=f"文旅融合加快推进。{town}", member="梅坞").typed
    assert candidate(0, town, 0.9, subject, asked, passage=f"梅坞村文旅融合加快推进。{town}", member="梅坞").typed
    named = "云台山景区全年接待游客86万人次。"
    assert candidate(0, named, 0.9, subject, asked, passage=named, member="云台山").typed


def test_the_whole_a_share_is_of_is_not_what_the_figures_count() -> None:
    """「去年区域税收收了多少」: 「全年楼宇实现税收13.07亿元，占区域税收的70.2%」 names 区域税收 only as the whole of
    the buildings' share, so it covers the subject less than 「全年完成区域税收18.62亿元」 and does not lead; a
    question asking the share itself reads the whole as its subject."""
    asked = expected_answer("去年枫桥街道区域税收收了多少？")
    subject = Subject({"区域": 2.0, "税收": 1.0})
    buildings = candidate(0, "全年楼宇实现税收13.07亿元，占区域税收的70.2%。", 0.908, subject, asked)
    district = candidate(1, "全年完成区域税收18.62亿元，同比增长6.8%。", 0.894, subject, asked)
    assert buildings.coverage < district.coverage == 1.0
    assert sentence_score(district, asked) > sentence_score(buildings, asked)
    share = expected_answer("楼宇税收占区域税收的比重是多少？")
    assert candidate(0, "全年楼宇实现税收13.07亿元，占区域税收的70.2%。", 0.9, subject, share).coverage == 1.0
    land = candidate(0, "项目占地156亩。", 0.9, Subject({"占地": 1.0}), expected_answer("项目有多少亩？"))
    assert land.coverage == 1.0  # 占地 is no share
