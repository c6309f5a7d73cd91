"""What kind of answer a question asks for, and where a text holds a span of that kind.

A question asking 「多少家」 is answered by a sentence holding a count of 家 — not by a sentence on the
same topic holding some other number (「2 个驿站」 does not answer 「几个口袋公园」, and a revenue does not
answer a question about expenditure unless it is next to the asked subject). The kinds follow the
question words of Chinese (and English) questions; the spans are the surface forms reports use for
each kind. Pure functions over text: no index, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

import jieba.posseg

from qa.patterns import CN_DIGIT_VALUES, YEAR, YEAR_WITH_UNIT
from qa.text import to_simplified

#: Kinds of answer, most specific first (the order `expected_answer` tries them in).
KINDS = (
    "definition",  # the meaning of a term
    "list",  # the items of a set (「分别是哪几类」)
    "person",
    "date",  # a date, year or time
    "address",  # a road, street or house number (「在哪条路上」「具体地址」)
    "place",  # a place: a road, a park, a building, a community …
    "rate",  # a percentage, rate or change
    "money",  # an amount of money
    "area",  # an area or a length
    "count",  # a count with its unit
    "name",  # a named programme, brand or project (names have no surface form to require)
    "general",  # anything else: no particular span required
)

#: What the reply says is missing when the reports speak of the subject but give no span of the kind.
MISSING = {
    "definition": "这个说法的具体含义",
    "list": "完整的清单",
    "person": "具体是谁",
    "date": "具体时间",
    "address": "具体路名或门牌地址",
    "place": "具体地点",
    "rate": "具体比例或增幅",
    "money": "具体金额",
    "area": "具体面积或长度",
    "count": "具体数量",
    "name": "具体名称",
    "general": "能回答这个问题的内容",
}

#: A number in digits or in Chinese numerals; the latter hold a digit (「十二」「三千」), not a bare magnitude
#: (「万家」「千家万户」 count nothing)
_NUMBER = (
    r"(?:\d+(?:[.,]\d+)*\s*[十百千万亿]*"
    r"|[零一二两三四五六七八九十百千万]*[一二两三四五六七八九十][零一二两三四五六七八九十百千万]*(?:点[零一二三四五六七八九]+)?[万亿]?)"
)
COUNT_UNITS = "家个人名户位台套件所项起场次处条座只辆栋间张份批幢块株棵批类支批期届门户对组篇部辆趟宗艘架头盏"
_COUNT_UNIT = rf"[{COUNT_UNITS}]|人次|万人|余[{COUNT_UNITS}]|多[{COUNT_UNITS}]"
_MONEY_UNIT = r"万元|亿元|千元|元|万美元|亿美元|美元"
_RATE_UNIT = r"%|％|个百分点|百分点|倍|成"
#: Weights, volumes and energy: 「湿垃圾日均分出量41.6吨」 answers 「每天能分出多少湿垃圾」.
#: And times taken: 「办结时限压缩至5个工作日」 answers 「平均多少天能办完」.
_MEASURE_UNIT = r"万?吨|千克|公斤|立方米|万?千瓦时|度电|升|万?标箱|个?工作日|天|小时|分钟"
_MEASURE = re.compile(rf"{_NUMBER}\s*(?:余|多)?\s*(?:{_MEASURE_UNIT})")
_AREA_UNIT = r"万平方米|平方米|平方公里|平方千米|公顷|亩|万亩|万方|公里|千米|米|km|m²|㎡"  # 万方: 万平方米 as spoken

#: A weekday or a time of day: 「每周三」「7:30」「上午9点」「9时55分」「9点半」 (not a bare 「3点」: 「提出3点意见」).
_CLOCK_PATTERN = (
    r"(?:星期|周|礼拜)[一二三四五六日天1-7](?![次回遍])|\d{1,2}\s*[:：]\s*\d{2}"
    r"|(?:上午|下午|早上|晚上|凌晨|中午|傍晚)\s*\d{1,2}\s*[点时](?:\s*\d{1,2}\s*分|半)?|\d{1,2}\s*[点时]\s*\d{1,2}\s*分|\d{1,2}\s*点\s*(?:半|钟)"
)


def _unit_column(units: str) -> str:
    """A row of a table whose unit has a column of its own, before the figure: copied as tab-separated text
    (「农村生活污水治理率\t%\t95」 under 「指标\t单位\t目标」), or read off a PDF or a scan as a line of cells
    set apart by spaces (「4 社会消费品零售总额 亿元 3.05 5.8」), the unit after a word, not after a figure
    (「1223 户 70 岁以上」 is a count and an age)."""
    return rf"(?:\t\s*(?:{units})\s*\t|(?<=[^\d\s])[ \u3000]+(?:{units})[ \u3000]+)\s*[≥≤><]?\s*{_NUMBER}"


def _unit_header(units: str) -> str:
    """A row of a table whose unit is in its label's brackets, the figures after it (「接待游客（万人次） 126 135」
    「新增高新技术企业（家）\t25」): the label and the first figure."""
    return rf"[（(]\s*万?(?:{units})\s*[)）][ \t\u3000：:]*[≥≤><]?\s*{_NUMBER}"


_SPAN_PATTERNS = {
    "count": re.compile(rf"{_NUMBER}\s*(?:余|多)?\s*(?:{_COUNT_UNIT})|{_unit_column(_COUNT_UNIT)}|{_unit_header(_COUNT_UNIT)}"),
    "money": re.compile(rf"{_NUMBER}\s*(?:余|多)?\s*(?:{_MONEY_UNIT})|{_unit_column(_MONEY_UNIT)}|{_unit_header(_MONEY_UNIT)}"),
    "rate": re.compile(
        rf"{_NUMBER}\s*(?:{_RATE_UNIT})|百分之[零一二三四五六七八九十百点\d.]+|持平|翻一?番|{_unit_column(_RATE_UNIT)}|{_unit_header(_RATE_UNIT)}"
    ),
    "area": re.compile(rf"{_NUMBER}\s*(?:余|多)?\s*(?:{_AREA_UNIT})|{_unit_column(_AREA_UNIT)}|{_unit_header(_AREA_UNIT)}"),
    "date": re.compile(
        r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*月(?:底|初|份|中旬|上旬|下旬|\s*\d{1,2}\s*日)?"
        r"|(?:19|20)\d{2}\s*年(?:底|初|内|前|起)?|年底|年内|年初|上半年|下半年|今年|明年"  # not 即将, 近期: "soon" is no time
        # written in characters, as some offices write every number: 「二〇二五年九月」「九月二十八日」「十二月底」
        r"|[一二][〇零○一二三四五六七八九]{3}年(?:[一二三四五六七八九十]{1,2}月)?|(?<![一二三四五六七八九十])(?:十[一二]?|[一二三四五六七八九])月(?:[一二三]?十?[一二三四五六七八九十][日号]|底|初|份|[上中下]旬)?"
        rf"|{_CLOCK_PATTERN}"
    ),
    # a named road (not 道路/马路, road in general), street, lane or house number
    "address": re.compile(r"[\u4e00-\u9fff\dA-Za-z-]{1,10}?(?:(?<![道马])路|街|弄|号|大道|公路)(?![口段线])"),
    "place": re.compile(
        r"[\u4e00-\u9fff\dA-Za-z-]{1,10}?(?:路|街|弄|号|园区|产业园|广场|大厦|大楼|中心|公园|社区|村|苑|小区|站|河|浜|港|基地|楼|馆|园|寨|经济社"
        # a district or an area of any kind (「溪口工业集中区」「湾头片区」「杭州市滨江区」「桃花溪集中安置区」), not
        # the report's own 「全区」「我区」, 「地区生产总值」, a hospital's or a school's 「新院区」「新校区」 (the thing
        # whose place is asked), nor the district's bodies and levels (「区委」「区级」「区域」)
        r"|(?<![全我本该各辖城郊市地院校])区(?![委政级域内外属长划]))"
        r"|[\dA-Za-z-]{2,10}\s?地块"  # a plot by its number: 「10-04 地块」
        # where a sentence says something lies, whatever the place's kind: 「位于青云高速茗山互通西侧」「选址后畈村工业集中区」
        # 「落户柘塘新材料产业园」「主会场设在岚关苗族乡木叶寨」
        r"|(?:位于|坐落于|坐落在|选址(?:于|在)?|落户(?:在|于)?|设在|建在|开在)[^，,。；;：:]{2,24}"
    ),
    # a name and a title in either order (「朱峻峰镇长」, a byline's 「镇长 朱峻峰」); 代表 only as a person's
    # title: 「人民代表大会」 in every report's byline names a meeting, 「我代表…」 is a verb
    "person": re.compile(
        r"[\u4e00-\u9fff]{1,4}(?:书记|镇长|主任|院士|教授|同志|先生|女士|委员)"
        r"|(?:书记|镇长|主任)[ \t　]*[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff])"
        r"|[\u4e00-\u9fff]{2,4}代表(?![大会])"
    ),
    "name": re.compile(r"[“\"「『《][^”\"」』》]{2,30}[”\"」』》]|[\u4e00-\u9fff\dA-Za-z]{2,12}(?:项目|工程|品牌|计划|行动|平台|基地|中心|工作室|联盟)"),
    # numbered items count when there are two of them (`spans`): one is a heading's number, 「（二）建管并举…」
    # three members, or two that the sentence counts as two (「桃源路北段、澄江路东段两条断头路」), named in
    # quotes one after another as reports write names, counted or not (「“白沙米”“临湖青虾”两个区域公用品牌」), or items
    "list": re.compile(
        rf"[^、，；]{{1,20}}、[^、，；]{{1,20}}(?:、|和|及|与)|[^、，；]{{1,20}}、[^、，；]{{1,20}}?[两二2]\s*(?:[{COUNT_UNITS}大种]|方面)"
        rf"|(?:“[^“”]{{1,20}}”\s*){{2,}}|[一二三四五六七八九]是"
    ),
    "definition": re.compile(r"是指|指的是|即|包括|包含|分别是|指|所谓|：|:"),
}


@dataclass(frozen=True)
class AnswerType:
    """The kind of answer a question asks for; `unit` is the measure word it names (「多少家」 → 家);
    `items` how many members a list question says the set has (「分别是哪五个」 → 5); `given` the
    numbers the question states itself (「2554家企业里，生物医药企业有多少家」: 2554 is not the answer);
    `periods` the part of a year it asks about (`period_marks`); the fields after it are described where
    they are declared."""

    kind: str
    unit: str | None = None
    items: int | None = None
    given: frozenset[str] = frozenset()
    periods: frozenset[str] = frozenset()
    #: a date question that the period a passage looks back on can answer (`dated_by_period`): one
    #: about what happened, asking a year or a time; not one about what is to come (「预计什么时候开通」
    #: 「计划哪年建成」, "will") nor one asking a month or a day
    period_answers: bool = False
    #: for a question asking a part of a total it states (「462人当中，公益性岗位就业的有多少人」): the
    #: words naming the part; a figure answers only in a clause that names it (`names_the_part`)
    part: str | None = None
    #: for a place or address question, the question's own words: a place it names is its premise,
    #: not its answer (「屹尺书屋开在什么地方」 is not answered by a sentence naming only 屹尺书屋)
    named: str = ""
    #: the years the question names: a sentence that opens with another year is about that year
    years: frozenset[str] = frozenset()
    #: a date question asking a month or a day (「哪一天通车」): a year or 「年底」 does not answer it
    asks_day: bool = False
    #: a date question asking a weekday or a time of day (「星期几」「几点开门」): a date does not answer it
    asks_clock: bool = False
    #: for a date question on a project, the stage it asks the date of (`PROJECT_STAGES`: 「哪天开工」 is
    #: "start"): a date said of another stage only (「12月底前竣工」「3月18日封顶」) does not answer it
    stage: str | None = None
    #: the rate a rate question names by its word (「失业率是多少」 → 失业率): a sentence that does not hold the
    #: word gives the rate of something else (「同比增长2.3%」「分别增长4.9%和6.8%」)
    rate_word: str | None = None
    #: a rate question asking how much something changed (`_ASKS_CHANGE`): a share (「占…的72.4%」) does not answer
    change: bool = False
    #: for a question asking a part of a total, the words naming the total (「新增的养老床位里，护理型床位有多少张」
    #: → 养老床位): they name the part no more than any other part of it (`names_the_part`)
    whole: str = ""
    #: a count or an area asked as it stands now (`_ASKS_STOCK`): a figure said to be added does not answer
    stock: bool = False
    #: the measure an amount or a population asked names (`_MONEY_MEASURES`, `_POPULATION_MEASURES`:
    #: 「总产值是多少」 → 总产值, 「常住人口有多少」 → 常住人口): a figure whose clause does not write it gives
    #: another measure's figure
    measure: str | None = None
    #: for a list question asking members of a kind of place by its suffix (「哪几个村」「哪些小区」 → 村, 小区):
    #: two members of that kind named together answer it (「在石门村、岚溪村各新建…」), as three of any kind do
    member: str | None = None
    #: for a question asking a figure, its own words: a figure said of a set it names one member of is
    #: not that member's (`_said_of_the_set`, `_of_a_counted_set`, `_of_another_member`)
    question: str = ""
    #: for a question asking two things or more (「收了多少钱？比前年涨了多少？」「打算投多少钱、占多大地」), the
    #: readings of its other asks (`_other_asks`): a span of any asked kind answers a part of it
    also: tuple[AnswerType, ...] = ()
    #: a question asking a plan or a target (`_ASKS_PLAN`: 「今年计划新增多少个就业岗位」), not what was done: a
    #: figure of a passage looking back that says nothing of what is to come does not answer it (`says_plan`)
    plan: bool = False
    #: a count or an area asked as what was added (`_ASKS_ADDED`: 「新增了多少张床位」): a figure its clause says
    #: is a total as it stands (「床位总数达到920张」), not what was added, does not answer it
    added: bool = False
    #: for a figure or a date asked of one phase of a project (「二期预计什么时候竣工」「三期总投资多少」), that phase
    #: (「二期」): a span whose clause names another phase and not this one (「一期于2025年6月30日竣工」) is the
    #: other phase's
    phase: str | None = None
    #: for a figure asked of what passes a bound the question states (「65岁以上老人的签约率」「收入超过50万元的村
    #: 有多少个」), the bound's number: a figure not stated after it or in a clause with it is of another set
    #: (「家庭医生签约率达到68.5%，为3870名65岁及以上老年人…」 of all residents, 「60周岁以上老年人812人」)
    bound: str | None = None
    #: for a count asked with its measure word and what it counts (「改造多少个老旧小区」 → 老旧小区): a count
    #: whose clause holds under half of its characters counts something else (「实施城中村改造项目2个」)
    counted: str | None = None
    #: for a figure asked per unit (`_ASKS_PER_UNIT`: 「每所有多少张床位」「一斤卖多少钱」「人均收入」): a figure
    #: its sentence does not give per unit (`_PER_UNIT`) is a total (「新建互助幸福院3所，新增养老床位90张」)
    per_unit: bool = False
    #: for an amount asked with what it is of before its measure (「电子信息产业产值」 → 电子信息产业, 「门票收入」 →
    #: 门票): an amount whose sentence, up to its clause, holds under half of it is another's (「三大主导产业
    #: 实现产值443.4亿元」, 「旅游综合收入1.38亿元」), as for `counted`
    qualified: str | None = None

    @property
    def missing(self) -> str:
        return MISSING[self.kind]


#: An English question puts its question word first: "when" or "where" after another one ("what", "how
#: many"…) opens a clause of the question, not its ask, unless a second ask is joined on ("…, and when
#: did it open?"). This matches up to the word from the question's start, with no other question word
#: before it, or from a comma or an "and".
_ENGLISH_FIRST_ASKS = r"(?:^(?:(?!\b(?:what|which|who|whose|how)\b).)*\b|(?:[,;]\s*|\band\s+))"

_ASKS = [
    (
        "definition",
        re.compile(
            r"指的?是什么|是指什么|指什么|什么意思|啥意思|含义|是什么概念|指的?是哪|具体指|是(?:一?个|一种)?什么样的"
            # how a measure is worked out is what it means (「“亩均税收”是怎么算出来的」「入驻率是怎么计算的」): a report
            # defines it in a note, it gives no figure of it for that
            r"|(?:怎么|怎样|如何)(?:计算|算)(?:出来)?的|计算(?:方法|公式|口径)|\bhow (?:is|are|was|were)\b[^?]*\bcalculated\b"
            # a quoted term asked what it is: 「“强村公司”到底是什么」「“青易办”是个什么平台」
            # (「是什么地方」 may ask where; 「是个什么地方」 asks what kind of place)
            r"|[”」』]\s*(?:到底|究竟)?是(?:(?:一?个|一种)什么(?!时)|什么(?![时地候]))"
            r"|\bwhat (?:does|do)\b.*\b(?:mean|stand for|refer to)\b|\bmeaning of\b"
            # and in English, a quoted term asked what it is and no more: 'What is the "链长制" (chain-leader
            # system) mentioned in the report?', '… that the town keeps promoting?', not 'What is the "X"
            # project's investment?'
            r"|\bwhat (?:exactly |really )?(?:is|are) (?:the |a |an )?[\"“'‘][^\"”'’]{1,40}[\"”'’]\s*(?:\([^)]*\)\s*)?"
            r"(?:(?:mentioned|referred to|used)\s*)?(?:in (?:the|this) report\s*)?(?:(?:that|which)\s[^?\"“”]{1,80})?\??\s*$",
            re.I,
        ),
    ),
    (
        "list",
        re.compile(
            r"哪几(?![天日])|哪些|分别是(?!多少)|分别有(?!多少)|分别叫|包括哪|包含哪|哪[两三四五六七八九十]|哪\s*[2-9]\s*[个家类项条所座村种大]|几大|几类"
            r"|\bwhich\b.*\b(?:are|were|include)\b|\bwhat are the\b|\blist\b",
            re.I,
        ),
    ),
    ("person", re.compile(r"谁|哪位|何人|\bwho\b", re.I)),
    (
        "date",
        re.compile(
            # 几号 a day, not a house number (「在哪条路几号」「在哪条路、几号」)
            r"什么时候|啥时候?|何时|几时|哪一?年|哪个月|哪[一几]?天|哪[一几]?日|几月|(?<![路街弄巷楼栋])(?<![路街弄巷楼栋][、，,])几号|什么时间|多久|星期几|周几|礼拜几|几点"
            # as 哪一年、哪个月、哪一天、几点; "when" after another question word joins a clause ("What is the name
            # of the group set up when it merged…?"), it asks nothing
            rf"|{_ENGLISH_FIRST_ASKS}when\b|\b(?:what|which) (?:year|month|date|day)\b|\bwhat time\b",
            re.I,
        ),
    ),
    ("address", re.compile(r"哪条(?:路|街|马路|道)|什么路|哪个路|地址|门牌|\bwhich (?:road|street)\b|\baddress\b", re.I)),
    (
        "place",
        re.compile(
            r"在哪|哪里|哪儿|什么地方|什么位置|地点|位于|哪[个座家片]?(?:片区|小区|村|居委|社区|地块|街道|镇|乡|园区|公园|广场|楼|位置|地方)"
            rf"|{_ENGLISH_FIRST_ASKS}where\b",
            re.I,
        ),
    ),
    (
        "rate",
        re.compile(
            r"百分之(?:几|多少)|百分比|比例|比重|占比|[增降涨]幅|增速|增长率|率[^，,。？?多]{0,3}多少|率[^，,。？?多]{0,4}(?:提高|提升|上升|降低|下降)到?了?多少|率[^，,。？?]{0,3}(?:多高|多低|几成)|(?:满意度?|程度)[^，,。？?多]{0,3}(?:多高|多低)|多少个?百分点|同比|环比|提高了?多少|增长了?多少|下降了?多少|上?涨了?多少|增长的?(?:预期)?目标|预期增长"  # a growth target: 「经济增长的预期目标定在多少」
            # a rate's target (「入驻率目标定的是多少」), and a change against a time before (「比去年同期增加了多少」,
            # not 「增加了多少个」)
            rf"|率的?(?:预期)?(?:目标|计划)[^，,。？?多]{{0,4}}多少|比[^，,。？?]{{1,10}}(?:增加|减少)了?多少(?!\s*[{COUNT_UNITS}])"
            r"|\bpercent|\brate\b|\bgrowth\b|%|\bwhat (?:share|proportion|fraction)\b"  # as 比例、占比
            # as 增长了多少: "grew by how much", "how much did it increase"
            r"|\bby how much\b|\bhow much (?:did|does|has|have|was|were|is)\b.*\b(?:grow|increase|rise|fall|drop|decline|decrease)",
            re.I,
        ),
    ),
    (
        "money",
        re.compile(
            # 「多少万」 of money, not 「多少万亩」「多少万人次」「多少万吨」
            rf"多少钱|多少元|多少万(?![亩平公顷人吨户千立标{COUNT_UNITS}])|多少亿(?![人吨])|几亿|几万元|金额|资金|经费|投入了?多少|投资了?多少|花了?多少|补贴多少|收入|支出|产值|总额|营收|销售额|零售额|税收|营业额|生产总值|增加值|GDP"
            # a trade's turnover, a compensation, a dividend (「成交额有多少」「补偿款一共是多少」「分了多少红」)
            r"|成交额|交易额|补偿款|补偿金|分红|多少红"
            # an investment or a subsidy asked without 钱 (「总投资是多少」「完成了多少投资」「发放了多少补贴」), not a
            # count of investment projects (「投资项目有多少个」)
            r"|总投资|投资额|投资(?:实际)?(?:完成了?)?(?:是|有|为|达到?)?多少|投资[^，,。？?]{0,4}多大|多少投资|多少(?:补贴|补助)|(?:补贴|补助)(?:是|有|为)多少|造价|费用"
            # capital drawn in, as a report counts it (「实际利用外资」「到位内资」), and dollars, as foreign capital is given
            r"|(?:利用|使用|引进|到位)(?:外资|内资)|多少美元|注册资本|注册资金|资本金"
            # a loan or a deposit is an amount (「放出去多少贷款」「贷款余额有多少」)
            r"|多少(?:贷款|存款)|(?:贷款|存款)(?:余额|总额)?(?:是|有|为|达到?)?多少(?![笔户家个项次])"
            # "how much" with a verb of money, as 花了多少、卖了多少、交了多少: "how much did the store sell"
            r"|\bhow much\b.*\b(?:money|yuan|spend|spent|invest|revenue|cost|sell|sold|pay|paid|earn|collect|raise|sav[ei]|loans?|lent|lend)"
            r"|\byuan\b|\brevenue\b|\bbudget\b|\bprices?\b|\boutput value\b"  # as 价格、产值
            r"|\binvestment\b|\bfunding\b|\bsales\b|\bhow (?:large|big) (?:is|was) [^?]*\bfund\b"  # as 投资、资金、销售额、基金规模
            # as 生产总值、收入、补贴、利用外资、外贸、税收: amounts of money however the question asks them
            r"|\bGDP\b|\bgross (?:domestic|regional) product\b|\bvalue added\b|\bincome\b|\bsubsid(?:y|ies)\b"
            r"|\bforeign (?:capital|trade)\b|\btax(?:es)?\b|\bfiscal\b",
            re.I,
        ),
    ),
    (
        "area",
        # "area" asks a size only as the thing measured ("how large an area", "the total area of"), not in
        # a place's name ("in the Nanda area", "which residential area")
        re.compile(
            r"面积|多少万?平方|多少万?公顷|多少万?亩|多大|长度|多长|多宽|宽度|多少米|多少公里|\bsquare\b|\bhectares?\b|\bhow long\b|\bhow wide\b"
            # land asked without a unit: 「占了多少地」「占地有多少」「流转了多少土地」
            r"|占了?多少地|占地(?:有|是|为|达到?)?多少|多少土?地(?![方区点块])"
            r"|\bhow (?:large|big|much)\b[^?]*\barea\b|\b(?:what|total|floor|land|green|greening|building) area\b|\barea of\b"
            r"|\bhow much\b[^?]*\b(?:space|land)\b"  # as 多少绿地、多少土地: a size
            r"|\bhow many (?:kilomet(?:re|er)s|km|mu)\b",  # as 多少公里、多少亩
            re.I,
        ),
    ),
    # "What is the town's target for new jobs?" asks a figure, as 「目标是多少」 does ("What targets…" asks a list)
    ("count", re.compile(rf"多少|几[{COUNT_UNITS}]|\bhow many\b|\bnumber of\b|\b(?:what|which)\b[^?]*\b(?:target|goal)\b(?!s)", re.I)),
    ("name", re.compile(r"叫什么|什么名字|名称|名字|品牌|哪个项目|什么项目|哪家|哪个|哪项|哪一项|哪条|哪一?(?:栋|幢|座|所)|什么样的|\bcalled\b|\bname\b", re.I)),
]

#: The words an area question names its kind of answer by (「占地有多大」「总共有多大面积」): any area answers
#: them, so they are not what it asks about (`qa.evidence.subject_of`). 「建筑面积」 keeps its 建筑: a floor
#: area is not the land a project covers.
AREA_WORDS = re.compile(r"占地面积|占地|面积|多大|大小|平方(?:米|公里)|公顷")

#: A question asking which one (「…的宠物企业是哪家」) and no quantity: a money, rate or area word in it
#: (「产值就达到12亿元的」) describes what it asks about, and the answer is a name.
_ASKS_WHICH = re.compile(
    r"哪一?(?:家|个|项|栋|幢|座|所|条|处)|叫什么|什么名字|\bwhich (?:company|firm|enterprise|one)\b|\bwhat (?:is|was|are|were) the names? of\b", re.I
)
#: A bound a question states in digits: 「超过50万元」「65岁以上」「5000万元及以上」 (group 1 or 2: its number).
_BOUND = re.compile(
    r"(?:超过|过了?|高于|低于|不足|不到)\s*(\d+(?:\.\d+)?)"
    r"|(\d+(?:\.\d+)?)\s*(?:万|亿)?\s*(?:周岁|岁|元|亩|平方米|吨|人|家|个|户|%)?\s*(?:及以上|以上|及以下|以下)"
)
#: A phase of a project, as a report numbers them (「一期」「二期工程」; 「首期」 is the first).
_PHASE = re.compile(r"([一二三四五六七八九首])期")
_ASKS_QUANTITY = re.compile(r"多少|几|百分之|\bhow (?:much|many)\b|\bwhat (?:percentage|share)\b", re.I)
#: A question asking a count or a size of the things a figure it states describes (「年经营性收入超过50万元的村
#: 有多少个」「总投资12亿元的项目占地多少亩」): its money, area or rate word is that figure's. Group "measure":
#: the asked measure word.
_MEASURED_BY_A_FIGURE = re.compile(
    r"(?:\d[\d.]*\s*)?(?:万|亿)?\s*(?:元|亩|平方米|公顷|%)(?:以上|以下|左右)?的[^，,。？?\d]{1,8}?(?:多少|几)\s*"
    rf"(?P<measure>[{COUNT_UNITS}]|亩|平方米|公顷|平方公里)"
)
#: The kinds a figure the question states may lend it its words, by the kind of measure it asks.
_NOT_ASKED_BY_MEASURE = {"count": ("rate", "money", "area"), "area": ("rate", "money")}

#: Words of a question about what is to come: a plan, an expectation, "will" (能 as 能建好, not 功能/能源).
_AHEAD = re.compile(
    r"预计|预期|计划|打算|准备|力争|将要?|(?<![功效技智职])能(?![源力级效])|\bwill\b|\bexpected\b|\bscheduled\b|\bplan(?:s|ned)?\b",
    re.I,
)
#: A question asking a plan or a target, not what was done (「今年计划新增多少个」「2025年的目标是多少」).
_ASKS_PLAN = re.compile(r"计划|打算|准备|目标|预期|力争|(?<!公共)预算(?![收支])|\bplan|\btargets?\b|\bgoals?\b", re.I)
#: A question asking what was done, however it names a plan (「实际完成的…是多少？2024年的目标又是多少？」).
_ASKS_DONE = re.compile(r"完成了|实现了|做到了|达到了|实际|去年|上年|前年|\bdid\b|\bwas\b|\bwere\b|\bachiev", re.I)
#: Words of a sentence that speaks of what is to come: a plan, a target, an intention.
_SAYS_PLAN = re.compile(r"计划|目标|预期|力争|确保|将|拟|争取|预计|下一步|今年|明年|下半年")
#: …but for an estimate of what a year under review came to (「全年预计完成区级地方财政收入4.24亿元」) and an
#: expectation met (「总体指标符合发展预期」), which look back.
_LOOKS_BACK = re.compile(r"(?:符合|超出|超过|高于|好于|低于)[^，,。；;]{0,4}预期|预计(?:完成|实现|达到)")
#: Words asking a finer date than a year or half-year.
_FINER_THAN_A_PERIOD = re.compile(r"哪个月|几月|哪[一几]?天|哪[一几]?日|(?<![路街弄巷楼栋])几号|几点|\bwhich month\b|\bwhat month\b|\bwhat date\b|\bwhich day\b|\bwhat day\b", re.I)
#: Words asking a weekday or a time of day (「星期几」「几点开门」): only a weekday or a clock time answers.
_ASKS_CLOCK = re.compile(r"星期几|周几|礼拜几|几点|\bwhat time\b|\bwhich (?:weekday|day of the week)\b|\bwhat day of the week\b", re.I)
_CLOCK = re.compile(_CLOCK_PATTERN)
#: A sentence that opens with a year (「2024 年全镇…」); a question's years are read as `qa.query` reads
#: them (`qa.patterns.YEAR`: not 「2000余人」).
_OPENING_YEAR = re.compile(rf"\s*{YEAR_WITH_UNIT.pattern}")
#: The stages of a project whose dates a report gives, by the words that name them: the works begin,
#: the structure is topped out, the works end (finished, handed over, opened, in use), a deal is signed.
#: A date question on one stage is not answered by the date of another (「哪天开工」 by 「12月底前竣工」).
PROJECT_STAGES = {
    "start": re.compile(r"开工|动工|开建|开始建设|启动|破土|进场施工"),
    "topping": re.compile(r"封顶"),
    "finish": re.compile(
        r"竣工|完工|建成|建好|落成|交付|投用|投入使用|启用|修通|贯通|通车|开通|开业|开园|开街|开市|开张|开放|开馆|投产|运营|开学|入住"
    ),
    "signing": re.compile(r"签约|签订|签署"),
}
#: Kinds whose answer is a figure.
_FIGURES = ("count", "money", "rate", "area")
#: A total the question states, then a part of it asked: 「2554家企业里，生物医药企业有多少家」
#: 「9693万元救助资金里，低保金占了多少」, or the total named without its figure, as what a clause of the
#: question did (「去年引进的首店里，餐饮类首店有多少家」「来青石湾的游客中有多少人是住下来过夜的」: 「的」
#: before it tells a total from a place, as in 「小区里新装了多少个充电桩」, and a pause or 「有」 after
#: it tells 「里」 from a word's character, as in 「邻里中心」; the report itself is no total). Group
#: "whole": the total's words; group "part": the words between it and the question word.
_STATED_TOTAL = (
    rf"(?:\d[\d.,]*\s*(?:余|多)?\s*(?:万|亿)?\s*(?:人次|平方米|元|[{COUNT_UNITS}])(?P<whole>[^\d，,。？?！!]{{0,10}}?)"
    # 「镇里」「街道里」「县里」 after a noun name the town's government, not a total: 「10件民生实事镇里准备投多少钱」
    r"(?:(?<![^乡]镇)(?<!街道)(?<![县乡])(?:里头|里面|里边|里)|当中|之中|其中|中)"
    r"|的(?![^，,的]*报告)(?P<named_whole>[^\d的，,。？?！!]{1,8}?)(?:里头|里面|里边|当中|之中|(?:里|中)(?=[，,有])))[，,]?\s*"
)
#: The kinds of amount or set a report breaks down into parts: a question naming one before 「里」 asks a part.
_TOTALS = "支出|收入|投资|资金|经费|产值|税收|人才|游客|工单"
_PART_OF_TOTAL = (
    re.compile(rf"{_STATED_TOTAL}(?P<part>[^，,。？?！!]{{2,24}}?)(?:多少|几|百分之|占比)"),
    # or the part after the question word: 「186家企业里有多少家是外资企业」「14家企业中，有几家在智造港」
    re.compile(
        rf"{_STATED_TOTAL}有?(?:多少|几)\s*(?:[{COUNT_UNITS}]|成)?\s*(?:是|在|属于|来自|为)(?P<part>[^，,。？?！!]{{2,24}})"
    ),
    # or a total named by the word that also ends the part: 「民生支出中教育支出是多少」「全社会固定资产投资里，工业
    # 投资占了多少」「全县税收里增值税收了多少」 (the shared word tells a total from a place: 「小区里新装了…」)
    re.compile(
        r"(?P<whole>[^\d的，,。？?！!]{0,10}?(?P<head>[\u4e00-\u9fff]{2}))(?:里头|里面|里边|当中|之中|里|中)[，,]?\s*"
        r"(?P<part>[^，,。？?！!]{0,8}?(?P=head)[^，,。？?！!]{0,6}?)(?:多少|几|百分之|占比)"
    ),
    # or a total named by the kind of amount or set it is, then a part of another name: 「民生支出里教育方面花了
    # 多少钱」「村级财务支出里，村干部报酬和办公经费花了多少」
    re.compile(
        rf"(?P<whole>[^\d的，,。？?！!]{{0,8}}?(?:{_TOTALS}))(?:里头|里面|里边|当中|之中|里|中)[，,]?\s*"
        r"(?P<part>[^，,。？?！!]{2,16}?)(?:方面)?(?:花了|用了|占了?|有|是)?(?:多少|几|百分之|占比)"
    ),
)
#: Characters of a question's wording, not of what it names (「…的有」「…占了」「那块」「自己就」).
_WORDING = frozenset("的了有那这自己就光占是为单独块些")
_CLAUSE = re.compile(r"[^，,；;。！？!?]+")
#: A number as written (digits), for telling the question's own figures from an answer's.
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
#: Parts of a year a sentence or question can be about: a report says 「全年…」「上半年…」「1-11 月…」.
_PERIOD_MARKS = (
    ("H1", re.compile(r"上半年|前半年|一季度|(?<!\d)1\s*[-—~～到至]\s*6\s*月")),
    ("H2", re.compile(r"下半年")),
    ("year", re.compile(r"全年")),
    ("months", re.compile(r"(?<!\d)\d{1,2}\s*[-—~～到至]\s*(?:[1-57-9]|1[0-2])\s*月")),
    ("plan", re.compile(r"十[四五六]五|五年")),
)


def period_marks(text: str) -> frozenset[str]:
    """The parts of a year `text` says it is about: "H1", "H2", "year" (全年), "months" (a span of
    months other than the first half), "plan" (a five-year plan)."""
    return frozenset(mark for mark, pattern in _PERIOD_MARKS if pattern.search(text))


#: Measure words that stand for one another, as people speak: 「多少人」 is answered by 「144 名」, 「多少件工单」
#: by 「1142 起」, 「装好了几部电梯」 by 「完工 38 台」, 「跑了多少趟」 by 「460 余次」, 「几栋楼」 by 「6 幢」,
#: 「拆了几条渔船」 by 「渔船14艘」.
_SAME_MEASURE = ("人名位", "件起宗", "台部", "次趟", "座栋幢", "条艘")
#: Measure words a report may write 个 for (「多少家长者食堂」 of 「长者食堂总数达到13个」): 个 answers them when
#: the sentence counts nothing in the asked word itself (「2 个驿站…新增企业 54 家」 answers 「多少家」 with 54 家).
_WRITTEN_AS_个 = "家"
_ASKED_UNIT = re.compile(rf"(?:多少|几)\s*万?\s*([{COUNT_UNITS}])")
#: A count of people asked without a measure word (「配了多少医护人员」「能招多少学生」): people are counted in
#: 人 (名, 位), so a count of beds or an amount of money does not answer it.
_ASKED_PEOPLE = re.compile(
    r"(?:多少|几)\s*(?:名|位)?[\u4e00-\u9fff]{0,4}?"
    r"(?:人员|医生|护士|医护|教师|老师|学生|孩子|员工|职工|工人|居民|村民|群众|游客|观众|选手|患者|老人|党员|志愿者|人才|毕业生|干部|工作人员|员)"
)
#: What an English count question counts, by the measure word the reports count it in ("how many companies"
#: is 「多少家企业」, "how many beds" 「多少张床位」): a count in another measure does not answer it. A noun not
#: listed leaves the count free, as 「多少」 alone does.
_ENGLISH_MEASURES = {
    "家": "companies enterprises firms businesses stores shops restaurants hotels homestays guesthouses banks hospitals supermarkets factories",
    "人": "people persons residents workers employees students graduates volunteers staff doctors nurses teachers villagers farmers "
    "children seniors participants trainees tourists visitors passengers talents",
    "户": "households families",
    "张": "beds",
    "辆": "vehicles cars buses",
    "所": "schools kindergartens",
    "件": "cases complaints disputes",
    "套": "apartments flats",
    "台": "elevators lifts",
}
_MEASURE_OF_NOUN = {noun: measure for measure, nouns in _ENGLISH_MEASURES.items() for noun in nouns.split()}
#: The noun an English count question counts: the first listed one within a few words of "how many".
_ENGLISH_COUNTED = re.compile(rf"\b(?:how many|number of)\s+(?:[\w'-]+\s+){{0,5}}?({'|'.join(_MEASURE_OF_NOUN)})\b", re.I)
#: A rate a question names by its word (「城镇登记失业率」「签约率」「森林覆盖率」): not a change or ratio in
#: general (增长率, 比率), which any figure of the change answers.
_NAMED_RATE = re.compile(r"[\u4e00-\u9fff]{2}率")
_SALES = ("销售额", "销售收入", "营业额", "营业收入", "营收")
_INVESTMENT = ("投资", "投入")
_SUBSIDY = ("补贴", "补助", "资助", "奖补", "补偿", "救助")
#: The measure an amount asked names (「商品销售额是多少」「一般公共预算支出总共是多少」「要补贴多少钱」), with
#: the words a report writes it in: a sentence holding none of them gives another measure's amount
#: (「营业收入2160亿元」 for 「规上工业总产值是多少」, 「收入98.63亿元」 for 「支出」).
_MONEY_MEASURES = {
    **dict.fromkeys(_SALES, _SALES),
    "出口额": ("出口",),
    "出口": ("出口",),  # 「出口了多少」
    "进出口额": ("进出口",),
    "进出口": ("进出口",),  # 「进出口总额是多少」: not 出口
    # retail sales (「社会消费品零售总额」「网络零售额」), which no other measure's words hold
    "零售总额": ("零售",),
    "零售额": ("零售",),
    "交易额": ("交易", "成交"),
    "成交额": ("交易", "成交"),
    "总产值": ("产值",),
    "产值": ("产值",),
    "生产总值": ("生产总值",),
    "税收收入": ("税收",),
    "税收": ("税收",),
    "税": ("税收",),  # 「收了多少税」
    "支出": ("支出",),
    "收入": ("收入",),
    "总投资": _INVESTMENT,
    "投资额": _INVESTMENT,
    "投资": _INVESTMENT,
    **dict.fromkeys(_SUBSIDY, _SUBSIDY),
    "资金": ("资金", "经费", "资助"),
    "利润": ("利润",),
    # capital drawn in from outside the country, and from inside it: a report gives them apart
    "外资": ("外资",),
    "内资": ("内资",),
}
#: The population counted (「常住人口有多少」): a count of people that names none of these is of other people
#: (「受益居民1384户」「服务群众23万人次」), and a report keeps its residents and its registered people apart.
_POPULATION_MEASURES = {"常住人口": ("常住人口",), "户籍人口": ("户籍人口",), "人口": ("人口",)}
_ASKED_POPULATION = re.compile(r"(常住人口|户籍人口|人口)[^，,。？?]{0,6}?(?:多少|几)")
_MEASURES = {**_MONEY_MEASURES, **_POPULATION_MEASURES}
#: For each amount's measure, the longer words of other measures that hold one of its words: 「进出口」 writes
#: another measure than 「出口」 (「外贸进出口总额27.4亿元」 does not say how much was exported), 「营业收入」
#: another than 「收入」. (A population asked as 「人口」 is answered by 「常住人口」: not so there.)
_OTHER_MEASURES_WORDS = {
    measure: tuple(
        longer for other in set(_MONEY_MEASURES.values()) if other != words for longer in other
        if any(word in longer and word != longer for word in words)
    )
    for measure, words in _MONEY_MEASURES.items()
}


def writes_measure(text: str, measure: str) -> bool:
    """Whether `text` writes `measure` in one of its words, not only inside another measure's word."""
    for longer in _OTHER_MEASURES_WORDS.get(measure, ()):
        text = text.replace(longer, "")
    return any(word in text for word in _MEASURES[measure])
