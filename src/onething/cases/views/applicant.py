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
from django.views.decorators.http import require_GET, require_http_methods

from onething.accounts.models import Authorisation, User
from onething.cases import materials, services
from onething.cases.filing import open_draft
from onething.cases.lifecycle import (
    CASE_TERMINAL,
    CaseState,
    TaskState,
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
    case_deadline,
    case_url,
    current_catalog_or_none,
    error_message,
    for_listing,
    name_lookups,
    next_step,
    paginate,
    progress,
    role_required,
    visible_case,
)
from onething.catalog.entities import Catalog, Package
from onething.catalog.guide import Guide, build_guide
from onething.catalog.services import current_catalog
from onething.core.access import cases_visible_to, may_act_on_case
from onething.core.errors import CaseError, InvalidInput
from onething.core.roles import Role
from onething.guides.rendering import answers_query
from onething.guides.views import answers_from_query, question_forms
from onething.intake.prefill import prefill_sources
from onething.privacy.services import display_name

_MOBILE_AGENT = re.compile(r"Mobile|Android|iPhone|HarmonyOS", re.IGNORECASE)


# --------------------------------------------------------------------------- applicant


@role_required(Role.APPLICANT, Role.AGENT)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My cases (an agent: the cases filed for principals) and an agent's principals."""
    user = request.user
    today = timezone.localdate()
    place, _department = name_lookups(current_catalog_or_none())
    page = paginate(
        request, for_listing(cases_visible_to(user), with_tasks=True).order_by("-created_at")
    )
    rows = []
    for case in page:
        tasks = list(case.tasks.all())
        done, total = progress(tasks)
        rows.append(
            {
                "case": case,
                "applicant": display_name(user, case.applicant),
                "done": done,
                "total": total,
                "deadline": case_deadline(case, today),
                "next": next_step(case, tasks, place),
                "attention": case.state in (CaseState.DRAFT, CaseState.AWAITING_COMPLETION)
                or any(t.state == TaskState.SUPPLEMENT for t in tasks)
                or case.state == CaseState.READY,
            }
        )
    principals = []
    if user.role == Role.AGENT:
        current = current_catalog_or_none()
        for authorisation in Authorisation.objects.filter(agent=user).select_related("principal"):
            if authorisation.revoked_at is not None or authorisation.valid_until < today:
                continue
            packages = [
                current.packages[p].name if current and p in current.packages else p
                for p in authorisation.packages
            ]
            principals.append(
                {
                    "name": display_name(user, authorisation.principal),
                    "packages": "、".join(packages) or "全部一件事",
                    "valid_until": authorisation.valid_until,
                    "document": authorisation.document,
                }
            )
    return render(
        request,
        "cases/mine.html",
        {"nav": "mine", "rows": rows, "page": page, "principals": principals},
    )


def _principals(user: User, package_id: str) -> list[User]:
    """The applicants an agent may file this package for today."""
    return [
        a.principal
        for a in Authorisation.objects.filter(agent=user).select_related("principal")
        if a.covers(package_id)
    ]


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
            _answer_text(self.answers),
            self.place,
            self.values,
            channel=_channel(request),
        )


def _draft_named(user: User, data, package_id: str) -> Case | None:
    draft_id = data.get("case", "").strip()
    if not draft_id:
        return None
    try:
        draft = visible_case(user, uuid.UUID(draft_id))
    except ValueError:
        raise Http404("办件不存在") from None
    if draft.package_id != package_id or not may_act_on_case(user, draft):
        raise Http404("办件不存在")
    return draft


def _person_for(user: User, draft: Case | None, principals: list[User], data) -> User | None:
    """Who the case is for: the draft's applicant, the agent's chosen principal, or the
    applicant themself."""
    if draft is not None:
        return draft.applicant
    if user.role != Role.AGENT:
        return user
    wanted = data.get("principal", "")
    person = next((p for p in principals if str(p.pk) == wanted), None)
    return person if person is not None or wanted else (principals[0] if principals else None)


