"""联合审批 through the services: a meeting on the items of two grid projects' cases, each
invited department's reviewer records its decision, and the items advance together
through the case engine once every department has decided; bad meetings and decisions
refused with nothing written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onething.cases.lifecycle import TaskState
from onething.cases.models import Action
from onething.core.access import meetings_visible_to
from onething.core.errors import Conflict, Forbidden, InvalidInput
from onething.linked import meetings
from onething.linked.meetings import MeetingPlan
from onething.linked.models import JointMeeting, MeetingSeat
from onething.projects import services as bundles
from tests.factories import grid_bundle_filing, user

pytestmark = pytest.mark.django_db


def land_tasks():
    """The 用地预审 items (自然资源) of two accepted grid projects."""
    bundle, _ = bundles.file_bundle(user("gridco"), grid_bundle_filing(2))
    bundles.accept_bundle(user("clerk_jiaoqu"), bundle.public_id)
    return [
        p.case.tasks.get(item_id="land_preapproval_site_selection")
        for p in bundles.projects_of(bundle)
    ]


def plan(tasks, departments=("natural_resources", "housing"), **changes) -> MeetingPlan:
    values = {
        "subject": "郊区配电网改造项目用地联合审批",
        "starts_at": timezone.now() + timedelta(days=2),
        "venue": "郊区政务服务中心三楼会议室",
        "departments": list(departments),
        "task_ids": [t.pk for t in tasks],
    }
    return MeetingPlan(**{**values, **changes})


def test_every_department_decides_then_the_items_advance_together(demo):
    tasks = land_tasks()
    meeting = meetings.schedule_meeting(user("clerk_jiaoqu"), plan(tasks))
    assert [s.department_name for s in meeting.seats.all()] == ["自然资源局", "住房和城乡建设局"]
    meetings.record_decision(
        user("r_natural_resources_jiaoqu"), meeting.public_id, True, "符合规划"
    )
    for task in tasks:  # one department still to decide: nothing moves
        task.refresh_from_db()
        assert task.state == TaskState.WORKABLE
    meetings.record_decision(user("r_housing_jiaoqu"), meeting.public_id, True)
    meeting.refresh_from_db()
    assert meeting.state == JointMeeting.DECIDED and meeting.decided_at
    for task in tasks:
        task.refresh_from_db()
        assert task.state == TaskState.APPROVED
        assert task.assignee == user("r_natural_resources_jiaoqu")
        assert "联合审批会议" in task.decision_note
        assert Action.objects.filter(task=task, action="approve").count() == 1
    for who in ("clerk_jiaoqu", "gridco", "r_housing_jiaoqu", "r_natural_resources_jiaoqu"):
        assert meetings_visible_to(user(who)).filter(pk=meeting.pk).exists()
    for who in ("yaofang", "clerk_lishi", "r_natural_resources_lishi"):
        assert not meetings_visible_to(user(who)).filter(pk=meeting.pk).exists()


def test_a_rejection_rejects_that_departments_items(demo):
    tasks = land_tasks()
    meeting = meetings.schedule_meeting(user("clerk_jiaoqu"), plan(tasks, ["natural_resources"]))
    with pytest.raises(InvalidInput, match="理由"):
        meetings.record_decision(user("r_natural_resources_jiaoqu"), meeting.public_id, False)
    meetings.record_decision(
        user("r_natural_resources_jiaoqu"), meeting.public_id, False, "占用基本农田"
    )
    for task in tasks:
        task.refresh_from_db()
        assert task.state == TaskState.REJECTED and "占用基本农田" in task.decision_note


def test_a_department_not_invited_is_refused_and_nothing_written(demo):
    tasks = land_tasks()
    meeting = meetings.schedule_meeting(user("clerk_jiaoqu"), plan(tasks))
    with pytest.raises(Forbidden, match="未受邀参加"):
        meetings.record_decision(user("r_approval_jiaoqu"), meeting.public_id, True)
    with pytest.raises(Forbidden, match="审批人员"):
        meetings.record_decision(user("clerk_jiaoqu"), meeting.public_id, True)
    with pytest.raises(Forbidden, match="辖区"):
        meetings.record_decision(user("r_natural_resources_lishi"), meeting.public_id, True)
    assert not MeetingSeat.objects.filter(approve__isnull=False).exists()
    meetings.record_decision(user("r_housing_jiaoqu"), meeting.public_id, True)
    with pytest.raises(Conflict, match="已经记录过"):
        meetings.record_decision(user("r_housing_jiaoqu"), meeting.public_id, False, "改主意")
    assert MeetingSeat.objects.get(department="housing").approve is True


def test_an_item_claimed_by_someone_else_stops_the_meeting_whole(demo):
    from onething.accounts.models import User
    from onething.cases import services

    tasks = land_tasks()
    meeting = meetings.schedule_meeting(user("clerk_jiaoqu"), plan(tasks, ["natural_resources"]))
    other = User.objects.create(
        username="r_nr_2", role="reviewer", department="natural_resources", jurisdiction="140311"
    )
    services.claim(other, tasks[1].pk)
    with pytest.raises(Exception, match="无法按会议决定办理"):
        meetings.record_decision(user("r_natural_resources_jiaoqu"), meeting.public_id, True)
    tasks[0].refresh_from_db()
    assert tasks[0].state == TaskState.WORKABLE and tasks[0].assignee is None
    assert not MeetingSeat.objects.filter(approve__isnull=False).exists()
    assert JointMeeting.objects.get().state == JointMeeting.SCHEDULED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"departments": ["housing"]}, "未受邀参会"),
        ({"departments": []}, "请选择参会部门"),
        ({"departments": ["nowhere"]}, "没有部门 nowhere"),
        ({"subject": " "}, "会议议题"),
        ({"venue": ""}, "会议地点"),
        ({"task_ids": []}, "审议事项"),
    ],
)
def test_bad_meetings_are_refused_with_nothing_written(demo, changes, message):
    tasks = land_tasks()
    with pytest.raises(InvalidInput, match=message):
        meetings.schedule_meeting(user("clerk_jiaoqu"), plan(tasks, **changes))
    assert not JointMeeting.objects.exists() and not MeetingSeat.objects.exists()


def test_who_may_schedule_and_which_items(demo):
    tasks = land_tasks()
    with pytest.raises(Forbidden):
        meetings.schedule_meeting(user("gridco"), plan(tasks))
    with pytest.raises(Exception, match="不存在"):  # another county's window
        meetings.schedule_meeting(user("clerk_lishi"), plan(tasks))
    meetings.schedule_meeting(user("clerk_jiaoqu"), plan(tasks))
    with pytest.raises(InvalidInput, match="尚未决定的会议"):
        meetings.schedule_meeting(user("clerk_jiaoqu"), plan(tasks))
    assert JointMeeting.objects.count() == 1
