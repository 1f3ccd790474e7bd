"""The citizen's consent to an assisted filing, before the case is submitted: a one-time
6-digit code sent to their phone through the notification outbox (only its keyed hash is
kept; 10 minutes; used once; 5 wrong tries lock it), or a signature drawn on the
window's tablet (a PNG kept encrypted in the private store). Then the case is filed for
them (`holding.file_held`), `filed_by` the member of staff, and they get every notice."""

from __future__ import annotations

import hmac
import io

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from PIL import Image, UnidentifiedImageError

from onething.accounts.models import User
from onething.cases import uploads
from onething.cases.base import notify_users
from onething.cases.models import Case
from onething.core.errors import Conflict, InvalidInput
from onething.outreach import rules
from onething.outreach.assisting import open_assist
from onething.outreach.holding import file_held
from onething.outreach.models import AssistedFiling
from onething.privacy.masking import mask_phone

MAX_SIGNATURE_BYTES = 2 * 1024 * 1024
MIN_INK_PIXELS = 40


def code_hash(assist: AssistedFiling, code: str) -> str:
    """The keyed hash of a code, bound to this filing (the code itself is never kept)."""
    value = f"{assist.public_id}:{code}"
    return salted_hmac("onething.outreach.consent", value, algorithm="sha256").hexdigest()


def _open_for_consent(actor: User, assist_id) -> AssistedFiling:
    assist = open_assist(actor, assist_id, lock=True)
    if assist.state != "open":
        raise Conflict("这份帮办代办已经提交或放弃")
    if not assist.form_ready:
        raise Conflict("请先填好一表，再请申请人确认")
    return assist


def send_code(actor: User, assist_id) -> AssistedFiling:
    """Send a fresh code to the citizen's phone (the outbox); the last one is void."""
    with transaction.atomic():
        assist = _open_for_consent(actor, assist_id)
        if not assist.citizen.phone:
            raise InvalidInput("申请人账户没有手机号码，请改用当面签名确认")
        if assist.codes_sent >= rules.MAX_CODES:
            raise Conflict(f"验证码已发送 {rules.MAX_CODES} 次，请改用当面签名确认")
        code, now = rules.new_code(), timezone.now()
        assist.code_hash = code_hash(assist, code)
        assist.code_sent_at, assist.code_expires_at = now, now + rules.CODE_LIFETIME
        assist.code_used_at, assist.code_wrong_tries = None, 0
        assist.codes_sent += 1
        assist.save()
        who = assist.staff.full_name or assist.staff.username
        notify_users(
            [assist.citizen_id],
            "consent_code",
            "帮办代办确认验证码",
            f"验证码 {code}：{who}正在为您代为填报“{assist.package_name}”，"
            "如同意提交，请将验证码告知工作人员（10 分钟内有效）。如非本人办理，请勿告知他人。",
        )
        return assist


def sent_to(assist: AssistedFiling) -> str:
    """The phone the code went to, masked (what the clerk may read out)."""
    return mask_phone(assist.citizen.phone)


def confirm_with_code(actor: User, assist_id, typed: str) -> Case:
    """The code the citizen read out: right, the case is filed; otherwise refused (a
    wrong one counts a try, kept even though the request is refused)."""
    refusal = None
    with transaction.atomic():
        assist = _open_for_consent(actor, assist_id)
        code = rules.normalised_code(typed)
        sent = rules.SentCode(
            assist.code_expires_at, assist.code_used_at is not None, assist.code_wrong_tries
        )
        matches = bool(code) and hmac.compare_digest(assist.code_hash, code_hash(assist, code))
        verdict = rules.check_code(sent, typed, matches, timezone.now())
        if verdict == rules.CodeVerdict.OK:
            assist.code_used_at = timezone.now()
            return _file(actor, assist, "code")
        message = rules.CODE_REFUSALS[verdict]
        if verdict == rules.CodeVerdict.WRONG:
            assist.code_wrong_tries += 1
            assist.save(update_fields=["code_wrong_tries"])
            left = rules.tries_left(assist.code_wrong_tries)
            message += f"，还可再试 {left} 次" if left else "，已锁定，请重新发送验证码"
        refusal = InvalidInput(message, {"fields": {"code": message}})
    raise refusal


def signature_problem(data: bytes) -> str:
    """Why this is not a drawn signature ("" when it is): a PNG with some ink on it."""
    if not data:
        return "请申请人在签名板上签名"
    if len(data) > MAX_SIGNATURE_BYTES or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "签名应为 PNG 图片（不超过 2 MB）"
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return "签名图片无法读取，请重新签名"
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    if alpha.getextrema()[0] == 255:  # opaque: ink is what is darker than the paper
        ink = rgba.convert("L").point(lambda v: 255 if v < 128 else 0)
    else:
        ink = alpha.point(lambda v: 255 if v > 0 else 0)
    if ink.histogram()[255] < MIN_INK_PIXELS:
        return "签名板上没有签名，请申请人签名后再提交"
    return ""


def confirm_with_signature(actor: User, assist_id, png: bytes) -> Case:
    """The signature drawn on the tablet: kept encrypted, then the case is filed."""
    problem = signature_problem(png)
    if problem:
        raise InvalidInput(problem, {"fields": {"signature": problem}})
    with transaction.atomic():
        assist = _open_for_consent(actor, assist_id)
        digest, name = uploads.put(png)  # before the row: a crash leaves only a file
        assist.signature_path, assist.signature_sha256 = name, digest
        return _file(actor, assist, "signature")


def _file(actor: User, assist: AssistedFiling, consent: str) -> Case:
    now = timezone.now()
    case = file_held(
        actor,
        assist,
        assist.citizen,
        assist.window,
        key=f"assist-{assist.public_id}",
        consent=consent,
        consented_at=now,
    )
    assist.state, assist.case, assist.filed_at = "filed", case, now
    assist.save()
    return case


def signature_png(assist: AssistedFiling) -> bytes:
    return uploads.get(assist.signature_path)
