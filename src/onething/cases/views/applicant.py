"""The applicant's pages: my cases, and the filing page (questions, place, the one
form, materials; save a draft or submit)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_http_methods

from onething.accounts.models import User
from onething.cases import applying, materials, services
from onething.cases.filing import open_draft
from onething.cases.lifecycle import (
    CaseState,
)
from onething.cases.models import (
    Case,
)
from onething.cases.services import Filing
from onething.cases.views.apply_form import (
    county_groups,
    field_rows,
    form_sections,
    material_rows,
    missing_count,
)
from onething.cases.views.common import (
    STATE_LABELS,
    case_url,
    error_message,
    role_required,
    visible_case,
)
from onething.catalog.entities import Catalog, Package
from onething.catalog.guide import Guide
from onething.catalog.services import current_catalog, guide_of
from onething.core.access import may_act_on_case
from onething.core.errors import CaseError, InvalidInput
from onething.core.roles import Role
from onething.guides.rendering import answers_query
from onething.guides.views import answers_from_query, question_forms
from onething.intake.prefill import prefill_sources
from onething.privacy.services import display_name

_MOBILE_AGENT = re.compile(r"Mobile|Android|iPhone|HarmonyOS", re.IGNORECASE)


# --------------------------------------------------------------------------- applicant


def _channel(request: HttpRequest) -> str:
    return "mobile" if _MOBILE_AGENT.search(request.headers.get("User-Agent", "")) else "web"


def _answer_text(answers) -> dict[str, str]:
    return {
        key: "true" if value is True else "false" if value is False else str(value)
        for key, value in answers.items()
    }


@dataclass
class ApplyPage:
    """What the filing page reads from the request: the package, the draft it goes on
    with, who the case is for, the answers, the place and the form's values."""

    package: Package
    catalog: Catalog
    catalog_pk: int
    data: Any
    draft: Case | None
    person: User | None
    principals: list[User]
    answers: dict
    answer_errors: list[str]
    guide: Guide
    sources: dict
    values: dict[str, str]
    place: str
    key: str

    def filing(self, request: HttpRequest) -> Filing:
        return Filing(
            self.package.id,
            self.answers,  # typed from the form to the guide: no text round trip
            self.place,
            self.values,
            channel=_channel(request),
            kiosk=getattr(request, "kiosk_code", ""),  # a kiosk session (kiosk/session.py)
        )


def _draft_named(request: HttpRequest, data, package_id: str) -> Case | HttpResponse | None:
    """The draft the page goes on with (``?case=``): 404 if not the user's to edit; a
    submitted one leads to its case page."""
    draft_id = data.get("case", "").strip()
    if not draft_id:
        return None
    try:
        draft = visible_case(request.user, uuid.UUID(draft_id))
    except ValueError:
        raise Http404("办件不存在") from None
    if draft.package_id != package_id or not may_act_on_case(request.user, draft):
        raise Http404("办件不存在")
    if draft.state != CaseState.DRAFT:
        messages.info(request, "该申请已经提交，不能再修改。")
        return redirect(case_url(draft))
    return draft


def _read_apply(request: HttpRequest, package_id: str) -> ApplyPage | HttpResponse:
    user = request.user
    current = current_catalog()
    if current is None or package_id not in current.catalog.packages:
        raise Http404(f"没有编号为 {package_id} 的一件事")
    catalog, package = current.catalog, current.catalog.packages[package_id]
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    draft = _draft_named(request, data, package_id)
    if isinstance(draft, HttpResponse):
        return draft
    principals = applying.principals_for(user, package_id) if user.role == Role.AGENT else []
    person = applying.person_for(user, draft, principals, data.get("principal", ""))
    key = data.get("idempotency_key", "").strip()[:100] or str(uuid.uuid4())
    if draft is None and person is not None:
        draft = _draft_going_on(request, person, package_id, key)
        if isinstance(draft, HttpResponse):
            return draft
    source = _answer_text(draft.answers) if draft is not None and not posted else data
    answers, answer_errors = answers_from_query(package, source)
    guide = guide_of(current.digest, package.id, answers)  # the one the filing uses, kept
    sources = prefill_sources(guide.fields, person, catalog)
    known = {field_id: value for field_id, (value, _source) in sources.items()}
    values = applying.form_values(guide.fields, known, data if posted else None, draft)
    place = applying.place_for(catalog, user, person, data.get("place", ""), draft)
    return ApplyPage(
        package, catalog, current.pk, data, draft, person, principals, answers,
        answer_errors, guide, sources, values, place, key,
    )  # fmt: skip


