"""Shared test factories: the demo's people and the steps a case goes through, written
once (the tests of every layer use them instead of copying set-up code)."""

from __future__ import annotations

import contextlib

from onething.accounts.models import User
from onething.cases import materials, services
from onething.cases.models import Case


def user(username: str) -> User:
    return User.objects.get(username=username)


def check_materials(case: Case, clerk: str = "clerk_lishi") -> None:
    """The window checks every material still unchecked against its original."""
    with contextlib.suppress(services.Conflict):  # nothing left to check
        materials.check_all(user(clerk), case.public_id)


def hand_over(case: Case, clerk: str = "clerk_lishi") -> Case:
    """一次办成 at the window: materials checked, then every result handed over."""
    check_materials(case, clerk)
    return services.hand_over(user(clerk), case.public_id)
