"""Who is asking: the log-in backend (with each role's permissions in the admin), and the
API's bearer tokens or the browser session (with its CSRF token)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from onething.accounts.models import ApiToken, User
from onething.core.access import admin_permissions
from onething.core.prepared import PreparedQuery

_account = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
_token = PreparedQuery(lambda digest: ApiToken.objects.select_related("user").filter(digest=digest))


class AccountBackend(ModelBackend):
    """Log-in as Django's, and the account of each request's session read with a prepared
    statement (every page asks for it). In the admin, a role's permissions are what
    core.access.admin_permissions gives it, and nothing else: groups and permissions given
    to one user add nothing, so the separation of duties (三权分立) cannot be undone there
    (the set-up superuser has every permission, as in Django)."""

    def get_user(self, user_id):
        user = _account.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if user_obj.is_anonymous or obj is not None:
            return set()
        return set(admin_permissions(user_obj))


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        record = _token.first(ApiToken.digest_of(token))
        if record is None or not record.user.is_active:
            return None
        now = timezone.now()
        refusal = record.refusal(now)
        if refusal:  # expired or revoked: said so, in Chinese
            raise HttpError(401, refusal)
        if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


API_AUTH = [BearerToken(), django_auth]


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer once a user name is locked (AXES_LOCKOUT_CALLABLE): the API's
    JSON under /api/, the site's page elsewhere; 429 with Retry-After either way."""
    wait = int(settings.AXES_COOLOFF_TIME * 3600)
    if request.path.startswith("/api/"):
        detail = f"密码连续输错次数过多，该账号已暂时锁定，请 {wait // 60} 分钟后再试"
        response: HttpResponse = JsonResponse({"detail": detail}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", status=429)
    response["Retry-After"] = str(wait)
    return response


def api_user(request: HttpRequest) -> User:
    """Who calls the API (a token's user, or the session's); 401 when nobody."""
    user = getattr(request, "auth", None) or request.user
    if not getattr(user, "is_authenticated", False):
        raise HttpError(401, "请先登录")
    return user
