"""个人信息查看记录 (/privacy/views/): supervisors see their jurisdiction's, the
administrator all; filtered by viewer and dates; the subject masked; the admin's list
read-only."""

import csv
import io
import re
from datetime import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onething.accounts.models import User
from onething.privacy.models import PersonalDataView
from onething.privacy.services import record_view
from onething.web.setup import ensure_demo_accounts
from tests.factories import user

pytestmark = pytest.mark.django_db
URL = "/privacy/views/"


def at(text: str) -> datetime:
    """A local (Asia/Shanghai) time."""
    return timezone.make_aware(datetime.fromisoformat(text))


def record(viewer: str, subject: str, purpose: str, when: str) -> PersonalDataView:
    """A view recorded at `when` (the record is append-only: the clock is set instead)."""
    with mock.patch("django.utils.timezone.now", return_value=at(when)):
        record_view(user(viewer), user(subject), "姓名、身份证号码、手机号码", purpose)
    return PersonalDataView.objects.get(purpose=purpose)


@pytest.fixture
def views(db):
    """Views in 离石区, elsewhere in 吕梁市 (临县) and in 阳泉市郊区, each with its purpose (the
    demo's clerk_jiaoqu records the last)."""
    ensure_demo_accounts()
    for username, role, name, place, id_number in (
        ("li_linxian", "applicant", "李四", "141124", "141124199001011234"),
        ("wang_jiaoqu", "applicant", "王五", "140311", "140311198807071112"),
        ("supervisor_nowhere", "supervisor", "未设辖区的监督员", "", ""),
    ):
        User.objects.create_user(
            username,
            password="x",
            role=role,
            full_name=name,
            jurisdiction=place,
            applicant_kind="person" if role == "applicant" else "",
            id_number=id_number,
        )
    record("clerk_lishi", "zhangsan", "事由甲 离石区审核", "2026-11-01 10:00")
    record("clerk", "li_linxian", "事由乙 临县核验", "2026-11-15 00:00")
    record("clerk_jiaoqu", "wang_jiaoqu", "事由丙 郊区核验", "2026-11-30 23:59")
    record("admin", "zhangsan", "事由丁 电话 13800138000 核实", "2026-12-01 00:00")
    record("clerk", "yaofang", "=事由戊 市级核验", "2026-12-03 09:30")


def purposes(response) -> set[str]:
    return set(re.findall(r"事由[甲乙丙丁戊]", response.content.decode()))


@pytest.mark.parametrize(
    ("username", "seen"),
    [
        ("supervisor_lishi", {"事由甲", "事由丁", "事由戊"}),  # viewer or subject in 离石区
        ("supervisor", {"事由甲", "事由乙", "事由丁", "事由戊"}),  # 吕梁市 and its counties
        ("audit_admin", {"事由甲", "事由乙", "事由丙", "事由丁", "事由戊"}),
        ("supervisor_nowhere", set()),
    ],
)
def test_who_sees_which_records(client, views, username, seen):
    client.force_login(user(username))
    response = client.get(URL)
    assert response.status_code == 200 and purposes(response) == seen
    if username == "supervisor_nowhere":
        assert "没有设定辖区" in response.content.decode()


@pytest.mark.parametrize(
    "username",
    ["clerk_lishi", "r_amr", "editor", "zhangsan", "daiban", "admin", "security_admin"],
)
def test_other_roles_are_refused(client, views, username):
    client.force_login(user(username))  # the system and security administrators too (三权分立)
    response = client.get(URL)
    assert response.status_code == 403 and "供监督员和审计管理员查阅" in response.content.decode()
    assert "事由" not in response.content.decode()


def test_logging_in_comes_first(client, views):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login")


def test_the_subject_is_masked_and_newest_comes_first(client, views):
    client.force_login(user("supervisor_lishi"))
    page = client.get(URL).content.decode()
    assert "张*（142331********1231）" in page
    assert "张三" not in page and "142331198503151231" not in page
    assert "138****8000" in page and "13800138000" not in page  # a number typed as purpose
    assert "离石区政务服务中心综合窗口" in page and "clerk_lishi" in page  # who viewed
    assert page.index("事由戊") < page.index("事由丁") < page.index("事由甲")
    assert "2026-12-03 09:30:00" in page


def test_filter_by_viewer_and_by_dates(client, views):
    client.force_login(user("audit_admin"))
    assert purposes(client.get(URL, {"viewer": "clerk"})) == {"事由乙", "事由戊"}
    # From the first second of the start day to the last second of the end day, local time.
    dates = {"start": "2026-11-15", "end": "2026-11-30"}
    assert purposes(client.get(URL, dates)) == {"事由乙", "事由丙"}
    assert purposes(client.get(URL, {**dates, "viewer": "clerk"})) == {"事由乙"}
    assert purposes(client.get(URL, {"start": "2026-12-01"})) == {"事由丁", "事由戊"}
    assert purposes(client.get(URL, {"viewer": "nobody"})) == set()


def test_a_bad_date_is_said_in_chinese(client, views):
    client.force_login(user("audit_admin"))
    response = client.get(URL, {"start": "2026-13-01"})
    assert response.status_code == 400
    assert "起始日期“2026-13-01”不是日期" in response.content.decode()
    response = client.get(URL, {"start": "2026-12-02", "end": "2026-12-01"})
    assert response.status_code == 400 and "起始日期晚于截止日期" in response.content.decode()


def test_pages_follow_the_last_record_shown_without_counting(client, views):
    for number in range(60):
        record("clerk_lishi", "zhangsan", f"翻页 {number:02d}", "2026-10-01 08:00")
    client.force_login(user("supervisor_lishi"))
    with CaptureQueriesContext(connection) as queries:
        first = client.get(URL).content.decode()
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    assert first.count("<tr>") == 51  # the header and 50 records
    older = re.search(r'href="\?before=(\d+)">更早的记录', first).group(1)
    second = client.get(URL, {"before": older}).content.decode()
    assert second.count("<tr>") == 1 + 13 and "最新的记录" in second and "更早的记录" not in second
    assert "翻页 00" in second and "事由甲" in second and "翻页 59" not in second


def test_csv_of_the_selection(client, views):
    client.force_login(user("supervisor"))
    response = client.get(URL, {"format": "csv", "viewer": "clerk"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "时间" and len(rows) == 3
    assert rows[1][4] == "吕梁康民大药房有限公司（142331********2041）"  # an enterprise by name
    assert rows[1][6] == "'=事由戊 市级核验"  # never a spreadsheet formula
    assert rows[2][4] == "李*（141124********1234）"


def test_the_admin_list_is_there_and_read_only(client, views):
    client.force_login(user("audit_admin"))
    listing = client.get("/admin/privacy/personaldataview/")
    page = listing.content.decode()
    assert listing.status_code == 200 and "李*" in page and "李四" not in page
    assert "13800138000" not in page
    view = PersonalDataView.objects.get(purpose__startswith="事由甲")
    base = f"/admin/privacy/personaldataview/{view.pk}"
    assert client.get("/admin/privacy/personaldataview/add/").status_code == 403
    detail = client.get(f"{base}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.post(f"{base}/change/", {"purpose": "改过"}).status_code == 403
    assert client.get(f"{base}/delete/").status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [view.pk], "post": "yes"}
    client.post("/admin/privacy/personaldataview/", bulk)
    assert PersonalDataView.objects.filter(pk=view.pk, purpose="事由甲 离石区审核").exists()
