"""The shapes of the cases API: what each endpoint takes and gives (django-ninja schemas,
documented in /openapi.json).

What the endpoints give are plain pydantic models: every endpoint builds a dict, and a
ninja `Schema` would wrap each dict, and each nested one, in its attribute getter for
ORM objects — a fifth of a 20-case list's CPU (issue 21). The OpenAPI document is the
same either way."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import BaseModel


class FilingIn(Schema):
    package_id: str
    answers: dict[str, Any] = {}
    place: str = Field(description="GB/T 2260 code of the applicant's county or district")
    window: str | None = Field(None, description="the accepting window's jurisdiction")
    form: dict[str, Any] = {}
    channel: str = "web"
    submit: bool = True
    applicant: str | None = Field(None, description="user name of the principal (agent, clerk)")


class VersionIn(Schema):
    version: int | None = Field(None, description="the version you saw; a stale one gets 409")


class DraftIn(FilingIn):
    version: int | None = Field(None, description="the version you saw; a stale one gets 409")


class NoteIn(VersionIn):
    note: str = ""


class ReasonIn(VersionIn):
    reason: str


class LinesIn(VersionIn):
    lines: list[str] = Field(default_factory=list)
    text: str = ""


class CompletionIn(LinesIn):
    """一次性告知: the 预审 findings are lines unless removed with a reason (key -> reason);
    `kept` may reword one (key -> text); `lines` adds more."""

    removed: dict[str, str] = Field(default_factory=dict)
    kept: dict[str, str] = Field(default_factory=dict)


class HandOverIn(VersionIn):
    carrier: str = Field("", description="by post: the carrier (承运单位)")
    tracking_number: str = Field("", description="by post: the tracking number (运单号)")


class AnswerIn(VersionIn):
    answer: str


class SpecialIn(Schema):
    task_ids: list[int]
    kind: str
    days: int
    title: str = ""


class EndSpecialIn(Schema):
    outcome: str = ""


class TaskOut(BaseModel):
    id: int
    case: UUID
    case_number: str | None
    item_id: str
    item_name: str
    department: str
    jurisdiction: str
    after: list[str]
    state: str
    state_label: str
    version: int
    assignee: str | None
    promised_days: int
    workable_on: date | None
    due_date: date | None
    finished_on: date | None
    deadline: str | None
    deadline_label: str | None
    pauses: list[list[str | None]]  # 暂停计时: [start, end] ISO dates, end null while paused
    decision_note: str
    actions: list[str]


class ActionOut(BaseModel):
    at: datetime
    actor: str
    actor_role: str
    action: str
    task: str | None
    from_state: str
    to_state: str
    note: str


class NoticeOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    task: str | None
    lines: list[str]
    text: str
    issued_at: datetime
    answered_at: datetime | None
    answer: str


class CaseOut(BaseModel):
    id: UUID
    number: str | None
    package_id: str
    package_name: str
    catalog_version: int
    answers: dict[str, Any]
    applicant: str
    agent: str | None
    channel: str
    window: str
    place: str
    state: str
    state_label: str
    version: int
    created_at: datetime
    submitted_at: datetime | None
    window_due: date | None
    accepted_at: datetime | None
    due_date: date | None
    completed_at: datetime | None
    refusal_reason: str
    actions: list[str]


class CaseDetailOut(CaseOut):
    form: dict[str, Any]
    tasks: list[TaskOut]
    timeline: list[ActionOut]
    notices: list[NoticeOut]