_MEASURE_WORDS = "|".join(sorted(_MONEY_MEASURES, key=len, reverse=True))
_ASKED_AMOUNT = re.compile(
    rf"({_MEASURE_WORDS})(?:总额|总量)?(?:的?(?:预期|年度|全年)?目标值?(?:定在|定的是|定为|定了|定)?)?(?:总共|一共|共|合计)?(?:是|有|达到|为|达|到)?了?(?:多少|几)"
    rf"|多少(?:钱的?)?[\u4e00-\u9fff]{{0,4}}({_MEASURE_WORDS})"
)
_RATES_IN_GENERAL = ("增长率", "比率", "效率", "频率", "概率", "速率", "百分率")
#: A weight, volume or energy a question asks in (「一共产了多少吨」「多少标箱」), or a time (「多少天能办完」): only
#: a figure in it answers, not the area or the money the same sentence gives (「种植面积5200亩，年产值1.12亿元」),
#: nor a count (「受理群众诉求2.86万件」).
_ASKED_MEASURE_WORDS = "吨|千克|公斤|立方米|千瓦时|度电|升|标箱|天|工作日|小时|分钟"
_ASKED_MEASURE = re.compile(rf"(?:多少|几)\s*万?个?({_ASKED_MEASURE_WORDS})")
#: Days are counted in working days too (「多少天」 of 「5个工作日」).
_DAYS = ("天", "工作日")
#: An area question asking a length (「全长多少公里」「有多长」), or an area (「占地多少亩」): a figure of the
#: other does not answer it.
_ASKS_LENGTH = re.compile(r"长度|多长|多宽|宽度|多少米|多少公里|多少千米|几公里|\bhow long\b|\bhow wide\b|\bhow far\b|\blength\b|\bkilomet", re.I)
_ASKS_SURFACE = re.compile(r"面积|多少平方|多少公顷|多少亩|几亩|占地|\bsquare\b|\bhectares?\b|\barea\b|\bmu\b", re.I)
_LENGTH_UNIT = re.compile(r"(?<!平方)(?:公里|千米)|(?<![平方])米|km(?!²)", re.I)  # not 平方公里, 平方米
_SET_SIZES = {**CN_DIGIT_VALUES, "两": 2, "十": 10}
#: The size of the set a list question asks for: 「哪五个」「哪四类」「哪7个」, or 「十项…有哪些」「五大…分别是」.
_ASKED_ITEMS = re.compile(
    r"哪([两三四五六七八九十])|(?<![\d一二三四五六七八九十])([两三四五六七八九十])[大项类种个条方面]|哪?\s*(?<![\d.])([2-9])(?=\s*[个家类项条所座村种大])(?!\s*个月)"
    r"|\b(?:which|what are the)\s+(?P<english>two|three|four|five|six|seven|eight|nine|ten)\b",
    re.I,
)
#: The kind of place a list question asks members of (「哪几个村」「有哪些小区」), and a run of two or more
#: members of that kind (「花红村、洋桥村」「石门村和岚溪村」).
_ASKED_MEMBER = re.compile(r"哪(?:些|几|几个|[两三四五六七八九十]个)\s*(村|社区|小区|居委会?|街道|镇|乡|路|街|巷)(?![\u4e00-\u9fff]{0,1}[民委])")
_MEMBERS = r"[\u4e00-\u9fff\dA-Za-z]{{1,10}}?{0}(?:[、和及与][\u4e00-\u9fff\dA-Za-z]{{1,10}}?{0})+"
_ENGLISH_SET_SIZES = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
#: One item of an enumeration: the text between two 「、」 within a clause.
_ENUMERATION = re.compile(r"[^、，；。：:,;]{1,30}(?:、[^、，；。：:,;]{1,30})+")
_NUMBERED_ITEM = re.compile(r"[（(][1-9一二三四五六七八九十][)）]|[一二三四五六七八九十]是")
#: A numbered item's marker: 「（1）」「1、」「一.」, not a decimal's digit (「8.37」「2.3.」).
_NUMBERED = re.compile(r"(?<![\d.])[（(]?[1-9一二三四五六七八九][)）、.](?!\d)")
#: A sentence opening a list of 「；」-separated members: a lead-in ending in 「：」, then the first member
#: (「主要预期目标是：地方财政收入同比增长 6%，达到 8.83 亿元；」); group 1: the member.
_OPENS_LIST = re.compile(r"[：:]\s*([^：:；;。]{2,}[；;])\s*$")
#: What a count asked counts, after its measure word (「改造多少个老旧小区」「新装了多少个新能源汽车充电桩」): Chinese
#: characters up to the question's end, a comma or a particle; not a modifier before 的 (「多少名当过兵的人」 counts 人).
_COUNTED_AFTER = re.compile(rf"(?:多少|几)([{COUNT_UNITS}])([\u4e00-\u9fff]{{2,10}}?)(?=[？?，,、。！!呢吗啊]|$)")
#: …or before it, when the question ends on it (「外省游客有多少人次？」「规上工业企业总共有多少家？」), or after 「有多少是」
#: (「新增就业里有多少是高校毕业生？」).
_COUNTED_BEFORE = re.compile(rf"(?:一共|总共|共)?[有是]?(?:多少|几)(?:[{COUNT_UNITS}]|人次|{_ASKED_MEASURE_WORDS})?[呢啊]?(?=[？?，,。！!]|$)")
_COUNTED_MEMBER = re.compile(r"有?多少是([\u4e00-\u9fff]{2,10}?)(?=[？?，,。！!]|$)")
#: A question pointing at a thing it names (「…中试基地这个项目」): the pointer.
_POINTER = r"(?:这个|那个)"
#: The word that says a project is one, closing its name (「溪源水厂项目」「安置房一期工程」).
_PROJECT_WORD = re.compile(rf"{_POINTER}?(?:项目|工程)$")
#: A figure asked per unit: per member, person, household, mu or jin (「每所」「每个村」「每人每月」「一个人一年」
#: 「一斤」「人均」「户均」; not 「亩均效益评价」, a reform), per day or month (「平均每天」「每月」), or a price
#: (「单价」「均价」). Not per year, which a report writes as a year's figure (「年产值」), nor an average alone, which
#: is one figure (「平均入驻率」「平均多少天能办完」), nor someone living alone (「一个人住」). Chinese only: "each" in an
#: English question qualifies the set as often as it asks per member ("projects worth more than 1 billion yuan each").
_ASKS_PER_UNIT = re.compile(r"每(?!年)[\u4e00-\u9fff]|[人户]均|均价|单价|一(?:个人|斤|亩|户|股|晚)(?![住过生])")
#: How a sentence gives a figure per unit: 「每人每年670元」「人均500元」「户均使用面积」「日均分出量」「日产淡水」
#: 「3000元/人」.
_PER_UNIT = re.compile(r"每|均|单价|日[产供处]|[/／](?:人|户|亩|斤|公斤|月|天|日|平方米|台|套|股|晚|床)")
#: jieba's parts of speech a counted noun phrase is made of: nouns (n…), adjectives (a), distinguishing words (b),
#: abbreviations (j), measure words (q: 「充电桩」 is 充电/桩), time words (t: 「过夜」) and verbs inside it (「充电」).
_NOMINAL = frozenset("nabjqtv")
#: A place or a body that opens the words before the question word (「杉湖镇」「区政府」): where or who, not what.
_PLACE_WORD = re.compile(r"(?:[乡镇县区村市]|街道|社区)$")
#: A time word (jieba's t) that says when: 「去年底」, not 「过夜」.
_TIME_WORD = re.compile(r"[年月日季底初末今昨]|现在|目前")
#: The words that close the words before the question word and say only that a quantity is asked (「目标是多少」).
_QUANTITY_WORD = re.compile(r"目标|预期目标|总数|数量|总量|规模|数|人数|人次")


