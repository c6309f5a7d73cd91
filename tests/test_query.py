"""Reading a question (pure): towns, periods, language and anchors, and the sides of a comparison."""

from __future__ import annotations

import pytest

from qa.crosslingual import pinyin_names
from qa.query import (
    anchored_query,
    comparison_sides,
    is_foreign,
    read_question,
    report_question,
    town_spellings,
)

TOWNS = ["大场镇", "庙行镇", "高境镇"]




def test_towns_years_and_periods_in_order_of_mention() -> None:
    reading = read_question("庙行镇和大场镇2023年上半年、2022年以及“十四五”期间分别做了什么？", TOWNS)
    assert reading.towns == ("庙行镇", "大场镇")
    assert reading.years == (2023, 2022)
    assert reading.halves == ("H1",)
    assert reading.plans == ("十四五",)


def test_short_town_name_and_full_width_digits() -> None:
    reading = read_question("大场２０２２年引进了多少家企业？", TOWNS)
    assert reading.towns == ("大场镇",) and reading.years == (2022,)


def test_english_question_names_town_by_pinyin_and_period() -> None:
    reading = read_question("What did Miaohang Town plan for the first half of 2023 in the 14th Five-Year Plan?", TOWNS)
    assert reading.towns == ("庙行镇",)
    assert reading.years == (2023,) and reading.halves == ("H1",) and reading.plans == ("十四五",)
    assert reading.foreign and is_foreign(reading.text)
    query = anchored_query(reading)
    assert "庙行镇" in query and "2023年" in query and "上半年" in query and "“十四五”规划" in query


def test_names_an_english_question_spells_in_pinyin_are_embedded_in_chinese() -> None:
    """"Hongguang Village" → 红光, appended to the text embedded, as town names are; the town's own name is
    anchored as the town, not twice; a Chinese question never asks for the names."""
    names = pinyin_names(["红光", "大场", "住宅"])
    reading = read_question("When were the Hongguang Village homes in Dachang handed over?", TOWNS, pinyin_names=lambda: names)
    assert reading.names == ("红光",) and reading.towns == ("大场镇",)
    assert anchored_query(reading).endswith("大场镇 红光")

    def never() -> dict[str, tuple[str, ...]]:
        raise AssertionError("asked for pinyin names of a Chinese question")

    assert read_question("红光村动迁安置房什么时候交付？", TOWNS, pinyin_names=never).names == ()


