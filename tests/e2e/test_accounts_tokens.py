"""API tokens: staff ask for one with the password and the current code of their
authenticator; a token lasts ONETHING_API_TOKEN_DAYS (30); its owner lists them (never the
token itself) and revokes one, through the API or the 账号安全 page; an expired or revoked
token is answered 401 in Chinese."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onething.accounts.models import ApiToken
from onething.web.setup import DEMO_PASSWORD
from tests.factories import as_user, second_factor_code, text_of, user

pytestmark = pytest.mark.django_db


def ask(username: str, **more):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": DEMO_PASSWORD, **more},
        content_type="application/json",
    )
    return response.status_code, response.json()


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_staff_ask_for_a_token_with_the_code_of_their_authenticator(demo, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code makes no one wait here
    status, answer = ask("clerk_lishi")
    assert status == 401 and "请同时提供 otp" in answer["detail"]
    status, answer = ask("clerk_lishi", otp="000000")
    assert status == 401 and "验证码不正确或已用过" in answer["detail"]
    status, answer = ask("clerk_lishi", otp=second_factor_code("clerk_lishi"), name="窗口脚本")
    assert status == 201 and answer["user"] == "clerk_lishi" and answer["token"].startswith("ot_")
    expires = timezone.now() + timedelta(days=30)
    assert abs(timezone.datetime.fromisoformat(answer["expires_at"]) - expires) < timedelta(
        minutes=1
    )
    assert bearer(answer["token"]).get("/api/v1/cases").status_code == 200
    status, answer = ask("yaofang")  # applicants: the password is enough
    assert status == 201 and answer["role"] == "applicant"


def test_staff_without_an_authenticator_enrol_on_the_site_first(demo):
    user("r_mpa").totpdevice_set.all().delete()
    status, answer = ask("r_mpa", otp="123456")
    assert status == 403 and "请先在网页登录并绑定验证器" in answer["detail"]
    status, answer = ask("r_mpa", password="wrong")  # the password is checked first
    assert status == 401 and "用户名或密码不正确" in answer["detail"]


def test_how_long_a_token_lasts_is_a_setting(demo, settings):
    settings.API_TOKEN_DAYS = 7
    record, _token = ApiToken.issue(user("yaofang"), "短期")
    assert abs(record.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_an_expired_token_is_refused_in_chinese(demo):
    record, token = ApiToken.issue(user("yaofang"), "old")
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = bearer(token).get("/api/v1/cases")
    assert response.status_code == 401
    assert response.json()["detail"] == "API 令牌已过期，请重新申请（POST /api/v1/auth/token）"
    unknown = bearer("ot_not-a-token").get("/api/v1/cases")
    assert unknown.status_code == 401 and "请先登录" in unknown.json()["detail"]


def test_the_owner_lists_their_tokens_without_the_tokens(demo):
    _first, token = ApiToken.issue(user("yaofang"), "对账脚本")
    ApiToken.issue(user("yaofang"), "手机应用")
    ApiToken.issue(user("zhangsan"), "someone else's")
    client = bearer(token)
    client.get("/api/v1/cases")  # used once
    response = client.get("/api/v1/auth/tokens")
    listed = response.json()
    assert response.status_code == 200 and [t["name"] for t in listed] == ["手机应用", "对账脚本"]
    assert set(listed[1]) == {
        *("id", "name", "prefix", "created_at", "last_used_at", "expires_at"),
        *("revoked_at", "usable"),
    }
    assert listed[1]["last_used_at"] and listed[0]["last_used_at"] is None
    assert all(t["usable"] and t["expires_at"] for t in listed)
    assert token not in response.content.decode()
    assert ApiToken.objects.get(name="对账脚本").digest not in response.content.decode()


def test_the_owner_revokes_a_token_and_it_is_refused_from_then_on(demo):
    record, token = ApiToken.issue(user("yaofang"), "to revoke")
    other, _ = ApiToken.issue(user("zhangsan"), "not yours")
    _mine, keeper = ApiToken.issue(user("yaofang"), "keeper")
    client = bearer(keeper)
    not_yours = client.delete(f"/api/v1/auth/tokens/{other.pk}")
    assert not_yours.status_code == 404 and "没有找到" in not_yours.json()["detail"]
    assert client.delete(f"/api/v1/auth/tokens/{record.pk}").status_code == 204
    refused = bearer(token).get("/api/v1/cases")
    assert refused.status_code == 401 and "API 令牌已撤销" in refused.json()["detail"]
    listed = {t["name"]: t for t in client.get("/api/v1/auth/tokens").json()}
    assert listed["to revoke"]["revoked_at"] and not listed["to revoke"]["usable"]
    assert client.delete(f"/api/v1/auth/tokens/{_mine.pk}").status_code == 204  # its own
    assert client.get("/api/v1/auth/tokens").status_code == 401


def test_the_account_page_lists_and_revokes_tokens(client, demo):
    record, token = ApiToken.issue(user("daiban"), "代办系统")
    other, _ = ApiToken.issue(user("yaofang"), "not yours")
    expired, _ = ApiToken.issue(user("daiban"), "去年的", timezone.now() - timedelta(days=1))
    as_user(client, "daiban")
    page = text_of(client.get("/accounts/security"))
    assert "代办系统" in page and record.prefix in page and token not in page
    assert "去年的" in page and "已过期" in page and "not yours" not in page
    response = client.post(f"/accounts/tokens/{record.pk}/revoke", follow=True)
    assert "已撤销令牌“代办系统”" in text_of(response)
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert bearer(token).get("/api/v1/cases").status_code == 401
    assert client.post(f"/accounts/tokens/{other.pk}/revoke").status_code == 404
    assert client.get(f"/accounts/tokens/{expired.pk}/revoke").status_code == 405
