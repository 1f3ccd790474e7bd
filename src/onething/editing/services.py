"""事项编制's use cases on the draft: open it, read an object, save one, delete one.

Each save locks the draft, checks the revision the editor started from (a stale one is
refused with who changed the object and when), runs the checks of `onething catalog
check` on the whole draft with the object changed (`catalog.rechecking`), and stores
the object only when it has no problem of its own; each step is recorded. Submitting,
reviewing and publishing are in `publishing`.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from onething.catalog.loading import parse_document
from onething.catalog.models import CatalogVersion
from onething.catalog.problems import Problem
from onething.catalog.rechecking import DocumentChecker
from onething.catalog.schema import SECTIONS as ALL_SECTIONS
from onething.core.access import edits_catalog, edits_library, may_edit_item, sees_editor
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.editing.models import Draft, DraftEntry, EditingStep
from onething.editing.rules import SECTION_LABELS, SECTIONS, entry_path, in_chinese
from onething.privacy.audit import ChainSpec, append

OPEN_STATES = (Draft.State.EDITING, Draft.State.SUBMITTED)


@dataclass(slots=True)
class Saved:
    entry: DraftEntry
    warnings: list[Problem] = field(default_factory=list)  # this object's, after the save


# --------------------------------------------------------------------------- the draft


def open_draft() -> Draft | None:
    return Draft.objects.filter(state__in=OPEN_STATES).first()


def draft_for(user) -> Draft | None:
    """The open draft; an editor who may change something starts one when there is none."""
    if not sees_editor(user):
        raise NotFound("页面不存在")
    draft = open_draft()
    if draft is None and edits_catalog(user):
        draft = start_draft(user)
    return draft


def start_draft(user) -> Draft:
    """A draft copied from the newest published version, one row per object."""
    version = CatalogVersion.objects.order_by("-number").first()
    if version is None:
        raise NotFound("还没有发布过目录：请先用 onething catalog import 导入目录")
    document, problems = parse_document(version.source)
    if problems or not isinstance(document, dict):  # stored versions were valid
        raise InvalidInput("已发布的目录无法读取")
    try:
        return _copied(version, document, user)
    except IntegrityError:  # another editor started one at the same moment: theirs it is
        existing = open_draft()
        if existing is None:
            raise
        return existing


def _copied(version: CatalogVersion, document: dict, user) -> Draft:
    with transaction.atomic():
        existing = Draft.objects.select_for_update().filter(state__in=OPEN_STATES).first()
        if existing is not None:
            return existing
        rest = {key: value for key, value in document.items() if key not in SECTIONS}
        draft = Draft.objects.create(base_version=version, rest=rest, created_by=user.username)
        rows = [
            DraftEntry(
                draft=draft,
                section=section,
                key=str(data.get("id")),
                position=position,
                data=data,
                name=title_of(section, data)[:300],
                department=str(data.get("department") or "") if section == "items" else "",
            )
            for section in SECTIONS
            for position, data in enumerate(document.get(section) or ())
        ]
        DraftEntry.objects.bulk_create(rows, batch_size=500)
        record(draft, EditingStep.Action.STARTED, user, summary=f"基于第 {version.number} 版")
    return draft


# The editing steps are one audit chain (privacy/audit.py), as the licence events are.
STEP_CHAIN = ChainSpec(
    EditingStep, ("draft_id", "action", "section", "key", "summary", "actor", "at")
)


def record(draft: Draft | None, action: str, user, section="", key="", summary="") -> None:
    """Append one step to the audit trail of editing (sealed in its chain)."""
    actor = getattr(user, "username", None) or str(user)
    step = EditingStep(
        draft=draft, action=action, section=section, key=key, summary=summary, actor=actor
    )
    append(STEP_CHAIN, [step])


# --------------------------------------------------------------------------- checking

_checkers: dict[tuple, tuple[int, DocumentChecker]] = {}
_checkers_lock = threading.Lock()
saving_lock = threading.RLock()  # the threads of a process change the kept checker in turn


def draft_identity(draft: Draft) -> tuple:
    """What names a draft in this process's memory: its id and when it was made (an id
    alone can be given again after a rolled-back transaction or a recreated database)."""
    return (draft.pk, draft.created_at)


def checker_of(draft: Draft) -> DocumentChecker:
    """The draft as a `DocumentChecker`, kept per process at the draft's revision."""
    with _checkers_lock:
        kept = _checkers.get(draft_identity(draft))
    if kept is not None and kept[0] == draft.revision:
        return kept[1]
    checker = DocumentChecker(draft_document(draft))
    # Tens of thousands of objects that live as long as the draft: set them aside from the
    # cyclic collector (as catalog.services does for a parsed catalogue), or its full
    # collections walk them all again in some save.
    gc.collect()
    gc.freeze()
    with _checkers_lock:
        _checkers.clear()  # one draft is open at a time
        _checkers[draft_identity(draft)] = (draft.revision, checker)
    return checker