def _noun_phrase(words: list[jieba.posseg.pair]) -> bool:
    """Whether jieba's words make a noun phrase: all nominal, a noun or a measure word last, no verb first."""
    return (
        bool(words) and words[-1].flag[:1] in "nq" and not words[0].flag.startswith("v")
        and all(word.flag[:1] in _NOMINAL for word in words)
    )


def _counted(question: str, unit: str | None) -> str | None:
    """`AnswerType.counted`: what the count counts, when the question names it as a noun with its modifiers
    (jieba's parts of speech: 「老旧小区」「规上工业企业」「过夜游客」), not a clause (「人家签了字」「当过兵」「居民
    搬走了」), which says more of what is counted than a report's words for it. After the measure word when
    the question has one; else the words just before a question word that ends the question, the place and
    time that open them and a word that only says a quantity is asked left out."""
    if found := _COUNTED_AFTER.search(question):
        words = list(jieba.posseg.cut(found.group(2)))
        return found.group(2) if found.group(1) == unit and _noun_phrase(words) else None
    if unit is None:  # a count of no measure word may be any number (「出口额是多少」 of 「出口6.2亿元」)
        return None
    if found := _COUNTED_MEMBER.search(question):
        return found.group(1) if _noun_phrase(list(jieba.posseg.cut(found.group(1)))) else None
    if not (found := _COUNTED_BEFORE.search(question)):
        return None
    return _noun_phrase_ending(question[: found.start()])


