"""Shared patterns: years as reports write them, and the names of places a report may be of."""

from __future__ import annotations

from qa.patterns import PLACE_NAME, ZONE_NAME, admin_units, short_town_name, years_with_unit


def test_years_in_digits_and_in_chinese_numerals_in_the_order_they_stand() -> None:
    assert years_with_unit("二、二〇二五年工作安排") == ["2025"]
    assert years_with_unit("2022年和二○二三年相比") == ["2022", "2023"]
    assert years_with_unit("一九九八年") == ["1998"]
    assert years_with_unit("全年二十四节气") == [] and years_with_unit("三二二一年") == []  # no year


def test_a_county_is_a_place_a_report_may_be_of() -> None:
    assert short_town_name("云溪县") == "云溪" and short_town_name("大场镇") == "大场"
    assert [m.group(0) for m in PLACE_NAME.finditer("今年云溪县的GDP")] == ["今年云溪县"]
    assert not PLACE_NAME.search("宁夏县级未成年人救助保护机构")  # a level, not a place


def test_a_village_and_a_city_are_places_a_report_may_be_of() -> None:
    """Their reports name them in the front matter; a question names them without 村 or 市."""
    assert admin_units("青石湾村村民代表会议") == ["青石湾村"] and short_town_name("青石湾村") == "青石湾"
    assert admin_units("上海市宝山区顾村镇第十八届") == ["上海市", "宝山区", "顾村镇"]  # a 村 inside a town's name
    assert short_town_name("溱川市") == "溱川"
    assert not PLACE_NAME.search("新农村建设和新开的超市")  # in a question, words


def test_a_development_zone_is_a_place_a_report_may_be_of() -> None:
    """A zone's committee reports on its year (「梧港经济开发区管委会工作报告」); a question names it by its core
    with any kind (「梧港开发区」) or none. The bare kind (「在开发区2025年工作会议上」) names no place."""
    assert short_town_name("梧港经济开发区") == "梧港" and short_town_name("张江高新区") == "张江"
    assert admin_units("开发区2025年工作会议") == []
    assert ZONE_NAME.search("梧港经济开发区管委会工作报告").group(0) == "梧港经济开发区"
    assert ZONE_NAME.search("城市更新工作简报") is None
