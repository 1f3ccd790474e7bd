"""事项编制's pages: the draft's objects (search, per section), a form per object that
saves through the checks, the preview of a package's guide, and the review (the
differences in words, publish, return, roll back, export). Each view reads the request,
calls one service, renders. Only editors and publishers see any of it (404 otherwise)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onething.catalog.entities import FIELD_TYPES, ITEM_KINDS
from onething.catalog.models import CatalogVersion
from onething.core.access import (
    edits_library,
    may_export_catalog,
    publishes_catalog,
    sees_editor,
)
from onething.core.errors import CaseError, NotFound
from onething.editing import deleting, forms, publishing, services
from onething.editing.models import Draft, EditingStep
from onething.editing.rules import (
    KIND_LABELS,
    LEVEL_LABELS,
    SECTION_LABELS,
    SECTIONS,
    in_chinese,
    problems_by_field,
)

PAGE_SIZE = 50


def editor_page(view):
    """Logged in, then an editor or a publisher; anyone else finds nothing here."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not sees_editor(request.user):
            raise Http404("页面不存在")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapped


@editor_page
def home(request: HttpRequest) -> HttpResponse:
    draft = services.draft_for(request.user)
    section = request.GET.get("section", "items")
    if section not in SECTIONS:
        section = "items"
    search = request.GET.get("q", "").strip()
    mine = request.user.department if section == "items" and not edits_library(request.user) else ""
    rows, total, problems, warnings = [], 0, [], []
    if draft is not None:
        found = services.entries_of(draft, section, search, mine)
        total = found.count()
        rows = list(found[:PAGE_SIZE])
        problems, warnings = publishing.draft_problems(draft)
    context = {
        "draft": draft,
        "section": section,
        "sections": [(s, SECTION_LABELS[s]) for s in SECTIONS],
        "label": SECTION_LABELS[section],
        "rows": rows,
        "total": total,
        "search": search,
        "mine": mine,
        "problems": _in_chinese(problems[:50]),
        "warnings": _in_chinese(warnings[:50]),
        "may_add": draft is not None and services.may_change(request.user, section, mine or None),
        "steps": list(EditingStep.objects.all()[:10]),
        "nav": "editing",
    }
    return render(request, "editing/home.html", context)


def _in_chinese(problems) -> list[dict[str, str]]:
    return [{"path": p.path, "message": in_chinese(p.message)} for p in problems]


def _choices(draft: Draft, section: str) -> list[tuple[str, str]]:
    rows = draft.entries.filter(section=section).order_by("position")
    return [(key, name or key) for key, name in rows.values_list("key", "name")]


INPUTS = {
    "items": "id name code department levels kind legal_days promised_days trips fee online "
    "issues basis conditions description fields materials",
    "packages": "id name audience trips keywords description items questions",
    "materials": "id name evidence note commitment generated",
    "fields": "id label type choices required help group min max max_length",
}
ROW_PARTS = {
    "materials": ("material", "copies", "required", "when"),
    "items": ("item", "after", "when"),
    "questions": ("id", "text", "type", "choices", "help"),
}


def _form_context(request, draft, section, key, data, revision, problems, new=False) -> dict:
    rest = draft.rest
    rows = forms.shown_rows(data, section)
    names = INPUTS[section].split() + _row_inputs(rows)
    found = problems_by_field([(p["path"], p["message"]) for p in problems], section, key, names)
    _annotate(rows, found)
    choices = {
        "materials": _choices(draft, "materials") if section == "items" else [],
        "fields": _choices(draft, "fields") if section == "items" else [],
        "items": _choices(draft, "items") if section == "packages" else [],
    }
    _name_rows(rows, choices)
    licence_types = [(t.get("id"), t.get("name")) for t in rest.get("licence_types") or ()]
    known_types = {ident for ident, _ in licence_types}
    return {
        "draft": draft,
        "section": section,
        "label": SECTION_LABELS[section],
        "key": key,
        "data": data,
        "rows": rows,
        "revision": revision,
        "new": new,
        "problems": found,
        "problem_count": sum(len(m) for m in found.values()),
        "editable": draft.state == Draft.State.EDITING
        and services.may_change(request.user, section, data.get("department")),
        "departments": _departments(request.user, rest),
        "licence_types": licence_types,
        "unknown_type": _unknown_type(data, known_types),
        "levels": list(LEVEL_LABELS.items()),
        "kinds": [(k, KIND_LABELS[k]) for k in ITEM_KINDS],
        "field_types": FIELD_TYPES,
        "material_choices": choices["materials"],
        "field_choices": choices["fields"],
        "item_choices": choices["items"],
        "nav": "editing",
    }


