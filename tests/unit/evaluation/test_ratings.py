"""好差评 rules: stages, levels, who may rate."""

import pytest
from hypothesis import given, strategies as st

from onething.evaluation.ratings import (
    Level,
    RatingRefused,
    Stage,
    check_rating,
    check_visit_rating,
    is_bad,
    open_stages,
)


def test_a_package_case_is_rated_at_each_stage_as_it_is_reached():
    assert open_stages("submitted", set(), False) == []
    assert open_stages("in_progress", set(), False) == [Stage.ACCEPTANCE]
    assert open_stages("ready", {"acceptance"}, False) == [Stage.DECISION]
    assert open_stages("completed", {"acceptance"}, False) == [
        Stage.DECISION,
        Stage.HANDOVER,
        Stage.OVERALL,
    ]
    assert open_stages("completed", {s.value for s in Stage}, False) == []
    assert Stage.VISIT not in open_stages("completed", set(), False)  # a visit is not a stage


def test_an_instant_item_is_rated_once_overall():
    assert open_stages("completed", set(), True) == [Stage.OVERALL]
    with pytest.raises(RatingRefused, match="即办件只作一次总体评价"):
        check_rating("acceptance", 5, "completed", set(), True, True)


def test_refusals_say_why():
    with pytest.raises(RatingRefused, match="工作人员不能评价"):
        check_rating("overall", 5, "completed", set(), False, False)
    with pytest.raises(RatingRefused, match="已经评价过"):
        check_rating("overall", 5, "completed", {"overall"}, False, True)
    with pytest.raises(RatingRefused, match="尚未到这一步"):
        check_rating("handover", 5, "ready", set(), False, True)
    with pytest.raises(RatingRefused, match="请从“非常满意”到“非常不满意”"):
        check_rating("overall", 9, "completed", set(), False, True)
    with pytest.raises(RatingRefused, match="扫窗口上的二维码"):
        check_rating("visit", 5, "completed", set(), False, True)


def test_a_window_visit_is_rated_once_a_day_by_the_person_served():
    assert check_visit_rating(2, True, False) == Level.DISSATISFIED
    with pytest.raises(RatingRefused, match="今天已经评价过"):
        check_visit_rating(5, True, True)
    with pytest.raises(RatingRefused, match="工作人员不能评价"):
        check_visit_rating(5, False, False)
    with pytest.raises(RatingRefused, match="请从"):
        check_visit_rating(0, True, False)


@given(st.sampled_from(list(Level)))
def test_only_the_two_lowest_levels_are_bad(level):
    assert is_bad(level) == (level in (Level.DISSATISFIED, Level.VERY_DISSATISFIED))
