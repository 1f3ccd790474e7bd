"""The REST API: one NinjaAPI, a router per capability, OpenAPI at /openapi.json.

Every error is JSON ``{"detail": "…"}`` in Chinese. A request of the wrong shape — a
field missing or of the wrong type, a body that is not a JSON object, a bad query
parameter — is 400 with every field named: ``{"detail": "请求有误：package_id 必填",
"fields": {"package_id": "必填"}}``, field paths as the API spells them (``answers``,
``form.x``, ``lines[0]``), as the services' own field errors are.
"""

import json
import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

from onething.accounts.auth import API_AUTH
from onething.cases.api import router as cases_router
from onething.cases.materials_api import router as materials_router
from onething.core.errors import CaseError
from onething.guides.api import router as guides_router
from onething.licences.api import public_router as verify_router, router as licences_router
from onething.licences.services import LicenceError


class ErrorOut(Schema):
    detail: str
    fields: dict[str, str] = {}


class OnethingAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's schema, with the 400 every operation that takes input may answer."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["ErrorOut"] = ErrorOut.json_schema()
        bad_request = {
            "description": "请求有误：缺少字段、类型不对、不是 JSON 对象或查询参数有误（"
            "detail 逐一说明，fields 按字段给出）；或业务规则拒绝",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("parameters") or operation.get("requestBody"):
                    operation["responses"].pop("422", None)
                    operation["responses"].setdefault("400", bad_request)
        return schema


api = OnethingAPI(
    title="onething — 一件事一次办 API",
    version="1",
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
)
api.add_router("/", guides_router)
api.add_router("/", "onething.accounts.api.router")  # /auth/token, /auth/tokens
api.add_router("/", cases_router, auth=API_AUTH)
api.add_router("/", materials_router, auth=API_AUTH)
api.add_router("/", licences_router, auth=API_AUTH)
api.add_router("/", verify_router)
api.add_router("/", "onething.projects.api.router", auth=API_AUTH)
api.add_router("/", "onething.linked.api.router", auth=API_AUTH)
api.add_router("/", "onething.hall.api.router", auth=API_AUTH)
api.add_router("/", "onething.tickets.api.router", auth=API_AUTH)
api.add_router("/", "onething.outreach.api.router", auth=API_AUTH)
api.add_router("/", "onething.zones.api.router", auth=API_AUTH)
api.add_router("/", "onething.kiosk.api.router", auth=API_AUTH)
api.add_router("/", "onething.exchange.api.router")  # each operation names its own auth
api.add_router("/", "onething.search.api.router")  # public
api.add_router("/", "onething.editing.api.router", auth=API_AUTH)


@api.exception_handler(CaseError)
def case_error(request, exc: CaseError):
    return api.create_response(request, {"detail": exc.message, **exc.details}, status=exc.status)


@api.exception_handler(LicenceError)
def licence_error(request, exc: LicenceError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


# --------------------------------------------------------------------------- wrong shapes

# pydantic's error types, in Chinese; {…} are taken from the error's context.
MESSAGES = {
    "missing": "必填",
    "string_type": "应为文本（字符串）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为数组（[…]）",
    "tuple_type": "应为数组（[…]）",
    "set_type": "应为数组（[…]）",
    "dict_type": "应为对象（{{…}}）",
    "model_type": "应为对象（{{…}}）",
    "model_attributes_type": "应为对象（{{…}}）",
    "none_required": "应为 null",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "不能超过 {max_length} 个字符",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "string_pattern_mismatch": "格式不正确",
    "literal_error": "应为 {expected} 之一",
    "enum": "应为 {expected} 之一",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_type": "应为日期时间（ISO 8601）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "extra_forbidden": "不是可接受的字段",
    "json_invalid": "不是有效的 JSON",
}
UNKNOWN_ERROR = "取值不正确"
# Where a value came from, as the summary names it (a body field by its path alone).
SOURCES = {"query": "查询参数 ", "path": "路径参数 ", "header": "请求头 ", "cookie": "Cookie "}
JSON_KINDS = {list: "数组", str: "文本", int: "数字", float: "数字", bool: "true/false"}


def error_message(error: dict[str, Any]) -> str:
    """One pydantic error in Chinese; a generic message for a type not listed."""
    template = MESSAGES.get(error.get("type", ""), UNKNOWN_ERROR)
    context = {k: str(v).replace(" or ", "、") for k, v in (error.get("ctx") or {}).items()}
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return UNKNOWN_ERROR


def field_path(location: tuple | list) -> str:
    """A field as the API spells it: ``package_id``, ``form.x``, ``lines[0]``. A body's
    location starts with the view's parameter that holds it (every body here is one
    schema), which the client never names."""
    source, *parts = location
    if source == "body":
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _not_an_object(request: HttpRequest) -> str:
    """Why the body is no JSON object, or "" when it is one."""
    if not request.body:
        return "请求体不能为空：应为 JSON 对象（{…}）"
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return ""  # reported as unparsable before it gets here
    if isinstance(body, dict):
        return ""
    kind = "空值（null）" if body is None else JSON_KINDS.get(type(body), "其他值")
    return f"请求体应为 JSON 对象（{{…}}），收到的是{kind}"


@api.exception_handler(ValidationError)
def wrong_shape(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400 naming every field that is missing or of the wrong type, in Chinese."""
    if any(error["loc"][0] == "body" for error in exc.errors):
        reason = _not_an_object(request)
        if reason:
            return api.create_response(request, {"detail": reason, "fields": {}}, status=400)
    fields: dict[str, str] = {}
    named: list[str] = []
    for error in exc.errors:
        path = field_path(error["loc"]) or "请求体"
        message = error_message(error)
        if path in fields:
            continue  # one message a field (a union reports each of its types)
        fields[path] = message
        named.append(f"{SOURCES.get(error['loc'][0], '')}{path} {message}")
    detail = "请求有误：" + "；".join(named)
    return api.create_response(request, {"detail": detail, "fields": fields}, status=400)


# ninja's own messages, in Chinese.
NINJA_MESSAGES = {
    "Unauthorized": "请先登录：发送 Authorization: Bearer <令牌>（POST /api/v1/auth/token），"
    "或使用已登录的会话",
    "Forbidden": "无权访问",
    "Too many requests.": "请求太频繁，请稍后再试",
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _unparsable(request: HttpRequest) -> str:
    if request.content_type != "application/json":
        return "请求体应为 JSON（Content-Type: application/json）"
    try:
        json.loads(request.body)
    except UnicodeDecodeError:
        return "请求体不是 UTF-8 编码的 JSON"
    except json.JSONDecodeError as exc:
        return f"请求体不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有误"
    return "请求体不是有效的 JSON"


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Our own refusals as they are; ninja's English ones (a body that is not JSON, no
    log-in) in Chinese."""
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        body = {"detail": _unparsable(request), "fields": {}}
        return api.create_response(request, body, status=400)
    message = NINJA_MESSAGES.get(message, message)
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc)
    if not CHINESE.search(message):  # Django's "No Task matches the given query."
        message = "没有找到，或您无权查看"
    return api.create_response(request, {"detail": message}, status=404)
