"""Shared test factories: the demo's people and the steps a case goes through, written
once (the tests of every layer use them instead of copying set-up code)."""

from __future__ import annotations

import contextlib

from onething.accounts.models import User
from onething.cases import materials, services
from onething.cases.lifecycle import TaskState
from onething.cases.models import Case
from onething.cases.services import Filing
from onething.catalog.guide import build_guide, resolve_answers
from onething.catalog.services import current_catalog
from onething.intake.samples import sample_form

# 我要开药店 with every item applying: the seeds' 7 items, 21 materials, 15 days.
ALL_ITEMS = {
    "sells_food": "true",
    "sells_class2_devices": "true",
    "sells_class3_devices": "true",
    "has_signboard": "true",
}


def user(username: str) -> User:
    return User.objects.get(username=username)


def pharmacy_filing(answers=ALL_ITEMS, place="141102") -> Filing:
    """我要开药店 as the applicant files it, with a valid sample form."""
    catalog = current_catalog().catalog
    package = catalog.packages["open_pharmacy"]
    guide = build_guide(catalog, package, resolve_answers(package, answers))
    return Filing("open_pharmacy", dict(answers), place, sample_form(guide.fields))


def decide_all(case: Case) -> None:
    """Every department works its items, in waves as predecessors finish."""
    while True:
        workable = [t for t in case.tasks.all() if t.state == TaskState.WORKABLE]
        if not workable:
            return
        for task in workable:
            reviewer = User.objects.get(
                role="reviewer", department=task.department, jurisdiction=task.jurisdiction
            )
            services.claim(reviewer, task.pk)
            services.approve(reviewer, task.pk, note="符合条件，准予许可")


def check_materials(case: Case, clerk: str = "clerk_lishi") -> None:
    """The window checks every material still unchecked against its original."""
    with contextlib.suppress(services.Conflict):  # nothing left to check
        materials.check_all(user(clerk), case.public_id)


def hand_over(case: Case, clerk: str = "clerk_lishi") -> Case:
    """一次办成 at the window: materials checked, then every result handed over."""
    check_materials(case, clerk)
    return services.hand_over(user(clerk), case.public_id)
