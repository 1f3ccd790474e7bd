"""The applicant's pages: my cases, and the filing page (questions, place, the one
form, materials; save a draft or submit)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_http_methods

from onething.accounts.models import Authorisation, User
from onething.accounts.roles import ApplicantKind, Role
from onething.cases import services
from onething.cases.lifecycle import (
    CASE_TERMINAL,
    CaseState,
    TaskState,
)
from onething.cases.models import (
    Case,
)
from onething.cases.query import (
    can_act_on_case,
    cases_for,
)
from onething.cases.services import CaseError, Filing, InvalidInput
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
    posted_version,
    progress,
    role_required,
    visible_case,
)
from onething.catalog.entities import Catalog
from onething.catalog.guide import build_guide
from onething.catalog.services import current_catalog
from onething.guides.documents import answers_query
from onething.guides.views import answers_from_query, question_forms
from onething.intake.grouping import group_fields
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
    page = paginate(request, for_listing(cases_for(user), with_tasks=True).order_by("-created_at"))
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


def account_values(person: User | None) -> dict[str, str]:
    """What the account already knows, by the catalogue's common field ids."""
    if person is None:
        return {}
    values = {"applicant_phone": person.phone or ""}
    if person.applicant_kind == ApplicantKind.ENTERPRISE:
        values.update(company_name=person.full_name, uscc=person.uscc)
    else:
        values.update(applicant_name=person.full_name, applicant_id_number=person.id_number or "")
    return {key: value for key, value in values.items() if value}


def prefill_sources(
    fields, person: User | None, catalog: Catalog | None = None
) -> dict[str, tuple[str, str]]:
    """field id -> (value, where it comes from), for fields the platform already knows:
    the account (identity, credit code), the holder's valid business-licence certificate
    (registered data, by the labels printed on it), and the latest earlier application."""
    if person is None:
        return {}
    wanted = {f.id: f for f in fields}
    known: dict[str, tuple[str, str]] = {}
    for key, value in account_values(person).items():
        known[key] = (value, "账户实名信息")
    if "uscc" not in known and person.uscc:
        known["uscc"] = (person.uscc, "账户实名信息")
    if catalog is not None:
        from onething.licences.services import valid_licences

        by_label = {field.label: field_id for field_id, field in catalog.fields.items()}
        for licence in valid_licences(person, {"business_licence"}).values():
            for label, value in licence.document.get("data", {}).items():
                field_id = by_label.get(label)
                if field_id and field_id not in known and value:
                    known[field_id] = (str(value), f"电子证照《{licence.type_name}》")
    earlier = (
        Case.objects.filter(applicant=person)
        .exclude(state=CaseState.DRAFT)
        .order_by("-submitted_at")
        .only("form_text", "package_name", "number")
        .first()
    )
    if earlier is not None:
        for field_id, value in earlier.form.items():
            if field_id not in known and value not in (None, ""):
                known[field_id] = (str(value), f"上次申报 {earlier.number}")
    values: dict[str, tuple[str, str]] = {}
    for field_id, form_field in wanted.items():
        if field_id in known:
            values[field_id] = known[field_id]
        elif form_field.type == "uscc" and "uscc" in known:
            values[field_id] = known["uscc"]
    return values


INPUT_TYPES = {
    "text": "text",
    "address": "text",
    "integer": "number",
    "number": "number",
    "date": "date",
    "phone": "tel",
    "email": "email",
    "id_card": "text",
    "uscc": "text",
}
AUTOCOMPLETE = {"phone": "tel", "email": "email", "address": "street-address"}


def form_sections(guide, catalog: Catalog, rows) -> list[dict[str, Any]]:
    """The form's rows in sections: 申请人, 企业信息, 经营场所, then each item's own."""
    by_id = {row["id"]: row for row in rows}
    item_names = {gi.id: gi.item.name for gi in guide.items}
    groups = {f.id: catalog.fields[f.id].group for f in guide.fields if f.id in catalog.fields}
    return [
        {"title": section.title, "rows": [by_id[i] for i in section.field_ids]}
        for section in group_fields(guide.fields, item_names, groups)
    ]


