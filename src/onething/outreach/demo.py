"""The demo's 上门办: a request from 张三 (zhangsan) at 离石区 for 退休一件事, waiting for
supervisor_lishi to schedule it (clerk_lishi then visits). Called by `onething setup`
(web/setup.py); safe to rerun: made once."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from onething.catalog.services import current_catalog
from onething.outreach.models import HomeVisit
from onething.outreach.visits import VisitRequest, request_visit

DEMO_ADDRESS = "山西省吕梁市离石区凤山街道龙凤北路 18 号 2 单元 301 室"


def ensure_demo_visit() -> None:
    users = get_user_model()
    citizen = users.objects.filter(username="zhangsan").first()
    if citizen is None or HomeVisit.objects.filter(applicant=citizen).exists():
        return
    if current_catalog() is None:  # accounts made before the catalogue: next set-up
        return
    soon = timezone.localdate() + timedelta(days=2)
    asked = VisitRequest(
        "retirement",
        "141102",
        DEMO_ADDRESS,
        "elderly",
        "腿脚不便，独居",
        preferred_dates=(soon, soon + timedelta(days=1)),
    )
    request_visit(citizen, asked)