def _noun_phrase_ending(text: str) -> str | None:
    """The noun phrase `text` ends with (jieba's parts of speech), less the place, body and time that open it
    and a closing word that only says a quantity is asked (「目标」「总数」): 「规上工业企业」 of 「杉湖镇规上工业企业」,
    「电子信息产业」 of 「去年开发区电子信息产业」. None when fewer than two characters are left, or they make no
    noun phrase."""
    before = list(jieba.posseg.cut(text))
    start = len(before)
    while start and before[start - 1].flag[:1] in _NOMINAL:
        start -= 1
    words = before[start:]
    while words and _QUANTITY_WORD.fullmatch(words[-1].word):
        words.pop()
    opened = [
        i for i, word in enumerate(words)
        if word.flag in ("ns", "nr", "nrt", "nt") or _PLACE_WORD.search(word.word) or _TIME_WORD.search(word.word)
    ]
    words = words[opened[-1] + 1:] if opened else words
    phrase = "".join(word.word for word in words)
    return phrase if len(phrase) >= 2 and _noun_phrase(words) else None


#: A place question asking which town, township, subdistrict or factory (「在哪个镇投产的」「在哪个老厂的原址上」): a
#: place of that kind answers it (「于6月在沙汀镇投产」「原第三纺织厂地块」), not the report's own 「全镇」「我镇」, old
#: factories in general (「老厂」) nor their buildings (「厂房」).
_ASKED_PLACE_KIND = re.compile(r"哪(?:个|一个|家|座)?(?:老|原)?(乡镇|镇|乡|街道|厂)")
_PLACE_OF_KIND = r"[\u4e00-\u9fff]{{1,4}}(?<![全我本该各乡城集老]){}(?!房)"
#: What a date naming a month or a day holds.
_DAY_OR_MONTH = re.compile(r"月|日|号")
#: A change said just before an amount: 「增加 2 亿元」「同比增长…1.2 亿元」 (the last 12 characters).
_CHANGE_BEFORE = re.compile(r"(?:增加|增长|提高|提升|上升|减少|下降|降低|多|少|增)[^，,；;。]{0,12}$")
#: A count or an area asked as it stands now (「现在一共有几家」「扩建后总共能提供多少个学位」), not as what
#: a period added: a figure said to be added (「新增学位540个」「全年服务4.3万人次」) does not answer it,
#: unless its clause also says where the total stands (「新增4家，累计达到9家」: 「累计达到9家」 is its own clause).
_ASKS_STOCK = re.compile(r"现在|目前|如今|至今|眼下|[扩改]建后|建成后")
#: A question asking what was added, in so many words (「新增了多少张床位」「新建了几个」「多招了多少」).
_ASKS_ADDED = re.compile(r"新(?:增|建|开|招|引|认定|装|签|注册|落地)|增加了|多了|多出|多招")
#: A question asking what a period added: in so many words, or by naming the period.
_ASKS_FLOW = re.compile(rf"{_ASKS_ADDED.pattern}|增加|去年|今年|上半年|全年|年内|\d{{4}}\s*年")
_SAYS_FLOW = re.compile(r"新增|新建|新开|新认定|新引进|新招|新签|新装|引进|增加|全年|年内|上半年|人次")
_SAYS_STOCK = re.compile(r"累计|总数|总量|总计|达到|共有|现有|拥有|保有")
#: A question asking how much something changed (「涨了多少」「增长了多少」「增幅」「增速」), not a share or a level.
_ASKS_CHANGE = re.compile(r"[增降涨]幅|增速|增长率|增长的?(?:预期)?目标|预期增长|(?:增长|增加|上涨|涨|提高|提升|下降|减少|降低)了?(?:多少|几)|\bgrow|\bincrease|\bby how much\b", re.I)
#: A share said just before a percentage in its clause (「占规上工业总产值的72.4%」「比重达到38%」): not a change.
_SHARE_BEFORE = re.compile(r"(?:占[^，,；;。]{0,20}的?|比重|占比)[^，,；;。增降涨提]{0,6}$")