def field_rows(guide, catalog: Catalog, values, prefilled, errors) -> list[dict[str, Any]]:
    item_names = {gi.id: gi.item.name for gi in guide.items}
    rows = []
    for form_field in guide.fields:
        entry = catalog.fields.get(form_field.id)
        value = values.get(form_field.id, "")
        kind = form_field.type
        rows.append(
            {
                "id": form_field.id,
                "label": form_field.label,
                "type": kind,
                "input_type": INPUT_TYPES.get(kind, "text"),
                "step": "1" if kind == "integer" else "any",
                "autocomplete": AUTOCOMPLETE.get(kind, "off"),
                "select": kind in ("choice", "boolean"),
                "choices": list(form_field.choices)
                if kind == "choice"
                else [("true", "是"), ("false", "否")],
                "required": form_field.required,
                "value": value,
                "prefilled": bool(value) and prefilled.get(form_field.id, ("",))[0] == value,
                "prefill_source": prefilled.get(form_field.id, ("", ""))[1],
                "error": errors.get(form_field.id, ""),
                "help": entry.help if entry else None,
                "used_by": [item_names[i] for i in form_field.for_items if i in item_names],
            }
        )
    return rows


def _apply_materials(guide, person: User | None) -> dict[str, Any]:
    """The materials the answers call for, with those the applicant's electronic
    certificates stand in for (免提交)."""
    from onething.licences.services import valid_licences

    types = {m.evidence for m in guide.materials if m.evidence}
    held = valid_licences(person, types) if person is not None and types else {}
    materials = [
        {"name": m.name, "required": m.required, "held": held.get(m.evidence or "")}
        for m in guide.materials
    ]
    return {"materials": materials, "exempt_count": sum(1 for m in materials if m["held"])}


def county_groups(catalog: Catalog) -> list[dict[str, Any]]:
    """The county-level jurisdictions, grouped under their city (for the place select)."""
    groups: dict[str, dict[str, Any]] = {}
    for jurisdiction in catalog.jurisdictions.values():
        if jurisdiction.level != "county":
            continue
        parent = catalog.jurisdictions.get(jurisdiction.parent or "")
        key = parent.code if parent else ""
        group = groups.setdefault(key, {"name": parent.name if parent else "其他", "places": []})
        group["places"].append(jurisdiction)
    return list(groups.values())


def _channel(request: HttpRequest) -> str:
    return "mobile" if _MOBILE_AGENT.search(request.headers.get("User-Agent", "")) else "web"


def _answer_text(answers) -> dict[str, str]:
    return {
        key: "true" if value is True else "false" if value is False else str(value)
        for key, value in answers.items()
    }


