"""Preparing a fresh installation: the demo catalogue and log-ins, safely repeatable."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from onething.accounts import twofactor
from onething.accounts.models import User
from onething.catalog.models import CatalogVersion
from onething.catalog.services import import_catalog
from onething.web.setup import (
    DEMO_PASSWORD,
    demo_second_factor_note,
    ensure_demo_accounts,
    ensure_demo_catalog,
)
from tests.catalogs import FIXTURES

pytestmark = pytest.mark.django_db


def test_demo_catalogue_is_imported_once():
    assert "imported the demo as version 1" in ensure_demo_catalog()
    assert "unchanged" in ensure_demo_catalog()
    assert CatalogVersion.objects.count() == 1


def test_a_catalogue_someone_imported_is_never_replaced_by_the_demo():
    import_catalog((FIXTURES / "small.yaml").read_bytes(), imported_by="cli:editor")
    assert "kept" in ensure_demo_catalog()
    assert CatalogVersion.objects.count() == 1


def test_demo_log_in_works_and_setup_can_run_again():
    ensure_demo_accounts()
    ensure_demo_accounts()
    user = authenticate(
        RequestFactory().post("/accounts/login"), username="admin", password="onething-demo"
    )
    assert user is not None and user.role == "admin" and user.is_staff
    assert not user.is_superuser  # the role decides; the flag is for setting up only
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_no_demo_account_is_a_superuser_and_every_one_has_a_valid_password():
    ensure_demo_accounts()
    User.objects.filter(username="admin").update(is_superuser=True)  # an older demo's
    ensure_demo_accounts()
    assert not User.objects.filter(is_superuser=True).exists()
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["security_admin"] == "security_admin" and roles["audit_admin"] == "audit_admin"
    for account in User.objects.all():
        validate_password(DEMO_PASSWORD, account)  # 12+ characters, not like the account …


def test_demo_staff_share_the_printed_authenticator_secret_and_applicants_have_none():
    ensure_demo_accounts()
    key = twofactor.key_of(twofactor.DEMO_SECRET)
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert set(devices.values_list("key", flat=True)) == {key}
    with_device = set(devices.values_list("user__username", flat=True))
    assert {"clerk_lishi", "r_amr_lishi", "editor", "admin", "security_admin", "audit_admin"} <= (
        with_device
    )
    assert not {"yaofang", "zhangsan", "daiban"} & with_device
    assert "ONET HING DEMO SECR ETFO RSTA FFON LY22" in demo_second_factor_note()
