"""好差评 rules (pure): the national five levels, which stages of a case can be rated
when, who may rate, and which ratings must be worked (整改).

A package case is rated at acceptance (受理), at decision (办理), at handover (出件) and
overall (总体); a case of a single instant item (即办件) only overall. Only the applicant
or their agent rates; staff never rate cases, least of all their own.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import IntEnum, StrEnum


class Level(IntEnum):
    VERY_SATISFIED = 5
    SATISFIED = 4
    FAIRLY_SATISFIED = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1


LEVEL_LABELS = {
    Level.VERY_SATISFIED: "非常满意",
    Level.SATISFIED: "满意",
    Level.FAIRLY_SATISFIED: "基本满意",
    Level.DISSATISFIED: "不满意",
    Level.VERY_DISSATISFIED: "非常不满意",
}
# Reasons offered with a bad rating (the applicant may add their own words).
BAD_REASONS = (
    "多次跑腿",
    "材料重复提交",
    "办理时间长",
    "告知不清楚",
    "服务态度差",
    "推诿扯皮",
    "吃拿卡要",
    "系统不好用",
)
GOOD_REASONS = ("一次办成", "办理快", "告知清楚", "服务热情", "线上办理方便")


class Stage(StrEnum):
    ACCEPTANCE = "acceptance"
    DECISION = "decision"
    HANDOVER = "handover"
    OVERALL = "overall"
    VISIT = "visit"  # a window visit, with or without a case (窗口服务)


STAGE_LABELS = {
    Stage.ACCEPTANCE: "受理环节",
    Stage.DECISION: "审批办理",
    Stage.HANDOVER: "出件环节",
    Stage.OVERALL: "总体评价",
    Stage.VISIT: "窗口服务",
}
CASE_STAGES = (Stage.ACCEPTANCE, Stage.DECISION, Stage.HANDOVER, Stage.OVERALL)
# The case states from which each stage can be rated.
_OPEN_FROM = {
    Stage.ACCEPTANCE: {"in_progress", "ready", "completed"},
    Stage.DECISION: {"ready", "completed"},
    Stage.HANDOVER: {"completed"},
    Stage.OVERALL: {"completed", "refused"},
}


class RatingRefused(ValueError):
    """A rating the rules do not take; the message says why, in Chinese."""


def is_bad(level: Level) -> bool:
    """不满意 and 非常不满意 open a rectification (差评整改)."""
    return level <= Level.DISSATISFIED


def stages_for(single_instant_item: bool) -> tuple[Stage, ...]:
    return (Stage.OVERALL,) if single_instant_item else CASE_STAGES


def open_stages(case_state: str, rated: Collection[str], single_instant_item: bool) -> list[Stage]:
    """The stages the applicant can rate now: reached, and not rated yet."""
    return [
        stage
        for stage in stages_for(single_instant_item)
        if case_state in _OPEN_FROM[stage] and stage.value not in rated
    ]


def check_rating(
    stage: str,
    level: int,
    case_state: str,
    rated: Collection[str],
    single_instant_item: bool,
    rater_is_applicant: bool,
) -> tuple[Stage, Level]:
    """The stage and level of an acceptable rating; `RatingRefused` says what is wrong."""
    if not rater_is_applicant:
        raise RatingRefused("只有申请人（或其代办人）可以评价；工作人员不能评价办件")
    try:
        chosen = Stage(stage)
    except ValueError:
        raise RatingRefused(f"没有“{stage}”这个评价环节") from None
    if chosen == Stage.VISIT:
        raise RatingRefused("窗口服务请扫窗口上的二维码评价")
    grade = _level(level)
    if chosen not in stages_for(single_instant_item):
        raise RatingRefused("即办件只作一次总体评价")
    if chosen.value in rated:
        raise RatingRefused(f"{STAGE_LABELS[chosen]}已经评价过")
    if case_state not in _OPEN_FROM[chosen]:
        raise RatingRefused(f"{STAGE_LABELS[chosen]}还不能评价：办件尚未到这一步")
    return chosen, grade


def _level(level: int) -> Level:
    try:
        return Level(int(level))
    except (ValueError, TypeError):
        raise RatingRefused("请从“非常满意”到“非常不满意”中选择一项") from None


def check_visit_rating(level: int, rater_is_applicant: bool, rated_today: bool) -> Level:
    """A window visit (窗口服务) is rated by the person served, once a day per window,
    with or without a case."""
    if not rater_is_applicant:
        raise RatingRefused("只有办事群众可以评价窗口服务；工作人员不能评价")
    grade = _level(level)
    if rated_today:
        raise RatingRefused("您今天已经评价过这个窗口，感谢您的反馈")
    return grade