@role_required(Role.APPLICANT, Role.AGENT)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, package_id: str) -> HttpResponse:
    """The filing page: the questions, the place, the one form; save a draft or submit."""
    user = request.user
    current = current_catalog()
    if current is None or package_id not in current.catalog.packages:
        raise Http404(f"没有编号为 {package_id} 的一件事")
    catalog = current.catalog
    package = catalog.packages[package_id]
    posted = request.method == "POST"
    data = request.POST if posted else request.GET

    draft = None
    draft_id = data.get("case", "").strip()
    if draft_id:
        try:
            draft = visible_case(user, uuid.UUID(draft_id))
        except ValueError:
            raise Http404("办件不存在") from None
        if draft.package_id != package_id or not can_act_on_case(user, draft):
            raise Http404("办件不存在")
        if draft.state != CaseState.DRAFT:
            messages.info(request, "该申请已经提交，不能再修改。")
            return redirect(case_url(draft))

    # Who the case is for.
    principals = _principals(user, package_id) if user.role == Role.AGENT else []
    if draft is not None:
        person = draft.applicant
    elif user.role == Role.AGENT:
        wanted = data.get("principal", "")
        person = next((p for p in principals if str(p.pk) == wanted), None)
        if person is None and principals and not wanted:
            person = principals[0]
    else:
        person = user

    # The answers, the place and the form values.
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
    counties = county_groups(catalog)
    county_codes = {p.code for g in counties for p in g["places"]}
    default_place = (person.jurisdiction if person else "") or user.jurisdiction
    place = data.get("place") or (draft.place if draft else default_place)
    if place not in county_codes:
        place = default_place if default_place in county_codes else ""

    key = data.get("idempotency_key", "").strip()[:100] or str(uuid.uuid4())
    if draft is None and posted and person is not None:  # saved by autosave before
        draft = Case.objects.filter(
            applicant=person, idempotency_key=key, state=CaseState.DRAFT
        ).first()
    error, field_errors, status = "", {}, 200
    unanswered = [q for q in package.questions if q.id not in answers]
    intent = data.get("intent", "") if posted else ""
    if answer_errors:
        error, status = "情形回答有误：" + "".join(answer_errors), 400
    elif intent == "autosave":
        return _autosave(request, user, package_id, answers, place, values, draft, person, key)
    elif intent in ("draft", "submit"):
        if intent == "submit" and unanswered:
            error = "请先回答全部问题：" + "；".join(q.text for q in unanswered)
            status = 400
        elif user.role == Role.AGENT and person is None:
            error, status = "请选择委托人", 400
        else:
            filing = Filing(
                package_id, _answer_text(answers), place, values, channel=_channel(request)
            )
            try:
                return _file(request, user, filing, intent, draft, person, key)
            except CaseError as exc:
                error = error_message(exc, "申报")
                field_errors = (
                    exc.details.get("fields", {}) if isinstance(exc, InvalidInput) else {}
                )
                status = exc.status
                if isinstance(exc, _DraftSaved):
                    draft = exc.case

    rows = field_rows(guide, catalog, values, sources, field_errors)
    open_cases = (
        list(
            Case.objects.filter(applicant=person, package_id=package_id)
            .exclude(state__in=[CaseState.DRAFT, *[s.value for s in CASE_TERMINAL]])
            .order_by("-created_at")
            .only("public_id", "number", "state")[:3]
        )
        if person is not None and draft is None
        else []
    )
    context = {
        "nav": "mine",
        "open_cases": [(c, STATE_LABELS.get(c.state, c.state)) for c in open_cases],
        "package": package,
        "guide": guide,
        "items": [
            (gi.item.name, guide.department_names.get(gi.item.department, "")) for gi in guide.items
        ],
        **_apply_materials(guide, person),
        "questions": question_forms(package, answers),
        "unanswered": unanswered,
        "counties": counties,
        "place": place,
        "fields": rows,
        "sections": form_sections(guide, catalog, rows),
        "field_errors": [(r["id"], r["error"]) for r in rows if r["error"]],
        "prefilled_count": sum(1 for r in rows if r["prefilled"]),
        "error": error,
        "idempotency_key": key,
        "draft": draft,
        "draft_migrated": draft.catalog_version.number
        if draft is not None and draft.catalog_version_id != current.pk
        else None,
        "agent": user.role == Role.AGENT,
        "principals": [(p.pk, display_name(user, p)) for p in principals],
        "person": person,
        "query": answers_query(answers),
    }
    template = "cases/apply.html"
    if request.htmx and intent == "refresh":
        status = 200
    return render(request, template, context, status=status)


class _DraftSaved(InvalidInput):
    """The draft's edits were saved but submitting it was refused (its reason inside)."""

    def __init__(self, case: Case, cause: CaseError):
        super().__init__(cause.message, cause.details)
        self.status = cause.status
        self.case = case


def _autosave(request, user, package_id, answers, place, values, draft, person, key):
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

    if person is None:
        return status("选择委托人后自动保存")
    filing = Filing(package_id, _answer_text(answers), place, values, channel=_channel(request))
    try:
        if draft is not None:
            saved = services.update_draft(user, draft.public_id, None, filing)
        else:
            applicant = person if user.role == Role.AGENT else None
            saved, _created = services.file_case(
                user, filing, applicant=applicant, submit=False, idempotency_key=key
            )
    except CaseError as exc:
        return status(f"暂未自动保存：{escape(error_message(exc, '保存草稿'))}")
    return status(f"草稿已自动保存（{timezone.localtime():%H:%M}）", saved.version)


def _file(request, user, filing, intent, draft, person, key) -> HttpResponse:
    submit = intent == "submit"
    if draft is not None:
        case = services.update_draft(user, draft.public_id, posted_version(request), filing)
        if submit:
            try:
                case = services.submit(user, case.public_id, version=case.version)
            except CaseError as exc:
                raise _DraftSaved(case, exc) from None
        created = True
    else:
        applicant = person if user.role == Role.AGENT else None
        case, created = services.file_case(
            user, filing, applicant=applicant, submit=submit, idempotency_key=key
        )
    if not created:
        messages.info(request, "这份申请已经提交过，没有重复办理。")
    elif case.state == CaseState.DRAFT:
        messages.success(request, "草稿已保存。可以随时修改，确认无误后提交。")
    else:
        messages.success(
            request,
            f"申请已提交，受理编号 {case.number}。窗口将在 {case.window_due} 前作出受理决定。",
        )
    return redirect(case_url(case))