def test_place_not_in_the_reports_is_unknown() -> None:
    reading = read_question("淞南镇2023年新建了几个公园？", TOWNS, corpus_text="大场镇 庙行镇 高境镇 顾村公园")
    assert reading.unknown_places == ("淞南镇",)
    assert read_question("顾村镇的情况", TOWNS, corpus_text="与顾村镇合作").unknown_places == ()
    assert read_question("社区有哪些变化", TOWNS).unknown_places == ()
    # a part of the year before 「街道」 (the questioner's own subdistrict) names no place
    assert read_question("今年上半年街道帮多少个长期失业的人重新上了岗？", TOWNS).unknown_places == ()
    assert read_question("去年5月份镇上开业的那个商业综合体叫什么名字？", TOWNS).unknown_places == ()
    assert read_question("新开的“湖畔汇”商业综合体在镇上哪个片区？", TOWNS).unknown_places == ()
    assert read_question("今年的10件民生实事镇里准备投多少钱？", TOWNS).unknown_places == ()
    assert read_question("淞南镇里新建了几个公园？", TOWNS).unknown_places == ("淞南镇",)
    # a class of road (县道, 乡道) and a kind of area (历史街区) name no place; 「青崖县道路」 still names 青崖县
    assert read_question("大桥通了以后，哪几个村的人出门不用再绕县道了？", TOWNS).unknown_places == ()
    assert read_question("鼓楼巷那片历史街区改造的范围有多大？", TOWNS).unknown_places == ()
    # 辖区 is the area a government serves (round 46, 宝塔街道: 「帮辖区」 was a place no report covers)
    assert read_question("街道去年帮辖区科技型中小企业争取到了多少贷款贴息资金？", TOWNS).unknown_places == ()
    assert read_question("青崖县道路建设投了多少钱？", TOWNS).unknown_places == ("青崖县",)
    # an ordinal counts an event whose name ends as a place's does; the place after one is still named
    assert read_question("第三届桔乡丰收节是在哪儿办的？", TOWNS).unknown_places == ()
    assert read_question("第二届淞南镇龙舟赛在哪里办？", TOWNS).unknown_places == ("淞南镇",)
    assert read_question("这份镇政府工作报告是谁作的？", TOWNS).unknown_places == ()  # 「这份」 points at the report
    assert read_question("2025年末全县金融机构的贷款余额是多少？", TOWNS).unknown_places == ()  # 「年末」, then 「全县」
    # 乡村 is "rural" (round 21's 柳塘乡, blind), but a township's villagers are still its own
    assert read_question("去年民宿和乡村旅游这块的产值比前年涨了多少？", TOWNS).unknown_places == ()
    assert read_question("桃源乡村民人均收入多少？", TOWNS).unknown_places == ("桃源乡",)


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("2025年全镇新建了多大面积的高标准农田？", ()),  # not 「年全镇」
        ("2024年全区城镇调查失业率是多少？", ()),
        ("3月全乡开展了几次活动？", ()),
        ("全县城镇居民人均可支配收入是多少？", ()),  # 「全县」, then 「城镇居民」
        ("现在镇上城镇生活污水的集中收集率达到多少了？", ()),  # 「镇上」, then 「城镇」
        ("今年县里城镇化率是多少？", ()),
        ("2023年石城镇地区生产总值是多少？", ("石城镇",)),
        ("2024年淞南镇新建了几个公园？", ("淞南镇",)),
        ("镇上城北新区有多大？", ("城北新区",)),
        ("上半年镇里一共发了多少救助金？", ()),
        ("上城镇有多大？", ("上城镇",)),  # 「上」 opens a name where no place word comes before it
        # 「整个街道」 inside the question (round 37's jjj-04 had been refused as about a 「收占整个街道」)
        ("去年辖区商务楼宇贡献的税收占整个街道税收的比重是多少？", ()),
        ("这个街道去年新建了几个公园？", ()),
        # a preposition before the place word (round 38's txx-04 had been refused as about a 「百姓对乡」)
        ("老百姓对乡便民服务中心办事的满意程度有多高？", ()),
        ("从镇政府到高铁站要多久？", ()),
        ("太和镇去年新建了几个公园？", ("太和镇",)),
    ],
)
def test_a_date_or_the_questioners_own_place_before_a_place_word_names_no_place(question: str, places: tuple[str, ...]) -> None:
    """What a date's unit (「2025年全镇」) or 「全县」「镇上」 leave before the next place word starts no name."""
    assert read_question(question, TOWNS).unknown_places == places


def test_a_question_asking_which_place_names_none() -> None:
    assert read_question("事情发生在哪个服务区？", TOWNS).unknown_places == ()
    assert read_question("是张家港哪个街道的哪个村？", TOWNS).unknown_places == ()
    assert read_question("共有多少名返乡大学生参加？", TOWNS).unknown_places == ()
    assert read_question("淞南镇有哪个服务区？", TOWNS).unknown_places == ("淞南镇",)
    assert read_question("不要在什么样的山区徒步？", TOWNS).unknown_places == ()
    assert read_question("石门到上源那条乡道改造好是哪天通车的？", TOWNS).unknown_places == (), "a road pointed at"


def test_a_place_the_reports_hold_is_known_whatever_the_words_before_it() -> None:
    corpus = "瀛湖景区停车场"
    assert read_question("公交从瀛湖景区出发要几块钱？", TOWNS, corpus_text=corpus).unknown_places == ()
    assert read_question("公交从瀛湖景区出发要几块钱？", TOWNS).unknown_places == ("从瀛湖景区",)


def test_regional_names_no_place() -> None:
    """「区域」 is "regional": 「评上省级区域公用品牌」 names no place 「评上省级区」 (round 29's 花溪乡, refused as
    about a place no report covers)."""
    assert read_question("乡里评上省级区域公用品牌的茶叶牌子叫什么？", TOWNS).unknown_places == ()


def test_a_preposition_opens_no_place_name() -> None:
    """「按照县财政预算草案」 names no place 「按照县」 (round 31's 红旗县, refused as about a place no report covers)."""
    assert read_question("按照县财政预算草案，2026年全县一般公共预算支出安排了多少？", TOWNS).unknown_places == ()


