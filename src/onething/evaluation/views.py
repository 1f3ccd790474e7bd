"""Pages: rating a case (on the case page), and the rectification list (差评整改)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onething.accounts.models import User
from onething.cases.models import Case
from onething.catalog.guide import build_guide
from onething.catalog.services import current_catalog
from onething.core.access import (
    acts_for_applicant,
    cases_visible_to,
    complaints_visible_to,
    halls_run_by,
    handles_cases,
    jurisdiction_prefix,
    reach_of,
    rectifications_visible_to,
    supervises,
)
from onething.core.error_pages import error_page, forbidden
from onething.core.errors import CaseError
from onething.core.prepared import PreparedQuery
from onething.core.qr import qr_svg
from onething.core.roles import Role
from onething.core.throttle import COMPLAINT_FILING, COMPLAINT_LOOKUP, throttle
from onething.evaluation import complaint_services as complaints, contacts, services
from onething.evaluation.complaints import CATEGORIES, KINDS, SUBJECTS, tracking_groups
from onething.evaluation.dashboard import Filters, figures
from onething.evaluation.hall_figures import hall_months, period_months
from onething.evaluation.models import Rating, Rectification
from onething.evaluation.ratings import (
    BAD_REASONS,
    GOOD_REASONS,
    LEVEL_LABELS,
    STAGE_LABELS,
    Level,
    open_stages,
)
from onething.evaluation.rollup import refresh, refreshed_at
from onething.exchange.services import public_figures as exchange_figures

_case_ratings = PreparedQuery(lambda case_id: Rating.objects.filter(case_id=case_id))


def rating_context(user, case: Case, own: bool) -> dict[str, Any]:
    """For the case page: the ratings given, and the stages the applicant can rate now."""
    ratings = _case_ratings.all(case.pk)
    for rating in ratings:
        rating.case = case
    stages = []
    if own and acts_for_applicant(user):
        rated = {r.stage for r in ratings}
        single = services.single_instant_item(case)
        stages = [(s.value, STAGE_LABELS[s]) for s in open_stages(case.state, rated, single)]
    return {"ratings": ratings, "rating_stages": stages, **RATING_FORM}


RATING_FORM = {  # what the rating form offers (evaluation/_rating_fields.html)
    "rating_levels": [(int(level), LEVEL_LABELS[level]) for level in Level],
    "bad_reasons": BAD_REASONS,
    "good_reasons": GOOD_REASONS,
}


@login_required
@require_POST
def rate(request: HttpRequest, case_id) -> HttpResponse:
    url = reverse("cases:detail", args=[case_id]) + "#ratings"
    try:
        rating = services.rate(
            request.user,
            case_id,
            request.POST.get("stage", ""),
            int(request.POST.get("level") or 0),
            request.POST.getlist("reasons"),
            request.POST.get("text", ""),
            request.POST.get("channel", "web"),
        )
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect(url)
    if hasattr(rating, "rectification"):
        messages.success(request, "感谢评价。我们会核实并在 3 个工作日内答复您。")
    else:
        messages.success(request, f"感谢您的评价：{rating.stage_label}“{rating.level_label}”。")
    return redirect(url)


@login_required
@require_GET
def rectifications(request: HttpRequest) -> HttpResponse:
    """差评整改: open items first, by deadline; overdue ones marked 督办."""
    if not handles_cases(request.user):
        return forbidden(request, "差评整改供窗口、部门和监督员使用。")
    items = rectifications_visible_to(request.user).select_related("case", "rating")
    return render(
        request,
        "evaluation/rectifications.html",
        {
            "nav": "rectifications",
            "open": items.exclude(state="closed").order_by("verify_due", "id"),
            "closed": items.filter(state="closed").order_by("-closed_at")[:20],
        },
    )


@login_required
@require_POST
def rectification_step(request: HttpRequest, rectification_id: int, step: str) -> HttpResponse:
    posted, user = request.POST, request.user

    def rating_id() -> int:
        item = Rectification.objects.filter(pk=rectification_id).first()
        return item.rating_id if item else 0

    steps = {
        "verify": lambda: services.verify(
            user, rectification_id, posted.get("holds") == "1", posted.get("note", "")
        ),
        "respond": lambda: services.respond(
            user, rectification_id, posted.get("action", ""), posted.get("answer", "")
        ),
        "appeal": lambda: services.appeal(user, rating_id(), posted.get("reason", "")),
        "decide": lambda: services.decide_appeal(
            user, rating_id(), posted.get("remove") == "1", posted.get("reason", "")
        ),
        "revisit": lambda: services.revisit(
            user, rectification_id, posted.get("satisfied") == "1", posted.get("note", "")
        ),
    }
    return _run_step(
        request, steps.get(step), "evaluation:rectifications", f"#rectification-{rectification_id}"
    )


def _run_step(request: HttpRequest, run, back: str, anchor: str) -> HttpResponse:
    """Do the posted step of a worked item (None: no such step) and go back to its list,
    saying what happened."""
    if run is None:
        messages.error(request, "没有这项操作")
        return redirect(back)
    try:
        run()
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已记录。")
    return redirect(reverse(back) + anchor)


# --------------------------------------------------------------------------- complaints


def _places(catalog, within: str = "") -> list[tuple[str, str]]:
    """The cities and counties to choose from (within a jurisdiction code, if given)."""
    prefix = jurisdiction_prefix(within)
    return [
        (j.code, catalog.place_name(j.code))
        for j in (catalog.jurisdictions.values() if catalog else [])
        if j.level in ("city", "county") and j.code.startswith(prefix)
    ]


def _complaint_choices():

    return {
        "kinds": KINDS,
        "categories": CATEGORIES,
        "subjects": SUBJECTS,
        "places": complaints.places(),
    }


# The complaint form's fields, in the order the page shows them (and lists their errors).
COMPLAINT_FIELDS = (
    "kind",
    "category",
    "subject",
    "jurisdiction",
    "text",
    "case_number",
    "about",
    "contact_name",
    "contact_phone",
)
# Where the tracking code of a complaint just filed waits for the page that shows it once
# (never in the address: it would stay in the browser's history and be sent on).
FILED_COMPLAINT = "evaluation.filed_complaint"


@require_http_methods(["GET", "POST"])
@throttle(POST=COMPLAINT_FILING)
def new_complaint(request: HttpRequest) -> HttpResponse:
    """投诉与诉求: anyone, logged in or not, anonymous or named. After filing, the browser is
    sent on to the page that shows the tracking code (POST, redirect, GET): reloading it
    never files twice. Filing is throttled per address and account (with Open311's)."""

    posted = request.POST if request.method == "POST" else None
    error, errors, status = "", {}, 200
    if posted is not None:
        filing = complaints.ComplaintFiling(
            anonymous=posted.get("anonymous") == "1",
            **{name: posted.get(name, "") for name in COMPLAINT_FIELDS},
        )
        user = request.user if request.user.is_authenticated else None
        try:
            complaint = complaints.file_complaint(filing, submitter=user)
        except CaseError as exc:
            error, errors, status = exc.message, exc.details.get("fields", {}), exc.status
        else:
            request.session[FILED_COMPLAINT] = complaint.tracking
            return redirect("evaluation:track")
    context = {
        "nav": "complaints",
        "error": error,
        "errors": errors,
        "error_list": [(name, errors[name]) for name in COMPLAINT_FIELDS if name in errors],
        "posted": posted or {"kind": "complaint", "subject": "general", "anonymous": "1"},
        **_complaint_choices(),
    }
    return render(request, "evaluation/complaint_new.html", context, status=status)


@require_GET
@throttle(GET=COMPLAINT_LOOKUP)
def track(request: HttpRequest) -> HttpResponse:
    """Follow a complaint by its tracking code: its steps and the answer, nothing personal.
    Right after filing, the new code is shown here once. Look-ups are throttled per address
    (with Open311's)."""

    filed = request.session.pop(FILED_COMPLAINT, "")
    code = request.GET.get("code", "").strip()[:60] or filed
    complaint = complaints.follow(code) if code else None
    return render(
        request,
        "evaluation/complaint_track.html",
        {
            "nav": "complaints",
            "code": code,
            "just_filed": complaint is not None and complaint.tracking == filed,
            "complaint": complaints.followed(complaint) if complaint else None,
            "code_groups": tracking_groups(complaint.tracking) if complaint else [],
        },
        status=404 if code and complaint is None else 200,
    )


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Supervisors: every complaint of the jurisdiction (dispatch, return visit); staff: the
    ones dispatched to them (answer, or return a wrongly dispatched one)."""

    user = request.user
    if not handles_cases(user):
        return forbidden(request, "诉求办理供监督员和工作人员使用。")
    items, staff = complaints_visible_to(user), []
    if supervises(user):
        staff = User.objects.filter(
            reach_of(user).q("jurisdiction"), role__in=[Role.CLERK, Role.REVIEWER]
        ).order_by("jurisdiction", "username")
    revealed = contacts.reveal(user, items, request.GET.get("contact"))  # recorded
    rows = [
        {
            "complaint": c,
            "state_label": complaints.state_label(c),
            "contact": contacts.contact(c, revealed),
        }
        for c in items.select_related("assignee").order_by("state", "-created_at")[:200]
    ]
    return render(
        request,
        "evaluation/complaint_list.html",
        {"nav": "complaints", "rows": rows, "staff": staff, **_complaint_choices()},
    )


@login_required
@require_POST
def complaint_step(request: HttpRequest, complaint_id: int, step: str) -> HttpResponse:

    posted, user = request.POST, request.user

    def dispatch() -> None:
        assignee = User.objects.filter(pk=posted.get("assignee") or 0).first()
        if assignee is None:
            raise services.InvalidInput("请选择承办人")
        complaints.dispatch(user, complaint_id, assignee)

    steps = {
        "dispatch": dispatch,
        "return": lambda: complaints.return_to_supervisor(
            user, complaint_id, posted.get("reason", "")
        ),
        "reply": lambda: complaints.reply(user, complaint_id, posted.get("text", "")),
        "merge": lambda: complaints.merge(user, complaint_id, posted.get("into", "")),
        "revisit": lambda: complaints.revisit(
            user, complaint_id, posted.get("satisfied") == "1", posted.get("note", "")
        ),
    }
    return _run_step(
        request, steps.get(step), "evaluation:complaints", f"#complaint-{complaint_id}"
    )


# --------------------------------------------------------------------------- dashboard

# A page brings the roll-up up to date itself only when little waits (a quiet office, the
# demo); when more does, the sweep (every minute) does it and the page shows its time.
INLINE_REFRESH = 2000


def _filters_from(request: HttpRequest):
    from datetime import date

    def day(name: str):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    user = request.user
    wanted = request.GET.get("jurisdiction", "").strip()
    # A supervisor looks within their own jurisdiction only (the administrator anywhere).
    if not reach_of(user).covers(wanted) and not reach_of(user).everywhere:
        wanted = user.jurisdiction or ""
    return Filters(
        jurisdiction=wanted,
        department=request.GET.get("department", "").strip(),
        package=request.GET.get("package", "").strip(),
        start=day("start"),
        end=day("end"),
    )


def _savings(package_ids):
    """压缩办 per package, from the guide with every condition holding: separate → merged."""

    current = current_catalog()
    found = {}
    if current is None:
        return found
    for package_id in package_ids:
        package = current.catalog.packages.get(package_id)
        if package is not None:
            found[package_id] = build_guide(current.catalog, package, {}, every_case=True).stats
    return found


def _dashboard_csv(packages: list[dict]) -> HttpResponse:
    """The packages' table as CSV (a spreadsheet opens it)."""
    import csv

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="onething-dashboard.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Chinese right
    writer = csv.writer(response)
    writer.writerow(["一件事", "申报", "办结", "按时办结", "平均工作日", "承诺工作日"])
    for row in packages:
        promised = row["savings"].days_parallel if row["savings"] else ""
        writer.writerow(
            [
                row["package_name"],
                row["filed"],
                row["finished"],
                row["on_time"],
                row["average_days"] or "",
                promised,
            ]
        )
    return response


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """效能监督 figures with charts, the tables under them, CSV export and drill-down."""
    if not supervises(request.user):
        return forbidden(request, "数据看板供监督员使用。")
    if reach_of(request.user).nowhere:
        return forbidden(
            request, "您的账户没有设定辖区，看不到任何数据。请系统管理员为您设定辖区。"
        )
    filters = _filters_from(request)
    refresh(most=INLINE_REFRESH)
    result = figures(filters)
    savings = _savings([row["package_id"] for row in result.packages])
    for row in result.packages:
        row["savings"] = savings.get(row["package_id"])
    if request.GET.get("format") == "csv":
        return _dashboard_csv(result.packages)
    current = current_catalog()
    catalog = current.catalog if current else None
    chart = {
        "packages": [row["package_name"] for row in result.packages],
        "average": [row["average_days"] or 0 for row in result.packages],
        "promised": [
            row["savings"].days_parallel if row["savings"] else 0 for row in result.packages
        ],
        "categories": list(result.complaints_by_category),
        "complaints": list(result.complaints_by_category.values()),
    }
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "evaluation/dashboard.html",
        {
            "nav": "dashboard",
            "filters": filters,
            "figures": result,
            "refreshed_at": refreshed_at(),
            "chart": chart,  # read by dashboard.js from a json_script element
            "query": query.urlencode(),
            "runs_halls": halls_run_by(request.user).exists(),
            "hall_months": hall_months(
                request.user,
                filters.jurisdiction,
                period_months(filters.start, filters.end, timezone.localdate()),
            ),
            "jurisdictions": _places(catalog, request.user.jurisdiction or ""),
            "departments": [(d.id, d.name) for d in catalog.departments.values()]
            if catalog
            else [],
            "package_choices": [(p.id, p.name) for p in catalog.packages.values()]
            if catalog
            else [],
        },
    )


