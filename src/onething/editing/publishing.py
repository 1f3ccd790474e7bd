"""事项编制's review: submit the draft, read its differences from the published version,
preview a package's guide, publish it as a new catalogue version or return it with a
reason, roll back to an earlier version, export a version. Each step is recorded.

A draft is published only when the whole document passes `validate_document` (what
`onething catalog check` runs) again: invalid values never reach a version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from onething.catalog.entities import Catalog
from onething.catalog.guide import AnswerError, Guide, build_guide, resolve_answers
from onething.catalog.loading import CatalogError, parse_document, validate_document
from onething.catalog.models import CatalogVersion
from onething.catalog.services import current_catalog, import_catalog
from onething.core.access import edits_catalog, edits_library, publishes_catalog
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.editing.models import Draft, EditingStep
from onething.editing.rules import Difference, differences, in_chinese
from onething.editing.services import checker_of, draft_identity, open_draft, record

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _open(state: str | None = None) -> Draft:
    draft = Draft.objects.select_for_update().filter(state__in=Draft.State.values[:2]).first()
    if draft is None:
        raise NotFound("没有编制稿")
    if state is not None and draft.state != state:
        raise Conflict(
            "编制稿尚未提交审核" if state == Draft.State.SUBMITTED else "编制稿已提交审核"
        )
    return draft


# --------------------------------------------------------------------------- reading


@lru_cache(maxsize=4)
def _published_document(digest: str) -> dict[str, Any]:
    source = CatalogVersion.objects.filter(digest=digest).values_list("source", flat=True)[0]
    document, _ = parse_document(source)
    return document if isinstance(document, dict) else {}


def published_document() -> dict[str, Any]:
    current = current_catalog()
    return {} if current is None else _published_document(current.digest)


def draft_differences(draft: Draft | None = None) -> list[Difference]:
    """The draft's objects added, removed and changed since the published version."""
    draft = draft or open_draft()
    if draft is None:
        return []
    old, new = published_document(), checker_of(draft).document()
    names: dict[str, str] = {}
    for document in (old, new):
        for section, label in (("items", "name"), ("materials", "name"), ("fields", "label")):
            for entry in document.get(section) or ():
                if isinstance(entry, dict):
                    names[str(entry.get("id"))] = str(entry.get(label) or entry.get("id"))
    return differences(old, new, names)


def draft_problems(draft: Draft) -> tuple[list, list]:
    """(problems, warnings) of the whole draft as `catalog check` finds them."""
    outcome = checker_of(draft).check()
    return outcome.problems, outcome.warnings


_built: dict[tuple, Catalog | None] = {}


def draft_catalog(draft: Draft) -> Catalog | None:
    """The draft as a `Catalog` (None while it has problems), kept at its revision."""
    key = (*draft_identity(draft), draft.revision)
    if key not in _built:
        _built.clear()
        _built[key] = validate_document(checker_of(draft).document()).catalog
    return _built[key]


@dataclass(frozen=True, slots=True)
class Preview:
    package_id: str
    name: str
    answers: dict[str, Any]
    draft: Guide | None  # None: not in the draft, or the draft has problems
    published: Guide | None  # None: not published yet
    questions: list  # the draft's (else the published) questions of the package


def preview(draft: Draft, package_id: str, raw_answers: dict[str, str]) -> Preview:
    """A package's merged guide in the draft and as published, for the same answers."""
    current = current_catalog()
    guides: list[Guide | None] = []
    name, questions, answers = package_id, [], {}
    for catalog in (draft_catalog(draft), current.catalog if current else None):
        if catalog is None or package_id not in catalog.packages:
            guides.append(None)
            continue
        package = catalog.packages[package_id]
        if not questions:
            name, questions = package.name, list(package.questions)
        asked = {k: v for k, v in raw_answers.items() if v != "" and package.question(k)}
        try:
            typed = resolve_answers(package, asked)
        except AnswerError as exc:
            raise InvalidInput(f"情形回答有误：{exc}") from None
        answers = answers or typed
        guides.append(build_guide(catalog, package, typed))
    if guides == [None, None]:
        raise NotFound(f"没有一件事“{package_id}”")
    return Preview(package_id, name, dict(answers), guides[0], guides[1], questions)


# --------------------------------------------------------------------------- steps


