"""The kiosk's use cases: register a terminal (its token shown once), recognise the
terminal by the token it presents, sign a citizen in by ID card or by the one-time code
their phone shows, and issue that code. Views only read the request and log the person
in; who may sign in is decided here."""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.core.errors import Forbidden, InvalidInput, NotFound
from onething.core.roles import Role
from onething.hall.models import Hall
from onething.kiosk import rules
from onething.kiosk.models import Kiosk, SignInCode, UsedReading, digest_of
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


def sign_in_by_card(kiosk: Kiosk, reading_text: str, signature: str) -> User:
    """The applicant whose ID card the kiosk's reader read: the reading must carry the
    signature of this kiosk's registered reader, be fresh, and be used once."""
    reading = verified_reading(kiosk, reading_text, signature)
    number = rules.normalised_id_number(reading.id_number)
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
    name = reading.name.strip()
    if name and user.full_name and name != user.full_name:
        raise Forbidden(CARD_MISMATCH)
    _use_once(kiosk, reading)
    log.info("kiosk %s: signed in by card %s", kiosk.code, mask_id_number(number))
    return user


def verified_reading(kiosk: Kiosk, reading_text: str, signature: str) -> rules.CardReading:
    """The reading, if this kiosk's reader signed it for this kiosk within the minute."""
    if not kiosk.reader_key:
        raise Forbidden(rules.NO_READER)
    try:
        key = Ed25519PublicKey.from_public_bytes(_unbase64(kiosk.reader_key))
        key.verify(_unbase64(signature), (reading_text or "").encode())
    except (ValueError, InvalidSignature):
        log.warning("kiosk %s: a card reading without its reader's signature", kiosk.code)
        raise Forbidden(rules.READING_UNSIGNED) from None
    try:
        reading = rules.parse_reading(reading_text)
    except rules.ReadingRefused as refused:
        raise InvalidInput(str(refused)) from None
    refusal = rules.reading_refusal(reading, kiosk.code, timezone.now())
    if refusal is not None:
        raise InvalidInput(refusal)
    return reading


def _use_once(kiosk: Kiosk, reading: rules.CardReading) -> None:
    try:
        with transaction.atomic():
            UsedReading.objects.create(nonce_digest=digest_of(reading.nonce), kiosk=kiosk)
    except IntegrityError:
        raise InvalidInput(rules.READING_USED) from None


def _unbase64(text: str) -> bytes:
    text = (text or "").strip()
    return base64.urlsafe_b64decode(
        text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4)
    )


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
# The demo's simulated card reader: a key everyone can derive — the demo's kiosk only.
DEMO_READER_SEED = hashlib.sha256(b"onething demo card reader: not a secret").digest()


def demo_reader() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(DEMO_READER_SEED)


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def signed_reading(
    key: Ed25519PrivateKey,
    kiosk_code: str,
    name: str,
    id_number: str,
    read_at: datetime | None = None,
    nonce: str | None = None,
) -> tuple[str, str]:
    """(reading, signature) as a card reader holding `key` makes them for a card laid on
    it at this kiosk: what the terminal's page relays."""
    at, once = read_at or timezone.now(), nonce or secrets.token_hex(16)
    text = rules.reading_text(kiosk_code, id_number, name, at, once)
    signature = key.sign(text.encode())
    return text, base64.urlsafe_b64encode(signature).decode().rstrip("=")


def simulated_reading(kiosk: Kiosk, name: str, id_number: str) -> tuple[str, str]:
    """The demo's simulated reader's reading (the kiosk must have its key registered: its
    signature is checked as any reader's)."""
    return signed_reading(demo_reader(), kiosk.code, name, id_number)


def ensure_demo_kiosk() -> Kiosk | None:
    """The demo's kiosk lishi-01 at 离石区政务服务中心 (after the demo halls), with the
    simulated card reader's key."""
    code, name, hall_code = DEMO_KIOSK
    hall = Hall.objects.filter(code=hall_code).first()
    if hall is None:
        return None
    kiosk, _ = Kiosk.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "hall": hall,
            "token_digest": digest_of(DEMO_TOKEN),
            "reader_key": public_key_text(demo_reader()),
        },
    )
    return kiosk
