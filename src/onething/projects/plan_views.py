"""The 定制办 pages: the plans one may see, the compose form (the 审批局's reviewers and
supervisors), and a plan's page — its critical path, its total against the standard
route, a timeline of planned against actual drawn as SVG with a table of the same
figures, and the start and save-as-template buttons. Each view reads the request, calls
one service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.views.common import role_required
from onething.core.access import plans_visible_to
from onething.core.errors import CaseError, NotFound
from onething.core.roles import Role
from onething.projects import plan_holds, plan_services as plans, plan_templates
from onething.projects.plan_form import PlanPage
from onething.projects.timeline import timeline

SEE = (Role.APPLICANT, Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)


@role_required(*SEE)
def plan_list(request: HttpRequest) -> HttpResponse:
    rows = plans_visible_to(request.user).select_related("owner").order_by("-created_at")[:100]
    context = {
        "rows": rows,
        "may_compose": plans.coordinates(request.user),
        "nav": "plans",
    }
    return render(request, "projects/plans.html", context)


@role_required(Role.REVIEWER, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def new_plan(request: HttpRequest) -> HttpResponse:
    if not plans.coordinates(request.user):
        raise Http404("只有行政审批服务管理局的审批人员或监督人员可以编制定制办方案")
    page = PlanPage.read(request, _template_values(request))
    if request.method == "POST" and request.POST.get("intent") == "save":
        try:
            plan = plans.compose_plan(request.user, page.plan_input())
        except CaseError as exc:
            page.refused(exc)
        else:
            messages.success(request, "方案已保存：请核对关键路径和时间轴后启动。")
            return redirect("projects:plan", plan.public_id)
    status = 400 if page.message else 200
    return render(request, "projects/new_plan.html", page.context(), status=status)


def _template_values(request: HttpRequest) -> QueryDict | None:
    """以模板新建: the compose form filled from the template named in the query."""
    template_id = request.GET.get("template") if request.method == "GET" else None
    if not template_id:
        return None
    try:
        template = plans.plan_by_public_id(request.user, template_id)
    except NotFound:
        raise Http404("没有找到这个模板") from None
    values = QueryDict(mutable=True)
    for name, listed in plan_templates.template_form_values(template).items():
        values.setlist(name, listed)
    return values


def _visible(request: HttpRequest, public_id):
    try:
        return plans.plan_by_public_id(request.user, public_id)
    except NotFound:
        raise Http404("没有找到这个定制办方案") from None


@role_required(*SEE)
def plan(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible(request, public_id)
    figures = plans.plan_figures(found)
    names = {row.key: row.name for row in figures.rows}
    context = {
        "plan": found,
        "figures": figures,
        "schedule": figures.schedule,
        "critical": [names[key] for key in figures.schedule.critical_path],
        "chart": timeline(figures),
        "may_run": plans.coordinates(request.user),
        "nav": "plans",
    }
    return render(request, "projects/plan.html", context)


@role_required(Role.REVIEWER, Role.SUPERVISOR)
@require_POST
def start(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible(request, public_id)
    try:
        plans.start_plan(request.user, found.public_id)
        messages.success(request, "方案已启动：各项目的办件已为建设单位建立。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("projects:plan", found.public_id)


@role_required(Role.REVIEWER, Role.SUPERVISOR)
@require_POST
def save_template(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible(request, public_id)
    try:
        template = plan_templates.save_as_template(request.user, found.public_id)
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("projects:plan", found.public_id)
    messages.success(request, "已另存为模板。")
    return redirect("projects:plan", template.public_id)


@role_required(Role.REVIEWER, Role.SUPERVISOR)
@require_POST
def record_review(request: HttpRequest, public_id, review_key: str) -> HttpResponse:
    found = _visible(request, public_id)
    try:
        review = plan_holds.finish_review(
            request.user, found.public_id, review_key, request.POST.get("outcome", "")
        )
        messages.success(request, f"已登记“{review.name}”的结论，等待它的事项已开放办理。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("projects:plan", found.public_id)
