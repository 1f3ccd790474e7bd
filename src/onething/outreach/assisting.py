"""帮办代办: at the window or by phone, a clerk (or an agent, for those who authorised
them) finds the citizen by ID number — registering an applicant account when there is
none — and fills in the one form for them; the citizen consents (consent.py) and the
case is filed with them as applicant and the clerk as `filed_by`."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import Authorisation, User
from onething.core.access import agent_may_act_for, assists_visible_to, reach_of
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.core.roles import ApplicantKind, Role
from onething.intake.validation import check_phone
from onething.outreach.holding import checked_id_number, hold_form, package_name, window_of
from onething.outreach.models import ASSIST_WAYS, AssistedFiling
from onething.privacy.crypto import lookup_digest

ASSISTING = (Role.CLERK, Role.AGENT)


def _require_assistant(actor: User) -> None:
    if actor.role not in ASSISTING:
        raise Forbidden("只有综合窗口工作人员或帮办代办员可以帮办代办")
    if not actor.jurisdiction:
        raise Forbidden("您的账户没有所属行政区划，不能帮办代办")


def find_citizen(actor: User, id_number: str) -> User | None:
    """The applicant account with this ID number (an agent finds only those who
    authorised them); None when there is none. An invalid number is refused."""
    _require_assistant(actor)
    number = checked_id_number(id_number, timezone.localdate())
    found = User.objects.filter(
        id_number_digest=lookup_digest(number), role=Role.APPLICANT, is_active=True
    ).first()
    if found is not None and actor.role == Role.AGENT:
        authorised = Authorisation.objects.filter(
            agent=actor, principal=found, revoked_at__isnull=True
        ).exists()
        return found if authorised else None
    return found


def register_citizen(actor: User, full_name: str, id_number: str, phone: str) -> User:
    """A window clerk registers an applicant account for a citizen who has none (name,
    ID number, mobile phone for the consent code); they set a password later."""
    if actor.role != Role.CLERK or not actor.jurisdiction:
        raise Forbidden("只有综合窗口工作人员可以为申请人登记账户")
    full_name = (full_name or "").strip()
    fields = {}
    if not full_name or len(full_name) > 50:
        fields["full_name"] = "请填写申请人姓名（不超过 50 个字）"
    try:
        number = checked_id_number(id_number, timezone.localdate())
    except InvalidInput as exc:
        fields["id_number"] = exc.message
        number = ""
    problem, mobile = check_phone(phone or "")
    if problem or len(mobile) != 11:
        fields["phone"] = "请填写申请人本人的 11 位手机号码（接收验证码）"
    if fields:
        raise InvalidInput("登记信息有误：" + "；".join(fields.values()), {"fields": fields})
    digest = lookup_digest(number)
    with transaction.atomic():
        if User.objects.filter(id_number_digest=digest).exists():
            raise Conflict("该身份证号码已有账户，请直接查找")
        citizen = User(
            username=f"p{digest[:15]}",
            role=Role.APPLICANT,
            full_name=full_name,
            applicant_kind=ApplicantKind.PERSON.value,
            jurisdiction=actor.jurisdiction,
            id_number=number,
            phone=mobile,
        )
        citizen.set_unusable_password()  # set later through the security administrator
        citizen.save()
        return citizen


def start_assist(actor: User, citizen: User, package_id: str, way: str = "window"):
    """Begin filling in the one form of a package for the citizen."""
    _require_assistant(actor)
    if citizen.role != Role.APPLICANT:
        raise InvalidInput("帮办代办只能为申请人账户填报")
    if way not in dict(ASSIST_WAYS):
        raise InvalidInput("请选择帮办方式（窗口或电话）")
    name = package_name(package_id)
    if actor.role == Role.AGENT and not agent_may_act_for(actor, citizen.pk, package_id):
        raise Forbidden(f"没有该委托人对“{name}”的有效代办授权")
    place = citizen.jurisdiction or actor.jurisdiction
    with transaction.atomic():
        return AssistedFiling.objects.create(
            staff=actor,
            citizen=citizen,
            package_id=package_id,
            package_name=name,
            place=place,
            window=window_of(actor, place),
            way=way,
        )


def open_assist(actor: User, assist_id, lock: bool = False) -> AssistedFiling:
    """The assisted filing, for the one who filled it in or a clerk of its window."""
    rows = assists_visible_to(actor)
    if lock:
        rows = rows.select_for_update(of=("self",))  # not the joined accounts
    found = rows.filter(public_id=assist_id).select_related("citizen", "staff").first()
    if found is None:
        raise NotFound("没有找到这份帮办代办")
    handles = found.staff_id == actor.pk or (
        actor.role == Role.CLERK and reach_of(actor).covers(found.window)
    )
    if not handles:
        raise Forbidden("只有帮办人或该窗口的工作人员可以办理")
    return found


def save_assist_form(
    actor: User, assist_id, answers: Mapping, place: str, form: Mapping[str, str]
) -> AssistedFiling:
    """Keep the one form as filled in, after the same checks as a submission."""
    with transaction.atomic():
        assist = open_assist(actor, assist_id, lock=True)
        if assist.state != "open":
            raise Conflict("这份帮办代办已经提交或放弃，不能再修改")
        hold_form(assist, answers, place, form, window_of(assist.staff, place))
        assist.window = window_of(assist.staff, place)
        assist.save()
        return assist


def cancel_assist(actor: User, assist_id) -> AssistedFiling:
    with transaction.atomic():
        assist = open_assist(actor, assist_id, lock=True)
        if assist.state != "open":
            raise Conflict("这份帮办代办已经提交或放弃")
        assist.state = "cancelled"
        assist.save(update_fields=["state"])
        return assist