def test_a_grade_opens_no_place_name() -> None:
    """「国家3A级景区」 is a grade of scenic area, not a place called 「级景区」: the question names only the
    scenic area the report speaks of."""
    corpus = "龙潭峡景区于9月成功创建国家3A级旅游景区"
    assert read_question("龙潭峡景区是哪个月评上国家3A级景区的？", TOWNS, corpus_text=corpus).unknown_places == ()


def test_a_development_zone_is_named_by_its_core_with_any_kind_of_zone() -> None:
    """「梧港开发区」「梧港经济开发区」 and "the Wugang zone" name the indexed 梧港经济开发区."""
    zone = ["梧港经济开发区"]
    for question in ("梧港开发区2022年一共签约了多少个项目？", "2019年梧港经济开发区的一般公共预算收入有多少？",
                     "How much industrial land did the Wugang zone supply in 2021?"):
        assert read_question(question, zone).towns == ("梧港经济开发区",)


def test_english_place_that_is_no_indexed_town_is_unknown() -> None:
    reading = read_question("How many companies did Luodian Town attract in 2025?", TOWNS)
    assert reading.unknown_places == ("Luodian Town",) and reading.towns == ()
    # a county the reports name, spelt in pinyin: known, though no report is its own
    names = {"huaichuan": ("槐川",), "huaichuanxian": ("槐川县",)}
    question = "When will the high-speed railway reach Huaichuan County?"
    assert read_question(question, TOWNS, pinyin_names=lambda: names).unknown_places == ()
    assert read_question(question, TOWNS, pinyin_names=lambda: {}).unknown_places == ("Huaichuan County",)
    # a place whose name without its suffix is one character spells no English question: "de" of 「的市」
    # (a news article's guess) is in "did" and "delegates"
    assert town_spellings("的市") == frozenset() and "qinchuan" in town_spellings("溱川市")
    assert read_question("How many delegates did the meeting have?", ["的市"]).towns == ()
    assert read_question("What did Gaojing Town and Miao-hang Town plan?", TOWNS).unknown_places == ()
    assert read_question("What did Gaojing Town plan in Baoshan District?", TOWNS).unknown_places == ()
    assert read_question("How did the Town Hall respond?", TOWNS).unknown_places == ()
    assert read_question("Which Town built the most parks in 2025?", TOWNS).unknown_places == ()


def test_a_time_word_before_镇_is_no_place_name() -> None:
    """「去年镇里一共兑现了多少…」 (an unseen report's question) had been refused as asking about a 「去年镇」."""
    assert read_question("去年镇里一共兑现了多少产业扶持资金？", TOWNS).unknown_places == ()
    assert read_question("今年全镇新建多少个口袋公园？", TOWNS).unknown_places == ()
    assert read_question("去年罗店镇引进了多少企业？", TOWNS).unknown_places == ("罗店镇",)
    assert read_question("去年哪几个村通过了区里的美丽乡村示范村验收？", TOWNS).unknown_places == ()
    # 「“十四五”期间县城…」 names no 「期间县」 (round 25's 石门县)
    assert read_question("“十四五”期间县城建成区从多大扩到了多大？", TOWNS).unknown_places == ()


def test_plan_words_want_plans_unless_the_question_looks_back() -> None:
    assert read_question("大场镇明年的目标是什么？", TOWNS).wants_plan
    assert not read_question("大场镇去年完成了哪些目标？", TOWNS).wants_plan
    assert read_question("What does Dachang plan for 2026?", TOWNS).wants_plan
    assert read_question("高境镇2024年全年的目标是多少？", TOWNS).wants_plan  # 「全年」 is no look back
    # "plant" is no plan, and "the 14th Five-Year Plan" names a period, not an intent
    assert not read_question("How many hectares of greenery did Dachang Town plant in 2022?", TOWNS).wants_plan
    assert not read_question("How many firms did Dachang bring in during the 14th Five-Year Plan period?", TOWNS).wants_plan
    # English says an intent with other verbs too; "did" then asks what was intended, not what was done
    for question in (
        "What did Gaojing set out to finish in 2023?",
        "What share does Dachang aim to reach by 2026?",
        "How much revenue did Miaohang expect to collect in 2022?",
        "Which projects did Dachang say it would speed up?",
    ):
        reading = read_question(question, TOWNS)
        assert reading.wants_plan and not reading.wants_result, question
    assert not read_question("How many homes did Dachang finish in 2023?", TOWNS).wants_plan


