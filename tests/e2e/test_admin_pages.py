"""The admin: every model of the platform has its admin (registered, or shown on its
parent's page), every list and record page speaks Chinese, what the services keep is
read-only, and persons are masked as on every other page."""

import pytest
from django.apps import apps
from django.contrib import admin

from onething.accounts.models import User
from onething.cases.models import Action, Case, OutboxMessage, Task
from onething.demo.simulation import simulate_month
from onething.evaluation import complaint_services, services as evaluation
from onething.evaluation.models import (
    Complaint,
    DailyFigures,
    FiguresWatermark,
    Rating,
    Rectification,
)
from onething.licences.models import Licence, LicenceSerial
from tests.factories import decided_pharmacy, english_words, hand_over, page_text, user

pytestmark = pytest.mark.django_db

READ_ONLY = [
    Case,
    Task,
    Action,
    OutboxMessage,
    Rating,
    Rectification,
    Complaint,
    DailyFigures,
    FiguresWatermark,
    Licence,
    LicenceSerial,
]


def test_every_model_has_its_admin():
    ours = [m for m in apps.get_models() if m.__module__.startswith("onething.")]
    registered = [m for m in ours if admin.site.is_registered(m)]
    inlined = {inline.model for m in registered for inline in admin.site.get_model_admin(m).inlines}
    assert [m.__name__ for m in ours if m not in registered and m not in inlined] == []


@pytest.fixture
def records(demo):
    simulate_month(days=5, per_day=3, seed=3)
    # A bad rating whatever the simulated month held: its rectification is a record too.
    case = hand_over(decided_pharmacy())
    evaluation.rate(user("yaofang"), case.public_id, "overall", 1, ["态度不好"], "等了很久")
    complaint_services.file_complaint(
        complaint_services.ComplaintFiling(
            kind="complaint",
            category="slow",
            text="窗口电话 13800138000 无人接听",
            jurisdiction="141102",
            anonymous=False,
            contact_name="王小明",
            contact_phone="13912345678",
        )
    )


def address(model, *parts: str) -> str:
    return "/".join(["", "admin", model._meta.app_label, model._meta.model_name, *parts, ""])


def test_the_records_are_read_only_in_chinese_and_persons_masked(client, records):
    # The set-up superuser sees every record (each role sees its own: test_accounts_duties).
    client.force_login(User.objects.create_superuser("root", password="set-up-only-2026"))
    problems = []
    for model in READ_ONLY:
        first = model.objects.order_by("pk").first()
        assert first is not None, model.__name__
        for page in (address(model), address(model, str(first.pk), "change")):
            html = page_text(client.get(page))
            english = english_words(html)
            problems.extend((page, w) for w in english)
            assert 'name="_save"' not in html, page
            for secret in ("张三", "王小明", "13912345678", "13800138000"):
                if secret in html:
                    problems.append((page, secret))
        assert client.get(address(model, "add")).status_code == 403, model.__name__
        assert client.get(address(model, str(first.pk), "delete")).status_code == 403
    assert not problems, "\n".join(map(str, sorted(set(problems))))
    complaint = Complaint.objects.get(anonymous=False)
    html = page_text(client.get(address(Complaint, str(complaint.pk), "change")))
    assert "王** 139****5678" in html and "138****8000" in html
    case = Case.objects.filter(applicant__username="zhangsan").first()
    if case is not None:
        html = page_text(client.get(address(Case, str(case.pk), "change")))
        assert "张*" in html and "办理记录" in html and "事项办理" in html
