"""复验 after a joint inspection's rectification (整改): the department that found faults
re-inspects once the company has reported the rectification done — still failing gives a
new period in working days, passed lets the item pass and the joint report say so;
re-inspections before a rectification was asked, by a department not taking part or one
that found nothing wrong, are refused with nothing written; overdue rectifications are
shown; the photos are served to those who may see the inspection, from the encrypted
store, never cached."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from onething.calendar.loaded import current_calendar
from onething.cases import services as case_services
from onething.cases.lifecycle import TaskState
from onething.core.errors import Conflict, Forbidden, NotFound
from onething.linked import inspections, reinspections
from onething.linked.inspections import Findings, InspectionPlan
from onething.linked.models import InspectedItem, InspectionPhoto, Reinspection
from onething.linked.report import report_context
from tests.factories import as_user, charging_station_at_acceptance, text_of, user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def concluded(housing: Findings):
    """A charging station's 竣工联合验收 by 住建 and 自然资源, 住建's findings as given."""
    case = charging_station_at_acceptance()
    task = case.tasks.get(item_id="completion_joint_acceptance")
    plan = InspectionPlan(
        "阳泉市郊区荫营镇充电站", date(2026, 12, 10), ["housing", "natural_resources"], [task.pk]
    )
    inspection = inspections.schedule_inspection(user("clerk_jiaoqu"), plan)
    inspections.record_findings(user("r_housing_jiaoqu"), inspection.public_id, housing)
    inspections.record_findings(
        user("r_natural_resources_jiaoqu"), inspection.public_id, Findings(True)
    )
    inspection.refresh_from_db()
    return inspection, task


def failing() -> Findings:
    return Findings(False, "消防通道宽度不足", rectify_days=5, photos=[PNG])


def report_text(inspection) -> str:
    return render_to_string("linked/inspection_report_document.html", report_context(inspection))


def test_still_failing_then_passed(demo):
    inspection, task = concluded(failing())
    housing, company = user("r_housing_jiaoqu"), user("gridco")
    with pytest.raises(Conflict, match="尚未报告整改完成"):
        reinspections.record_reinspection(housing, inspection.public_id, Findings(True))
    assert not Reinspection.objects.exists()

    case_services.provide_supplement(company, task.pk, "已拓宽消防通道至 4 米")
    again = Findings(False, "通道仍有堆放物", rectify_days=3, photos=[JPEG])
    reinspections.record_reinspection(housing, inspection.public_id, again)
    task.refresh_from_db()
    item = InspectedItem.objects.get()
    assert task.state == TaskState.SUPPLEMENT and item.outcome == InspectedItem.RECTIFY
    assert item.rectify_by == current_calendar().add_working_days(timezone.localdate(), 3)
    assert InspectionPhoto.objects.filter(reinspection__isnull=False).count() == 1

    case_services.provide_supplement(company, task.pk, "堆放物已清理")
    reinspections.record_reinspection(housing, inspection.public_id, Findings(True, "整改到位"))
    task.refresh_from_db()
    item.refresh_from_db()
    assert task.state == TaskState.APPROVED and item.outcome == InspectedItem.PASSED
    text = report_text(inspection)
    assert "整改后复验合格" in text and "通道仍有堆放物" in text and "整改到位" in text
    with pytest.raises(Conflict, match="无需复验"):
        reinspections.record_reinspection(housing, inspection.public_id, Findings(True))


def test_refused_reinspections_write_nothing(demo):
    passed, _ = concluded(Findings(True))
    with pytest.raises(Conflict, match="未要求整改"):
        reinspections.record_reinspection(
            user("r_housing_jiaoqu"), passed.public_id, Findings(True)
        )
    inspection, task = concluded(failing())
    case_services.provide_supplement(user("gridco"), task.pk, "已整改")
    with pytest.raises(Forbidden, match="不是本次联合验收的参加部门"):
        reinspections.record_reinspection(
            user("r_approval_jiaoqu"), inspection.public_id, Findings(True)
        )
    with pytest.raises(Conflict, match="无需复验"):  # found nothing wrong
        reinspections.record_reinspection(
            user("r_natural_resources_jiaoqu"), inspection.public_id, Findings(True)
        )
    with pytest.raises(Forbidden):
        reinspections.record_reinspection(user("gridco"), inspection.public_id, Findings(True))
    with pytest.raises(NotFound):  # the same department elsewhere
        reinspections.record_reinspection(
            user("r_housing_lishi"), inspection.public_id, Findings(True)
        )
    assert not Reinspection.objects.exists()
    task.refresh_from_db()
    assert task.state == TaskState.IN_REVIEW


def test_a_reinspection_before_the_inspection_concluded_is_refused(demo):
    case = charging_station_at_acceptance()
    task = case.tasks.get(item_id="completion_joint_acceptance")
    plan = InspectionPlan("站", date(2026, 12, 10), ["housing"], [task.pk])
    inspection = inspections.schedule_inspection(user("clerk_jiaoqu"), plan)
    with pytest.raises(Conflict, match="尚未出具验收意见"):
        reinspections.record_reinspection(
            user("r_housing_jiaoqu"), inspection.public_id, Findings(True)
        )


def test_overdue_rectifications_and_the_photos_on_the_page(demo, client):
    inspection, _task = concluded(failing())
    item = InspectedItem.objects.get()
    late = reinspections.rectifications(inspection, item.rectify_by + timedelta(days=4))
    assert [r.overdue_days for r in late] == [4]
    assert reinspections.rectifications(inspection)[0].overdue_days == 0
    InspectedItem.objects.filter(pk=item.pk).update(
        rectify_by=timezone.localdate() - timedelta(days=2)
    )
    address = f"/linked/inspections/{inspection.public_id}"
    page = as_user(client, "gridco").get(address)
    assert "已逾期 2 天" in text_of(page) and "已超过整改期限" in text_of(page)
    assert "整改已逾期" in text_of(client.get("/linked/inspections"))
    photo = InspectionPhoto.objects.get()
    url = f"{address}/photos/{photo.pk}"
    assert url in page.content.decode()
    served = client.get(url)
    assert served.status_code == 200 and served.content == PNG
    assert served["Content-Type"] == "image/png" and "no-store" in served["Cache-Control"]
    assert served["X-Content-Type-Options"] == "nosniff"
    assert as_user(client, "r_housing_jiaoqu").get(url).status_code == 200
    assert "复验" in text_of(client.get(address))  # the form for the department that failed it
    for outsider in ("yaofang", "clerk_lishi"):
        assert as_user(client, outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 403)
    other = f"/linked/inspections/{inspection.public_id}/photos/{photo.pk + 1000}"
    assert as_user(client, "gridco").get(other).status_code == 404
