"""联合验收 through the services: a charging station's 竣工联合验收 inspected on site by
three departments, with findings and photos (stored encrypted by content); the item
passes when every department passes it, or gets a rectification (整改, the case engine's
补正) due in working days; bad findings, bad photos and departments not taking part are
refused with nothing written; one joint report PDF."""

from datetime import date

import pytest

from onething.calendar.loaded import current_calendar
from onething.cases import uploads
from onething.cases.lifecycle import TaskState
from onething.cases.models import Notice
from onething.core.access import inspections_visible_to
from onething.core.errors import Conflict, Forbidden, InvalidInput
from onething.linked import inspections
from onething.linked.inspections import Findings, InspectionPlan
from onething.linked.models import InspectedItem, InspectionPhoto, InspectionSeat, JointInspection
from onething.linked.report import render_inspection_pdf
from tests.factories import charging_station_at_acceptance, user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
DEPARTMENTS = ("housing", "natural_resources", "power_supply")


def scheduled(departments=DEPARTMENTS):
    case = charging_station_at_acceptance()
    task = case.tasks.get(item_id="completion_joint_acceptance")
    plan = InspectionPlan(
        "阳泉市郊区荫营镇充电站", date(2026, 12, 10), list(departments), [task.pk]
    )
    return inspections.schedule_inspection(user("clerk_jiaoqu"), plan), task


def test_every_department_passes_and_the_item_is_approved_with_one_report(demo):
    inspection, task = scheduled()
    inspections.record_findings(
        user("r_housing_jiaoqu"),
        inspection.public_id,
        Findings(True, "主体结构合格", photos=[PNG, JPEG]),
    )
    inspections.record_findings(
        user("r_natural_resources_jiaoqu"), inspection.public_id, Findings(True)
    )
    task.refresh_from_db()
    assert task.state == TaskState.WORKABLE  # one department still to inspect
    inspections.record_findings(user("r_power_supply_jiaoqu"), inspection.public_id, Findings(True))
    inspection.refresh_from_db()
    task.refresh_from_db()
    assert inspection.state == JointInspection.CONCLUDED and task.state == TaskState.APPROVED
    assert InspectedItem.objects.get().outcome == InspectedItem.PASSED
    photo = InspectionPhoto.objects.order_by("pk").first()
    assert photo.kind == "png" and uploads.get(photo.stored_name) == PNG
    pdf = render_inspection_pdf(inspection)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    for who in ("clerk_jiaoqu", "gridco", "r_power_supply_jiaoqu"):
        assert inspections_visible_to(user(who)).filter(pk=inspection.pk).exists()
    for who in ("yaofang", "clerk_lishi"):
        assert not inspections_visible_to(user(who)).filter(pk=inspection.pk).exists()


def test_a_failure_asks_for_rectification_by_a_working_day(demo):
    inspection, task = scheduled(["housing", "natural_resources"])
    inspections.record_findings(
        user("r_natural_resources_jiaoqu"),
        inspection.public_id,
        Findings(False, "站房退让道路红线不足", rectify_days=10),
    )
    inspections.record_findings(user("r_housing_jiaoqu"), inspection.public_id, Findings(True))
    item = InspectedItem.objects.get()
    assert item.outcome == InspectedItem.RECTIFY
    expected = current_calendar().add_working_days(item.inspection.concluded_at.date(), 10)
    assert item.rectify_by == expected
    task.refresh_from_db()
    assert task.state == TaskState.SUPPLEMENT
    notice = Notice.objects.get(task=task, kind="supplement")
    assert "站房退让道路红线不足" in notice.lines[0] and "10 个工作日" in notice.lines[-1]


@pytest.mark.parametrize(
    ("findings", "message"),
    [
        (Findings(False), "不合格须写明问题"),
        (Findings(False, "问题", rectify_days=0), "整改期限"),
        (Findings(True, photos=[b"%PDF-1.7 not a photo"]), "只接受 JPG 或 PNG"),
        (Findings(True, photos=[b"MZ\x90\x00"]), "第 1 张照片"),
        (Findings(True, photos=[PNG + b"\x00" * 5 * 1024 * 1024]), "文件太大"),
        (Findings(True, photos=[PNG] * 10), "最多上传 9 张"),
    ],
)
def test_bad_findings_are_refused_with_nothing_written(demo, findings, message):
    inspection, _task = scheduled()
    with pytest.raises(InvalidInput, match=message):
        inspections.record_findings(user("r_housing_jiaoqu"), inspection.public_id, findings)
    assert not InspectionPhoto.objects.exists()
    assert not InspectionSeat.objects.filter(passed__isnull=False).exists()


def test_who_may_record_and_once(demo):
    inspection, _task = scheduled(["housing"])
    with pytest.raises(Forbidden, match="不是本次联合验收的参加部门"):
        inspections.record_findings(user("r_approval_jiaoqu"), inspection.public_id, Findings(True))
    with pytest.raises(Forbidden):
        inspections.record_findings(user("clerk_jiaoqu"), inspection.public_id, Findings(True))
    assert not InspectionSeat.objects.filter(passed__isnull=False).exists()
    inspections.record_findings(user("r_housing_jiaoqu"), inspection.public_id, Findings(True))
    with pytest.raises(Conflict):
        inspections.record_findings(user("r_housing_jiaoqu"), inspection.public_id, Findings(True))


@pytest.mark.parametrize(
    ("departments", "site", "message"),
    [
        (["power_supply"], "站", "审批部门须参加验收"),
        ([], "站", "参加验收的部门"),
        (["housing"], " ", "验收地点"),
    ],
)
def test_bad_inspections_are_refused_with_nothing_written(demo, departments, site, message):
    case = charging_station_at_acceptance()
    task = case.tasks.get(item_id="completion_joint_acceptance")
    plan = InspectionPlan(site, date(2026, 12, 10), departments, [task.pk])
    with pytest.raises(InvalidInput, match=message):
        inspections.schedule_inspection(user("clerk_jiaoqu"), plan)
    with pytest.raises(Forbidden):
        inspections.schedule_inspection(user("gridco"), plan)
    assert not JointInspection.objects.exists() and not InspectionSeat.objects.exists()
