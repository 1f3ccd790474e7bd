"""Open311 GeoReport v2 (/open311/v2/…): existing civic-reporting clients list the
services, file a complaint and follow its status. JSON only (…/services.json etc.);
a request id is the complaint's tracking code. No personal data is returned."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from onething.cases.services import CaseError
from onething.evaluation import complaint_services as complaints
from onething.evaluation.complaint_services import ComplaintFiling
from onething.evaluation.complaints import CATEGORIES, KINDS
from onething.evaluation.models import Complaint

DEFAULT_JURISDICTION = "141100"


def _services() -> list[dict]:
    found = []
    for kind, kind_name in KINDS.items():
        for category, category_name in CATEGORIES.items():
            if kind != "complaint" and category != "other":
                continue  # categories only distinguish complaints
            found.append(
                {
                    "service_code": f"{kind}.{category}",
                    "service_name": kind_name if kind != "complaint" else f"投诉：{category_name}",
                    "description": f"{kind_name}（{category_name}）",
                    "metadata": False,
                    "type": "realtime",
                    "keywords": "12345,政务服务",
                    "group": kind_name,
                }
            )
    return found


def _error(code: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": code, "description": description}], status=code, safe=False)


@require_GET
def services(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_services(), safe=False)


def _status(complaint: Complaint) -> dict:
    kind, category = complaint.kind, complaint.category
    last = complaint.events.order_by("-at", "-id").first()
    return {
        "service_request_id": complaint.tracking,
        "status": "closed" if complaint.state == "closed" else "open",
        "status_notes": complaints.state_label(complaint)
        + (f"。答复：{complaint.reply}" if complaint.reply else ""),
        "service_name": KINDS.get(kind, kind),
        "service_code": f"{kind}.{category}",
        "description": complaint.text,
        "agency_responsible": "一件事一次办政务服务监督",
        "service_notice": "",
        "requested_datetime": complaint.created_at.isoformat(),
        "updated_datetime": (last.at if last else complaint.created_at).isoformat(),
        "expected_datetime": complaint.due_date.isoformat() if complaint.due_date else None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


@csrf_exempt  # an API for other systems: no browser session, nothing to forge
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        ids = [i for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
        found = Complaint.objects.filter(tracking__in=[i.strip().upper() for i in ids][:100])
        return JsonResponse([_status(c) for c in found], safe=False)
    code = request.POST.get("service_code", "")
    kind, _, category = code.partition(".")
    if kind not in KINDS or category not in CATEGORIES:
        return _error(400, f"unknown service_code '{code[:40]}'; see services.json")
    name = " ".join(
        part
        for part in (request.POST.get("last_name", ""), request.POST.get("first_name", ""))
        if part
    )
    phone = request.POST.get("phone", "").strip()
    try:
        complaint = complaints.file_complaint(
            ComplaintFiling(
                kind=kind,
                category=category,
                text=request.POST.get("description", ""),
                jurisdiction=request.POST.get("jurisdiction_id", "") or DEFAULT_JURISDICTION,
                anonymous=not phone,
                contact_name=name,
                contact_phone=phone,
                channel="open311",
            )
        )
    except CaseError as exc:
        return _error(400, exc.message)
    return JsonResponse(
        [
            {
                "service_request_id": complaint.tracking,
                "service_notice": "已受理，可凭查询码跟踪办理进度",
                "account_id": None,
            }
        ],
        status=201,
        safe=False,
    )


@require_GET
def request_status(request: HttpRequest, request_id: str) -> JsonResponse:
    complaint = complaints.follow(request_id)
    if complaint is None:
        return _error(404, f"no service request '{request_id[:60]}'")
    return JsonResponse([_status(complaint)], safe=False)