def _unknown_type(data: dict, known: set) -> str | None:
    """A licence type the object names that the catalogue does not list (kept as it is)."""
    for key in ("issues", "evidence"):
        if data.get(key) is not None and data.get(key) not in known:
            return data[key]
    return None


def _name_rows(rows: dict, choices: dict[str, list[tuple[str, str]]]) -> None:
    """Each row of a list gets the name of what it names (材料 application_form is 申请书)."""
    for name, key in (("materials", "material"), ("items", "item")):
        named = dict(choices[name])
        for row in rows.get(name) or ():
            row["title"] = named.get(row.get(key), "")
    named = dict(choices["fields"])
    for row in rows.get("fields") or ():
        row["title"] = named.get(row["value"], "")


def _departments(user, rest: dict) -> list[tuple[str, str]]:
    """The departments an item may be given: a department's editor, only theirs."""
    known = [(d.get("id"), d.get("name")) for d in rest.get("departments") or ()]
    if edits_library(user) or not getattr(user, "department", ""):
        return known
    return [(ident, name) for ident, name in known if ident == user.department]


def _row_inputs(rows: dict) -> list[str]:
    names = []
    for name, parts in ROW_PARTS.items():
        for index, _ in enumerate(rows.get(name) or ()):
            names += [f"{name}[{index}]", *(f"{name}[{index}].{part}" for part in parts)]
    names += [f"fields[{index}]" for index, _ in enumerate(rows.get("fields") or ())]
    return names


def _annotate(rows: dict, found: dict[str, list[str]]) -> None:
    """Each row of a list gets its problems: of the row, and of each of its inputs."""
    for name, parts in ROW_PARTS.items():
        for index, row in enumerate(rows.get(name) or ()):
            here = f"{name}[{index}]"
            row["errors"] = {part: found.get(f"{here}.{part}", []) for part in parts}
            row["errors"]["row"] = found.get(here, [])
    if "fields" in rows:
        rows["fields"] = [
            {"value": value, "errors": found.get(f"fields[{index}]", [])}
            for index, value in enumerate(rows["fields"])
        ]


