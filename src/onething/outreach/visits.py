"""上门办: an elderly, disabled or key-enterprise applicant (or a clerk for them) asks
for a visit; a supervisor of the jurisdiction schedules it (day, time, the visiting
clerk); the visiting clerk checks identity, photographs the materials, fills in the one
form and accepts the case on site — filed with channel ``visit`` and accepted by the
window's own `accept`. requested → scheduled → done / cancelled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.cases import materials, uploads
from onething.cases.base import notify_users
from onething.cases.models import Case, Evidence
from onething.cases.window import accept
from onething.catalog.services import current_catalog, guide_of
from onething.core.access import may_supervise, reach_of, visits_visible_to
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.core.roles import Role
from onething.intake import files
from onething.outreach import rules
from onething.outreach.holding import file_held, hold_form, package_name
from onething.outreach.models import HomeVisit, VisitEvent, VisitPhoto


@dataclass(frozen=True, slots=True)
class VisitRequest:
    package_id: str
    place: str
    address: str
    reason: str
    reason_note: str = ""
    preferred_dates: Sequence[date] = field(default_factory=tuple)
    phone: str = ""


def _event(visit: HomeVisit, action: str, actor: User, note: str = "") -> None:
    VisitEvent.objects.create(visit=visit, action=action, actor=actor, note=note[:300])


def _request_problems(asked: VisitRequest, today: date) -> dict[str, str]:
    problems = {}
    current = current_catalog()
    counties = current.catalog.jurisdictions if current else {}
    if asked.place not in counties or counties[asked.place].level != "county":
        problems["place"] = "请选择所在县（市、区）"
    if len(asked.address.strip()) < 5:
        problems["address"] = "请填写详细上门地址"
    if reason := rules.reason_problem(asked.reason, asked.reason_note):
        problems["reason"] = reason
    if not asked.preferred_dates:
        problems["preferred_dates"] = "请至少选择一个希望上门的日期"
    elif any(day < today for day in asked.preferred_dates):
        problems["preferred_dates"] = "希望日期不能早于今天"
    elif len(asked.preferred_dates) > rules.MAX_PREFERRED_DATES:
        problems["preferred_dates"] = f"希望日期最多 {rules.MAX_PREFERRED_DATES} 个"
    return problems


def request_visit(actor: User, asked: VisitRequest, applicant: User | None = None) -> HomeVisit:
    """An applicant asks for a visit for themself; a clerk asks for an applicant of their
    jurisdiction."""
    if actor.role == Role.APPLICANT:
        if applicant is not None and applicant.pk != actor.pk:
            raise Forbidden("申请人只能为自己申请上门办")
        applicant = actor
    elif actor.role == Role.CLERK:
        if applicant is None or applicant.role != Role.APPLICANT:
            raise InvalidInput("请先查找申请人")
        if not reach_of(actor).covers(asked.place):
            raise Forbidden("只能为本辖区的申请人申请上门办")
    else:
        raise Forbidden("只有申请人或综合窗口工作人员可以申请上门办")
    name = package_name(asked.package_id)
    problems = _request_problems(asked, timezone.localdate())
    if problems:
        raise InvalidInput("上门办申请有误：" + "；".join(problems.values()), {"fields": problems})
    with transaction.atomic():
        visit = HomeVisit.objects.create(
            applicant=applicant,
            requested_by=actor,
            jurisdiction=asked.place,
            place=asked.place,
            package_id=asked.package_id,
            package_name=name,
            address=asked.address.strip()[:300],
            contact_phone=(asked.phone or applicant.phone or "").strip()[:20],
            reason=asked.reason,
            reason_note=asked.reason_note.strip()[:300],
            preferred_dates=sorted({d.isoformat() for d in asked.preferred_dates}),
        )
        _event(visit, "request", actor, visit.reason_label)
        return visit


def open_visit(actor: User, visit_id, lock: bool = False) -> HomeVisit:
    rows = visits_visible_to(actor)
    if lock:
        rows = rows.select_for_update(of=("self",))  # not the joined accounts
    visit = rows.filter(public_id=visit_id).select_related("applicant", "visitor").first()
    if visit is None:
        raise NotFound("没有找到这个上门办申请")
    return visit


def _step(visit: HomeVisit, action: str) -> None:
    try:
        visit.state = rules.visit_step(visit.state, action).value
    except rules.VisitRefused as refused:
        raise Conflict(str(refused)) from None
    visit.version += 1


def visitors_for(visit: HomeVisit):
    """The clerks who may be sent: window clerks whose jurisdiction covers the visit's."""
    clerks = User.objects.filter(role=Role.CLERK, is_active=True).exclude(jurisdiction="")
    return [c for c in clerks.order_by("username") if reach_of(c).covers(visit.jurisdiction)]


def schedule_visit(actor: User, visit_id, day: date, at: time, visitor_id: int) -> HomeVisit:
    """A supervisor of the jurisdiction sets the day, the time and the visiting clerk."""
    with transaction.atomic():
        visit = open_visit(actor, visit_id, lock=True)
        if not may_supervise(actor, visit.jurisdiction):
            raise Forbidden("只有本辖区的监督人员可以安排上门")
        if day < timezone.localdate():
            raise InvalidInput("上门日期不能早于今天", {"fields": {"day": "上门日期不能早于今天"}})
        visitor = next((c for c in visitors_for(visit) if c.pk == visitor_id), None)
        if visitor is None:
            message = "请选择本辖区的综合窗口工作人员上门"
            raise InvalidInput(message, {"fields": {"visitor": message}})
        _step(visit, "schedule")
        visit.visit_date, visit.visit_time = day, at
        visit.visitor, visit.scheduled_by = visitor, actor
        visit.save()
        when = f"{day:%Y年%m月%d日} {at:%H:%M}"
        _event(visit, "schedule", actor, f"{when} · {visitor.full_name}")
        notify_users(
            [visit.applicant_id, visitor.pk],
            "visit_scheduled",
            f"上门办已安排：{visit.package_name}",
            f"工作人员 {visitor.full_name} 将于 {when} 上门受理“{visit.package_name}”，"
            "请备好身份证和相关材料原件。",
        )
        return visit