def keep_checker(draft: Draft, checker: DocumentChecker) -> None:
    with _checkers_lock:
        _checkers[draft_identity(draft)] = (draft.revision, checker)


def forget_checker(draft: Draft) -> None:
    with _checkers_lock:
        _checkers.pop(draft_identity(draft), None)


def draft_document(draft: Draft) -> dict[str, Any]:
    """The draft as a catalogue document (sections in the file's order)."""
    document = dict(draft.rest)
    rows = draft.entries.order_by("position").values_list("section", "data")
    by_section: dict[str, list] = {section: [] for section in SECTIONS}
    for section, data in rows:
        by_section[section].append(data)
    ordered = {key: value for key, value in document.items() if key not in ALL_SECTIONS}
    for section in ALL_SECTIONS:
        if section in SECTIONS and by_section[section]:
            ordered[section] = by_section[section]
        elif section in document:
            ordered[section] = document[section]
    return ordered


def problems_of(
    problems: list[Problem], section: str, key: str, position: int | None = None
) -> list[Problem]:
    """The problems of one entry, each path starting with `section[key]` (the checks name
    an entry by its position where its id is wrong or taken: that is this entry's too)."""
    head = entry_path(section, key)
    heads = [head] if position is None else [head, f"{section}[{position}]"]
    own = []
    for problem in problems:
        for at in heads:
            if problem.path == at or problem.path.startswith((at + ".", at + "[")):
                own.append(Problem(head + problem.path[len(at) :], problem.message))
                break
    return own


# --------------------------------------------------------------------------- reading


def entry_of(draft: Draft, section: str, key: str) -> DraftEntry:
    if section not in SECTIONS:
        raise NotFound(f"没有这一类目录内容：{section}")
    found = draft.entries.filter(section=section, key=key).first()
    if found is None:
        raise NotFound(f"编制稿中没有{SECTION_LABELS[section]}“{key}”")
    return found


def entries_of(draft: Draft, section: str, search: str = "", department: str = ""):
    rows = draft.entries.filter(section=section).order_by("position")
    if department:
        rows = rows.filter(department=department)
    if search:
        rows = rows.filter(Q(key__icontains=search) | Q(name__icontains=search))
    return rows


def may_change(user, section: str, department: str | None) -> bool:
    if section == "items":
        return may_edit_item(user, department)
    return edits_library(user)


# --------------------------------------------------------------------------- saving


def save_entry(user, section: str, key: str, data: dict, revision: int | None) -> Saved:
    """Store one object of the draft (`revision` None: a new one). Refused, with every
    problem at its place, when the checks find a problem in it; nothing is stored then."""
    if section not in SECTIONS:
        raise NotFound(f"没有这一类目录内容：{section}")
    if not isinstance(data, dict):
        raise InvalidInput("内容应为一个对象")
    data = {**data, "id": key}
    with saving_lock, transaction.atomic():  # one change of the kept checker at a time
        draft = editable_draft(user)
        row = draft.entries.select_for_update().filter(section=section, key=key).first()
        check_may_change(user, section, row, data)
        check_revision(section, key, row, revision)
        checker = checker_of(draft)
        forget_checker(draft)  # kept again at the new revision once committed
        old = checker.put(section, key, data)
        try:
            outcome = checker.check()
            own = problems_of(outcome.problems, section, key, checker.position(section, key))
            if own:
                raise _refusal(section, title_of(section, data), own)
            row = _stored(draft, row, section, key, data, user)
            draft.revision += 1
            draft.save(update_fields=["revision"])
            action = EditingStep.Action.ADDED if revision is None else EditingStep.Action.SAVED
            record(draft, action, user, section, key, title_of(section, data))
        except BaseException:
            _undo(checker, section, key, old)
            raise
        transaction.on_commit(lambda: keep_checker(draft, checker))
    position = checker.position(section, key)
    return Saved(row, problems_of(outcome.warnings, section, key, position))


