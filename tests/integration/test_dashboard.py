"""The dashboard's figures equal what the cases say, computed directly."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onething.cases import services
from onething.cases.models import Case
from onething.evaluation import rollup, services as evaluation
from onething.evaluation.dashboard import Filters, cases_behind, figures
from tests.factories import decide_all, hand_over, pharmacy_filing, user
from tests.integration.figures import direct, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(demo):
    """Six pharmacy cases: finished, one late, one still in progress, one only submitted."""
    made = []
    for index in range(6):
        case, _ = services.file_case(user("yaofang"), pharmacy_filing())
        made.append(case)
        if index == 5:
            continue
        services.accept(user("clerk_lishi"), case.public_id)
        case.refresh_from_db()
        if index == 4:
            continue
        decide_all(case)
        hand_over(case)
    late = made[0]
    Case.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    Case.objects.filter(pk=made[1].pk).update(days_taken=9)
    evaluation.rate(user("yaofang"), made[0].public_id, "overall", 1, ["办理时间长"])
    evaluation.rate(user("yaofang"), made[1].public_id, "overall", 5)
    evaluation.rate(user("yaofang"), made[2].public_id, "overall", 4)
    return made


def test_the_figures_equal_the_cases(month):
    rollup.rebuild()  # the fixture moved dates straight in the database
    result = figures(Filters(jurisdiction="141100"))
    assert shown(Filters(jurisdiction="141100")) == direct(Filters(jurisdiction="141100"))
    assert (result.filed, result.accepted, result.finished, result.on_time) == (6, 5, 4, 3)
    assert result.p90_days == 9  # nearest rank of four: the largest
    assert (result.ratings, result.good_ratings, result.open_bad_ratings) == (3, 2, 1)
    assert result.satisfaction == 2 / 3
    row = result.packages[0]
    assert (row["package_id"], row["filed"], row["finished"], row["on_time"]) == (
        "open_pharmacy",
        6,
        4,
        3,
    )
    assert cases_behind(Filters(), "late").get() == month[0]


def test_figures_follow_the_filters(month):
    rollup.rebuild()
    assert figures(Filters(package="open_restaurant")).filed == 0
    assert figures(Filters(jurisdiction="141181")).filed == 0  # 孝义市: none there
    assert figures(Filters(department="mpa")).filed == 5  # only accepted cases have tasks
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert figures(Filters(start=tomorrow)).filed == 0
    today = timezone.localdate()
    for filters in (
        Filters(department="mpa"),
        Filters(department="mpa", jurisdiction="141102"),
        Filters(package="open_pharmacy", start=today, end=today),
        Filters(end=today - timedelta(days=1)),
    ):
        assert shown(filters) == direct(filters), filters


def test_the_roll_up_follows_each_change_through_the_audit_trail(month):
    """No rebuild: the cases changed through the services reach the figures by `refresh`."""
    rollup.rebuild()
    before = figures(Filters())
    case, _ = services.file_case(user("yaofang"), pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    decide_all(case)
    hand_over(case)
    evaluation.rate(user("yaofang"), case.public_id, "overall", 2, ["办理时间长"])
    assert figures(Filters()).filed == before.filed  # not read yet
    report = rollup.refresh()
    assert report is not None and report.days == 1
    after = figures(Filters())
    assert (after.filed, after.finished, after.ratings) == (
        before.filed + 1,
        before.finished + 1,
        before.ratings + 1,
    )
    for filters in (Filters(), Filters(department="mpa"), Filters(jurisdiction="141102")):
        assert shown(filters) == direct(filters)
    # A rating the supervisor removes on appeal leaves the figures at the next refresh.
    rating = case.ratings.get()
    evaluation.appeal(user("clerk_lishi"), rating.pk, "恶意差评")
    evaluation.decide_appeal(user("supervisor"), rating.pk, True, "核实为误评")
    rollup.refresh()
    assert figures(Filters()).ratings == before.ratings
    assert shown(Filters()) == direct(Filters())


def test_the_pages(month, client):
    rollup.rebuild()
    client.force_login(user("supervisor"))
    page = client.get("/dashboard/").content.decode()
    assert 'id="kpi-filed">6<' in page and "我要开药店" in page and "echarts" in page
    csv = client.get("/dashboard/?format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("一件事,申报,办结") and "我要开药店,6,4,3" in csv
    late = client.get("/supervision/?late=1").content.decode()
    assert month[0].number in late and month[1].number not in late
    client.force_login(user("clerk_lishi"))
    assert client.get("/dashboard/").status_code == 403
    client.logout()
    public = client.get("/figures/").content.decode()
    assert 'id="public-finished">4<' in public and "75%" in public and "yaofang" not in public


def test_a_simulated_month_reads_the_same_on_the_dashboard_as_in_the_cases(demo):
    from onething.demo.simulation import simulate_month

    report = simulate_month(days=20, per_day=4, seed=7)
    assert report.cases > 20 and report.finished > 5 and report.ratings > 0
    result = figures(Filters())
    assert shown(Filters()) == direct(Filters())
    assert result.filed == report.cases and result.finished == report.finished
    assert result.ratings == report.ratings
    assert 0 < result.on_time <= result.finished
    today = timezone.localdate()
    for filters in (
        Filters(start=today - timedelta(days=10)),
        Filters(department="mpa", end=today - timedelta(days=5)),
        Filters(package="open_pharmacy"),
    ):
        assert shown(filters) == direct(filters), filters
    cases = list(Case.objects.exclude(state="draft"))
    dates = {timezone.localdate(c.submitted_at) for c in cases}
    assert len(dates) > 5  # spread over the month, not all today
