"""API authentication: bearer tokens, or the browser session (with its CSRF token)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from onething.accounts.models import ApiToken, User
from onething.web.prepared import PreparedQuery

_account = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
_token = PreparedQuery(lambda digest: ApiToken.objects.select_related("user").filter(digest=digest))


class AccountBackend(ModelBackend):
    """Log-in as Django's, and the account of each request's session read with a prepared
    statement (every page asks for it)."""

    def get_user(self, user_id):
        user = _account.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        record = _token.first(ApiToken.digest_of(token))
        if record is None or not record.user.is_active:
            return None
        now = timezone.now()
        if record.expires_at is not None and record.expires_at <= now:
            return None
        if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


API_AUTH = [BearerToken(), django_auth]


def api_user(request: HttpRequest) -> User:
    """Who calls the API (a token's user, or the session's); 401 when nobody."""
    user = getattr(request, "auth", None) or request.user
    if not getattr(user, "is_authenticated", False):
        raise HttpError(401, "请先登录")
    return user