def _draft_going_on(
    request: HttpRequest, person: User, package_id: str, key: str
) -> Case | HttpResponse | None:
    """A posted filing goes on with the draft autosave or an upload made of it (by its
    key); opening 在线申报 again goes on with the open draft of this package (unless
    ``?new=1``), by leading to it."""
    if request.method == "POST":
        return applying.draft_saved_as(person, key)
    if request.GET.get("new"):
        return None
    agent = request.user if request.user.role == Role.AGENT else None
    found = open_draft(person, package_id, agent)
    if found is None:
        return None
    saved = timezone.localtime(found.created_at)
    messages.info(request, f"已为您打开 {saved:%m月%d日} 保存的草稿，请接着填写。")
    return redirect(f"{request.path}?case={found.public_id}")


@role_required(Role.APPLICANT, Role.AGENT)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, package_id: str) -> HttpResponse:
    """The filing page: the questions, the place, the one form and the materials (each
    uploaded at its place); it saves a draft as one types, and submits."""
    page = _read_apply(request, package_id)
    if isinstance(page, HttpResponse):
        return page
    intent = page.data.get("intent", "") if request.method == "POST" else ""
    failure: dict[str, Any] = {}
    if page.answer_errors:
        failure = {"error": "情形回答有误：" + "".join(page.answer_errors), "status": 400}
    elif intent == "autosave":
        return _autosave(request, page)
    elif intent in ("draft", "submit", "upload"):
        if request.user.role == Role.AGENT and page.person is None:
            failure = {"error": "请选择委托人", "status": 400}
        else:
            try:
                return _file(request, page, intent)
            except _DraftSaved as refused:
                page.draft = refused.case
                failure = refused.failure
    status = failure.get("status", 200)
    if request.htmx:  # htmx swaps only successful answers; the page itself says what failed
        status = 200
    context = apply_context(request.user, page, failure)
    return render(request, "cases/apply.html", context, status=status)


def apply_context(user: User, page: ApplyPage, failure: dict[str, Any]) -> dict[str, Any]:
    guide, draft = page.guide, page.draft
    open_cases = applying.ongoing_cases(page.person, page.package.id) if draft is None else []
    return {
        "nav": "mine",
        "open_cases": [(c, STATE_LABELS.get(c.state, c.state)) for c in open_cases],
        "package": page.package,
        "guide": guide,
        "items": [
            (gi.item.name, guide.department_names.get(gi.item.department, "")) for gi in guide.items
        ],
        "questions": question_forms(page.package, page.answers),
        "unanswered": [q for q in page.package.questions if q.id not in page.answers],
        "questions_missing": failure.get("questions", {}),
        "counties": county_groups(page.catalog),
        "place": page.place,
        **_form_context(page, failure),
        "error": failure.get("error", ""),
        "idempotency_key": page.key,
        "draft": draft,
        "draft_migrated": _migrated_from(page),
        "agent": user.role == Role.AGENT,
        "principals": [(p.pk, display_name(user, p)) for p in page.principals],
        "person": page.person,
        "query": answers_query(page.answers),
    }


def _form_context(page: ApplyPage, failure: dict[str, Any]) -> dict[str, Any]:
    """The one form's rows in sections, and the materials list, with what is wrong."""
    rows = field_rows(
        page.guide, page.catalog, page.values, page.sources, failure.get("fields", {})
    )
    materials = material_rows(page.guide, page.draft, page.person, failure.get("materials", {}))
    field_errors = [(r["id"], r["error"]) for r in rows if r["error"]]
    material_errors = [(m["id"], m["name"], m["error"]) for m in materials if m["error"]]
    return {
        "fields": rows,
        "sections": form_sections(page.guide, page.catalog, rows),
        "field_errors": field_errors,
        "material_errors": material_errors,
        "problem_count": len(field_errors) + len(material_errors),
        "prefilled_count": sum(1 for r in rows if r["prefilled"]),
        "materials": materials,
        "materials_missing": missing_count(materials),
        "exempt_count": sum(1 for m in materials if m["made"] or m["licence"]),
    }


def _migrated_from(page: ApplyPage) -> int | None:
    """The older catalogue version a draft was filled in under, if it was."""
    draft = page.draft
    if draft is None or draft.catalog_version_id == page.catalog_pk:
        return None
    return draft.catalog_version.number


class _DraftSaved(Exception):
    """The draft was saved, but what came with it was refused (the page says why)."""

    def __init__(self, case: Case, failure: dict[str, Any]):
        super().__init__(failure.get("error", ""))
        self.case = case
        self.failure = failure