def _undo(checker: DocumentChecker, section: str, key: str, old: Any) -> None:
    if old is None:
        checker.remove(section, key)
    else:
        checker.put(section, key, old)


def editable_draft(user) -> Draft:
    if not edits_catalog(user):
        raise Forbidden("只有事项编制人员可以修改目录")
    if open_draft() is None:
        start_draft(user)
    draft = Draft.objects.select_for_update().filter(state__in=OPEN_STATES).first()
    if draft is None:
        raise NotFound("没有编制稿")
    if draft.state == Draft.State.SUBMITTED:
        raise Conflict("编制稿已提交审核：审核发布或退回之前不能修改")
    return draft


def check_may_change(user, section: str, row: DraftEntry | None, data: dict) -> None:
    label = SECTION_LABELS[section]
    if row is not None and not may_change(user, section, row.department):
        raise Forbidden(f"您只能修改本部门的{label}" if section == "items" else _library_only())
    if not may_change(user, section, data.get("department")):
        if section == "items":
            raise Forbidden(f"您只能编制本部门（{user.department}）的事项")
        raise Forbidden(_library_only())


def _library_only() -> str:
    return "一件事、材料库和数据字典由行政审批服务管理局的事项编制人员维护"


def check_revision(section: str, key: str, row: DraftEntry | None, revision: int | None) -> None:
    label = SECTION_LABELS[section]
    if revision is None and row is not None:
        raise Conflict(f"编号“{key}”已被使用：请换一个编号")
    if revision is not None and row is None:
        raise NotFound(f"编制稿中没有{label}“{key}”（可能已被删除）")
    if row is not None and row.revision != revision and row.changed_at is None:
        raise Conflict(f"这个{label}的版本号不对（应为 {row.revision}）：请重新打开后再改")
    if row is not None and row.revision != revision:
        when = timezone.localtime(row.changed_at).strftime("%Y-%m-%d %H:%M:%S")
        raise Conflict(
            f"{row.changed_by} 已于 {when} 修改了这个{label}，您的修改没有保存：请重新打开后再改",
            {"changed_by": row.changed_by, "changed_at": row.changed_at.isoformat()},
        )


def _refusal(section: str, title: str, problems: list[Problem]) -> InvalidInput:
    listed = [
        {"path": p.path, "message": in_chinese(p.message), "original": p.message} for p in problems
    ]
    label = SECTION_LABELS[section]
    return InvalidInput(
        f"{label}“{title}”有 {len(problems)} 个问题，没有保存："
        + "；".join(p["message"] for p in listed),
        {"problems": listed},
    )


def _stored(draft: Draft, row: DraftEntry | None, section, key, data, user) -> DraftEntry:
    now = timezone.now()
    department = str(data.get("department") or "") if section == "items" else ""
    if row is None:
        last = draft.entries.filter(section=section).aggregate(last=Max("position"))["last"]
        return DraftEntry.objects.create(
            draft=draft,
            section=section,
            key=key,
            position=(last + 1) if last is not None else 0,
            data=data,
            name=title_of(section, data)[:300],
            department=department,
            revision=1,
            changed_by=user.username,
            changed_at=now,
        )
    row.data, row.department, row.revision = data, department, row.revision + 1
    row.name, row.changed_by, row.changed_at = title_of(section, data)[:300], user.username, now
    row.save(update_fields=["data", "name", "department", "revision", "changed_by", "changed_at"])
    return row


def title_of(section: str, data: dict) -> str:
    return str(data.get("label" if section == "fields" else "name") or data.get("id"))