def submit(user) -> Draft:
    """The editor hands the draft to the publisher; refused while it has problems."""
    if not edits_catalog(user):
        raise Forbidden("只有事项编制人员可以提交审核")
    with transaction.atomic():
        draft = _open(Draft.State.EDITING)
        problems, _ = draft_problems(draft)
        if problems:
            raise InvalidInput(
                f"编制稿还有 {len(problems)} 个问题，请先改正：" + _listed(problems),
                {
                    "problems": [
                        {"path": p.path, "message": in_chinese(p.message)} for p in problems
                    ]
                },
            )
        if not draft_differences(draft):
            raise InvalidInput("编制稿与已发布的目录相同，没有需要审核的修改")
        draft.state, draft.submitted_by, draft.submitted_at = (
            Draft.State.SUBMITTED,
            user.username,
            timezone.now(),
        )
        draft.returned_reason = ""
        draft.save(update_fields=["state", "submitted_by", "submitted_at", "returned_reason"])
        record(draft, EditingStep.Action.SUBMITTED, user)
    return draft


def return_draft(user, reason: str) -> Draft:
    """The publisher returns the draft to the editors with the reason."""
    if not publishes_catalog(user):
        raise Forbidden("只有审核发布人员可以退回编制稿")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写退回理由")
    if len(reason) > 500:
        raise InvalidInput("退回理由最多 500 字")
    with transaction.atomic():
        draft = _open(Draft.State.SUBMITTED)
        draft.state, draft.returned_reason = Draft.State.EDITING, reason
        draft.save(update_fields=["state", "returned_reason"])
        record(draft, EditingStep.Action.RETURNED, user, summary=reason)
    return draft


def publish(user, note: str = "") -> CatalogVersion:
    """The publisher publishes the submitted draft as the next catalogue version."""
    if not publishes_catalog(user):
        raise Forbidden("只有审核发布人员可以发布目录")
    with transaction.atomic():
        draft = _open(Draft.State.SUBMITTED)
        told = draft_differences(draft)
        text = yaml.dump(
            checker_of(draft).document(), Dumper=_Dumper, allow_unicode=True, sort_keys=False
        )
        try:
            outcome = import_catalog(
                text.encode("utf-8"), imported_by=user.username, note=note or "事项编制发布"
            )
        except CatalogError as exc:
            raise InvalidInput("编制稿没有通过检查，不能发布：" + _listed(exc.problems)) from None
        draft.state, draft.published_version = Draft.State.PUBLISHED, outcome.version
        draft.save(update_fields=["state", "published_version"])
        summary = f"发布为第 {outcome.version.number} 版：" + "；".join(d.text for d in told)
        record(draft, EditingStep.Action.PUBLISHED, user, summary=summary[:5000])
    return outcome.version


def discard(user, reason: str = "") -> Draft:
    """Give the open draft up (the 审批局's editor or the publisher): nothing of it is
    published; the next editor's visit starts a new one from the published version."""
    if not (edits_library(user) or publishes_catalog(user)):
        raise Forbidden("只有行政审批服务管理局的事项编制人员或审核发布人员可以放弃编制稿")
    with transaction.atomic():
        draft = _open()
        draft.state = Draft.State.DISCARDED
        draft.save(update_fields=["state"])
        record(draft, EditingStep.Action.DISCARDED, user, summary=(reason or "").strip()[:500])
    return draft


def rollback(user, number: int) -> CatalogVersion:
    """Publish an earlier version again (as the next version, with the same digest)."""
    if not publishes_catalog(user):
        raise Forbidden("只有审核发布人员可以回退目录版本")
    earlier = CatalogVersion.objects.filter(number=number).first()
    if earlier is None:
        raise NotFound(f"没有第 {number} 版目录")
    current = current_catalog()
    if current is not None and current.digest == earlier.digest:
        raise Conflict(f"第 {number} 版的内容就是现在发布的目录，无需回退")
    with transaction.atomic():
        outcome = import_catalog(
            earlier.source.encode("utf-8"),
            imported_by=user.username,
            note=f"回退到第 {number} 版",
        )
        summary = f"重新发布第 {number} 版的内容，为第 {outcome.version.number} 版"
        record(None, EditingStep.Action.ROLLED_BACK, user, summary=summary)
    return outcome.version


def export_version(number: int | None = None) -> tuple[CatalogVersion, str]:
    """A stored version's document exactly as imported (re-imports to the same digest)."""
    versions = CatalogVersion.objects.order_by("-number")
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise NotFound(f"没有第 {number} 版目录" if number else "还没有发布过目录")
    return version, version.source


def _problem(problem) -> dict[str, str]:
    return {"path": problem.path, "message": in_chinese(problem.message)}


def _listed(problems) -> str:
    shown = [f"{p.path}：{in_chinese(p.message)}" for p in problems[:20]]
    more = f" 等 {len(problems)} 个" if len(problems) > 20 else ""
    return "；".join(shown) + more
