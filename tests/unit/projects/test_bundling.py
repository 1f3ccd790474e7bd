"""打包办: the cycle and expert-review fees of N projects, separately and bundled."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from onething.projects.bundling import BundleFigures, ReviewFees, bundle_figures

# The demo's grid rebuilding (电网改造) at 阳泉市郊区: each project is filed (备案, 3 days),
# gets its land and site opinion (用地预审与选址, 10 days) and its planning permit (建设工程
# 规划许可, 10 days); the window accepts in 2 working days, the expert review takes 5.
GRID_ITEMS = (3, 10, 10)
FEES = ReviewFees(base=20_000, per_project=5_000)


def test_five_grid_projects_bundled() -> None:
    figures = bundle_figures(5, GRID_ITEMS, review_days=5, fees=FEES, accept_days=2)
    assert figures == BundleFigures(
        projects=5,
        cycle_separate_days=5 * (2 + 5 + 23),
        cycle_bundle_days=2 + 5 + 23,
        cycle_saved_share=0.8,
        fees_separate=5 * 25_000,
        fees_bundle=20_000 + 5 * 5_000,
        fees_saved_share=pytest.approx(80_000 / 125_000),
    )
    assert figures.cycle_saved_share >= 0.8  # the seed: the approval cycle fell by 80 %
    assert figures.fees_saved_share >= 0.4  # and expert-review fees by more than 40 %
    assert (figures.cycle_saved_days, figures.fees_saved) == (120, 80_000)


def test_one_project_saves_nothing() -> None:
    figures = bundle_figures(1, GRID_ITEMS, review_days=5, fees=FEES, accept_days=2)
    assert (figures.cycle_separate_days, figures.cycle_bundle_days) == (30, 30)
    assert (figures.fees_separate, figures.fees_bundle) == (25_000, 25_000)
    assert (figures.cycle_saved_share, figures.fees_saved_share) == (0.0, 0.0)


def test_nothing_to_save_from_is_a_share_of_zero() -> None:
    figures = bundle_figures(3, (), review_days=0, fees=ReviewFees(0, 0), accept_days=0)
    assert (figures.cycle_saved_share, figures.fees_saved_share) == (0.0, 0.0)


def test_the_fee_schedule() -> None:
    assert FEES.for_projects(1) == 25_000
    assert FEES.for_projects(5) == 45_000


def test_fewer_than_one_project_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^项目数至少为 1（实为 0）$"):
        bundle_figures(0, GRID_ITEMS, review_days=5, fees=FEES, accept_days=2)


def test_negative_figures_are_refused_all_at_once() -> None:
    with pytest.raises(ValueError) as raised:
        bundle_figures(2, (3, -1), review_days=-5, fees=ReviewFees(-1, -2), accept_days=-2)
    assert str(raised.value) == (
        "事项 2 的办理天数不能为负数（-1）；专家评审天数不能为负数（-5）；受理天数不能为负数（-2）；"
        "评审基础费用不能为负数（-1）；评审每项目费用不能为负数（-2）"
    )


figures_in = st.integers(min_value=0, max_value=10_000)


@given(
    st.integers(min_value=1, max_value=50),
    st.lists(st.integers(min_value=0, max_value=60), max_size=12),
    figures_in,
    figures_in,
    figures_in,
    figures_in,
)
def test_bundling_never_costs_more(
    count: int, items: list[int], review: int, accept: int, base: int, per_project: int
) -> None:
    figures = bundle_figures(count, items, review, ReviewFees(base, per_project), accept)
    assert figures.cycle_bundle_days <= figures.cycle_separate_days
    assert figures.fees_bundle <= figures.fees_separate
    assert 0.0 <= figures.cycle_saved_share <= 1.0
    assert 0.0 <= figures.fees_saved_share <= 1.0
    if figures.cycle_separate_days:
        assert figures.cycle_saved_share == pytest.approx(1 - 1 / count)
    # only the base fee is saved: paid once instead of N times
    assert figures.fees_saved == (count - 1) * base
