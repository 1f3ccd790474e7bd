"""个人信息查看记录: every time someone was shown a person's full ID card or phone number
— who, when, what and why — for supervisors (their jurisdiction) and the audit
administrator (all). Newest first, filtered by the viewer's user name and by dates, paged
by the last record shown (no count of the table; a page stays put while new records
arrive); the subject is masked, never shown in full; CSV of the whole selection."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from onething.core.access import data_views_visible_to, may_read_data_views, reach_of, supervises
from onething.core.error_pages import forbidden
from onething.core.roles import ROLE_LABELS
from onething.privacy.masking import mask_text
from onething.privacy.models import PersonalDataView
from onething.privacy.services import display_name

PAGE_SIZE = 50
CSV_COLUMNS = ["时间", "查看人", "查看人账号", "查看人辖区", "信息主体", "查看的信息", "事由"]


@dataclass(frozen=True, slots=True)
class Filters:
    viewer: str = ""
    start: date | None = None
    end: date | None = None


def filters_from(query: QueryDict) -> tuple[Filters, list[str]]:
    """The filters asked for, and what is wrong with them (in Chinese)."""
    problems: list[str] = []
    days = {}
    for name, label in (("start", "起始日期"), ("end", "截止日期")):
        text = query.get(name, "").strip()
        try:
            days[name] = date.fromisoformat(text) if text else None
        except ValueError:
            days[name] = None
            problems.append(f"{label}“{text[:20]}”不是日期，应为 年-月-日（如 2026-12-04）")
    if days["start"] and days["end"] and days["start"] > days["end"]:
        problems.append("起始日期晚于截止日期")
    viewer = query.get("viewer", "").strip()[:150]
    return Filters(viewer, days["start"], days["end"]), problems


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def selected(user, filters: Filters):
    """The records the user may see that the filters select, newest first."""
    records = data_views_visible_to(user)
    if filters.viewer:
        records = records.filter(viewer__username=filters.viewer)
    if filters.start:
        records = records.filter(at__gte=_midnight(filters.start))
    if filters.end:
        records = records.filter(at__lt=_midnight(filters.end + timedelta(days=1)))
    return (
        records.select_related("viewer", "subject")
        .defer("viewer__id_number", "viewer__phone", "subject__phone")
        .order_by("-pk")
    )


def row_of(viewer, record: PersonalDataView) -> dict:
    """A record as the page and the CSV show it: the subject masked, never in full."""
    subject = record.subject
    if subject is None:  # someone without an account (a complainant), named masked
        shown = record.subject_label
    else:
        shown = display_name(viewer, subject)
        if subject.id_number:
            shown += f"（{subject.masked_id_number}）"
    return {
        "at": timezone.localtime(record.at),
        "viewer": display_name(viewer, record.viewer),
        "viewer_username": record.viewer.username,
        "viewer_role": ROLE_LABELS.get(record.viewer.role, record.viewer.role),
        "viewer_jurisdiction": record.viewer.jurisdiction,
        "subject": shown,
        "fields": record.fields,
        "purpose": mask_text(record.purpose),  # a purpose typed with a number in it
    }


def _before(query: QueryDict) -> int | None:
    try:
        return max(1, int(query.get("before", "")))
    except ValueError:
        return None


@login_required
@require_GET
def personal_data_views(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_read_data_views(user):
        return forbidden(request, "个人信息查看记录供监督员和审计管理员查阅。")
    filters, problems = filters_from(request.GET)
    if request.GET.get("format") == "csv" and not problems:
        return _csv(user, selected(user, filters))
    records, before = selected(user, filters), _before(request.GET)
    if before is not None:
        records = records.filter(pk__lt=before)
    page = [] if problems else list(records[: PAGE_SIZE + 1])
    query = request.GET.copy()
    for name in ("before", "format"):
        query.pop(name, None)
    context = {
        "nav": "privacy",
        "filters": filters,
        "problems": problems,
        "rows": [row_of(user, record) for record in page[:PAGE_SIZE]],
        "older": page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None,
        "paged": before is not None,
        "query": query.urlencode(),
        "no_jurisdiction": supervises(user) and reach_of(user).nowhere,
    }
    return render(request, "privacy/views.html", context, status=400 if problems else 200)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(user, records) -> StreamingHttpResponse:
    """The whole selection, streamed (no table read into memory)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so that spreadsheet programs read the Chinese right
        yield writer.writerow(CSV_COLUMNS)
        for record in records.iterator(chunk_size=1000):
            row = row_of(user, record)
            values = [row["at"].strftime("%Y-%m-%d %H:%M:%S"), row["viewer"]]
            values += [row["viewer_username"], row["viewer_jurisdiction"], row["subject"]]
            yield writer.writerow([_cell(v) for v in (*values, row["fields"], row["purpose"])])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="personal-data-views.csv"'
    return response


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (=, +, -, @)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