@require_GET
def public_figures(request: HttpRequest) -> HttpResponse:
    """大厅公示: the aggregate figures anyone may see, no personal data."""

    refresh(most=INLINE_REFRESH)
    result = figures(Filters())
    current = current_catalog()
    items = list(current.catalog.items.values()) if current else []
    return render(
        request,
        "evaluation/public_figures.html",
        {
            "nav": "figures",
            "figures": result,
            "packages_offered": len(current.catalog.packages) if current else 0,
            "items_offered": len(items),
            "items_fully_online": sum(1 for item in items if item.depth == "full"),  # 全程网办
            "items_instant": sum(1 for item in items if item.instant is not None),  # 秒批
            "cross_province": exchange_figures(),  # 跨省通办: items and partners
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate_at_window(request: HttpRequest, window: str) -> HttpResponse:
    """The QR code on a window leads here: rate this visit (窗口服务, with or without a
    case), and the applicant's cases at that window that can be rated now, each opened at
    its rating form (recorded as rated by QR code)."""

    current = current_catalog()
    place = current.catalog.jurisdictions.get(window) if current else None
    if place is None:
        return error_page(request, "没有这个窗口", "请重新扫描窗口上的二维码。", status=404)
    here = reverse("evaluation:rate_at_window", args=[window])
    if request.method == "POST":
        try:
            rating = services.rate_visit(
                request.user,
                window,
                int(request.POST.get("level") or 0),
                request.POST.getlist("reasons"),
                request.POST.get("text", ""),
                "qr",
            )
        except CaseError as exc:
            messages.error(request, exc.message)
        else:
            if hasattr(rating, "rectification"):
                messages.success(request, "感谢评价。窗口会核实并在 3 个工作日内答复您。")
            else:
                messages.success(request, f"感谢您的评价：窗口服务“{rating.level_label}”。")
        return redirect(here)
    rows = []
    for case in cases_visible_to(request.user).filter(window=window).order_by("-submitted_at")[:20]:
        stages = rating_context(request.user, case, True)["rating_stages"]
        if stages:
            rows.append({"case": case, "stages": [label for _value, label in stages]})
    visits = (
        Rating.objects.filter(case=None, window=window, rater=request.user)
        .select_related("rectification")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "evaluation/rate_window.html",
        {
            "nav": "mine",
            "rows": rows,
            "window": window,
            "window_name": current.catalog.place_name(window),
            "visits": visits,
            **RATING_FORM,
        },
    )


@require_GET
def window_qr(request: HttpRequest, window: str) -> HttpResponse:
    """The QR code to print on a window: it opens the rating page for that window."""
    from django.conf import settings

    url = f"{settings.PUBLIC_URL}{reverse('evaluation:rate_at_window', args=[window])}"
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")
