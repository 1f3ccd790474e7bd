"""The 事项编制 API under /api/v1, as the pages offer it (the same services):

- ``GET /editing/draft``: the open draft (an editor starts one), its state, its problems;
- ``GET /editing/{section}?q=``: a section's objects (items, materials, fields, packages);
- ``GET /editing/{section}/{id}``: one object as the catalogue file writes it, with its
  revision and who changed it last;
- ``PUT /editing/{section}/{id}`` ``{"data": {...}, "revision": 3}`` (``revision`` left out
  or null: a new object): saved when the checks find no problem in it; otherwise 400
  with ``problems`` (``path``, ``message``), and 409 with ``changed_by``/``changed_at``
  when someone saved it since that revision;
- ``DELETE /editing/{section}/{id}?revision=3``: 409 with ``used_by`` while it is used;
- ``GET /editing/differences``: each changed object in words;
- ``GET /editing/preview/{package}?question=answer``: the package's guide figures in the
  draft and as published;
- ``POST /editing/submit``, ``/editing/return`` ``{"reason"}``, ``/editing/publish``
  ``{"note"}``, ``/editing/rollback`` ``{"version": 3}``, ``/editing/discard`` ``{"reason"}``.

Only editors and publishers reach any of it (404 for anyone else).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from onething.accounts.auth import api_user
from onething.core.access import sees_editor
from onething.core.errors import NotFound
from onething.editing import deleting, publishing, services
from onething.editing.models import DraftEntry

router = Router(tags=["事项编制"])


def _editor(request: HttpRequest):
    user = api_user(request)
    if not sees_editor(user):
        raise NotFound("页面不存在")
    return user


def _draft(request: HttpRequest):
    draft = services.draft_for(_editor(request))
    if draft is None:
        raise NotFound("没有编制稿")
    return draft


class EntryIn(Schema):
    data: dict[str, Any]
    revision: int | None = None


class EditingReasonIn(Schema):
    reason: str = ""


class PublishNoteIn(Schema):
    note: str = ""


class RollbackVersionIn(Schema):
    version: int


def _entry_out(row: DraftEntry, warnings=()) -> dict:
    return {
        "section": row.section,
        "id": row.key,
        "data": row.data,
        "revision": row.revision,
        "changed_by": row.changed_by,
        "changed_at": row.changed_at.isoformat() if row.changed_at else None,
        "warnings": [{"path": w.path, "message": w.message} for w in warnings],
    }


def _problem(problem) -> dict:
    return {"path": problem.path, "message": problem.message}


@router.get("/editing/draft")
def draft(request: HttpRequest):
    found = _draft(request)
    problems, warnings = publishing.draft_problems(found)
    return {
        "id": found.pk,
        "state": found.state,
        "base_version": found.base_version.number,
        "revision": found.revision,
        "returned_reason": found.returned_reason,
        "problems": [_problem(p) for p in problems],
        "warnings": [_problem(w) for w in warnings],
    }


@router.get("/editing/differences")
def differences(request: HttpRequest):
    found = _draft(request)
    return [
        {"section": d.section, "id": d.key, "text": d.text}
        for d in publishing.draft_differences(found)
    ]


@router.get("/editing/preview/{package}")
def preview(request: HttpRequest, package: str):
    shown = publishing.preview(_draft(request), package, dict(request.GET.items()))
    return {
        "package": shown.package_id,
        "name": shown.name,
        "draft": shown.draft.as_dict() if shown.draft else None,
        "published": shown.published.as_dict() if shown.published else None,
    }


@router.post("/editing/submit")
def submit(request: HttpRequest):
    return {"state": publishing.submit(_editor(request)).state}


@router.post("/editing/return")
def return_draft(request: HttpRequest, body: EditingReasonIn):
    return {"state": publishing.return_draft(_editor(request), body.reason).state}


@router.post("/editing/publish")
def publish(request: HttpRequest, body: PublishNoteIn):
    version = publishing.publish(_editor(request), body.note)
    return {"version": version.number, "digest": version.digest}


@router.post("/editing/discard")
def discard(request: HttpRequest, body: EditingReasonIn):
    return {"state": publishing.discard(_editor(request), body.reason).state}


@router.post("/editing/rollback")
def rollback(request: HttpRequest, body: RollbackVersionIn):
    version = publishing.rollback(_editor(request), body.version)
    return {"version": version.number, "digest": version.digest}


@router.get("/editing/{section}")
def entries(request: HttpRequest, section: str, q: str = ""):
    found = _draft(request)
    if section not in ("items", "materials", "fields", "packages"):
        raise NotFound(f"没有这一类目录内容：{section}")
    rows = services.entries_of(found, section, q.strip())[:500]
    return [_entry_out(row) for row in rows]


@router.get("/editing/{section}/{key}")
def entry(request: HttpRequest, section: str, key: str):
    return _entry_out(services.entry_of(_draft(request), section, key))


@router.put("/editing/{section}/{key}")
def save(request: HttpRequest, section: str, key: str, body: EntryIn):
    user = _editor(request)
    saved = services.save_entry(user, section, key, body.data, body.revision)
    return _entry_out(saved.entry, saved.warnings)


@router.delete("/editing/{section}/{key}")
def delete(request: HttpRequest, section: str, key: str, revision: int):
    deleting.delete_entry(_editor(request), section, key, revision)
    return {"deleted": key}
