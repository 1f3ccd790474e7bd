"""代办授权 rules without the database: scope by package and by project, the period,
revocation, and the reason an agent is given when refused."""

from datetime import date, datetime

from onething.core.authority import Subject, Written, refusal

TODAY = date(2026, 12, 5)
YEAR = Written(date(2026, 1, 1), date(2026, 12, 31))
CHARGING = Subject("charging_station", "电动汽车充电站建设")


def test_in_force_and_in_scope_acts():
    assert refusal([YEAR], CHARGING, TODAY) is None
    packages = Written(date(2026, 1, 1), date(2026, 12, 31), packages=("charging_station",))
    assert refusal([packages], CHARGING, TODAY) is None


def test_no_authorisation_at_all():
    assert "没有" in refusal([], CHARGING, TODAY)


def test_revoked_and_expired_say_so():
    revoked = Written(date(2026, 1, 1), date(2026, 12, 31), datetime(2026, 12, 4, 10, 30))
    assert refusal([revoked], CHARGING, TODAY) == "授权已于 2026-12-04 10:30 撤销"
    expired = Written(date(2025, 1, 1), date(2026, 12, 1))
    assert refusal([expired], CHARGING, TODAY) == "授权已过期（有效期至 2026-12-01）"
    early = Written(date(2026, 12, 10), date(2026, 12, 31))
    assert "尚未生效" in refusal([early], CHARGING, TODAY)


def test_out_of_scope_by_package_or_project():
    grid_only = Written(date(2026, 1, 1), date(2026, 12, 31), packages=("grid_rebuild",))
    assert refusal([grid_only], CHARGING, TODAY) == "超出授权范围：“电动汽车充电站建设”不在授权书中"
    one_project = Written(date(2026, 1, 1), date(2026, 12, 31), projects=("p1",))
    other = Subject("grid_rebuild", "", "p2", "荫营线路改造")
    assert refusal([one_project], other, TODAY) == "超出授权范围：项目“荫营线路改造”不在授权书中"
    assert refusal([one_project], Subject("grid_rebuild", "", "p1", "x"), TODAY) is None
    assert "不属于其中任何项目" in refusal([one_project], CHARGING, TODAY)  # a new filing


def test_a_project_named_lets_the_agent_carry_a_case_they_did_not_file():
    named = Written(date(2026, 1, 1), date(2026, 12, 31), projects=("p1",))
    carried = Subject("grid_rebuild", "", "p1", "x", filed_by_agent=False)
    assert refusal([named], carried, TODAY) is None
    assert "不是您代办的" in refusal([YEAR], carried, TODAY)


def test_the_authorisation_in_force_decides_the_reason():
    """One for charging stations revoked, one in force for grids: the one in force is
    what the agent holds now, so the charging station is outside its scope; with none in
    force, the revoked one that covered it says why."""
    revoked = Written(
        date(2026, 1, 1),
        date(2026, 12, 31),
        datetime(2026, 12, 4, 10, 30),
        packages=("charging_station",),
    )
    grid_only = Written(date(2026, 1, 1), date(2026, 12, 31), packages=("grid_rebuild",))
    assert "超出授权范围" in refusal([grid_only, revoked], CHARGING, TODAY)
    expired_grid = Written(date(2025, 1, 1), date(2025, 12, 31), packages=("grid_rebuild",))
    assert "撤销" in refusal([expired_grid, revoked], CHARGING, TODAY)