def _revision(request: HttpRequest) -> int:
    """The revision the form was shown at (-1, never current, when it is missing or bad)."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


@editor_page
def entry(request: HttpRequest, section: str, key: str) -> HttpResponse:
    draft = services.draft_for(request.user)
    if draft is None:
        raise Http404("没有编制稿")
    row = services.entry_of(draft, section, key)
    if request.method == "POST":
        return _save(request, draft, section, key, row.data, _revision(request))
    noted = _noted(draft, row)
    context = _form_context(request, draft, section, key, row.data, row.revision, noted)
    context["row"] = row
    context["steps"] = list(EditingStep.objects.filter(section=section, key=key)[:20])
    return render(request, "editing/entry.html", context)


def _noted(draft: Draft, row) -> list[dict[str, str]]:
    """What the checks of the whole draft say of this object now, each at its input:
    its problems (a change elsewhere can make one), then its warnings as 提示."""
    problems, warnings = publishing.draft_problems(draft)
    position = services.checker_of(draft).position(row.section, row.key)
    noted = [
        {"path": p.path, "message": in_chinese(p.message)}
        for p in services.problems_of(problems, row.section, row.key, position)
    ]
    noted += [
        {"path": w.path, "message": "提示：" + in_chinese(w.message)}
        for w in services.problems_of(warnings, row.section, row.key, position)
    ]
    return noted


@editor_page
def new_entry(request: HttpRequest, section: str) -> HttpResponse:
    draft = services.draft_for(request.user)
    if draft is None or section not in SECTIONS:
        raise Http404("没有编制稿")
    if request.method == "POST":
        key = request.POST.get("id", "").strip()
        return _save(request, draft, section, key, {}, None)
    data = {"department": request.user.department} if section == "items" else {}
    context = _form_context(request, draft, section, "", data, None, [], new=True)
    return render(request, "editing/entry.html", context)


def _save(request, draft, section, key, old, revision) -> HttpResponse:
    data, bad = forms.READERS[section](request.POST, old)
    problems = [{"path": f"{section}[{key}].{place}", "message": m} for place, m in bad.items()]
    status = 400
    try:
        if not key:
            problems.append({"path": f"{section}[].id", "message": "请填写编号"})
        if problems:
            raise CaseError("有内容无法识别，没有保存")
        saved = services.save_entry(request.user, section, key, data, revision)
    except CaseError as exc:
        problems += exc.details.get("problems", [])
        message, status = exc.message, exc.status
    else:
        messages.success(request, f"已保存{SECTION_LABELS[section]}“{key}”，检查通过。")
        for warning in saved.warnings:
            messages.warning(request, f"提示：{warning.path}：{in_chinese(warning.message)}")
        return redirect("editing:entry", section=section, key=key)
    context = _form_context(
        request, draft, section, key, data, revision, problems, new=revision is None
    )
    context["refusal"] = message
    return render(request, "editing/entry.html", context, status=status)


@editor_page
@require_POST
def delete(request: HttpRequest, section: str, key: str) -> HttpResponse:
    try:
        deleting.delete_entry(request.user, section, key, _revision(request))
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("editing:entry", section=section, key=key)
    messages.success(request, f"已删除{SECTION_LABELS.get(section, '')}“{key}”。")
    return redirect(f"{reverse('editing:home')}?section={section}")


@editor_page
def preview(request: HttpRequest, package: str) -> HttpResponse:
    draft = services.draft_for(request.user)
    if draft is None:
        raise Http404("没有编制稿")
    answers = {k: v for k, v in request.GET.items() if k != "package"}
    refusal = ""
    try:
        shown = publishing.preview(draft, package, answers)
    except CaseError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        shown, refusal = publishing.preview(draft, package, {}), exc.message
    problems, _ = publishing.draft_problems(draft)
    context = {
        "preview": shown,
        "questions": [_question(q, answers.get(q.id, "")) for q in shown.questions],
        "sides": [("编制稿", shown.draft), ("现行发布版本", shown.published)],
        "refusal": refusal,
        "draft_problems": problems,
        "nav": "editing",
    }
    return render(request, "editing/preview.html", context)


def _question(question, given: str) -> dict:
    if question.type == "boolean":
        values = [("true", "是"), ("false", "否")]
    else:
        values = [(c, c) for c in question.choices]
    options = [(value, label, value == given) for value, label in values]
    return {"id": question.id, "text": question.text, "options": options}


@editor_page
def review(request: HttpRequest) -> HttpResponse:
    draft = services.open_draft()
    problems = publishing.draft_problems(draft)[0] if draft else []
    newest = CatalogVersion.without_source.order_by("-number").first()
    context = {
        "draft": draft,
        "newer": newest if draft and newest and newest.pk != draft.base_version_id else None,
        "differences": publishing.draft_differences(draft) if draft else [],
        "problems": _in_chinese(problems),
        "publisher": publishes_catalog(request.user),
        "may_discard": bool(draft)
        and (publishes_catalog(request.user) or edits_library(request.user)),
        "versions": list(CatalogVersion.without_source.order_by("-number")[:20]),
        "packages": services.entries_of(draft, "packages").values_list("key", "name")
        if draft
        else [],
        "steps": list(EditingStep.objects.all()[:30]),
        "nav": "editing",
    }
    return render(request, "editing/review.html", context)


def _step(request: HttpRequest, action, done: str, to: str = "editing:review") -> HttpResponse:
    try:
        action()
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(to)


@editor_page
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    return _step(request, lambda: publishing.submit(request.user), "已提交审核。", "editing:home")


@editor_page
@require_POST
def return_draft(request: HttpRequest) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _step(request, lambda: publishing.return_draft(request.user, reason), "已退回修改。")


@editor_page
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    note = request.POST.get("note", "")
    return _step(request, lambda: publishing.publish(request.user, note), "已发布新版本目录。")


@editor_page
@require_POST
def discard(request: HttpRequest) -> HttpResponse:
    reason = request.POST.get("reason", "")
    done = "已放弃编制稿：下次打开事项编制时从现行版本重新开始。"
    return _step(request, lambda: publishing.discard(request.user, reason), done)


@editor_page
@require_POST
def rollback(request: HttpRequest) -> HttpResponse:
    try:
        number = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "请选择要回退到的版本")
        return redirect("editing:review")
    done = f"已重新发布第 {number} 版的内容。"
    return _step(request, lambda: publishing.rollback(request.user, number), done)


@login_required
def export(request: HttpRequest, number: int) -> HttpResponse:
    if not may_export_catalog(request.user):
        raise Http404("页面不存在")
    try:
        version, text = publishing.export_version(number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    response = HttpResponse(text.encode("utf-8"), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="catalog-v{version.number}.yaml"'
    return response