#: Two members joined by 和/与/及 and counted as two (「游戏动漫电竞和宠物经济两大新兴赛道」「打通柳溪路北延段和仓前巷
#: 2条断头路」).
_PAIR = re.compile(r"[^、，,；;。：:]{1,30}(?:和|与|及)[^、，,；;。：:和与及]{1,30}?(?:[两二]|(?<!\d)2\s*)(?:大|个|类|项|种|条|座|所|处|方面)")


def enumerated_items(text: str) -> int:
    """The most members `text` lists in one go: the longest 「A、B、C和D」 run (a final 和/及/与 joins one
    more), two members joined by 和 and counted as two (「A和B两大…」), or its numbered items
    (「（1）…（2）…」「一是…二是…」)."""
    longest = 2 if _PAIR.search(text) else 0
    for match in _ENUMERATION.finditer(text):
        run = match.group(0)
        longest = max(longest, run.count("、") + 1 + (1 if re.search(r"[^、]{1,30}(?:和|及|与)[^、]{1,30}$", run) else 0))
    return max(longest, len(_NUMBERED_ITEM.findall(text)))


def expected_answer(question: str) -> AnswerType:
    """The kind of answer `question` asks for (its first matching kind in `KINDS` order), with the readings
    of its other asks when it asks several things (`AnswerType.also`)."""
    answer = _one_ask(question)
    return replace(answer, also=_other_asks(question, answer.kind)) if answer.kind != "general" else answer


#: Where a question asking several things parts its asks: 「…收了多少钱？比前年涨了多少？」「投多少钱、占多大地」.
_ASK_BREAK = re.compile(r"[？?，,、；;]")
#: A question word: a part of a question holding none asks nothing (「去年6850万元民生实事资金里，」 names a total).
_INTERROGATIVE = re.compile(r"多少|几|哪|什么|啥|何|谁|多[大长高宽久远]|\b(?:how|what|which|when|where|who)\b", re.I)
#: The kinds an ask of several is read for: those a span gives.
_SPANNED_KINDS = ("count", "money", "rate", "area", "date", "place", "address")


def _other_asks(question: str, kind: str) -> tuple[AnswerType, ...]:
    """The readings of the parts of `question` that ask another kind of answer than `kind` (its first
    kind), each read alone; none when it asks one thing."""
    asks = [
        reading
        for piece in _ASK_BREAK.split(question)
        if _INTERROGATIVE.search(piece) and (reading := _one_ask(piece)).kind != "general"
    ]
    if len(asks) < 2:  # one ask, perhaps after a clause naming a total (「6850万元民生实事资金里，用在养老上的有多少」)
        return ()
    others: list[AnswerType] = []
    for reading in asks:
        vague = reading.kind == "count" and reading.unit is None  # 「指数是多少」: any number, so no reading
        if reading.kind in _SPANNED_KINDS and reading.kind != kind and not vague and all(o.kind != reading.kind for o in others):
            others.append(reading)
    return tuple(others)


def _one_ask(question: str) -> AnswerType:
    asks_which_one = bool(_ASKS_WHICH.search(question)) and not _ASKS_QUANTITY.search(question)
    measured = _MEASURED_BY_A_FIGURE.search(question)
    not_asked = _NOT_ASKED_BY_MEASURE["count" if measured.group("measure") in COUNT_UNITS else "area"] if measured else ()
    for kind, pattern in _ASKS:
        if kind in not_asked or (asks_which_one and kind in ("rate", "money", "area")):
            continue
        if pattern.search(question):
            unit = items = None
            if kind == "count" and (match := _ASKED_MEASURE.search(question) or _ASKED_UNIT.search(question)):
                unit = match.group(1)
            elif kind == "count" and _ASKED_PEOPLE.search(question):
                unit = "人"
            elif kind == "count" and (counted := _ENGLISH_COUNTED.search(question)):
                unit = _MEASURE_OF_NOUN[counted.group(1).lower()]
            length, surface = bool(_ASKS_LENGTH.search(question)), bool(_ASKS_SURFACE.search(question))
            if kind == "area" and length != surface:  # one of the two asked, not both
                unit = "length" if length else "surface"
            member = match.group(1) if kind == "list" and (match := _ASKED_MEMBER.search(question)) else None
            if kind == "list" and (match := _ASKED_ITEMS.search(question)):
                items = (
                    _SET_SIZES.get(match.group(1) or match.group(2) or "")
                    or (int(match.group(3)) if match.group(3) else _ENGLISH_SET_SIZES[match.group("english").lower()])
                )
            asks_day = kind == "date" and bool(_FINER_THAN_A_PERIOD.search(question))
            period_answers = kind == "date" and not _AHEAD.search(question) and not asks_day
            part, whole = _part_of_total(question) if kind in _FIGURES else (None, "")
            given = frozenset(_DIGITS.findall(question))
            named = question if kind in ("place", "address") else ""
            years = frozenset(YEAR.findall(question))
            asks_clock = kind == "date" and bool(_ASKS_CLOCK.search(question))
            stage = _stage(question) if kind == "date" else None
            rate_word = _rate_word(question) if kind == "rate" else None
            change = kind == "rate" and bool(_ASKS_CHANGE.search(question))
            amount = _ASKED_AMOUNT.search(question) if kind == "money" or (kind == "count" and unit is None) else None
            population = _ASKED_POPULATION.search(question) if kind == "count" else None
            measure = population.group(1) if population else (amount.group(1) or amount.group(2)) if amount else None
            # what the amount is of, when the question names it before its measure (「电子信息产业产值是多少」); a
            # project by its name, which a report may write without the word 项目 (「启动西滩安置房一期建设，…总投资」)
            qualified = (
                _noun_phrase_ending(_PROJECT_WORD.sub("", question[: amount.start(1)])) if kind == "money" and amount and amount.group(1) else None
            )
            stock = kind in ("count", "area") and bool(_ASKS_STOCK.search(question)) and not _ASKS_FLOW.search(question)
            plan = kind in _FIGURES and bool(_ASKS_PLAN.search(question)) and not _ASKS_DONE.search(question)
            added = kind in ("count", "area") and not stock and bool(_ASKS_ADDED.search(question))
            phase = _phase_of(phased.group(0)) if kind in (*_FIGURES, "date") and (phased := _PHASE.search(question)) else None
            bound = (limit.group(1) or limit.group(2)) if kind in _FIGURES and (limit := _BOUND.search(question)) else None
            counted = _counted(question, unit) if kind == "count" else None
            per_unit = kind in _FIGURES and bool(_ASKS_PER_UNIT.search(question))
            return AnswerType(
                kind, unit, items, given, period_marks(question), period_answers, part, named, years, asks_day, asks_clock, stage,
                rate_word, change, whole, stock, measure, member, question if kind in _FIGURES else "", plan=plan, added=added, phase=phase, bound=bound,
                counted=counted, per_unit=per_unit, qualified=qualified,
            )
    return AnswerType("general", periods=period_marks(question), years=frozenset(YEAR.findall(question)))


