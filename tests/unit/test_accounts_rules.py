"""The account rules without a database: the password rules in Chinese, the separation of
duties (三权分立) as each role's admin permissions and account fields, how long a session
may stay unused, and the second factor's secret as a person types it."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from onething.accounts import twofactor
from onething.accounts.middleware import idle_limit
from onething.accounts.models import User
from onething.core import access
from onething.core.roles import ADMIN_PERMISSIONS, AUDIT_RECORDS, STAFF_ROLES, Role
from onething.web.setup import DEMO_PASSWORD


def problems(password: str, account: User | None = None) -> list[str]:
    try:
        validate_password(password, account)
    except ValidationError as error:
        return error.messages
    return []


# --------------------------------------------------------------------------- passwords


def test_a_password_has_at_least_twelve_characters():
    assert problems("Kx9#mQ2$vL") == ["密码太短：至少需要 12 个字符。"]
    assert problems("Kx9#mQ2$vL7!") == []


def test_a_password_is_not_digits_alone_nor_common():
    assert "密码不能全是数字。" in problems("739184620573")
    assert "这个密码太常见，容易被猜中，请换一个。" in problems("qwerty123456")


def test_a_password_is_not_like_the_account():
    account = User(username="wangxiaoming", full_name="王小明", phone="13912345678")
    assert problems("wangxiaoming1", account) == ["密码与账号的用户名太相似，请换一个。"]
    assert problems("13912345678a", account) == ["密码与账号的手机号码太相似，请换一个。"]
    assert problems("Kx9#mQ2$vL7!", account) == []


def test_the_demo_password_passes_every_rule():
    for role in Role:
        assert problems(DEMO_PASSWORD, User(username=f"demo_{role}", role=role)) == []


# --------------------------------------------------------------------------- 三权分立


def permissions(role: Role) -> frozenset[str]:
    return access.admin_permissions(User(role=role, is_active=True))


def test_only_the_audit_administrator_reads_the_audit_records():
    assert permissions(Role.AUDIT_ADMIN) == AUDIT_RECORDS
    for role in Role:
        if role != Role.AUDIT_ADMIN:
            assert not permissions(role) & AUDIT_RECORDS, role


def test_the_security_administrator_keeps_credentials_and_nothing_of_the_business():
    security = permissions(Role.SECURITY_ADMIN)
    assert {"accounts.change_user", "otp_totp.delete_totpdevice"} <= security
    assert "axes.delete_accessattempt" in security and "accounts.delete_apitoken" in security
    assert not {p for p in security if p.split(".")[0] in ("catalog", "cases", "licences")}
    assert "accounts.add_user" not in security  # accounts are the system administrator's


def test_the_system_administrator_keeps_accounts_and_the_catalogue_but_no_credentials():
    system = permissions(Role.ADMIN)
    assert {"accounts.add_user", "catalog.view_catalogversion"} <= system
    credentials = {p for p in system if p.split(".")[0] in ("otp_totp", "axes")}
    assert not credentials and "accounts.delete_apitoken" not in system


def test_no_two_administrators_share_a_permission():
    system, security, audit = (
        permissions(r) for r in (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    )
    shared = (system & security) | (system & audit) | (security & audit)
    assert shared == {"accounts.view_user", "accounts.change_user"}  # different fields each
    assert not security & audit and not system & audit


def test_an_inactive_account_and_other_roles_have_no_admin_permission():
    assert access.admin_permissions(User(role=Role.ADMIN, is_active=False)) == frozenset()
    for role in (Role.APPLICANT, Role.AGENT, Role.CLERK, Role.REVIEWER, Role.SUPERVISOR):
        assert permissions(role) == frozenset(), role
    assert set(ADMIN_PERMISSIONS) == {
        Role.EDITOR,
        Role.ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    }


def test_each_administrator_changes_other_fields_of_an_account_and_none_their_own_role():
    system = User(pk=1, role=Role.ADMIN)
    security = User(pk=2, role=Role.SECURITY_ADMIN)
    audit = User(pk=3, role=Role.AUDIT_ADMIN)
    someone = User(pk=9, role=Role.CLERK)
    assert "role" not in access.account_fields_for(system, someone)
    assert "full_name" in access.account_fields_for(system, someone)
    assert {"role", "jurisdiction", "department", "is_active"} == access.account_fields_for(
        security, someone
    )
    assert access.account_fields_for(security, security) == frozenset()
    assert access.account_fields_for(audit, someone) == frozenset()
    assert access.may_reset_credentials(security, someone)
    assert not access.may_reset_credentials(security, security)
    assert not access.may_reset_credentials(system, someone)


def test_the_personal_data_views_are_for_supervisors_and_the_audit_administrator():
    readers = {role for role in Role if access.may_read_data_views(User(role=role))}
    assert readers == {Role.SUPERVISOR, Role.AUDIT_ADMIN}


# --------------------------------------------------------------------------- sessions, 2FA


@pytest.mark.parametrize(
    ("role", "seconds"),
    [
        (Role.CLERK, 30 * 60),
        (Role.SECURITY_ADMIN, 30 * 60),
        (Role.APPLICANT, 14 * 24 * 3600),
        (Role.AGENT, 14 * 24 * 3600),
    ],
)
def test_how_long_a_session_may_stay_unused(role, seconds):
    assert idle_limit(User(role=role)) == seconds


def test_every_staff_role_and_the_superuser_need_a_second_factor_and_applicants_not():
    for role in Role:
        account = User(role=role)
        assert twofactor.required_for(account) == (role in STAFF_ROLES), role
    assert twofactor.required_for(User(role="", is_superuser=True))


def test_the_secret_reads_in_groups_of_four_and_round_trips():
    assert twofactor.grouped(twofactor.DEMO_SECRET) == "ONET HING DEMO SECR ETFO RSTA FFON LY22"
    key = twofactor.key_of("onet hing demo secr etfo rsta ffon ly22")
    assert len(bytes.fromhex(key)) == 20
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert twofactor.secret_of(TOTPDevice(key=key)) == twofactor.DEMO_SECRET