def _visitors_visit(actor: User, visit_id) -> HomeVisit:
    visit = open_visit(actor, visit_id, lock=True)
    if visit.visitor_id != actor.pk:
        raise Forbidden("只有安排上门的工作人员可以现场办理")
    if visit.state != rules.VisitState.SCHEDULED:
        raise Conflict(f"上门办申请当前为“{visit.state_label}”，不能现场办理")
    return visit


def check_identity(actor: User, visit_id, id_number: str, method: str) -> HomeVisit:
    """The ID number read from the card (or typed from it) is the applicant's."""
    if method not in rules.IDENTITY_METHODS:
        raise InvalidInput("请选择身份核验方式", {"fields": {"method": "请选择核验方式"}})
    with transaction.atomic():
        visit = _visitors_visit(actor, visit_id)
        if not rules.same_id_number(id_number, visit.applicant.id_number):
            message = "身份证号码与申请人不一致，不能代为办理"
            raise InvalidInput(message, {"fields": {"id_number": message}})
        visit.identity_method = method
        visit.identity_checked_at, visit.identity_checked_by = timezone.now(), actor
        visit.save()
        _event(visit, "identity", actor, rules.IDENTITY_METHODS[method])
        return visit


def save_visit_form(
    actor: User, visit_id, answers: Mapping, place: str, form: Mapping[str, str]
) -> HomeVisit:
    with transaction.atomic():
        visit = _visitors_visit(actor, visit_id)
        hold_form(visit, answers, place, form, visit.jurisdiction)
        visit.save()
        return visit


def add_photo(actor: User, visit_id, material_id: str, name: str, data: bytes) -> VisitPhoto:
    """A photo of a material taken on site: JPEG or PNG, kept encrypted privately."""
    try:
        facts = files.examine(data)
    except files.UploadRefused as refused:
        raise InvalidInput(str(refused)) from None
    with transaction.atomic():
        visit = _visitors_visit(actor, visit_id)
        material = dict(material_choices(visit)).get(material_id)
        if material is None:
            raise InvalidInput("请选择照片所拍的材料", {"fields": {"material": "请选择材料"}})
        digest, path = uploads.put(data)
        photo = VisitPhoto.objects.create(
            visit=visit,
            material_id=material_id,
            material_name=material,
            file_path=path,
            sha256=digest,
            size=facts.size,
            taken_by=actor,
        )
        _event(visit, "photo", actor, material)
        return photo


def material_choices(visit: HomeVisit) -> list[tuple[str, str]]:
    """The materials the applicant provides for the package (as answered so far)."""
    current = current_catalog()
    if current is None or visit.package_id not in current.catalog.packages:
        return []
    guide = guide_of(current.digest, visit.package_id, visit.answers or {})
    return [(m.id, m.name) for m in guide.materials if m.asked_of_applicant]


def accept_on_site(actor: User, visit_id) -> Case:
    """File the case for the applicant (channel 上门办), attach the photos as its
    materials and accept it by the window's service; refused without the identity
    check or the form."""
    with transaction.atomic():
        visit = _visitors_visit(actor, visit_id)
        if visit.identity_checked_at is None:
            raise Conflict("尚未核验申请人身份，不能现场受理：请先核对身份证")
        if not visit.form_ready:
            raise Conflict("请先为申请人填好一表，再现场受理")
        case = file_held(
            actor, visit, visit.applicant, visit.jurisdiction, f"visit-{visit.public_id}",
            channel="visit",
        )  # fmt: skip
        _attach_photos(actor, visit, case)
        case = accept(actor, case.public_id)
        _step(visit, "accept")
        visit.case, visit.done_at = case, timezone.now()
        visit.save()
        _event(visit, "accept", actor, case.number or "")
        return case


def _attach_photos(actor: User, visit: HomeVisit, case: Case) -> None:
    evidence = {e.material_id: e for e in Evidence.objects.filter(case=case)}
    for photo in visit.photos.all():
        target = evidence.get(photo.material_id)
        if target is None or target.origin != "applicant" or target.trust:
            continue  # no longer asked for, or already provided (a certificate held)
        data = uploads.get(photo.file_path)
        name = f"{photo.material_name}（上门拍照）.jpg"
        materials.upload_evidence(actor, case.public_id, target.pk, name, data)


def cancel_visit(actor: User, visit_id, reason: str) -> HomeVisit:
    """The applicant (their own) or a supervisor of the jurisdiction cancels."""
    with transaction.atomic():
        visit = open_visit(actor, visit_id, lock=True)
        own = actor.role == Role.APPLICANT and visit.applicant_id == actor.pk
        if not own and not may_supervise(actor, visit.jurisdiction):
            raise Forbidden("只有申请人本人或本辖区监督人员可以取消上门办")
        if not own and not reason.strip():
            raise InvalidInput("取消上门办须写明原因", {"fields": {"reason": "请写明原因"}})
        _step(visit, "cancel")
        visit.cancel_reason = reason.strip()[:300]
        visit.save()
        _event(visit, "cancel", actor, visit.cancel_reason)
        if not own:
            notify_users(
                [visit.applicant_id],
                "visit_cancelled",
                f"上门办已取消：{visit.package_name}",
                f"原因：{visit.cancel_reason}",
            )
        return visit