def _failure(exc: CaseError, what: str) -> dict[str, Any]:
    details = exc.details if isinstance(exc, InvalidInput) else {}
    return {
        "error": error_message(exc, what),
        "status": exc.status,
        "fields": details.get("fields", {}),
        "questions": details.get("questions", {}),
    }


def _save_draft(user: User, page: ApplyPage, request: HttpRequest) -> tuple[Case, bool]:
    """The draft as typed: updated, or created once (by its idempotency key)."""
    filing = page.filing(request)
    if page.draft is not None:
        return services.update_draft(user, page.draft.public_id, None, filing), True
    applicant = page.person if user.role == Role.AGENT else None
    return services.file_case(
        user, filing, applicant=applicant, submit=False, idempotency_key=page.key
    )


def _store_uploads(user: User, case: Case, files) -> dict[str, str]:
    """Each file posted for a material (``material-<id>``) stored at its place;
    material id -> what was wrong, for those refused."""
    rows = {e.material_id: e for e in case.evidence.all()}
    problems = {}
    for name in files:
        material_id = name.removeprefix("material-")
        upload, evidence = files[name], rows.get(name.removeprefix("material-"))
        if not name.startswith("material-") or evidence is None:
            continue
        try:
            if upload.size > materials.MAX_UPLOAD_BYTES:
                raise InvalidInput("文件太大：每份材料不超过 10 MB")
            materials.upload_evidence(user, case.public_id, evidence.pk, upload.name, upload.read())
        except CaseError as exc:
            problems[material_id] = f"{evidence.material_name}：{error_message(exc, '上传材料')}"
    return problems


def _file(request: HttpRequest, page: ApplyPage, intent: str) -> HttpResponse:
    """Save the draft, store the materials posted with it, then (submit) submit it — the
    same checks as every other way to submit."""
    user = request.user
    try:
        case, _created = _save_draft(user, page, request)
    except CaseError as exc:
        raise _DraftSaved(page.draft, _failure(exc, "保存草稿")) from None
    if case.state != CaseState.DRAFT:  # this very filing was submitted already
        messages.info(request, "这份申请已经提交过，没有重复办理。")
        return redirect(case_url(case))
    uploads = _store_uploads(user, case, request.FILES)
    if uploads:
        failure = {"error": f"有 {len(uploads)} 份材料没有上传成功", "status": 400}
        raise _DraftSaved(case, {**failure, "materials": uploads})
    if intent == "upload":
        messages.success(request, "材料已上传，草稿已保存。")
        return redirect(f"{reverse('cases:apply', args=[page.package.id])}?case={case.public_id}")
    if intent == "draft":
        messages.success(request, "草稿已保存。可以随时修改、上传材料，确认无误后提交。")
        return redirect(case_url(case))
    card_read_at = getattr(request, "kiosk_card_read", "")  # the kiosk's reader read the card
    try:
        case = services.submit(user, case.public_id, case.version, card_read_at)
    except CaseError as exc:
        raise _DraftSaved(case, _failure(exc, "提交申请")) from None
    messages.success(request, _submitted_message(case))
    return redirect(case_url(case))


def _submitted_message(case: Case) -> str:
    if case.state == CaseState.READY:  # 即办: accepted and every item decided by rules
        return f"申请已提交，受理编号 {case.number}。系统已即时受理并办结，证照已签发。"
    if case.state == CaseState.IN_PROGRESS:
        return f"申请已提交，受理编号 {case.number}。系统已即时受理，正在办理。"
    return f"申请已提交，受理编号 {case.number}。窗口将在 {case.window_due} 前作出受理决定。"


def _autosave(request: HttpRequest, page: ApplyPage) -> HttpResponse:
    """Save what is typed as a draft (the same draft each time: by its idempotency key),
    so the applicant can go on from another device after logging in; a small status."""

    def status(text: str, version: int | None = None) -> HttpResponse:
        body = f'<small class="muted autosave" id="autosave-status" role="status">{text}</small>'
        if version is not None:  # the page's draft version follows, or submitting would 409
            body += (
                f'<input type="hidden" name="version" value="{version}" id="draft-version"'
                ' hx-swap-oob="true">'
            )
        return HttpResponse(body)

    if page.person is None:
        return status("选择委托人后自动保存")
    try:
        saved, _created = _save_draft(request.user, page, request)
    except CaseError as exc:
        return status(f"暂未自动保存：{escape(error_message(exc, '保存草稿'))}")
    return status(f"草稿已自动保存（{timezone.localtime():%H:%M}）", saved.version)
