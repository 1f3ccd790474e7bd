"""三权分立 through the pages: the system administrator (accounts, the catalogue), the
security administrator (roles, places, passwords, second factors, lock-outs) and the audit
administrator (the audit records and the personal-data views) each reach their own work,
in the admin and on the site, and none reaches another's."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry

from onething.accounts.models import ApiToken
from tests.factories import (
    as_user,
    element,
    elements,
    english_words,
    page_text,
    text_of,
    user,
)

pytestmark = pytest.mark.django_db

# Where each administrator may go (200) and may not (403), in the admin and on the site.
OPEN = {
    "admin": [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/accounts/authorisation/",
        "/admin/catalog/catalogversion/",
        "/admin/licences/licence/",
    ],
    "security_admin": [
        "/admin/accounts/user/",
        "/admin/accounts/apitoken/",
        "/admin/axes/accessattempt/",
    ],
    "audit_admin": [
        "/admin/cases/action/",
        "/admin/privacy/personaldataview/",
        "/admin/admin/logentry/",
        "/admin/axes/accesslog/",
        "/privacy/views/",
    ],
    "editor": ["/admin/catalog/catalogversion/"],
}
CLOSED = {
    "admin": [
        "/admin/cases/action/",
        "/admin/privacy/personaldataview/",
        "/admin/admin/logentry/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessattempt/",
        "/admin/accounts/apitoken/",
        "/admin/auth/group/",
        "/privacy/views/",
    ],
    "security_admin": [
        "/admin/accounts/user/add/",
        "/admin/catalog/catalogversion/",
        "/admin/cases/case/",
        "/admin/cases/action/",
        "/admin/licences/licence/",
        "/admin/privacy/personaldataview/",
        "/admin/admin/logentry/",
        "/admin/axes/accesslog/",
        "/privacy/views/",
        "/supervision/",
        "/window/",
    ],
    "audit_admin": [
        "/admin/accounts/user/",
        "/admin/catalog/catalogversion/",
        "/admin/cases/case/",
        "/admin/licences/licence/",
        "/admin/axes/accessattempt/",
        "/supervision/",
        "/dashboard/",
        "/licences/search",
    ],
    "editor": ["/admin/accounts/user/", "/admin/cases/action/", "/privacy/views/"],
}


@pytest.mark.parametrize("username", sorted(OPEN))
def test_each_administrator_reaches_their_own_work_and_not_anothers(client, demo, username):
    as_user(client, username)
    for path in OPEN[username]:
        assert client.get(path).status_code == 200, (username, path)
    for path in CLOSED[username]:
        assert client.get(path).status_code == 403, (username, path)


@pytest.mark.parametrize("username", sorted(OPEN))
def test_what_each_administrator_sees_is_in_chinese(client, demo, username):
    as_user(client, username)
    own = user(username)
    pages = [*OPEN[username], "/admin/", "/accounts/security", "/accounts/password"]
    if username == "security_admin":
        pages.append(f"/admin/accounts/user/{user('clerk_lishi').pk}/change/")
        pages.append(f"/admin/accounts/user/{user('clerk_lishi').pk}/password/")
    if username == "admin":
        pages.append(f"/admin/accounts/user/{own.pk}/change/")
    for path in pages:
        assert not english_words(page_text(client.get(path))), path


def test_each_administrator_starts_at_their_work(client, demo):
    for username, start in (
        ("admin", "/admin/"),
        ("security_admin", "/admin/accounts/user/"),
        ("audit_admin", "/privacy/views/"),
    ):
        as_user(client, username)
        assert client.get("/accounts/me")["Location"] == start


def test_the_system_administrator_keeps_an_accounts_details_but_not_its_role(client, demo):
    as_user(client, "admin")
    clerk = user("clerk_lishi")
    address = f"/admin/accounts/user/{clerk.pk}/change/"
    page = client.get(address)
    assert element(page, "input", name="full_name") and not elements(page, "select", name="role")
    assert client.get(f"/admin/accounts/user/{clerk.pk}/password/").status_code == 403
    client.post(
        address,
        {"username": "clerk_lishi", "full_name": "离石区综合窗口一号", "role": "admin"},
    )
    clerk.refresh_from_db()
    assert clerk.full_name == "离石区综合窗口一号" and clerk.role == "clerk"
    created = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_clerk",
            "full_name": "新来的窗口人员",
            "usable_password": "true",
            "password1": "Kx9#mQ2$vL7!",
            "password2": "Kx9#mQ2$vL7!",
        },
    )
    assert created.status_code == 302
    assert user("new_clerk").role == ""  # the security administrator gives it one


def test_the_security_administrator_sets_roles_and_places_and_resets_passwords(client, demo):
    as_user(client, "security_admin")
    clerk = user("clerk_lishi")
    _record, token = ApiToken.issue(clerk, "script")
    address = f"/admin/accounts/user/{clerk.pk}/change/"
    page = client.get(address)
    assert elements(page, "select", name="role") and not elements(page, "input", name="full_name")
    body = {"role": "reviewer", "department": "amr", "jurisdiction": "141102", "is_active": "on"}
    assert client.post(address, {**body, "full_name": "改不了"}).status_code == 302
    clerk.refresh_from_db()
    assert (clerk.role, clerk.department, clerk.full_name) == (
        "reviewer",
        "amr",
        "离石区政务服务中心综合窗口",
    )
    assert not ApiToken.objects.filter(user=clerk, revoked_at__isnull=True).exists()
    password = client.post(
        f"/admin/accounts/user/{clerk.pk}/password/",
        {"password1": "Kx9#mQ2$vL7!", "password2": "Kx9#mQ2$vL7!", "usable_password": "true"},
    )
    assert password.status_code == 302 and user("clerk_lishi").check_password("Kx9#mQ2$vL7!")
    own = user("security_admin")
    assert client.get(f"/admin/accounts/user/{own.pk}/password/").status_code == 403
    own_page = client.get(f"/admin/accounts/user/{own.pk}/change/")
    assert not elements(own_page, "select", name="role")  # never their own role


def test_the_security_administrator_lifts_a_lock_out(client, demo):
    AccessAttempt.objects.create(
        username="zhangsan",
        ip_address="127.0.0.1",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login",
    )
    as_user(client, "security_admin")
    action = {"action": "lift_lock_out", "_selected_action": [user("zhangsan").pk]}
    response = client.post("/admin/accounts/user/", action, follow=True)
    assert "已解除 1 个账号的登录锁定" in text_of(response)
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()


def test_the_audit_administrator_reads_what_the_others_changed(client, demo):
    as_user(client, "security_admin")
    clerk = user("clerk_lishi")
    body = {"role": "clerk", "department": "", "jurisdiction": "141100", "is_active": "on"}
    client.post(f"/admin/accounts/user/{clerk.pk}/change/", body)
    entry = LogEntry.objects.get(object_id=str(clerk.pk))
    assert entry.user.username == "security_admin"
    as_user(client, "audit_admin")
    page = text_of(client.get("/admin/admin/logentry/"))
    assert "security_admin（安全管理员）" in page and "已修改行政区划" in page
    detail = client.get(f"/admin/admin/logentry/{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in text_of(detail)
    assert client.post(f"/admin/admin/logentry/{entry.pk}/delete/").status_code == 403


def test_no_demo_account_uses_the_superuser_flag(demo):
    from onething.accounts.models import User

    assert not User.objects.filter(is_superuser=True).exists()
    staff = set(User.objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {"editor", "editor_amr", "admin", "security_admin", "audit_admin"}
