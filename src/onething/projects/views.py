"""The 打包办 pages: the bundles one may see, one filing for several projects, and a
bundle's page (its projects' cases, the joint expert review, what bundling saved, and
the window's and the reviewer's actions). Each view reads the request, calls one
service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from onething.cases.materials import MAX_UPLOAD_BYTES
from onething.cases.views.common import role_required
from onething.core.access import bundles_visible_to, reviews, works_at_window
from onething.core.errors import CaseError, InvalidInput
from onething.core.roles import Role
from onething.projects import bundle_form, services
from onething.projects.models import Bundle


@role_required(Role.APPLICANT, Role.AGENT, Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)
def bundles(request: HttpRequest) -> HttpResponse:
    """项目审批: the project modes, and the bundles (打包办) of one's own (an applicant) or
    of one's jurisdiction (staff)."""
    rows = services.with_projects(bundles_visible_to(request.user).order_by("-created_at")[:100])
    context = {
        "rows": [(bundle, list(bundle.projects.all())) for bundle in rows],
        "packages": bundle_form.bundle_packages() if request.user.role == Role.APPLICANT else [],
        "nav": "projects",
    }
    return render(request, "projects/bundles.html", context)


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def new_bundle(request: HttpRequest, package_id: str) -> HttpResponse:
    """One filing for several projects of one type: shared fields once, a row a project."""
    page = bundle_form.BundlePage.read(request, package_id)
    if request.method == "POST" and request.POST.get("intent") == "submit":
        try:
            bundle, _created = services.file_bundle(
                request.user, page.filing(), idempotency_key=request.POST.get("key")
            )
        except CaseError as exc:
            page.refused(exc)
        else:
            messages.success(
                request,
                f"{bundle.projects.count()} 个项目已打包提交，由窗口一次受理。",
            )
            return redirect("projects:bundle", bundle.public_id)
    status = 400 if page.message else 200
    return render(request, "projects/new_bundle.html", page.context(), status=status)


def _visible_bundle(request: HttpRequest, public_id) -> Bundle:
    bundle = bundles_visible_to(request.user).filter(public_id=public_id).first()
    if bundle is None:
        raise Http404("没有找到这个打包办件")
    return bundle


@role_required(Role.APPLICANT, Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)
def bundle(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible_bundle(request, public_id)
    projects = services.projects_of(found)
    context = {
        "bundle": found,
        "projects": projects,
        "figures": services.bundle_figures_of(found, projects),
        "may_accept": works_at_window(request.user)
        and any(p.case.state == "submitted" for p in projects),
        "may_review": reviews(request.user) and found.review_id is None,
        "shared": services.shared_materials(projects),
        "may_upload": request.user.pk == found.owner_id,
        "nav": "projects",
    }
    return render(request, "projects/bundle.html", context)


@role_required(Role.CLERK)
@require_POST
def accept(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible_bundle(request, public_id)
    try:
        services.accept_bundle(request.user, found.public_id)
        messages.success(request, "已一次受理本次打包的全部项目，各项目转入并联审批。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("projects:bundle", args=[found.public_id]))


@role_required(Role.REVIEWER)
@require_POST
def review(request: HttpRequest, public_id) -> HttpResponse:
    found = _visible_bundle(request, public_id)
    try:
        started = services.start_joint_review(request.user, found.public_id)
        messages.success(request, f"已发起联合专家评审：{started.review.title}")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("projects:bundle", args=[found.public_id]))


@role_required(Role.APPLICANT)
@require_POST
def shared_upload(request: HttpRequest, public_id, material_id: str) -> HttpResponse:
    """共用材料: one file for every project of the bundle."""
    found = _visible_bundle(request, public_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("请先选择要上传的文件")
        if upload.size > MAX_UPLOAD_BYTES:
            raise InvalidInput("文件太大：每份材料不超过 10 MB")
        count = services.upload_shared(
            request.user, found.public_id, material_id, upload.name, upload.read()
        )
        messages.success(request, f"已上传，{count} 个项目共用这份材料。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("projects:bundle", args=[found.public_id]) + "#shared-materials")
