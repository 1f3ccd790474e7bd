"""The API's tokens under /api/v1/auth: asked for with the password (and, for staff and
anyone who enrolled a second factor, the current code of the authenticator app), listed
and revoked by their owner. A token lasts API_TOKEN_DAYS (ONETHING_API_TOKEN_DAYS, 30); an
expired or revoked one is answered 401 with the reason in Chinese (accounts/auth.py)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from onething.accounts import twofactor
from onething.accounts.auth import API_AUTH, api_user
from onething.accounts.models import ApiToken
from onething.core.throttle import API_TOKEN, THROTTLED_RESPONSES, throttle

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # staff: the 6-digit code of their authenticator app
    name: str = "api"


class TokenOut(Schema):
    token: str
    user: str
    role: str
    expires_at: datetime | None


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str  # the token's first characters, to tell tokens apart; never the token
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    usable: bool


def _second_factor(user, code: str) -> None:
    """Staff (and whoever enrolled a device) give the current code too."""
    device = twofactor.confirmed_device(user)
    if device is None and not twofactor.required_for(user):
        return
    if device is None:
        raise HttpError(403, "请先在网页登录并绑定验证器（两步验证），再申请 API 令牌")
    if not code.strip():
        raise HttpError(401, "请同时提供 otp：验证器上当前显示的 6 位动态验证码")
    problem = twofactor.refusal(device, code.replace(" ", ""))
    if problem:
        raise HttpError(401, problem)


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut},
    summary="Log in for a token (staff: with the current code, otp)",
    openapi_extra={"responses": THROTTLED_RESPONSES},
)
@decorate_view(throttle(POST=API_TOKEN))
def issue_token(request: HttpRequest, body: TokenIn):
    user = authenticate(request, username=body.username, password=body.password)
    if user is None:
        raise HttpError(401, "用户名或密码不正确（连续输错 5 次将锁定 15 分钟）")
    _second_factor(user, body.otp)
    record, token = ApiToken.issue(user, body.name[:100] or "api")
    body_out = {"token": token, "user": user.username, "role": user.role}
    return Status(201, {**body_out, "expires_at": record.expires_at})


@router.get("/auth/tokens", auth=API_AUTH, response=list[TokenInfoOut], summary="My API tokens")
def list_tokens(request: HttpRequest):
    """The caller's tokens, newest first: what each is for and when it was made, last used
    and expires — never the token itself."""
    now = timezone.now()
    tokens = ApiToken.objects.filter(user=api_user(request)).order_by("-created_at", "-pk")
    return [_token_info(token, now) for token in tokens[:200]]


@router.delete(
    "/auth/tokens/{token_id}", auth=API_AUTH, response={204: None}, summary="Revoke a token"
)
def revoke_token(request: HttpRequest, token_id: int):
    """Revoke one of the caller's tokens (the one in use too); it answers 401 from then on."""
    token = get_object_or_404(ApiToken, pk=token_id, user=api_user(request))
    token.revoke()
    return Status(204, None)


def _token_info(token: ApiToken, now) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "usable": not token.refusal(now),
    }
