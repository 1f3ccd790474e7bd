"""事项编制: deleting one object of the draft, refused while something uses it — a
package or a case an item, an item a material or a field, a case a package — naming them."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction

from onething.core.errors import Conflict
from onething.editing.models import EditingStep
from onething.editing.rules import SECTION_LABELS
from onething.editing.services import (
    check_may_change,
    check_revision,
    checker_of,
    editable_draft,
    entry_of,
    forget_checker,
    keep_checker,
    record,
    saving_lock,
    title_of,
)


def delete_entry(user, section: str, key: str, revision: int) -> None:
    """Delete one object; refused, naming them, while a package, an item or a case uses it."""
    with saving_lock, transaction.atomic():
        draft = editable_draft(user)
        row = entry_of(draft, section, key)
        check_may_change(user, section, row, row.data)
        check_revision(section, key, row, revision)
        checker = checker_of(draft)
        users = users_of(checker.document(), section, key)
        if users:
            raise Conflict(
                f"{SECTION_LABELS[section]}“{title_of(section, row.data)}”正在被使用，不能删除："
                + "；".join(users),
                {"used_by": users},
            )
        forget_checker(draft)
        old = checker.remove(section, key)
        row.delete()
        draft.revision += 1
        draft.save(update_fields=["revision"])
        record(draft, EditingStep.Action.DELETED, user, section, key, title_of(section, old or {}))
        transaction.on_commit(lambda: keep_checker(draft, checker))


def users_of(document: dict, section: str, key: str) -> list[str]:
    """Who uses an object: packages, items, licence types, cases (at most 10 of each)."""
    used: list[str] = []
    if section == "items":
        packages = [
            p.get("name", p.get("id"))
            for p in document.get("packages") or ()
            if any(_member_id(m, "item") == key for m in p.get("items") or ())
        ]
        if packages:
            used.append("一件事 " + "、".join(packages[:10]))
        used += _cases_using(item_id=key)
    elif section == "packages":
        used += _cases_using(package_id=key)
    elif section in ("materials", "fields"):
        items = [
            i.get("name", i.get("id"))
            for i in document.get("items") or ()
            if _asks(i, section, key)
        ]
        if items:
            used.append("事项 " + "、".join(items[:10]) + (" 等" if len(items) > 10 else ""))
        if section == "fields":
            types = [
                t.get("name")
                for t in document.get("licence_types") or ()
                if key in (t.get("fields") or ())
            ]
            if types:
                used.append("电子证照类型 " + "、".join(types[:10]))
    return used


def _member_id(member: Any, name: str) -> Any:
    return member.get(name) if isinstance(member, dict) else member


def _asks(item: dict, section: str, key: str) -> bool:
    if section == "fields":
        return key in (item.get("fields") or ())
    return any(_member_id(m, "material") == key for m in item.get("materials") or ())


def _cases_using(**condition: str) -> list[str]:
    Case = apps.get_model("cases", "Case")
    if "item_id" in condition:
        cases = Case.objects.filter(tasks__item_id=condition["item_id"]).distinct()
    else:
        cases = Case.objects.filter(package_id=condition["package_id"])
    numbers = [n or "（未受理）" for n in cases.values_list("number", flat=True)[:10]]
    if not numbers:
        return []
    total = cases.count()
    more = f" 等 {total} 件" if total > len(numbers) else ""
    return ["办件 " + "、".join(numbers) + more]
