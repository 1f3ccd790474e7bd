"""市县联动: each item goes to the jurisdiction that implements it, nearest the applicant."""

from __future__ import annotations

import pytest

from onething.cases.routing import ancestry, route_item
from onething.catalog.entities import Jurisdiction

SHANXI = "140000"
LVLIANG = "141100"  # 吕梁市
LISHI = "141102"  # 离石区
XIAOYI = "141181"  # 孝义市 (a county-level city)
YANGQUAN_JIAOQU = "140311"  # 阳泉市郊区


@pytest.fixture
def places(demo_catalog):
    return demo_catalog.jurisdictions


def test_the_demo_jurisdictions_are_as_the_tests_expect(places) -> None:
    assert [(j.code, j.name, j.level) for j in ancestry(XIAOYI, places)] == [
        (XIAOYI, "孝义市", "county"),
        (LVLIANG, "吕梁市", "city"),
        (SHANXI, "山西省", "province"),
    ]


def test_a_county_item_at_a_county_window_stays_there(places) -> None:
    assert route_item(["county"], XIAOYI, XIAOYI, places) == XIAOYI


def test_a_city_only_item_at_a_county_window_goes_up_to_the_city(places) -> None:
    assert route_item(["city"], XIAOYI, XIAOYI, places) == LVLIANG
    assert route_item(("city",), LISHI, LISHI, places) == LVLIANG


def test_an_item_of_city_and_county_goes_to_the_county(places) -> None:
    assert route_item(["city", "county"], XIAOYI, XIAOYI, places) == XIAOYI
    # even when the city's window accepted it
    assert route_item(["city", "county"], LVLIANG, LISHI, places) == LISHI


def test_a_province_only_item_goes_to_the_province(places) -> None:
    assert route_item(["province"], XIAOYI, XIAOYI, places) == SHANXI
    assert route_item(["province", "city"], XIAOYI, XIAOYI, places) == LVLIANG


def test_a_county_item_accepted_at_the_city_window_goes_to_the_applicants_county(places) -> None:
    assert route_item(["county"], LVLIANG, XIAOYI, places) == XIAOYI


def test_without_a_match_from_the_place_the_window_decides(places) -> None:
    # the applicant's place was recorded at city level; the county window implements it
    assert route_item(["county"], LISHI, LVLIANG, places) == LISHI


def test_an_item_nobody_here_implements_is_none(places) -> None:
    assert route_item(["county"], LVLIANG, LVLIANG, places) is None
    assert route_item(["township"], XIAOYI, XIAOYI, places) is None
    assert route_item([], XIAOYI, XIAOYI, places) is None


def test_another_city_s_county(places) -> None:
    assert route_item(["city"], YANGQUAN_JIAOQU, YANGQUAN_JIAOQU, places) == "140300"


def test_unknown_jurisdictions_are_refused(places) -> None:
    with pytest.raises(ValueError, match="unknown jurisdiction '999999'"):
        route_item(["county"], "999999", XIAOYI, places)
    with pytest.raises(ValueError, match="unknown jurisdiction '999999'"):
        route_item(["county"], XIAOYI, "999999", places)


def test_a_parent_loop_is_refused() -> None:
    looping = {
        "1": Jurisdiction("1", "甲", "county", "2"),
        "2": Jurisdiction("2", "乙", "city", "1"),
    }
    with pytest.raises(ValueError, match="is its own ancestor"):
        ancestry("1", looping)