def _part_of_total(question: str) -> tuple[str | None, str]:
    """`AnswerType.part` and `AnswerType.whole` of a question asking a part of a total (`_PART_OF_TOTAL`):
    the leftmost match, the part before the question word on a tie."""
    found = [match for pattern in _PART_OF_TOTAL if (match := pattern.search(question))]
    if not found:
        return None, ""
    match = min(found, key=lambda m: m.start())
    if _SAYS_ONLY_HOW.fullmatch(match["part"]):
        return None, ""  # 「2026年的民生实事里，打算新建多少个充电桩」: the list is where, and no part is named
    return match["part"], match["whole"] or match.groupdict().get("named_whole") or ""


#: Words between a total and the question word that name no part: what is planned or done, not of what
#: (「民生实事里，打算新建多少个…」 asks 充电桩, named after the question word).
_SAYS_ONLY_HOW = re.compile(r"(?:还|又|一共|总共|今年|明年|打算|计划|准备|预计|力争|要|将|能|会|新建|新增|建成|建设|完成|实现|引进|增加|改造|安排|办)+")


def _rate_word(question: str) -> str | None:
    """`AnswerType.rate_word`: the first rate the question names that is not a change in general."""
    return next((m.group(0) for m in _NAMED_RATE.finditer(question) if m.group(0) not in _RATES_IN_GENERAL), None)


#: The same stages as an English question names them (「When is the new campus supposed to open?」).
_ENGLISH_STAGES = {
    # "start classes", "start operating" are a school's or a plant's opening, not the start of its works
    "start": re.compile(
        r"\b(?:start(?:s|ed)?|begin|began|begun)\b(?! (?:classes|school|operat|production|service|business|trading))"
        r"|\b(?:break|broke) ground\b",
        re.I,
    ),
    "topping": re.compile(r"\btop(?:ped|ping)? out\b", re.I),
    "finish": re.compile(
        r"\b(?:finish|complet|open(?:s|ed|ing)?\b(?!-)|go(?:es)? into (?:production|operation|service|use)|went into|put into"
        r"|in(?:to)? (?:operation|service|use)|delivered|handed over|commission"
        r"|(?:start(?:s|ed)?|begin|began|begun) (?:classes|school|operat|production|service|business|trading))",
        re.I,
    ),
    "signing": re.compile(r"\bsign(?:s|ed|ing)?\b", re.I),
}


def _stage(text: str) -> str | None:
    """The one project stage `text` names (`PROJECT_STAGES`, or `_ENGLISH_STAGES` in English), None when
    it names none or several."""
    named = [stage for stage, words in PROJECT_STAGES.items() if words.search(text) or _ENGLISH_STAGES[stage].search(text)]
    return named[0] if len(named) == 1 else None


def spans(text: str, answer: AnswerType, before: str = "") -> list[tuple[int, int]]:
    """Offsets of the spans of `text` that are of the answer's kind, or of the kind of another thing the
    question asks (`AnswerType.also`): 「收了多少钱？比前年涨了多少？」 is answered in part by either. `before`:
    what the sentence says before `text` when `text` is one of its clauses (「…人均纯收入达到15430元，」 before
    「增长11.2%」), which may say that its figure is per unit."""
    return _spans(text, answer, before) + [span for other in answer.also for span in _spans(text, other, before)]


def _spans(text: str, answer: AnswerType, before: str = "") -> list[tuple[int, int]]:
    """Offsets of the spans of `text` that are of the answer's kind (for a count with a named unit,
    that unit; 「个」 stands for any measure word, as in everyday speech). A general answer has none.
    A span made only of numbers the question states is the question's premise, not its answer. Read in
    simplified script, as the patterns are written (a report in traditional script writes 「3.2萬畝」), when
    the conversion keeps every character's place, so that the offsets are the text's own."""
    if answer.kind in ("general", "name"):
        return []
    if len(simplified := to_simplified(text)) == len(text):
        text = simplified
    if answer.rate_word and answer.rate_word not in text:
        return []
    if answer.measure and not writes_measure(text, answer.measure):
        return []
    found = [(m.start(), m.end()) for m in _SPAN_PATTERNS[answer.kind].finditer(text)]
    if answer.kind == "area" and answer.unit:  # a length asked is not answered by an area, nor the other way
        found = [(s, e) for s, e in found if bool(_LENGTH_UNIT.search(text[s:e])) == (answer.unit == "length")]
    if answer.kind == "count" and answer.unit and answer.unit not in COUNT_UNITS:  # 「多少吨」: a weight in 吨
        units = _DAYS if answer.unit in _DAYS else (answer.unit,)
        found = [m.span() for m in _MEASURE.finditer(text) if any(unit in m.group(0) for unit in units)]
    elif answer.kind == "count" and answer.unit and answer.unit != "个":
        # people are counted in 人, 名 or 位 alike (「多少人」 of 「144 名」), machines in 台 or 部 (`_SAME_MEASURE`)
        units = next((same for same in _SAME_MEASURE if answer.unit in same), answer.unit)
        counted = [(s, e) for s, e in found if any(unit in text[s:e] for unit in units)]
        if not counted and answer.unit in _WRITTEN_AS_个:
            counted = [(s, e) for s, e in found if "个" in text[s:e]]
        found = counted
    elif answer.kind == "count" and not answer.unit:
        # 「多少」 without a measure word: any quantity answers (an amount, a rate, an area, a weight)
        for kind in ("money", "rate", "area"):
            found += [(m.start(), m.end()) for m in _SPAN_PATTERNS[kind].finditer(text)]
        found += [(m.start(), m.end()) for m in _MEASURE.finditer(text)]
    if answer.kind == "list":
        if answer.items and enumerated_items(text) < answer.items:
            return []  # 「分别是哪五个」: a sentence naming fewer members does not list the set
        if answer.items:  # 「哪两个」 is answered by 「A、B」, which the pattern (three members) does not take
            found += [m.span() for m in _ENUMERATION.finditer(text) if m.group(0).count("、") + 1 >= answer.items]
            if answer.items == 2:
                found += [m.span() for m in _PAIR.finditer(text)]
        if len(_NUMBERED.findall(text)) >= 2:
            found += [m.span() for m in _NUMBERED.finditer(text)]
        if not answer.items and (opening := _OPENS_LIST.search(text)):
            found.append(opening.span(1))
        if answer.member and (not answer.items or answer.items == 2):
            found += [m.span() for m in re.finditer(_MEMBERS.format(answer.member), text)]
    if answer.kind == "rate":
        # an increase asked without a unit may be given as an amount, said to be one (「增加 2 亿元」): not a
        # level (「固定资产投资额约 56 亿元」 does not say how much it grew)
        found += [(m.start(), m.end()) for m in _SPAN_PATTERNS["money"].finditer(text) if _CHANGE_BEFORE.search(text[: m.start()])]
    if answer.kind == "rate" and answer.change:  # a change asked: a share is not one
        found = [(s, e) for s, e in found if not _SHARE_BEFORE.search(text[:s])]
    if answer.asks_clock:
        found = [(s, e) for s, e in found if _CLOCK.fullmatch(text[s:e].strip())]
    elif answer.asks_day:
        found = [(s, e) for s, e in found if _DAY_OR_MONTH.search(text[s:e])]
    if answer.given and answer.kind not in ("list", "definition"):
        found = [(s, e) for s, e in found if not (given := set(_DIGITS.findall(text[s:e]))) or not given <= answer.given]
    if answer.kind == "place" and (asked := _ASKED_PLACE_KIND.search(answer.named)):
        kind = "(?:镇|乡)" if asked.group(1) == "乡镇" else asked.group(1)  # 「哪个乡镇」: either
        found += [m.span() for m in re.finditer(_PLACE_OF_KIND.format(kind), text)]
    if answer.named:  # a place the question names itself is its premise (「新建的游客服务中心在哪个村」 of 「新建游客服务中心1处」)
        named = answer.named.replace("的", "")
        found = [(s, e) for s, e in found if text[s:e].strip().replace("的", "") not in named]
    if answer.years and answer.kind in _FIGURES:  # a figure its clause gives for another year is that year's
        found = [(s, e) for s, e in found if _of_the_asked_years(_clause_at(text, s), answer.years)]
    if answer.stage:  # a date of the asked stage: not one whose clause names only other stages
        found = [(s, e) for s, e in found if _stage_allows(_clause_at(text, s), answer.stage)]
    if answer.stock:  # a total as it stands: not a figure a period added
        found = [(s, e) for s, e in found if not _SAYS_FLOW.search(clause := _clause_at(text, s)) or _SAYS_STOCK.search(clause)]
    if answer.added:  # what was added: not a figure its clause says is a total as it stands
        found = [(s, e) for s, e in found if _SAYS_FLOW.search(clause := _clause_at(text, s)) or not _SAYS_STOCK.search(clause)]
    if answer.measure:  # the measure asked, written in the figure's own clause, or the one before after a verb
        # (「地方财政收入同比增长6%，达到8.83亿元」)
        found = [(s, e) for s, e in found if writes_measure(_measure_clause(text, s), answer.measure)]
    if answer.counted:  # what the count asked counts, written (most of it) in the figure's own clause
        found = [(s, e) for s, e in found if _holds_most_of(_counting_clause(text, s), answer.counted)]
    if answer.qualified:  # what the amount asked is of, written (most of it) in its sentence up to its clause's end
        found = [(s, e) for s, e in found if _holds_most_of(_through_clause(text, s, before), answer.qualified)]
    if answer.per_unit:  # a figure per unit, said so in its sentence up to the end of its clause
        found = [(s, e) for s, e in found if _PER_UNIT.search(_through_clause(text, s, before))]
    if answer.question and any(
        kind.named_with_its_figures and (name := _named_member(kind, answer.question)) and name not in before + text
        for kind in _MEMBER_KINDS
    ):  # a figure of a scenic area, an estate or a building, in a sentence that does not name it: the whole's
        return []
    if answer.question:  # a figure said of a set the question names a member of, of a counted set of its kind, or of another member of a contrast
        found = [
            (s, e) for s, e in found
            if not _said_of_the_set(text, s, answer.question)
            and not _of_a_counted_set(text, s, e, answer.question)
            and not _of_another_member(_clause_at(text, s), answer.question)
        ]
    if answer.bound:  # the bound the question states, stated before the figure or in its clause
        stated = _written_number(answer.bound)
        found = [(s, e) for s, e in found if stated.search(text[:s]) or stated.search(_clause_at(text, s))]
    if answer.phase:  # the asked phase of a project: not a figure or a date of another phase, nor, in a sentence
        # that names other phases only, a figure said of no phase: the whole project's (「总投资1.2亿元建设…，项目一期于…投产」)
        phases = {_phase_of(p) for p in _PHASE.findall(text)}
        alone = not phases or answer.phase in phases
        found = [(s, e) for s, e in found if (at := _phase_at(text, s, answer.phase)) == answer.phase or (at is None and alone)]
    if answer.part:  # the part of a stated total: a figure in a clause that names the part
        named = [m.span() for m in _CLAUSE.finditer(text) if names_the_part(m.group(0), answer.part, answer.whole)]
        found = [(s, e) for s, e in found if any(a <= s and e <= b for a, b in named)]
    return found


