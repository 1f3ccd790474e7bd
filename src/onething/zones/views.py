"""专区办's pages: the zones staff may see, a zone's page (its figures, shared materials,
the import form and its batches), and a batch's page, whose progress fragment the page
polls (htmx) while the rows are checked. Each view reads the request, calls one
service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onething.cases.materials import MAX_UPLOAD_BYTES
from onething.cases.views.common import role_required
from onething.core.access import serves_zone, zones_visible_to
from onething.core.errors import CaseError, InvalidInput, NotFound
from onething.core.roles import Role
from onething.zones import rules, services
from onething.zones.models import ImportBatch, Zone

STAFF = (Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)
MOST_PROBLEMS_SHOWN = 500


def _zone(request: HttpRequest, public_id) -> Zone:
    try:
        return services.visible_zone(request.user, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _batch(request: HttpRequest, public_id) -> ImportBatch:
    try:
        return services.visible_batch(request.user, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


@role_required(*STAFF)
def zones(request: HttpRequest) -> HttpResponse:
    rows = [(z, services.zone_figures(z)) for z in zones_visible_to(request.user)[:100]]
    return render(request, "zones/zones.html", {"rows": rows, "nav": "desk"})


def _zone_context(request: HttpRequest, zone: Zone, message: str = "") -> dict:
    return {
        "zone": zone,
        "figures": services.zone_figures(zone),
        "shared": list(zone.materials.order_by("material_id")),
        "material_choices": services.material_choices(),
        "batches": list(zone.batches.order_by("-created_at")[:20]),
        "serves": serves_zone(request.user, zone),
        "columns": list(rules.REQUIRED),
        "optional_columns": list(rules.OPTIONAL),
        "kinds": list(rules.KINDS),
        "most_rows": rules.MOST_ROWS - 1,
        "message": message,
        "nav": "desk",
    }


@role_required(*STAFF)
def zone(request: HttpRequest, public_id) -> HttpResponse:
    return render(request, "zones/zone.html", _zone_context(request, _zone(request, public_id)))


def _uploaded(request: HttpRequest, most: int, what: str) -> tuple[str, bytes]:
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(f"请先选择要上传的{what}")
    if upload.size > most:
        raise InvalidInput(f"文件太大：{what}不超过 {most // (1024 * 1024)} MB")
    return upload.name or "", upload.read()


@role_required(Role.CLERK)
@require_POST
def start_import(request: HttpRequest, public_id) -> HttpResponse:
    """The spreadsheet, read and kept as a batch; refused as a whole with its message."""
    found = _zone(request, public_id)
    try:
        name, data = _uploaded(request, rules.MOST_FILE_BYTES, "表格")
        batch = services.start_import(request.user, found.public_id, name, data)
    except CaseError as exc:
        context = _zone_context(request, found, exc.message)
        return render(request, "zones/zone.html", context, status=exc.status)
    return redirect("zones:batch", batch.public_id)


@role_required(Role.CLERK)
@require_POST
def upload_material(request: HttpRequest, public_id) -> HttpResponse:
    found = _zone(request, public_id)
    try:
        name, data = _uploaded(request, MAX_UPLOAD_BYTES, "材料")
        kept = services.upload_material(
            request.user, found.public_id, request.POST.get("material", ""), name, data
        )
        messages.success(request, f"已上传“{kept.material_name}”，本专区的企业申报时共用。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("zones:zone", args=[found.public_id]) + "#shared-materials")


def _batch_context(request: HttpRequest, batch: ImportBatch) -> dict:
    problems = services.problems_of(batch) if batch.state != ImportBatch.CHECKING else []
    checked = batch.state == ImportBatch.CHECKED
    cases = list(services.cases_of(batch).order_by("pk")) if batch.state != "checking" else []
    return {
        "batch": batch,
        "zone": batch.zone,
        "problems": problems[:MOST_PROBLEMS_SHOWN],
        "more_problems": max(0, len(problems) - MOST_PROBLEMS_SHOWN),
        "serves": serves_zone(request.user, batch.zone),
        "cases": cases,
        "waiting": sum(1 for c in cases if c.state == "submitted"),
        "choosable": services.waiting_rows(batch) if checked else [],
        "bad_rows": batch.checked - batch.valid,
        "nav": "desk",
    }


@role_required(*STAFF)
def batch(request: HttpRequest, public_id) -> HttpResponse:
    found = _batch(request, public_id)
    return render(request, "zones/batch.html", _batch_context(request, found))


@role_required(*STAFF)
def progress(request: HttpRequest, public_id) -> HttpResponse:
    """The batch's progress (polled): each poll checks on for a moment (services.check_some)."""
    found = _batch(request, public_id)
    if found.state == ImportBatch.CHECKING:
        found = services.check_some(found.pk)
    return render(request, "zones/progress.html", _batch_context(request, found))


@role_required(Role.CLERK)
@require_POST
def confirm(request: HttpRequest, public_id) -> HttpResponse:
    found = _batch(request, public_id)
    chosen = _chosen_rows(request)
    try:
        waiting = len(services.waiting_rows(found))
        services.confirm_batch(request.user, found.public_id, chosen)
        if chosen is None:
            done = f"已为 {waiting} 个通过校验的企业申报"
        else:
            done = f"已为勾选的 {len(chosen)} 个企业申报"
        messages.success(request, f"{done}，请核对后一次受理。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("zones:batch", found.public_id)


def _chosen_rows(request: HttpRequest) -> list[int] | None:
    """The rows the clerk ticked (逐行确认), or None for every valid row."""
    if request.POST.get("scope") != "chosen":
        return None
    return [int(n) for n in request.POST.getlist("row") if n.strip().isdigit()]


@role_required(Role.CLERK)
@require_POST
def accept(request: HttpRequest, public_id) -> HttpResponse:
    found = _batch(request, public_id)
    try:
        count = services.accept_batch(request.user, found.public_id)
        messages.success(request, f"已一次受理本批次的 {count} 个办件。")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("zones:batch", found.public_id)
