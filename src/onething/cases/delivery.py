"""一次办成: the one handover of every result, delivered as the applicant chose (送达):
窗口领取 at the accepting window, 邮寄送达 (an address; the window records the carrier and
tracking number, then that it was signed for) or 电子送达 to the licence library.

The window hands over only when every material is verified (核验) or the reason it was
not is recorded, so nothing handed in stays unchecked without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.cases.base import (
    case_step,
    check_version,
    locked_case,
    notify,
    record,
    require,
    save_case,
)
from onething.cases.lifecycle import CaseAction, CaseState, TaskState
from onething.cases.materials import unchecked_materials
from onething.cases.models import DELIVERY_LABELS, Case, Delivery
from onething.cases.window import clerk_case
from onething.core.access import may_act_on_case, require_may_act
from onething.core.errors import Conflict, InvalidInput
from onething.core.events import CaseHandedOver, publish
from onething.intake.validation import check_phone
from onething.licences.models import Licence

CHOOSABLE = (
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.AWAITING_COMPLETION,
    CaseState.IN_PROGRESS,
    CaseState.READY,
)
CARRIERS = ("中国邮政EMS", "顺丰速运", "京东物流", "其他")


@dataclass(frozen=True, slots=True)
class DeliveryChoice:
    """How the applicant wants the results: a method, and for the post where to."""

    method: str
    recipient_name: str = ""
    recipient_phone: str = ""
    address: str = ""


def _checked(choice: DeliveryChoice) -> DeliveryChoice:
    if choice.method not in DELIVERY_LABELS:
        raise InvalidInput("请选择领取方式", {"fields": {"method": "请选择领取方式"}})
    if choice.method != "post":
        return DeliveryChoice(choice.method)
    problems = {}
    name = choice.recipient_name.strip()
    if not name:
        problems["recipient_name"] = "收件人：必填"
    phone_problem, phone = check_phone(choice.recipient_phone.strip())
    if phone_problem:
        problems["recipient_phone"] = f"收件人电话：{phone_problem}"
    address = choice.address.strip()
    if len(address) < 8:
        problems["address"] = "邮寄地址：请填写省、市、县（区）、街道和门牌号"
    if problems:
        raise InvalidInput("邮寄信息不完整", {"fields": problems})
    return DeliveryChoice("post", name[:50], phone, address[:200])


def choose_delivery(actor: User, case_id, choice: DeliveryChoice) -> Delivery:
    """The applicant (or their agent) chooses how the results reach them, any time
    before the handover."""
    choice = _checked(choice)
    with transaction.atomic():
        case = locked_case(case_id)
        what = "只有申请人或其代办人可以选择领取方式"
        require(actor.pk in (case.applicant_id, case.agent_id), what)
        require_may_act(actor, case, what)  # an agent: only under the authorisation
        if case.state not in CHOOSABLE:
            raise Conflict("办件已办结或终止，不能再更改领取方式")
        delivery, _created = Delivery.objects.update_or_create(
            case=case,
            defaults={
                "method": choice.method,
                "recipient_name": choice.recipient_name,
                "recipient_phone": choice.recipient_phone,
                "address": choice.address,
            },
        )
        record(case, "choose_delivery", actor, case.state, case.state, note=delivery.method_label)
        return delivery


@dataclass(frozen=True, slots=True)
class Handover:
    """What the window records when it hands over: by post, the carrier and number."""

    carrier: str = ""
    tracking_number: str = ""


def hand_over(
    actor: User, case_id, version: int | None = None, handover: Handover | None = None
) -> Case:
    """一次办成: every result handed over at once, as the applicant chose."""
    handover = handover or Handover()
    with transaction.atomic():
        case = clerk_case(actor, case_id, version)
        if case.state == CaseState.READY:
            waiting = unchecked_materials(case)
            if waiting:
                names = "、".join(f"“{e.material_name}”" for e in waiting)
                raise Conflict(
                    f"出件前请逐项核验材料：{names}尚未核验原件，也未记录未核验的理由",
                    {"materials": [e.pk for e in waiting]},
                )
        before, after = case_step(case, CaseAction.HAND_OVER, actor)
        now = timezone.now()
        delivery = Delivery.objects.filter(case=case).first() or Delivery(
            case=case, method="window"
        )
        _dispatch(delivery, handover, now)
        case.completed_at = now
        save_case(case, "completed_at")
        record(
            case,
            CaseAction.HAND_OVER,
            actor,
            before,
            after,
            note=_handover_note(delivery),
            data={"delivery": delivery.method},
        )
        if delivery.method != "window":
            notify(
                case, "delivered", f"“{case.package_name}”的结果已送出", _handover_note(delivery)
            )
        publish(CaseHandedOver(case.pk, delivery.method, actor.pk))
        return case


def _dispatch(delivery: Delivery, handover: Handover, now) -> None:
    if delivery.method == "post":
        carrier, number = handover.carrier.strip(), handover.tracking_number.strip()
        problems = {}
        if not carrier:
            problems["carrier"] = "承运单位：必填"
        if not number or len(number) > 40:
            problems["tracking_number"] = "运单号：必填，不超过 40 个字符"
        if problems:
            raise InvalidInput("邮寄送达须填写承运单位和运单号", {"fields": problems})
        delivery.carrier, delivery.tracking_number = carrier[:40], number
    else:  # handed over at the window, or put in the licence library: received now
        delivery.signed_at = now
        delivery.signed_note = (
            "窗口当面领取" if delivery.method == "window" else "已送达“我的证照”电子证照库"
        )
    delivery.dispatched_at = now
    delivery.save()


def _handover_note(delivery: Delivery) -> str:
    if delivery.method == "post":
        return f"邮寄送达：{delivery.carrier} 运单号 {delivery.tracking_number}"
    return delivery.signed_note


def confirm_signed(actor: User, case_id, note: str = "", version: int | None = None) -> Delivery:
    """A posted result was signed for (the carrier's record, or the applicant's word)."""
    with transaction.atomic():
        case = locked_case(case_id)
        own = actor.pk in (case.applicant_id, case.agent_id)
        require(own or may_act_on_case(actor, case), "无权确认签收")
        check_version(case.version, version, "办件")
        delivery = Delivery.objects.filter(case=case).first()
        if delivery is None or delivery.method != "post" or delivery.dispatched_at is None:
            raise Conflict("该办件的结果没有邮寄，无需确认签收")
        if delivery.signed_at is not None:
            raise Conflict("已经确认签收")
        delivery.signed_at = timezone.now()
        delivery.signed_note = (note.strip() or ("申请人确认收到" if own else "已签收"))[:100]
        delivery.save()
        record(case, "delivery_signed", actor, case.state, case.state, note=delivery.signed_note)
        return delivery


NOT_AT_A_KIOSK = "自助领取只能在政务服务大厅的自助终端上办理"


def collect_at_kiosk(actor: User, case_id, kiosk_code: str, version: int | None = None) -> Case:
    """自助领取: the applicant, signed in at a kiosk, collects results that are all
    electronic certificates — in the library already, printed there. The case is 办结 as
    a handover is; nothing is left for a window (every material verified)."""
    with transaction.atomic():
        case = locked_case(case_id)
        what = "只有申请人或其代办人可以领取办理结果"
        require(actor.pk in (case.applicant_id, case.agent_id), what)
        require_may_act(actor, case, what)
        check_version(case.version, version, "办件")
        if not kiosk_code:
            raise Conflict(NOT_AT_A_KIOSK)
        if case.state == CaseState.READY:
            _only_certificates(case)
        before, after = case_step(case, CaseAction.SELF_COLLECT, actor)
        now = timezone.now()
        delivery = Delivery.objects.filter(case=case).first() or Delivery(case=case)
        delivery.method = "electronic"  # the certificates are in 我的证照; printed here
        delivery.dispatched_at = delivery.signed_at = now
        delivery.signed_note = f"自助终端 {kiosk_code} 自助领取并打印"
        delivery.save()
        case.completed_at = now
        save_case(case, "completed_at")
        note = delivery.signed_note
        record(case, CaseAction.SELF_COLLECT, actor, before, after, note=note)
        return case


def _only_certificates(case: Case) -> None:
    """Refuse (409) unless every item's result is a certificate already issued and
    every material is verified."""
    tasks = list(case.tasks.only("pk", "state", "item_name"))
    issued = set(Licence.objects.filter(case_id=case.pk).values_list("task_id", flat=True))
    paper = [t.item_name for t in tasks if t.state != TaskState.APPROVED or t.pk not in issued]
    if paper:
        names = "、".join(f"“{name}”" for name in paper)
        raise Conflict(f"{names}的结果不是电子证照，请到窗口领取")
    if unchecked_materials(case):
        raise Conflict("还有材料未核验原件，请到窗口领取")
