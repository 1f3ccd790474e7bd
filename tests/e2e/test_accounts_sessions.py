"""Sessions and passwords through the pages: a session slides and ends after 30 unused
minutes for staff (ONETHING_STAFF_IDLE_MINUTES) and two weeks for applicants; an ended
session leads to the log-in page with a note in Chinese; everyone changes their own
password (12+ characters, not like the account, not common, not digits alone), which ends
their other sessions and revokes their API tokens."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from onething.accounts.middleware import SEEN_KEY
from onething.accounts.models import ApiToken
from onething.web.setup import DEMO_PASSWORD
from tests.factories import as_user, element, text_of, user

pytestmark = pytest.mark.django_db
NOTE = "您的登录已结束"


def unused_for(client: Client, seconds: int) -> None:
    """As though the session had last been used `seconds` ago."""
    session = client.session
    session[SEEN_KEY] = int(time.time()) - seconds
    session.save()


def stored_expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_staff_session_ends_after_thirty_unused_minutes(client, demo):
    as_user(client, "clerk_lishi")
    assert client.get("/window/").status_code == 200
    unused_for(client, 29 * 60)
    assert client.get("/window/").status_code == 200  # used again: it slides
    unused_for(client, 31 * 60)
    response = client.get("/window/?show=ready")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login?next=%2Fwindow%2F%3Fshow%3Dready"
    page = text_of(client.get(response["Location"]))
    assert NOTE in page and "工作人员 30 分钟" in page
    assert client.get("/window/")["Location"].startswith("/accounts/login")  # no note again
    assert NOTE not in text_of(client.get("/accounts/login"))


def test_an_applicants_session_lasts_two_weeks_unused(client, demo):
    as_user(client, "yaofang")
    client.get("/my/")
    unused_for(client, 13 * 24 * 3600)
    assert client.get("/my/").status_code == 200
    unused_for(client, 15 * 24 * 3600)
    assert client.get("/my/")["Location"].startswith("/accounts/login?next=")


def test_the_stored_session_slides_with_each_use(client, demo):
    as_user(client, "clerk_lishi")
    client.get("/window/")
    first = stored_expiry(client)
    assert abs(first - (timezone.now() + timedelta(minutes=30))) < timedelta(seconds=10)
    unused_for(client, 20 * 60)  # as though last used 20 minutes ago: 10 minutes left
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=10)
    )
    client.get("/window/")
    assert abs(stored_expiry(client) - first) < timedelta(seconds=10)  # 30 minutes again
    as_user(client, "yaofang")
    client.get("/my/")
    expected = timezone.now() + timedelta(days=14)
    assert abs(stored_expiry(client) - expected) < timedelta(seconds=10)


def test_the_idle_limit_is_a_setting(client, demo, settings):
    settings.STAFF_IDLE_MINUTES = 5
    as_user(client, "supervisor")
    client.get("/supervision/")
    unused_for(client, 6 * 60)
    response = client.get("/supervision/", follow=True)
    assert "工作人员 5 分钟" in text_of(response)


def test_a_session_gone_from_the_store_leads_to_the_log_in_page_with_the_note(client, demo):
    as_user(client, "r_amr_lishi")
    client.get("/review/")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/review/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login?next=%2Freview%2F"
    assert NOTE in text_of(response)
    # An htmx request is sent to the log-in page as a whole page, not swapped in.
    as_user(client, "r_amr_lishi")
    client.get("/review/")
    unused_for(client, 31 * 60)
    htmx = client.get("/review/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith("/accounts/login")


def test_the_account_name_in_the_header_leads_to_the_account_page(client, demo):
    as_user(client, "yaofang")
    link = element(client.get("/my/"), "a", **{"class": "who"})
    assert link.attrs["href"] == "/accounts/security"
    page = text_of(client.get("/accounts/security"))
    assert "账号安全" in page and "修改密码" in page and "API 令牌" in page


# --------------------------------------------------------------------------- passwords


def change(client: Client, old: str, new: str, again: str | None = None):
    body = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post("/accounts/password", body)


def test_the_password_rules_are_said_in_chinese(client, demo):
    as_user(client, "zhangsan")
    page = text_of(client.get("/accounts/password"))
    assert "至少 12 个字符" in page and "不能全是数字" in page
    cases = [
        ("Kx9#mQ2$vL", "密码太短：至少需要 12 个字符。"),
        ("739184620573", "密码不能全是数字。"),
        ("qwerty123456", "这个密码太常见"),
        ("zhangsan2026", "密码与账号的用户名太相似"),
    ]
    for new, message in cases:
        response = change(client, DEMO_PASSWORD, new)
        assert response.status_code == 400 and message in text_of(response), new
    wrong = change(client, "not-my-password", "Kx9#mQ2$vL7!")
    assert "当前密码不正确" in text_of(wrong)
    mismatch = change(client, DEMO_PASSWORD, "Kx9#mQ2$vL7!", "Kx9#mQ2$vL7?")
    assert "两次输入的新密码不一致" in text_of(mismatch)
    assert user("zhangsan").check_password(DEMO_PASSWORD)


def test_a_new_password_ends_every_other_session_and_revokes_the_tokens(client, demo):
    elsewhere = as_user(Client(), "clerk_lishi")
    assert elsewhere.get("/window/").status_code == 200
    _record, token = ApiToken.issue(user("clerk_lishi"), "script")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bearer.get("/api/v1/cases").status_code == 200
    as_user(client, "clerk_lishi")
    response = change(client, DEMO_PASSWORD, "Kx9#mQ2$vL7!")
    assert response["Location"] == "/accounts/security"
    page = text_of(client.get("/accounts/security"))
    assert "密码已修改。其他设备上的登录已全部退出，API 令牌已全部作废。" in page
    assert client.get("/window/").status_code == 200  # this session stays
    ended = elsewhere.get("/window/", follow=True)
    assert ended.redirect_chain[0][0].startswith("/accounts/login") and NOTE in text_of(ended)
    refused = bearer.get("/api/v1/cases")
    assert refused.status_code == 401 and "API 令牌已撤销" in refused.json()["detail"]
    assert user("clerk_lishi").check_password("Kx9#mQ2$vL7!")
