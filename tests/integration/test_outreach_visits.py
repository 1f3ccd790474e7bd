"""上门办 through the services: requested → scheduled → done (accepted on site, channel
上门办, photos as the case's materials) or cancelled; refusals change nothing."""

from datetime import date, time, timedelta

import pytest

from onething.cases.models import Case, Evidence
from onething.core.access import visits_visible_to
from onething.core.errors import Conflict, Forbidden, InvalidInput
from onething.outreach import figures, visits
from onething.outreach.models import HomeVisit
from tests.factories import (
    RETIREMENT,
    assist_ready,
    consent_code_sent_to,
    retirement_form,
    tiny_jpeg,
    user,
    visit_scheduled,
)

pytestmark = pytest.mark.django_db
ZHANGSAN_ID = "142331198503151231"


def test_a_visit_is_accepted_on_site_and_runs_as_any_case(demo):
    visit = visit_scheduled()
    clerk = user("clerk_lishi")
    assert visit.state == "scheduled" and visit.visitor == clerk
    visits.save_visit_form(clerk, visit.public_id, RETIREMENT, "141102", retirement_form())
    with pytest.raises(Conflict, match="尚未核验申请人身份"):
        visits.accept_on_site(clerk, visit.public_id)
    assert not Case.objects.exists()
    with pytest.raises(InvalidInput, match="不一致"):
        visits.check_identity(clerk, visit.public_id, "110105194912310029", "typed")
    visits.check_identity(clerk, visit.public_id, ZHANGSAN_ID, "card_reader")
    visits.add_photo(clerk, visit.public_id, "personnel_file", "档案.jpg", tiny_jpeg())
    with pytest.raises(InvalidInput):
        visits.add_photo(clerk, visit.public_id, "personnel_file", "x.txt", b"not an image")
    case = visits.accept_on_site(clerk, visit.public_id)
    assert case.channel == "visit" and case.state == "in_progress"
    assert case.applicant == user("zhangsan") and case.filed_by == clerk
    assert case.accepted_by == clerk and case.tasks.exists()
    photo = Evidence.objects.get(case=case, material_id="personnel_file")
    assert photo.trust == "C" and photo.file_path.endswith(".enc")
    visit.refresh_from_db()
    assert visit.state == "done" and visit.case == case and visit.done_at
    with pytest.raises(Conflict):
        visits.accept_on_site(clerk, visit.public_id)


def test_who_may_schedule_and_act(demo):
    today = date.today()
    asked = visits.VisitRequest(
        "retirement", "141102", "离石区凤山路 8 号", "disabled", preferred_dates=(today,)
    )
    visit = visits.request_visit(user("zhangsan"), asked)
    with pytest.raises(Forbidden):  # not scheduled yet: no one is sent
        visits.accept_on_site(user("clerk_lishi"), visit.public_id)
    with pytest.raises(Forbidden):
        visits.schedule_visit(
            user("clerk_lishi"), visit.public_id, today, time(9), user("clerk_lishi").pk
        )
    with pytest.raises(InvalidInput, match="工作人员"):
        visits.schedule_visit(
            user("supervisor_lishi"), visit.public_id, today, time(9), user("clerk_jiaoqu").pk
        )
    with pytest.raises(InvalidInput, match="早于今天"):
        visits.schedule_visit(
            user("supervisor_lishi"),
            visit.public_id,
            today - timedelta(days=1),
            time(9),
            user("clerk_lishi").pk,
        )
    visits.schedule_visit(
        user("supervisor_lishi"), visit.public_id, today, time(9), user("clerk_lishi").pk
    )
    with pytest.raises(Forbidden):  # only the visiting clerk acts on site
        visits.check_identity(user("clerk"), visit.public_id, ZHANGSAN_ID, "typed")
    visits.cancel_visit(user("zhangsan"), visit.public_id, "")
    visit.refresh_from_db()
    assert visit.state == "cancelled"
    with pytest.raises(Conflict, match="已取消"):
        visits.cancel_visit(user("zhangsan"), visit.public_id, "")


def test_a_request_is_checked(demo):
    asked = visits.VisitRequest(
        "retirement", "141102", "离石", "other", preferred_dates=(date.today() - timedelta(1),)
    )
    before = HomeVisit.objects.count()  # the demo's own request
    with pytest.raises(InvalidInput) as refused:
        visits.request_visit(user("zhangsan"), asked)
    assert set(refused.value.details["fields"]) == {"address", "reason", "preferred_dates"}
    assert HomeVisit.objects.count() == before
    with pytest.raises(Forbidden):
        visits.request_visit(user("r_amr_lishi"), asked)
    clerk_asks = visits.VisitRequest(
        "retirement", "140311", "郊区荫营镇 1 号院", "elderly", preferred_dates=(date.today(),)
    )
    with pytest.raises(Forbidden):  # a 离石区 clerk for a 郊区 visit
        visits.request_visit(user("clerk_lishi"), clerk_asks, user("zhangsan"))


def test_who_sees_visits(demo):
    visit = visit_scheduled()
    for name in ("zhangsan", "clerk_lishi", "supervisor_lishi", "supervisor", "admin"):
        assert visit in visits_visible_to(user(name)), name
    for name in ("yaofang", "clerk_jiaoqu", "daiban", "editor"):
        assert visit not in visits_visible_to(user(name)), name


def test_monthly_figures_count_visits_done_and_assisted_cases(demo):
    from onething.outreach import consent

    clerk = user("clerk_lishi")
    visit = visit_scheduled()
    visits.save_visit_form(clerk, visit.public_id, RETIREMENT, "141102", retirement_form())
    visits.check_identity(clerk, visit.public_id, ZHANGSAN_ID, "typed")
    visits.accept_on_site(clerk, visit.public_id)
    assist = assist_ready()
    consent.send_code(clerk, assist.public_id)
    consent.confirm_with_code(clerk, assist.public_id, consent_code_sent_to("zhangsan"))
    month = date.today()
    rows = figures.monthly(["141102", "141100", "140311"], [month])
    by_place = {row.jurisdiction: row for row in rows}
    assert by_place["141102"].home_visits == 1 and by_place["141102"].assisted_cases == 1
    assert by_place["141100"].home_visits == 1  # the city counts its counties
    assert by_place["140311"].home_visits == 0 and by_place["140311"].assisted_cases == 0
    assert by_place["141102"].month == f"{month:%Y-%m}"


def test_the_demo_has_zhangsans_visit_waiting_at_lishi(demo):
    from onething.outreach.demo import ensure_demo_visit

    ensure_demo_visit()  # again: made once
    visit = HomeVisit.objects.get(applicant__username="zhangsan")
    assert visit.state == "requested" and visit.jurisdiction == "141102"
    assert visit in visits_visible_to(user("supervisor_lishi"))