@pytest.mark.parametrize(
    ("question", "wants_result", "whole_year"),
    [
        ("大场镇2022年引进了多少家企业？", True, False),
        ("庙行镇2023年一整年加装电梯最后完工了几台？", True, True),
        ("大场镇2023年的地方财政收入实际完成多少？", True, False),
        ("How many enterprises did Miaohang Town add in the whole of 2023?", True, True),
        ("大场镇2023年计划引进多少家企业？", False, False),  # a plan
        ("为了改善环境，大场镇有哪些措施？", False, False),  # 为了 is no past tense
        ("高境镇2024年全年的目标是多少？", False, True),
    ],
)
def test_questions_asking_what_was_achieved(question: str, wants_result: bool, whole_year: bool) -> None:
    reading = read_question(question, TOWNS)
    assert (reading.wants_result, reading.whole_year) == (wants_result, whole_year)


def test_chinese_question_is_not_foreign_and_embeds_without_its_reference_to_the_report() -> None:
    reading = read_question("大场镇的政府工作报告里提到2022年引进了多少家企业？", TOWNS)
    assert not reading.foreign
    assert "工作报告" not in reading.anchored_text and reading.anchored_text == reading.matched_text


def test_years_of_either_century_and_with_or_without_nian() -> None:
    assert read_question("1998年和2023 年相比", TOWNS).years == (1998, 2023)
    assert read_question("in 2024, what", TOWNS).years == (2024,)


def test_comparison_sides_in_the_order_named() -> None:
    years = comparison_sides(read_question("大场镇2023年和2022年的财政收入", TOWNS))
    assert [side.years for side in years] == [(2023,), (2022,)]
    plan_first = comparison_sides(read_question("“十四五”期末到2022年庙行镇", TOWNS))
    assert [(side.years, side.plans) for side in plan_first] == [((), ("十四五",)), ((2022,), ())]
    towns = comparison_sides(read_question("高境镇和大场镇的招商引资", TOWNS))
    assert [side.towns for side in towns] == [("高境镇",), ("大场镇",)]
    assert comparison_sides(read_question("大场镇2023年引进了多少家企业", TOWNS)) == []


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("庙行镇2022年发的那1920多万救助金里，低保金占了多少？", (2022,)),  # an amount, not the year 1920
        ("2000余人参加了2023年的活动吗", (2023,)),
        ("What did Gaojing spend in 2023.", (2023,)),
        ("2022、2023年两年的投资", (2022, 2023)),
    ],
)
def test_years_are_not_amounts(question: str, years: tuple[int, ...]) -> None:
    assert read_question(question, TOWNS).years == years


def test_a_year_naming_the_report_is_no_side_of_a_comparison() -> None:
    """「2023年1月的政府工作报告里，2022年…」 asks about 2022 in the report given in January 2023."""
    reading = read_question("庙行镇2023年1月的政府工作报告里，2022年1-10月盗窃类案件接警数下降了多少？", TOWNS)
    assert reading.years == (2023, 2022) and reading.report_years == (2023,)
    assert comparison_sides(reading) == []
    both = read_question("2023年1月的报告里，2023年和2022年的财政收入", TOWNS)  # 2023 named as a period too
    assert both.report_years == () and [side.years for side in comparison_sides(both)] == [(2023,), (2022,)]


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        # a half-year belongs to the year it follows: 2022 is asked whole, 2023 for its first half
        ("庙行镇2022年全年固定资产投资完成了多少？2023年上半年又完成了多少？", [((2022,), ()), ((2023,), ("H1",))]),
        ("2023年上半年与2022年同期相比", [((2023,), ("H1",)), ((2022,), ())]),
        # named before both years, it is both years'
        ("上半年，2022年和2023年庙行镇新增企业", [((2022,), ("H1",)), ((2023,), ("H1",))]),
        ("Miaohang's revenue in the first half of 2023 vs 2022", [((2023,), ("H1",)), ((2022,), ("H1",))]),
    ],
)
def test_a_half_year_belongs_to_the_year_it_follows(question: str, sides: list) -> None:
    assert [(side.years, side.halves) for side in comparison_sides(read_question(question, TOWNS))] == sides


