"""The second factor through the pages: staff enrol an authenticator at their first log-in
and give its code at each later one; until then their session reaches nothing but those
pages and log-out; applicants are not asked unless they enrolled one; the security
administrator's reset makes the person enrol again and ends their sessions and tokens."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from onething.accounts.models import ApiToken
from onething.web.setup import DEMO_PASSWORD
from tests.factories import element, second_factor_code, text_of, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_waiting_after_a_wrong_code(settings):
    """A wrong code makes the next try wait (1 s, then 2, 4 …): tested once, below."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def password_step(client: Client, username: str, next_page: str = ""):
    """Log in with the password only; the answer (not followed)."""
    query = f"?next={next_page}" if next_page else ""
    return client.post(f"/accounts/login{query}", {"username": username, "password": DEMO_PASSWORD})


def code_of(secret_key_hex: str, ahead: int = 0) -> str:
    return f"{totp(bytes.fromhex(secret_key_hex), drift=ahead):06d}"


def test_staff_enrol_at_their_first_log_in_and_give_a_code_at_every_later_one(client, demo):
    TOTPDevice.objects.filter(user__username="clerk_lishi").delete()  # never logged in
    response = password_step(client, "clerk_lishi")
    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/two-factor?next="
    )
    response = client.get(response["Location"])
    assert response["Location"].startswith("/accounts/two-factor/enrol?next=")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "绑定验证器" in text_of(page)
    assert (
        element(page, "img", alt="绑定验证器的二维码")
        .attrs["src"]
        .startswith("data:image/svg+xml;base64,")
    )
    secret = element(page, "code", id="totp-secret").text.replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    device = TOTPDevice.objects.get(user__username="clerk_lishi")
    assert not device.confirmed and "secret=" + secret in device.config_url
    assert "issuer=%E4%B8%80%E4%BB%B6%E4%BA%8B" in device.config_url  # 一件事一次办
    # The same secret on a second visit (until confirmed); a wrong code is said so.
    again = client.get("/accounts/two-factor/enrol")
    assert element(again, "code", id="totp-secret").text.replace(" ", "") == secret
    wrong = client.post("/accounts/two-factor/enrol", {"code": "000000"})
    assert wrong.status_code == 400 and "验证码不正确或已用过" in text_of(wrong)
    short = client.post("/accounts/two-factor/enrol", {"code": "12345"})
    assert short.status_code == 400 and "动态验证码是 6 位数字" in text_of(short)
    done = client.post(
        "/accounts/two-factor/enrol", {"code": code_of(device.key), "next": "/accounts/me"}
    )
    assert done["Location"] == "/accounts/me"
    assert client.get("/window/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # Later: the password, then the code (the one just used is refused once more).
    client.post("/accounts/logout")
    response = password_step(client, "clerk_lishi", "/window/")
    page = client.get(response["Location"])
    assert "输入动态验证码" in text_of(page) and "绑定验证器" not in text_of(page)
    reused = client.post(response["Location"], {"code": code_of(device.key)})
    assert reused.status_code == 400 and "验证码不正确或已用过" in text_of(reused)
    response = client.post(response["Location"], {"code": second_factor_code("clerk_lishi")})
    assert response["Location"] == "/window/"


@pytest.mark.parametrize(
    "username", ["clerk_lishi", "r_amr_lishi", "supervisor", "editor", "admin", "audit_admin"]
)
def test_until_the_code_is_given_staff_reach_only_the_code_page_and_log_out(client, demo, username):
    password_step(client, username)
    for path in ("/window/", "/accounts/me", "/admin/", "/privacy/views/", "/accounts/security"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/two-factor?next="), path
    api = client.get("/api/v1/cases")
    assert api.status_code == 401 and "双因素认证" in api.json()["detail"]
    htmx = client.get("/window/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith("/accounts/two-factor")
    assert client.get("/accounts/two-factor").status_code == 200
    assert client.post("/accounts/logout").status_code == 302
    assert client.get("/accounts/me")["Location"].startswith("/accounts/login")


def test_the_admin_log_in_page_leads_to_the_code_too(client, demo):
    client.post("/admin/login/", {"username": "admin", "password": DEMO_PASSWORD})
    response = client.get("/admin/")
    assert response["Location"] == "/accounts/two-factor?next=%2Fadmin%2F"


def test_applicants_and_agents_are_not_asked_unless_they_enrolled(client, demo):
    for username in ("yaofang", "daiban"):
        client.post("/accounts/logout")
        assert password_step(client, username)["Location"] == "/accounts/me"
        assert client.get("/my/").status_code == 200
    page = text_of(client.get("/accounts/security"))
    assert "未开启" in page and "开启两步验证" in page
    enrol = client.get("/accounts/two-factor/enrol")
    assert "开启两步验证后" in text_of(enrol)
    device = TOTPDevice.objects.get(user__username="daiban")
    client.post("/accounts/two-factor/enrol", {"code": code_of(device.key)})
    assert "已开启" in text_of(client.get("/accounts/security"))
    client.post("/accounts/logout")
    response = password_step(client, "daiban")
    assert response["Location"].startswith("/accounts/two-factor")
    assert client.get("/my/")["Location"].startswith("/accounts/two-factor")
    client.post(response["Location"], {"code": second_factor_code("daiban")})
    assert client.get("/my/").status_code == 200


def test_wrong_codes_slow_the_next_try_down(client, demo, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    password_step(client, "clerk_lishi")
    first = client.post("/accounts/two-factor", {"code": "000000"})
    assert "验证码不正确" in text_of(first)
    second = client.post("/accounts/two-factor", {"code": second_factor_code("clerk_lishi")})
    assert second.status_code == 400 and "验证码错误次数过多" in text_of(second)


def test_the_security_administrator_resets_a_lost_authenticator(client, demo):
    clerk = Client()
    password_step(clerk, "clerk_lishi")
    clerk.post("/accounts/two-factor", {"code": second_factor_code("clerk_lishi")})
    assert clerk.get("/window/").status_code == 200
    ApiToken.issue(user("clerk_lishi"), "script")
    security = Client()
    password_step(security, "security_admin")
    security.post("/accounts/two-factor", {"code": second_factor_code("security_admin")})
    target = user("clerk_lishi")
    action = {"action": "reset_second_factor", "_selected_action": [target.pk]}
    answer = security.post("/admin/accounts/user/", action, follow=True)
    assert "已重置 1 个账号的两步验证" in text_of(answer)
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not ApiToken.objects.filter(user=target, revoked_at__isnull=True).exists()
    assert clerk.get("/window/")["Location"].startswith("/accounts/login")  # ended
    response = password_step(clerk, "clerk_lishi")
    assert client_follows_to_enrolment(clerk, response["Location"])
    # Nobody resets their own; the system administrator resets nobody's.
    own = {"action": "reset_second_factor", "_selected_action": [user("security_admin").pk]}
    security.post("/admin/accounts/user/", own, follow=True)
    assert TOTPDevice.objects.filter(user__username="security_admin").exists()
    system = Client()
    system.force_login(user("admin"))
    listing = system.get("/admin/accounts/user/")
    assert listing.status_code == 200 and "reset_second_factor" not in text_of(listing)


def client_follows_to_enrolment(client: Client, location: str) -> bool:
    return client.get(location)["Location"].startswith("/accounts/two-factor/enrol")