#: Contrasts a statistic is given by: a level of government or of recognition, residents by where they
#: live (「城镇、农村居民」 names both; a member is its first two characters), staff by their terms (专职, 兼职),
#: schools by who runs them, a grade of stars or of A's (「五星级渔家乐6家」 is no count of 三星级 ones), and a
#: season's crop (「436吨 春茶干茶产量」 is not the autumn tea's).
_CONTRASTS = (
    re.compile(r"国家级|省级|市级|区级|县级"),
    re.compile(r"全体居民|城镇|农村|城乡"),
    re.compile(r"专职|兼职"),
    re.compile(r"公办|民办"),
    re.compile(r"[一二三四五\d]星(?=级)|[1-5]A(?=级)"),
    re.compile(r"[春夏秋冬](?:茶|粮|播|季)"),
)


@cache
def _written_number(number: str) -> re.Pattern[str]:
    """`number` written whole in a text (「65」 in 「65岁及以上」, not in 「165」 or 「6.5」)."""
    return re.compile(rf"(?<![\d.]){re.escape(number)}(?![\d])")


def _phase_of(written: str) -> str:
    """A phase as compared: 「首期」 is 「一期」."""
    return "一" if written[0] == "首" else written[0]


def _phase_at(text: str, offset: int, asked: str) -> str | None:
    """The phase of a project a span at `offset` is said of: one its clause names (the asked one, if it
    names it), else the last one the sentence names before it (「三期工程：新建堤防2.8公里，总投资2300万元」);
    None when none is named."""
    named = {_phase_of(p) for p in _PHASE.findall(_clause_at(text, offset))}
    if named:
        return asked if asked in named else min(named)
    before = _PHASE.findall(text[:offset])
    return _phase_of(before[-1]) if before else None


def _of_another_member(clause: str, question: str) -> bool:
    """Whether a figure's clause names another member of a contrast the question names a member of, and not
    that one: 「新增省级专精特新中小企业18家」 is no count of 「国家级“小巨人”」, nor is 「城镇居民人均可支配收入
    45820元」 the income of 「全体居民」. A clause naming no member (「人均可支配收入4.2万元」) may be the asked one's."""
    for contrast in _CONTRASTS:
        asked = {member[:2] for member in contrast.findall(question)}
        named = {member[:2] for member in contrast.findall(clause)}
        if asked and named and not named & asked:
            return True
    return False


#: Members named in a row: 「樟园小区、北桥新村、莲塘里」.
_SET_OF_MEMBERS = re.compile(r"[^、，,；;。：:]{2,30}(?:、[^、，,；;。：:]{2,30})+")
#: How a set of members closes, counted or with 「等」: 「…莲塘里等12个小区」「…福田里3个小区」「…石门2个集中安置点」
#: 「…上坪村、杉木坳村三个村」「…盒马X会员店等首店」. A run of activities or qualities does not close so
#: (「大排查、大走访60余次」「投资最大、群众期盼最久的…工程」).
_CLOSES_SET = re.compile(r"(等\s*(?:[\d一二两三四五六七八九十]+\s*[个所家座处条栋幢])?|[\d一二两三四五六七八九十]+\s*[个所家座处条栋幢])\s*[\u4e00-\u9fff]")
#: A question asking about the set itself: 「樟园小区等12个小区」「这几个小区」「那12个老小区」.
_ASKS_THE_SET = re.compile(r"等|这些|那些|这几|那几|分别|[这那](?:\d+|[两三四五六七八九十]+)\s*[个家所座处条栋幢]")
#: How many Chinese characters in a row a question shares with a member's name to name it.
_NAMES_MEMBER = 3
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: How many characters at the end of a list's first item may be a member's name (「全面完成樟园小区」).
_FIRST_NAME = 5
#: How many characters after a set's count say what the set is of (「4个老旧小区」).
_KIND_WORDS = 6
#: The last of members of one kind in a row, written with their kind (「…、青冈村建成高标准农田4600亩」): the kind.
_KIND_IN_A_ROW = re.compile(r"[\u4e00-\u9fff]{2,4}?(村|社区|小区|景区)(?![级民委集])")
#: Words naming a period, which name no member (「上半年发放低保、特困、临时救助等…」).
_TIME_WORDS = re.compile(r"[上下]半年|全年|[今去前明]年|年[底初内]")


def _shares_a_name(item: str, question: str) -> bool:
    """Whether `question` writes a run of `_NAMES_MEMBER` Chinese characters of `item`."""
    return any(
        run[i : i + _NAMES_MEMBER] in question for run in _HAN_RUN.findall(item) for i in range(len(run) - _NAMES_MEMBER + 1)
    )


def _names_with_kind(item: str, kind: str, question: str, first: bool) -> bool:
    """Whether `question` names a listed member of two characters or more followed by a word of the set's kind
    (`kind`: the words after its count): 「桂园小区」 of 「完成桂园、枫林…4个老旧小区」. The first item holds what
    opens the list (「完成桂园」): its member is any end of it."""
    names = [item[cut:] for cut in range(len(item) - 1)] if first else [item] if len(item) >= 2 else []
    names = [name for name in names if name not in kind]  # 「景苑小区」's end 「小区」 is the kind, not a member
    return any(
        f"{name}{kind[start:end]}" in question
        for name in names for start in range(len(kind)) for end in range(start + 1, len(kind) + 1)
    )


def _said_of_the_set(text: str, offset: int, question: str) -> bool:
    """Whether the figure at `offset` is said of a set of members of which the question names exactly one,
    and not of that one: a set closed by a count or 「等」 (`_CLOSES_SET`) before the figure (「樟园小区、北桥新村、
    莲塘里等12个小区…惠及居民4316户」 is the twelve's, not 北桥新村's, and 「上坪、竹坞、云岭5个村…总收入1260万元」 not
    竹坞村's) or after its clause (「新建高标准农田1.2万亩，覆盖桐溪、云岭、鹤塘3个村」), or members of one kind in a
    row that the figure's clause opens with (「在龙潭村、白沙村、青冈村建成高标准农田4600亩」). Not when the sentence
    gives each member's (「分别」「各」), nor when the member is named alone again before the figure or in its clause
    (「…，完成143个小区电动自行车直供电改造」), nor when the question asks about the set."""
    if _ASKS_THE_SET.search(question):
        return False
    question = _TIME_WORDS.sub(" ", question)
    clause = _clause_match(text, offset)
    last = None
    for found in _SET_OF_MEMBERS.finditer(text[:offset]):
        if (member := _named_in_set(found.group(0).split("、"), question)) is not None:
            last = (found.start(), found.end(), member)
    if last is not None:
        start, end, member = last
        return "分别" not in text[start:] and not _shares_a_name(member, text[end : clause.end() if clause else len(text)])
    if clause is None or "分别" in text:
        return False
    after = text[clause.end() :]
    for found in _SET_OF_MEMBERS.finditer(after):
        member = _named_in_set(found.group(0).split("、"), question)
        if member is not None and not _names_member(member, clause.group(0)):
            return True
    return False


def _named_in_set(items: list[str], question: str) -> str | None:
    """The one listed item of a set that `question` names (its own wording, or a name followed by a word of
    the set's kind: 竹坞村 of 「上坪、竹坞、云岭5个村」), when `items` (a run split at 「、」) are a set: closed by a
    count or 「等」, or members of one kind each (`_KIND_IN_A_ROW`: 「在龙潭村、白沙村、青冈村建成…」) that no 「各」
    gives a figure each. None when the question names none of them or more than one."""
    items = list(items)
    closing = _CLOSES_SET.search(items[-1])
    if closing is not None:
        # what the set is of (「5个村」「4个老旧小区」): a list writes its members without the kind the question
        # names them by (竹坞村, 桂园小区)
        kind = _HAN_RUN.match(items[-1], closing.end() - 1).group(0)[:_KIND_WORDS]
        items[-1] = items[-1][: closing.start()]
    elif (row := _KIND_IN_A_ROW.match(items[-1])) and all(item.endswith(row.group(1)) for item in items[:-1]):
        if items[-1][row.end() :].startswith("各"):
            return None
        kind, items[-1] = row.group(1), items[-1][: row.end()]
    else:
        return None
    # the first item holds what opens the list (「重点引进了安擎算力」): its name is at its end
    named = [
        item for n, item in enumerate(items)
        if _shares_a_name(item[-_FIRST_NAME:] if n == 0 else item, question) or _names_with_kind(item.strip(), kind, question, first=n == 0)
    ]
    return named[0] if len(named) == 1 else None


def _names_member(member: str, clause: str) -> bool:
    """Whether a clause names a listed member again: three characters of its name, or the whole of a shorter one."""
    return _shares_a_name(member, clause) or (len(member) >= 2 and member in clause)


#: A kind word that begins another word (村级, 村民, 村均, 村集体, 顾村镇): it counts no member, nor names one.
_NOT_A_KIND = r"(?![级民均集委庄落组镇])"
#: …except after a count, which counts the members whatever word the kind begins (「5个村集体经济经营性总收入」
#: 「21个村级组织」): not residents, groups or a town (「3个村民小组」「2个顾村镇」).
_NOT_A_COUNTED_KIND = r"(?![民组镇])"
_COUNT = r"(?:\d+|[一二两三四五六七八九十]+)"


def _sets_of(counted: str, whole: str) -> re.Pattern[str]:
    """How a report writes a set of a kind it counts by the words `counted`: counted (「21个村」「学校5所」
    「亿元以上项目4个」), each member's (「各村」), or the whole a member belongs to (`whole`, 「全乡」)."""
    return re.compile(
        "|".join([
            # not a grade (「国家4A级旅游景区」「三星级」)
            rf"{_COUNT}(?![AＡ星])\s*[个所家座项大处]?[^\d，,。；;、]{{0,8}}?(?:{counted}){_NOT_A_COUNTED_KIND}",
            rf"(?:{counted})\s*{_COUNT}\s*[个所家座项处]",
            rf"各(?:{counted}){_NOT_A_KIND}",
            *([whole] if whole else []),
        ])
    )


@dataclass(frozen=True)
class MemberKind:
    """A kind of member of a set a question may name one of: how a question names it (`name`, group 1: the
    member's own name), how a report writes a set of its kind (`sets`, `_sets_of`), and whether a report
    names a member as a question does (`named_as_asked`): not a school, which it names by its number its own
    way (「顾村镇第三幼儿园」 as 「三幼」). `named_with_its_figures`: a report gives a figure of such a member in a
    sentence that names it — a scenic area, an estate, a building is never the subject of a whole report, as a
    village or a community is of its own — so a sentence that does not name it gives the whole's figure
    (「全年接待游客1186万人次」 is no count of 云台山景区's visitors)."""

    name: re.Pattern[str]
    sets: re.Pattern[str]
    named_as_asked: bool = True
    named_with_its_figures: bool = False


