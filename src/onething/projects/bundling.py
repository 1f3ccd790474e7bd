"""打包办: what bundling N projects of one type saves, computed from catalogue figures.

Nothing here is typed in by anyone: the figures come from the catalogue (the items'
promised working days, the expert review's duration and fee schedule, the window's
acceptance days) and the number of projects. The model of the counting:

**Separately** (the seed's situation: a power company's grid projects queued project by
project at the same window), each of the N projects is accepted on its own, goes through
an expert review of its own, then through its items one after another, and the next
project starts when it is done::

    cycle_separate = N × (accept_days + review_days + sum(item_days))
    fees_separate  = N × (base + per_project)        # N reviews of one project each

**Bundled** (一包受理、一次评审), the N projects are accepted once, reviewed by experts
once, and each department handles its item for all the projects at once, so the items
still run one after another but the projects run side by side::

    cycle_bundle = accept_days + review_days + sum(item_days)
    fees_bundle  = base + N × per_project            # one review of N projects

Hence ``cycle_saved_share = 1 - 1/N`` whenever the cycle is not 0 days (80 % for 5
projects), and ``fees_saved_share = (N - 1) × base / (N × (base + per_project))``: the
base fee is paid once instead of N times. A share is 0 when there is nothing to save
from (a separate figure of 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReviewFees:
    """An expert review's fee schedule, in yuan: a base plus a part per project."""

    base: int
    per_project: int

    def for_projects(self, count: int) -> int:
        """The fee of one review of ``count`` projects."""
        return self.base + count * self.per_project


@dataclass(frozen=True, slots=True)
class BundleFigures:
    projects: int
    cycle_separate_days: int  # working days
    cycle_bundle_days: int
    cycle_saved_share: float  # 0..1
    fees_separate: int  # yuan
    fees_bundle: int
    fees_saved_share: float  # 0..1

    @property
    def cycle_saved_days(self) -> int:
        return self.cycle_separate_days - self.cycle_bundle_days

    @property
    def fees_saved(self) -> int:
        return self.fees_separate - self.fees_bundle


def _share(saved: int, of: int) -> float:
    return saved / of if of else 0.0


def _problems(
    project_count: int,
    item_days: Sequence[int],
    review_days: int,
    fees: ReviewFees,
    accept_days: int,
) -> list[str]:
    problems = [] if project_count >= 1 else [f"项目数至少为 1（实为 {project_count}）"]
    problems += [
        f"事项 {n + 1} 的办理天数不能为负数（{d}）" for n, d in enumerate(item_days) if d < 0
    ]
    named = (
        ("专家评审天数", review_days),
        ("受理天数", accept_days),
        ("评审基础费用", fees.base),
        ("评审每项目费用", fees.per_project),
    )
    problems += [f"{name}不能为负数（{value}）" for name, value in named if value < 0]
    return problems


def bundle_figures(
    project_count: int,
    item_days: Sequence[int],
    review_days: int,
    fees: ReviewFees,
    accept_days: int,
) -> BundleFigures:
    """The cycle and review fees of ``project_count`` projects, separately and bundled.

    ``item_days``: the promised working days of the items each project goes through, in
    order. Raises ValueError (in Chinese, every problem at once) for fewer than one
    project or any negative figure.
    """
    problems = _problems(project_count, item_days, review_days, fees, accept_days)
    if problems:
        raise ValueError("；".join(problems))
    one_project = accept_days + review_days + sum(item_days)
    cycle_separate = project_count * one_project
    fees_separate = project_count * fees.for_projects(1)
    fees_bundle = fees.for_projects(project_count)
    return BundleFigures(
        projects=project_count,
        cycle_separate_days=cycle_separate,
        cycle_bundle_days=one_project,
        cycle_saved_share=_share(cycle_separate - one_project, cycle_separate),
        fees_separate=fees_separate,
        fees_bundle=fees_bundle,
        fees_saved_share=_share(fees_separate - fees_bundle, fees_separate),
    )
