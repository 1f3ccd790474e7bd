"""The demo's halls: 阳泉市郊区政务服务中心 (jiaoqu, 140311) and 离石区政务服务中心
(lishi, 141102), each with window types A 综合窗口 (every 一件事), B 投资项目窗口 (the
investment-project packages), C 社保窗口, a few windows of each, Monday to Friday
9:00–12:00 and 13:30–17:30, one Saturday-morning extra session (延时办) ahead, and the
slots of the next two weeks. Called by `onething setup` (web/setup.py); safe to rerun."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from onething.catalog.services import current_catalog
from onething.hall import hours
from onething.hall.models import ExtraSession, Hall, OpeningHours, ServiceWindow, WindowType

HALLS = [
    ("jiaoqu", "阳泉市郊区政务服务中心", "140311", "阳泉市郊区政务服务中心大楼", "0353-12345"),
    ("lishi", "离石区政务服务中心", "141102", "吕梁市离石区滨河北中路政务服务中心", "0358-12345"),
]
SOCIAL_PACKAGES = ["retirement", "disabled_services", "after_death", "newborn"]
HOURS = [(time(9, 0), time(12, 0)), (time(13, 30), time(17, 30))]


def _project_packages() -> list[str]:
    current = current_catalog()
    if current is None:
        return ["grid_rebuild", "charging_station", "road_project"]
    return sorted(p.id for p in current.catalog.packages.values() if p.project_type)


def _types(hall: Hall) -> None:
    specs = [
        ("general", "综合窗口", "A", [], ["1号窗口", "2号窗口", "3号窗口"]),
        ("project", "投资项目窗口", "B", _project_packages(), ["4号窗口", "5号窗口"]),
        ("social", "社保窗口", "C", SOCIAL_PACKAGES, ["6号窗口", "7号窗口"]),
    ]
    for code, name, prefix, packages, windows in specs:
        kind, _ = WindowType.objects.get_or_create(
            hall=hall,
            code=code,
            defaults={"name": name, "prefix": prefix, "package_ids": packages},
        )
        for number in windows:
            ServiceWindow.objects.get_or_create(
                hall=hall, number=number, defaults={"window_type": kind}
            )


def _hours(hall: Hall) -> None:
    if OpeningHours.objects.filter(hall=hall).exists():
        return
    OpeningHours.objects.bulk_create(
        OpeningHours(hall=hall, weekday=weekday, opens=opens, closes=closes)
        for weekday in range(5)
        for opens, closes in HOURS
    )


def _saturday_session(hall: Hall) -> None:
    today = timezone.localdate()
    if ExtraSession.objects.filter(hall=hall, date__gte=today).exists():
        return
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    ExtraSession.objects.create(
        hall=hall,
        date=saturday,
        starts=time(9, 0),
        ends=time(12, 0),
        note="周六上午延时服务",
    )


def ensure_demo_halls() -> str:
    """Create what is missing of the demo halls; a line for `onething setup`."""
    with transaction.atomic():
        for code, name, jurisdiction, address, phone in HALLS:
            hall, _ = Hall.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "jurisdiction": jurisdiction,
                    "address": address,
                    "phone": phone,
                },
            )
            _types(hall)
            _hours(hall)
            _saturday_session(hall)
        made = sum(hours.ensure_slots(hall) for hall in Hall.objects.all())
    return f"halls: {Hall.objects.count()} halls, {made} appointment slots added"