#: The members of sets a question names by their own names: a village by the two characters before 村
#: (「塘湾村」; not 农村, 乡村, 新村, 各村, 「全县村集体」「镇村两级」「50万元的村」), a school by its number
#: (「县第三高级中学」; a school is counted as 学校 or 所), a project the question points at (「澄研生物医药中试
#: 基地这个项目」), a community, a scenic area, an estate, a building or a resettlement site by its name. Kind
#: words that describe (「老旧小区」「绿色学校」「产业项目」) name no member.
_MEMBER_KINDS = (
    MemberKind(
        re.compile(rf"([\u4e00-\u9fff]{{2}})(?<![农乡新全各本该每村镇县区的个渔中])村{_NOT_A_KIND}"),
        _sets_of(r"村(?:（社区）)?|村居", r"全镇|全乡|全街道|全县|全区"),
    ),
    MemberKind(
        re.compile(r"(第[一二三四五六七八九十]+[\u4e00-\u9fff]{0,4}?)(?:学校|小学|中学|高中|幼儿园)"),
        _sets_of(r"学校|中小学|小学|中学|幼儿园|所", r"全县|全区|全市"),
        named_as_asked=False,
    ),
    MemberKind(re.compile(rf"([\u4e00-\u9fff]{{2,16}}?){_POINTER}项目"), _sets_of(r"项目", "")),
    MemberKind(  # a community by its name (「渔埠社区」; not 「完整社区」「示范社区」, nor its services: 社区卫生服务中心)
        re.compile(r"([\u4e00-\u9fff]{2})(?<![全各本该每个的型式色慧整丽美范市村区级])社区(?![卫服医养食嵌])"),
        _sets_of(r"社区|村（社区）|村居", r"全街道|全镇|全乡|全区|全县"),
    ),
    MemberKind(  # a scenic area by its name (「龙潭峡景区」「竹海风景区」; not 「4A级旅游景区」)
        re.compile(r"([\u4e00-\u9fff]{2,4}?)(?<![旅游级全各本该每个的A])风?景区"),
        _sets_of(r"景区|景点", r"全县|全镇|全乡|全区|全市"),
        named_with_its_figures=True,
    ),
    MemberKind(  # an estate by its name (「桂园小区」; not 「老旧小区」「安置小区」, nor 「街道小区里」: the estates of a street)
        re.compile(r"([\u4e00-\u9fff]{2})(?<![老旧全各本该每个的置道])小区"),
        _sets_of(r"小区", r"全街道|全镇|全区"),
        named_with_its_figures=True,
    ),
    MemberKind(  # a building by its name (「运河大厦」, 「宝塔金融中心这栋楼」), one of the office buildings a report counts
        re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:大厦|大楼|[这那](?:栋|幢|座)楼)"),
        _sets_of(r"楼宇|商务楼", r"全街道"),
        named_with_its_figures=True,
    ),
    MemberKind(  # a resettlement site by its name (「松坪安置点」)
        re.compile(r"([\u4e00-\u9fff]{2})(?<![全各本该每个的中])安置点"),
        _sets_of(r"安置点", r"全县|全乡|全镇"),
    ),
)
#: Characters no name of a member holds: a time (「去年村里」), a question word or a pointer (「哪些社区」「那个强村」),
#: a preposition or a conjunction (「搬到顾村」「能给村里」「村里和小区」), a whole (「全村」), a town (「大场镇社区
#: 事务」), or a kind of village (「行政村」「强村公司」「示范村」; 城中村, 渔村, 新村: `_MEMBER_KINDS`). A name
#: is read after the last of them (「去年青檀山景区」 names 「青檀山」).
_NO_NAME = re.compile(r"[年月日的哪些几这那个各全本该每农乡镇强范政然给到在从为把被向对了和与及]")


@lru_cache(maxsize=4096)
def _named_member(kind: MemberKind, question: str) -> str | None:
    """The name of the member of `kind` the question names: the first of its names that keeps two characters
    or more after the last character no name holds (`_NO_NAME`), or None. None when the question asks about
    the set (「这些」)."""
    if _ASKS_THE_SET.search(question):
        return None
    for named in kind.name.finditer(question):
        name = _NO_NAME.split(named.group(1))[-1]
        if len(name) >= 2:
            return name
    return None


def asked_member(question: str) -> str | None:
    """The name of the one member of a set the question asks about and a report names as the question does
    (`_MEMBER_KINDS`: 「龙潭峡」 of 「龙潭峡景区去年接待了多少游客」, 「塘湾」 of 「塘湾村」), or None: a question
    asking about a set (「这些」) or naming none."""
    names = (_named_member(kind, question) for kind in _MEMBER_KINDS if kind.named_as_asked)
    return next((name for name in names if name), None)


def _of_a_counted_set(text: str, offset: int, end: int, question: str) -> bool:
    """Whether the figure at `offset` is said of a counted set of the kind of member the question names,
    which the sentence does not name between the set and the figure: 「塘湾村…可支配收入」 is not given by
    「全镇21个村的村级集体经济组织可支配收入合计2.16亿元」, nor 「县第三高级中学新增了多少个学位」 by
    「全年新建改扩建学校5所，新增学位4200个」, nor a project's investment by the total of the projects it is
    one of. A set is counted (「21个村」「学校5所」「亿元以上项目4个」), each member's (「各村」), or the whole the
    member belongs to (「全乡」 of a village); its own count (「学校5所」「5个村」) is no figure of the member
    either. Not when the question asks about the set."""
    for kind in _MEMBER_KINDS:
        name = _named_member(kind, question)
        if name is None:
            continue
        last = None
        for found in kind.sets.finditer(text):
            if found.start() <= offset < found.end():  # the figure counts the set
                return True
            if found.end() <= end:
                last = found
        if last is None:
            continue
        clause = _clause_match(text, last.start())
        if name[-3:] not in text[clause.start() if clause else 0 : offset]:
            return True
    return False


def _clause_match(text: str, offset: int) -> re.Match | None:
    """The match of the clause of `text` (between 「，」「；」「。」) holding `offset`, if one does."""
    return next((m for m in _CLAUSE.finditer(text) if m.start() <= offset < m.end()), None)


def _counting_clause(text: str, offset: int) -> str:
    """The clause holding a count at `offset`, with the clause before it when the word just before the figure
    is a verb (jieba's parts of speech): a report names what it counts just before the figure (「改造老旧小区47
    个」「实施城中村改造项目2个」), or earlier when a verb stands there (「加装电梯，全年完工 38 台」「新增规模以上
    工业企业7家，总数达到58家」)."""
    match = _clause_match(text, offset)
    if not match:
        return text
    words = list(jieba.posseg.cut(text[match.start(): offset].rstrip()))
    if match.start() > 0 and (not words or words[-1].flag.startswith("v")):
        before = _clause_match(text, match.start() - 2)  # the clause ending in the mark before this one
        return (before.group(0) if before else "") + match.group(0)
    return match.group(0)


#: A clause that goes on with the one before it, naming nothing of its own (「…同比增长6%，达到8.83亿元」).
_GOES_ON = re.compile(r"\s*(?:达到|达|为|共计|合计|总计|累计|突破|超过|总量)")


def _measure_clause(text: str, offset: int) -> str:
    """The clause of a figure at `offset` where a report writes its measure: its own, with the clause before
    when it only goes on with it (`_GOES_ON`)."""
    match = _clause_match(text, offset)
    if not match:
        return text
    if match.start() > 0 and _GOES_ON.match(match.group(0)) and (before := _clause_match(text, match.start() - 2)):
        return before.group(0) + match.group(0)
    return match.group(0)


def _holds_most_of(clause: str, words: str) -> bool:
    """Whether a clause holds half the characters of `words` or more, and something of each of its words
    (jieba's, of two characters or more: one character of a word of two, two adjacent ones of a longer word).
    A report words what it counts its own way (「停车位」 as 「停车泊位」, 「企业入驻」 as 「入驻企业」, 「规上」 as
    「规模以上」), but a figure whose clause has nothing of a modifier the question asks by is another set's
    (「全年接待游客68.5万人次」 is no count of 「外省游客」, nor 「非机动车充电桩」 of 「新能源汽车充电桩」)."""
    return 2 * sum(character in clause for character in words) >= len(words) and all(
        any(character in clause for character in word) if len(word) == 2
        else any(word[i : i + 2] in clause for i in range(len(word) - 1))
        for word in _words_of(words) if len(word) >= 2
    )


@lru_cache(maxsize=4096)
def _words_of(text: str) -> tuple[str, ...]:
    """jieba's words of `text`, stripped: `_holds_most_of` asks for the same counted thing's words once per
    figure of every candidate sentence."""
    return tuple(word.strip() for word in jieba.lcut(text))


def _through_clause(text: str, offset: int, before: str = "") -> str:
    """What a sentence says up to the end of the clause holding `offset` in `text`, with `before` (what the
    sentence says before `text`, when `text` is one of its clauses): where a report says what a figure is of
    (「西滩安置房一期项目开工建设，总投资7.8亿元」) or that it is per unit (「人均纯收入达到15430元，增长11.2%」)."""
    clause = _clause_match(text, offset)
    return before + text[: clause.end() if clause else len(text)]


def _clause_at(text: str, offset: int) -> str:
    """The clause of `text` holding `offset` (`_clause_match`), or the whole text."""
    clause = _clause_match(text, offset)
    return clause.group(0) if clause else text


def _stage_allows(clause: str, stage: str) -> bool:
    """Whether a date in `clause` may be the date of `stage`: the clause names that stage, or none."""
    named = {name for name, words in PROJECT_STAGES.items() if words.search(clause)}
    return not named or stage in named


def names_the_part(clause: str, part: str, whole: str = "") -> bool:
    """Whether a clause shares two adjacent characters of what names the part (「公益性就业」 for
    「公益性岗位就业的有」), the question's own wording aside, and those with a character of the total's
    name (「外资企业」 of 「186家企业里」: any part of the total is 企业; 「各类首店」 holds 「类首」 of
    「餐饮类首店」) unless the part has no other."""
    pairs = {pair for i in range(len(part) - 1) if (pair := part[i : i + 2]).strip() and not set(pair) & _WORDING}
    own = {pair for pair in pairs if not set(pair) & set(whole)} or pairs
    return any(pair in clause for pair in own)


#: A year a figure is compared with (「比2023年增长5%」「较2023年」): the baseline, not the figure's own year.
_BASELINE_YEAR = re.compile(r"(?:比|较|相比|对比|与)\s*((?:19|20)\d{2})\s*年")


def _of_the_asked_years(clause: str, years: frozenset[str]) -> bool:
    """Whether a figure's clause may be of a year the question names: it names none of its own, or one of
    them (「2023年度全县GEP为486.3亿元」 is not 2024's GEP; 「比2023年增长5%」 names 2023 as the baseline only)."""
    named = {m.group(1) for m in YEAR_WITH_UNIT.finditer(clause)} - {m.group(1) for m in _BASELINE_YEAR.finditer(clause)}
    return not named or bool(named & years)


def about_asked_period(text: str, answer: AnswerType) -> bool:
    """False when `text` says it is about another part of the year than the question asks about
    (「全年累计迁入企业…」 does not answer 「上半年迁入了多少家」, nor 「1-11 月…」 「1到6月…」), or opens
    with another year than the question names (「2024 年全镇…的主要预期目标是…」 does not answer a
    question about 2023)."""
    if answer.years and (opening := _OPENING_YEAR.match(text)) and opening.group(1) not in answer.years:
        return False
    marks = period_marks(text)
    return not (answer.periods and marks) or bool(marks & answer.periods)


#: Words of a passage that speaks of several years: its events are not all of the year it reviews
#: (a January 2026 report reviews 2025 and, in the same part, the five years of the 14th plan).
_SEVERAL_YEARS = re.compile(r"十[三四五六]五|五年|年均")


def dated_by_period(answer: AnswerType, period: str | None, passage: str = "", sentence: str = "") -> bool:
    """Whether the period a passage looks back on (`qa.steering.reviewed_period`) answers a date
    question about `sentence`: 「首届社区服务节是什么时候办的？」 of the 2023 review's 「举办首届
    “社区服务节”」 is answered 「2023年」, though the sentence names no date. Not for a question about
    what is to come, nor for one asking a finer date than a period (a month, a day), nor in a passage
    that speaks of several years, nor, when a stage of a project is asked, for a sentence that does not
    name that stage: 「什么时候开工的」 is not answered by the year of 「…建成通车」, nor by the year of
    「工程全长6.8公里…」, which says nothing of when work began."""
    return (
        answer.period_answers
        and period is not None
        and not _SEVERAL_YEARS.search(passage)
        and (answer.stage is None or PROJECT_STAGES[answer.stage].search(sentence) is not None)
    )


def says_plan(sentence: str, answer: AnswerType, period: str | None) -> bool:
    """Whether a sentence can answer what the question asks of the time to come: any sentence when it asks
    what was done, else one of a part that plans (`period` None: `qa.steering.reviewed_period`) or one that
    says what is to come (「…力争新增就业岗位3000个」). 「2024年新增就业岗位2316个」, in the review of 2024,
    does not answer 「今年新增就业岗位的目标是多少」."""
    return not answer.plan or period is None or bool(_SAYS_PLAN.search(_LOOKS_BACK.sub("", sentence)))


def has_span(text: str, answer: AnswerType, before: str = "") -> bool:
    """Whether `text` holds a span of the answer's kind (always true for a general answer) about the
    part of the year asked; `before` as for `spans`."""
    return about_asked_period(text, answer) and (answer.kind in ("general", "name") or bool(spans(text, answer, before)))
