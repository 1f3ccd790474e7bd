"""The second factor: a TOTP authenticator app (django-otp's TOTPDevice), the 6-digit
code after the password.

Every staff role (core.roles.STAFF_ROLES, and the set-up superuser) must have one: the
first log-in enrols it (a QR code and the secret, confirmed with a code), every later one
asks for a code. Applicants and agents may enrol one from their 账号安全 page; then their
log-ins ask for it too. Until the code is given, a session that needs it reaches nothing
but these pages and log-out (accounts/middleware.SecondFactorMiddleware). The security
administrator resets a lost device (`reset`): the person enrols again at the next log-in.
"""

from __future__ import annotations

from base64 import b32decode, b32encode

from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, login as otp_login, verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from onething.accounts.models import ApiToken
from onething.core.roles import STAFF_ROLES

# Set in the session at log-in when the account has a device of its own choosing (an
# applicant who enrolled): then its code is asked as a member of staff's is.
ASKED_KEY = "_onething_second_factor_asked"
DEVICE_NAME = "手机验证器"
# The demo's shared secret (RFC 4648 base32): `onething setup` gives it to the demo staff
# accounts and to no other; `onething manage demo_code` prints its current code.
DEMO_SECRET = "ONETHINGDEMOSECRETFORSTAFFONLY22"


def required_for(user) -> bool:
    """Staff (and a superuser) log in with a second factor, whatever the session says."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in STAFF_ROLES or user.is_superuser or user.is_staff


def needed(request: HttpRequest) -> bool:
    """This session must give a code before anything else."""
    if not getattr(request.user, "is_authenticated", False) or verified(request):
        return False
    return required_for(request.user) or bool(request.session.get(ASKED_KEY))


def verified(request: HttpRequest) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def on_log_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: an account with a confirmed device is asked for its code."""
    if request is None or not hasattr(request, "session") or required_for(user):
        return
    if confirmed_device(user) is not None:
        request.session[ASKED_KEY] = True


# --------------------------------------------------------------------------- devices


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The device being enrolled: the same secret on every visit until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def grouped(secret: str) -> str:
    """ONET HING DEMO … : four letters a group, to type it without losing one's place."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def key_of(secret: str) -> str:
    """A base32 secret as django-otp stores it (hex)."""
    padded = secret.replace(" ", "").upper()
    padded += "=" * (-len(padded) % 8)
    return b32decode(padded).hex()


def setup_uri(device: TOTPDevice) -> str:
    """otpauth://totp/一件事一次办:username?secret=…&issuer=… for the QR code."""
    return device.config_url


# --------------------------------------------------------------------------- codes


def refusal(device: TOTPDevice, code: str) -> str:
    """Why the code is not accepted ("" when it is): checked on the device, which
    accepts each code once and slows down after failures."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = (details or {}).get("locked_until")
        when = f"，请于 {timezone.localtime(until):%H:%M:%S} 后再试" if until else "，请稍后再试"
        return "验证码错误次数过多" + when
    if verify_token(device.user, device.persistent_id, code) is None:
        return "验证码不正确或已用过，请输入验证器上当前显示的 6 位数字"
    return ""


def confirm(request: HttpRequest, device: TOTPDevice, code: str) -> str:
    """Enrolment: the first code confirms the device, and this session is verified."""
    problem = refusal(device, code)
    if problem:
        return problem
    device.refresh_from_db()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    mark_verified(request, device)
    return ""


def check(request: HttpRequest, device: TOTPDevice, code: str) -> str:
    """A later log-in: the code verifies this session."""
    problem = refusal(device, code)
    if not problem:
        mark_verified(request, device)
    return problem


def mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """The session has both factors now: a new session key for it (as at log-in)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(ASKED_KEY, None)


def reset(user) -> int:
    """The security administrator's reset of a lost device: the devices go, every session
    of the account ends and its API tokens are revoked; the next log-in enrols anew."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    user.end_sessions()
    ApiToken.revoke_all_of(user)
    return removed