def _read_apply(request: HttpRequest, package_id: str) -> ApplyPage | HttpResponse:
    user = request.user
    current = current_catalog()
    if current is None or package_id not in current.catalog.packages:
        raise Http404(f"没有编号为 {package_id} 的一件事")
    catalog, package = current.catalog, current.catalog.packages[package_id]
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    draft = _draft_named(user, data, package_id)
    if draft is not None and draft.state != CaseState.DRAFT:
        messages.info(request, "该申请已经提交，不能再修改。")
        return redirect(case_url(draft))
    principals = _principals(user, package_id) if user.role == Role.AGENT else []
    person = _person_for(user, draft, principals, data)
    key = data.get("idempotency_key", "").strip()[:100] or str(uuid.uuid4())
    if draft is None and person is not None:
        if posted:  # saved by autosave or an upload before
            draft = Case.objects.filter(
                applicant=person, idempotency_key=key, state=CaseState.DRAFT
            ).first()
        elif not data.get("new"):
            found = open_draft(person, package_id, user if user.role == Role.AGENT else None)
            if found is not None:  # 在线申报 again goes on with the open draft
                saved = timezone.localtime(found.created_at)
                messages.info(request, f"已为您打开 {saved:%m月%d日} 保存的草稿，请接着填写。")
                return redirect(f"{request.path}?case={found.public_id}")
    if draft is not None and not posted:
        answers, answer_errors = answers_from_query(package, _answer_text(draft.answers))
    else:
        answers, answer_errors = answers_from_query(package, data)
    guide = build_guide(catalog, package, answers)
    sources = prefill_sources(guide.fields, person, catalog)
    known = {field_id: value for field_id, (value, _source) in sources.items()}
    if posted:
        values = {f.id: data[f.id] for f in guide.fields if f.id in data}
        values = {**{k: v for k, v in known.items() if k not in values}, **values}
    elif draft is not None:
        values = {f.id: str(draft.form.get(f.id, "")) for f in guide.fields}
    else:
        values = dict(known)
    codes = {p["code"] for g in county_groups(catalog) for p in g["places"]}
    default_place = (person.jurisdiction if person else "") or user.jurisdiction
    place = data.get("place") or (draft.place if draft else default_place)
    if place not in codes:
        place = default_place if default_place in codes else ""
    return ApplyPage(
        package, catalog, current.pk, data, draft, person, principals, answers,
        answer_errors, guide, sources, values, place, key,
    )  # fmt: skip


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
    guide, catalog, draft, person = page.guide, page.catalog, page.draft, page.person
    rows = field_rows(guide, catalog, page.values, page.sources, failure.get("fields", {}))
    materials = material_rows(guide, draft, person, failure.get("materials", {}))
    questions_missing = failure.get("questions", {})
    open_cases = (
        list(
            Case.objects.filter(applicant=person, package_id=page.package.id)
            .exclude(state__in=[CaseState.DRAFT, *[s.value for s in CASE_TERMINAL]])
            .order_by("-created_at")
            .only("public_id", "number", "state")[:3]
        )
        if person is not None and draft is None
        else []
    )
    return {
        "nav": "mine",
        "open_cases": [(c, STATE_LABELS.get(c.state, c.state)) for c in open_cases],
        "package": page.package,
        "guide": guide,
        "items": [
            (gi.item.name, guide.department_names.get(gi.item.department, "")) for gi in guide.items
        ],
        "materials": materials,
        "materials_missing": missing_count(materials),
        "exempt_count": sum(1 for m in materials if m["made"] or m["licence"]),
        "questions": question_forms(page.package, page.answers),
        "unanswered": [q for q in page.package.questions if q.id not in page.answers],
        "questions_missing": questions_missing,
        "counties": county_groups(catalog),
        "place": page.place,
        "fields": rows,
        "sections": form_sections(guide, catalog, rows),
        "field_errors": [(r["id"], r["error"]) for r in rows if r["error"]],
        "material_errors": [(m["id"], m["name"], m["error"]) for m in materials if m["error"]],
        "problem_count": sum(1 for r in rows if r["error"])
        + sum(1 for m in materials if m["error"]),
        "prefilled_count": sum(1 for r in rows if r["prefilled"]),
        "error": failure.get("error", ""),
        "idempotency_key": page.key,
        "draft": draft,
        "draft_migrated": draft.catalog_version.number
        if draft is not None and draft.catalog_version_id != page.catalog_pk
        else None,
        "agent": user.role == Role.AGENT,
        "principals": [(p.pk, display_name(user, p)) for p in page.principals],
        "person": person,
        "query": answers_query(page.answers),
    }


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
    try:
        case = services.submit(user, case.public_id, version=case.version)
    except CaseError as exc:
        raise _DraftSaved(case, _failure(exc, "提交申请")) from None
    messages.success(
        request,
        f"申请已提交，受理编号 {case.number}。窗口将在 {case.window_due} 前作出受理决定。",
    )
    return redirect(case_url(case))


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
