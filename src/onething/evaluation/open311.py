"""Open311 GeoReport v2 (/open311/v2/…): existing civic-reporting clients list the
services, file a complaint and follow its status. JSON only (…/services.json etc.);
a request id is the complaint's tracking code. No personal data is returned.

Every refusal is the standard error body, a list of {"code", "description"}: one entry
per problem, each naming the parameter it concerns. A `jurisdiction_id` must be a
jurisdiction of the current catalogue (GB/T 2260 code); without one, requests go to
DEFAULT_JURISDICTION.

Anyone may follow one request by its id (the tracking code: 60 random bits). Looking up
several at once (``service_request_id=A,B,…``) takes an ``api_key`` of the setting
ONETHING_OPEN311_API_KEYS. Filing and look-ups are throttled per address
(core/throttle.py: COMPLAINT_FILING, COMPLAINT_LOOKUP, shared with the web pages)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from onething.core.errors import CaseError
from onething.core.throttle import COMPLAINT_FILING, COMPLAINT_LOOKUP, throttle
from onething.evaluation import complaint_services as complaints
from onething.evaluation.complaint_services import ComplaintFiling
from onething.evaluation.complaints import CATEGORIES, KINDS
from onething.evaluation.models import Complaint

DEFAULT_JURISDICTION = "141100"
# The filing's fields as Open311 names its parameters (for the error descriptions).
PARAMETERS = {
    "kind": "service_code",
    "category": "service_code",
    "subject": "service_code",
    "jurisdiction": "jurisdiction_id",
    "text": "description",
    "contact_name": "first_name/last_name",
    "contact_phone": "phone",
}


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


def _errors(code: int, descriptions: list[str]) -> JsonResponse:
    """The standard Open311 error body: one {"code", "description"} per problem."""
    body = [{"code": code, "description": text} for text in descriptions]
    return JsonResponse(body, status=code, safe=False)


def _error(code: int, description: str) -> JsonResponse:
    return _errors(code, [description])


def _jurisdiction_refusal(params: QueryDict) -> JsonResponse | None:
    """400 when a jurisdiction_id is given that is not one of the catalogue's."""
    given = params.get("jurisdiction_id", "").strip()
    problem = complaints.place_problem(given) if given else None
    if problem is None:
        return None
    return _error(
        400,
        f"jurisdiction_id：{given[:20]} 不是本平台的行政区划（应为事项目录中的 6 位代码，"
        f"如 {DEFAULT_JURISDICTION}）",
    )


def _open311(*methods: str) -> Callable:
    """Only these methods, and a request whose parameters cannot be read, refused in the
    standard error shape (never Django's HTML pages). An API for other systems: no browser
    session, nothing to forge, so no CSRF check."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def run(request: HttpRequest, *args, **kwargs) -> JsonResponse:
            if request.method not in methods:
                response = _error(405, f"不支持 {request.method} 请求，请用 {'、'.join(methods)}")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                request.POST  # noqa: B018 — parse the body now, where its errors are caught
            except (MultiPartParserError, RequestDataTooBig, SuspiciousOperation, BadRequest):
                return _error(400, "请求内容无法读取，请以 application/x-www-form-urlencoded 提交")
            return view(request, *args, **kwargs)

        return csrf_exempt(run)

    return decorate


@_open311("GET")
def services(request: HttpRequest) -> JsonResponse:
    refusal = _jurisdiction_refusal(request.GET)
    return refusal or JsonResponse(_services(), safe=False)


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


def known_api_key(given: str) -> bool:
    """Whether `given` is one of the configured Open311 API keys, compared in constant
    time (every key is compared, so the time says nothing of which came close)."""
    digest = hashlib.sha256(given.encode()).digest()
    found = False
    for key in getattr(settings, "OPEN311_API_KEYS", []):
        found |= hmac.compare_digest(digest, hashlib.sha256(key.encode()).digest())
    return bool(given) and found


def _several_refusal(params: QueryDict, ids: list[str]) -> JsonResponse | None:
    """Several ids at once only with a valid api_key: 400 without one, 403 for a wrong one."""
    if len(ids) <= 1:
        return None
    given = params.get("api_key", "").strip()
    if not given:
        return _error(
            400,
            "service_request_id：未提供 api_key 时一次只能查询一件诉求；"
            "一次查询多件（以逗号分隔）请提供平台发放的 api_key",
        )
    if not known_api_key(given):
        return _error(403, "api_key：无效，请使用平台发放的 api_key")
    return None


def _look_up(params: QueryDict) -> JsonResponse:
    """GET Service Requests: one id, or several with an api_key."""
    refusal = _jurisdiction_refusal(params)
    if refusal:
        return refusal
    ids = [i for i in params.get("service_request_id", "").split(",") if i.strip()]
    refusal = _several_refusal(params, ids)
    if refusal:
        return refusal
    found = complaints.follow_many(ids, params.get("jurisdiction_id", "").strip())
    return JsonResponse([_status(c) for c in found], safe=False)


@_open311("GET", "POST")
@throttle(GET=COMPLAINT_LOOKUP, POST=COMPLAINT_FILING)
def requests(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        return _look_up(request.GET)
    return _file(request.POST)


def _file(params: QueryDict) -> JsonResponse:
    """POST Service Request: service_code required and known; description required; an
    optional jurisdiction_id must be known; a phone makes it a named complaint."""
    code = params.get("service_code", "").strip()
    kind, _, category = code.partition(".")
    if not code:
        return _error(400, "service_code：必填，可用的服务见 services.json")
    if code not in {service["service_code"] for service in _services()}:
        return _error(400, f"service_code：没有“{code[:40]}”这项服务，可用的服务见 services.json")
    refusal = _jurisdiction_refusal(params)
    if refusal:
        return refusal
    name = " ".join(
        part for part in (params.get("last_name", ""), params.get("first_name", "")) if part
    )
    phone = params.get("phone", "").strip()
    try:
        complaint = complaints.file_complaint(
            ComplaintFiling(
                kind=kind,
                category=category,
                text=params.get("description", ""),
                jurisdiction=params.get("jurisdiction_id", "").strip() or DEFAULT_JURISDICTION,
                anonymous=not phone,
                contact_name=name,
                contact_phone=phone,
                channel="open311",
            )
        )
    except CaseError as exc:
        fields = exc.details.get("fields") or {}
        described = [f"{PARAMETERS.get(f, f)}：{m}" for f, m in fields.items()]
        return _errors(exc.status, described or [exc.message])
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


@_open311("GET")
@throttle(GET=COMPLAINT_LOOKUP)
def request_status(request: HttpRequest, request_id: str) -> JsonResponse:
    refusal = _jurisdiction_refusal(request.GET)
    if refusal:
        return refusal
    complaint = complaints.follow(request_id)
    if complaint is None:
        return _error(404, f"service_request_id：没有“{request_id[:60]}”这件诉求")
    return JsonResponse([_status(complaint)], safe=False)
