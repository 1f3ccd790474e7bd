"""The dashboard's figures equal what the cases say, computed directly."""

import statistics
from datetime import timedelta

import pytest
from django.utils import timezone

from onething.cases import services
from onething.cases.models import Case
from onething.evaluation import services as evaluation
from onething.evaluation.dashboard import Filters, cases_behind, figures

from .test_case_journey import decide_all, pharmacy_filing, user

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
        services.hand_over(user("clerk_lishi"), case.public_id)
    late = made[0]
    Case.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    Case.objects.filter(pk=made[1].pk).update(days_taken=9)
    evaluation.rate(user("yaofang"), made[0].public_id, "overall", 1, ["办理时间长"])
    evaluation.rate(user("yaofang"), made[1].public_id, "overall", 5)
    evaluation.rate(user("yaofang"), made[2].public_id, "overall", 4)
    return made


def test_the_figures_equal_the_cases(month):
    result = figures(Filters(jurisdiction="141100"))
    cases = list(Case.objects.exclude(state="draft"))
    finished = [c for c in cases if c.ready_at is not None]
    assert result.filed == len(cases) == 6
    assert result.accepted == sum(1 for c in cases if c.accepted_at) == 5
    assert result.finished == len(finished) == 4
    on_time = [c for c in finished if timezone.localdate(c.ready_at) <= c.due_date]
    assert result.on_time == len(on_time) == 3
    days = sorted(c.days_taken for c in finished)
    assert result.average_days == round(statistics.fmean(days), 1)
    assert result.p90_days == days[-1]  # nearest rank of four: the largest
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
    assert figures(Filters(package="open_restaurant")).filed == 0
    assert figures(Filters(jurisdiction="141181")).filed == 0  # 孝义市: none there
    assert figures(Filters(department="mpa")).filed == 5  # only accepted cases have tasks
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert figures(Filters(start=tomorrow)).filed == 0


def test_the_pages(month, client):
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
    from onething.evaluation.models import Rating
    from onething.evaluation.simulation import simulate_month

    report = simulate_month(days=20, per_day=4, seed=7)
    assert report.cases > 20 and report.finished > 5 and report.ratings > 0
    result = figures(Filters())
    cases = list(Case.objects.exclude(state="draft"))
    finished = [c for c in cases if c.ready_at is not None]
    assert result.filed == len(cases) == report.cases
    assert result.finished == len(finished) == report.finished
    assert result.on_time == sum(
        1 for c in finished if timezone.localdate(c.ready_at) <= c.due_date
    )
    assert 0 < result.on_time <= result.finished
    days = sorted(c.days_taken for c in finished)
    assert result.average_days == round(statistics.fmean(days), 1)
    assert result.p90_days == days[-(-len(days) * 9 // 10) - 1]
    ratings = list(Rating.objects.filter(removed=False))
    assert result.ratings == len(ratings) == report.ratings
    assert result.good_ratings == sum(1 for r in ratings if r.level >= 3)
    dates = {timezone.localdate(c.submitted_at) for c in cases}
    assert len(dates) > 5  # spread over the month, not all today
