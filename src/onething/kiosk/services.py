"""The kiosk's use cases: register a terminal (its token shown once), recognise the
terminal by the token it presents, sign a citizen in by ID card or by the one-time code
their phone shows, and issue that code. Views only read the request and log the person
in; who may sign in is decided here."""

from __future__ import annotations

import logging
import secrets

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.core.errors import Forbidden, InvalidInput, NotFound
from onething.core.roles import Role
from onething.hall.models import Hall
from onething.kiosk import rules
from onething.kiosk.models import Kiosk, SignInCode, digest_of
from onething.privacy.crypto import lookup_digest
from onething.privacy.masking import mask_id_number

log = logging.getLogger("onething.kiosk")

UNKNOWN_KIOSK = "没有这台自助终端"
NOT_REGISTERED = "这台设备尚未登记为自助终端，请联系大厅管理员"
NO_ACCOUNT = "未找到与该身份证对应的申请人账号：请先在网上或手机上注册，或到窗口办理"
STAFF_REFUSED = "工作人员账号不能在自助终端登录"
CARD_UNREADABLE = "未能读取身份证信息，请重新放置身份证"
CARD_MISMATCH = "身份证姓名与账号不符，请到窗口核实"


def register_kiosk(code: str, name: str, hall_code: str) -> tuple[Kiosk, str]:
    """Register a kiosk to a hall, or give it a new token: (kiosk, token). The token is
    shown once to the administrator; only its digest is kept."""
    hall = Hall.objects.filter(code=hall_code).first()
    if hall is None:
        raise NotFound(f"没有代码为 {hall_code} 的大厅")
    token = secrets.token_urlsafe(24)
    kiosk, _ = Kiosk.objects.update_or_create(
        code=code, defaults={"name": name, "hall": hall, "token_digest": digest_of(token)}
    )
    return kiosk, token


def token_for(kiosk: Kiosk) -> str:
    """A new token for this kiosk, its digest set on it (unsaved): shown once."""
    token = secrets.token_urlsafe(24)
    kiosk.token_digest = digest_of(token)
    return token


def new_token(kiosk: Kiosk) -> str:
    """A new token for this kiosk (the old one, and terminals set up with it, stop)."""
    token = token_for(kiosk)
    kiosk.save(update_fields=["token_digest"])
    return token


def kiosk_named(code: str) -> Kiosk:
    kiosk = Kiosk.objects.select_related("hall").filter(code=code, active=True).first()
    if kiosk is None:
        raise NotFound(UNKNOWN_KIOSK)
    return kiosk


def terminal(code: str, token_digest: str) -> Kiosk:
    """The kiosk whose token this terminal holds (its digest, from the terminal's cookie)."""
    kiosk = kiosk_named(code)
    if not token_digest or not secrets.compare_digest(kiosk.token_digest, token_digest):
        raise Forbidden(NOT_REGISTERED)
    return kiosk


def set_up_terminal(code: str, token: str) -> Kiosk:
    """The kiosk a terminal is being set up as, with the token the administrator typed."""
    return terminal(code, digest_of(token.strip()))


def _applicant_only(user: User) -> User:
    if user.role != Role.APPLICANT:
        raise Forbidden(STAFF_REFUSED)
    return user


def sign_in_by_card(kiosk: Kiosk, id_number: str, name: str = "") -> User:
    """The applicant whose ID card the kiosk's reader read (name and number)."""
    number = rules.normalised_id_number(id_number)
    if number is None:
        raise InvalidInput(CARD_UNREADABLE)
    found = list(User.objects.filter(id_number_digest=lookup_digest(number), is_active=True))
    if not found:
        log.info("kiosk %s: no account for card %s", kiosk.code, mask_id_number(number))
        raise NotFound(NO_ACCOUNT)
    applicants = [user for user in found if user.role == Role.APPLICANT]
    if not applicants:
        raise Forbidden(STAFF_REFUSED)
    user = applicants[0]
    if name.strip() and user.full_name and name.strip() != user.full_name:
        raise Forbidden(CARD_MISMATCH)
    log.info("kiosk %s: signed in by card %s", kiosk.code, mask_id_number(number))
    return user


def issue_sign_in_code(user: User) -> tuple[str, SignInCode]:
    """在自助终端登录: a one-time code for the logged-in applicant's phone to show."""
    _applicant_only(user)
    now = timezone.now()
    with transaction.atomic():
        SignInCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        code = rules.new_code()
        while SignInCode.objects.filter(digest=digest_of(code)).exists():
            code = rules.new_code()
        issued = SignInCode.objects.create(
            digest=digest_of(code), user=user, expires_at=rules.expiry_of(now)
        )
    return code, issued


def sign_in_by_code(kiosk: Kiosk, text: str) -> User:
    """The applicant whose phone showed this code; the code is used up."""
    code = rules.normalised_code(text)
    if not code:
        raise InvalidInput(rules.UNKNOWN)
    with transaction.atomic():
        issued = (
            SignInCode.objects.select_for_update()
            .select_related("user")
            .filter(digest=digest_of(code))
            .first()
        )
        if issued is None:
            raise NotFound(rules.UNKNOWN)
        refusal = rules.code_refusal(issued.expires_at, issued.used_at, timezone.now())
        if refusal is not None:
            raise InvalidInput(refusal)
        user = _applicant_only(issued.user)
        if not user.is_active:
            raise Forbidden(rules.UNKNOWN)
        issued.used_at, issued.used_at_kiosk = timezone.now(), kiosk
        issued.save(update_fields=["used_at", "used_at_kiosk"])
    log.info("kiosk %s: signed in by phone code", kiosk.code)
    return user


DEMO_KIOSK = ("lishi-01", "离石区政务服务中心 1号自助终端", "lishi")
DEMO_TOKEN = "onething-demo-kiosk"  # the demo's terminal token (README: the kiosk demo)


def ensure_demo_kiosk() -> Kiosk | None:
    """The demo's kiosk lishi-01 at 离石区政务服务中心 (after the demo halls)."""
    code, name, hall_code = DEMO_KIOSK
    hall = Hall.objects.filter(code=hall_code).first()
    if hall is None:
        return None
    kiosk, _ = Kiosk.objects.update_or_create(
        code=code, defaults={"name": name, "hall": hall, "token_digest": digest_of(DEMO_TOKEN)}
    )
    return kiosk