def test_english_sides_embed_their_own_anchors() -> None:
    sides = comparison_sides(read_question("Gaojing Town revenue in 2022 versus 2023", TOWNS))
    assert [anchored_query(side).split()[-1] for side in sides] == ["2022年", "2023年"]


@pytest.mark.parametrize(
    ("question", "years", "relative"),
    [
        ("庙行镇今年打算新建几个口袋公园？", (2026,), (("今年", 2026),)),
        ("高境镇去年全社会固定资产投资完成了多少？", (2025,), (("去年", 2025),)),
        ("大场镇明年的主要目标是什么？", (2027,), (("明年", 2027),)),
        ("庙行镇前年新引进了多少家企业？", (2024,), (("前年", 2024),)),
        ("杨行去年的合同外资比前年增长了多少？", (2025,), (("去年", 2025),)),  # 「比前年」 is a baseline
        ("大场镇今年（2026年）要完成哪些实事项目？", (2026,), (("今年", 2026),)),
        ("What did Gaojing Town achieve last year?", (2025,), (("last year", 2025),)),
        # a baseline the question compares with is no period it asks about
        ("2023年上半年庙行镇新增了多少户企业？比去年同期增长多少？", (2023,), ()),
        ("大场镇2025年电诈发案数比去年下降了多少？", (2025,), ()),
        ("How much did Dachang's revenue grow in 2025 compared with last year?", (2025,), ()),
    ],
)
def test_relative_years_are_read_against_the_day_asked(question: str, years: tuple[int, ...], relative: tuple) -> None:
    reading = read_question(question, TOWNS, this_year=2026)
    assert reading.years == years and reading.relative_years == relative
    assert read_question(question, TOWNS).relative_years == ()  # no day given: not read


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("这份罗泾镇政府工作报告是谁作的？", "speaker"),
        ("2023年1月在庙行镇人代会上作政府工作报告的镇长是谁？", "speaker"),
        ("谁作的大场镇2026年政府工作报告？", "speaker"),
        # a half-year review given as a speech at a working meeting
        ("鹭洲街道今年的年中工作会议上，是谁代表街道办事处作的讲话？", "speaker"),
        ("讲话里提到的“睦邻点”具体是指什么？", None),
        # a report to the level above (round 22's 桃源乡 slides, measured blind before this)
        ("这次桃源乡上半年工作汇报是谁来作的？", "speaker"),
        ("汇报里提到的“一村一茶厂”是什么意思？", None),
        ("罗泾镇这次政府工作报告是哪天在人代会上作的？", "date"),
        ("高境镇2024年那份政府工作报告是在哪天的人代会上作的？", "date"),
        ("庙行镇2023年的政府工作报告是在哪次会议上作的？", "meeting"),
        ("嘉定区这份政府工作报告是哪年哪个月在区人代会上作的？", "date"),
        ("When did Miaohang's mayor deliver the government work report reviewing the first half of 2023?", "date"),
        ("Who delivered Dachang's government work report in January 2026?", "speaker"),
        # what a report says, not the report itself
        ("大场镇2023年的报告里，上大社区服务中心争取什么时候交付使用？", None),
        ("报告里提到的滨江驿站是谁负责建设的？", None),
        ("报告里提到的泵站几月做完？", None),
        ("庙行镇的报告里说要在哪里做宣传？", None),
        ("According to the report, who will run the new elderly care centre?", None),
        ("When will Metro Line 18 phase 2 open to passengers?", None),
    ],
)
def test_a_question_about_the_report_itself(question: str, asked: str | None) -> None:
    """Who gave the report, on which day, at which meeting: its opening lines answer (`about_report`)."""
    assert report_question(question) == asked
    assert read_question(question, TOWNS).about_report == asked


def test_the_month_a_report_is_named_by() -> None:
    reading = read_question("2023年1月在庙行镇人代会上作政府工作报告的镇长是谁？", TOWNS)
    assert reading.report_dates == ((2023, 1),) and reading.report_years == (2023,)
