"""Written notices (书面告知) as printable A4 PDFs in Chinese: 一次性告知书, 补正通知书,
特殊环节告知书, 不予受理决定书, 不予许可决定书 — the same look as the printed guide."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from onething.cases.models import Case, Notice
from onething.cases.progress import progress_url
from onething.catalog.services import catalog_of, guide_of
from onething.core.qr import qr_data_uri
from onething.intake.grouping import group_fields
from onething.privacy.masking import mask_name

TITLES = {
    "completion": "一次性告知书",
    "supplement": "补正通知书",
    "special": "特殊环节告知书",
    "refusal": "不予受理决定书",
    "rejection": "不予许可决定书",
    "acceptance": "受理通知书",
}
REMEDY = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
    "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
)


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def applicant_label(case: Case) -> str:
    """The applicant as the notice names them: an enterprise by its (public) name, a person
    masked, as on every screen."""
    applicant = case.applicant
    if applicant.applicant_kind == "enterprise":
        return applicant.full_name
    return mask_name(applicant.full_name)


def notice_context(case: Case, notice: Notice) -> dict[str, Any]:
    catalog = catalog_of(case.catalog_version)

    def place(code: str) -> str:
        jurisdiction = catalog.jurisdictions.get(code)
        return jurisdiction.name if jurisdiction else code

    task = notice.task
    if task is not None:
        department = catalog.departments.get(task.department)
        issuer = place(task.jurisdiction) + (department.name if department else task.department)
        subject = f"“{task.item_name}”"
    else:
        issuer = f"{place(case.window)}政务服务中心综合窗口"
        subject = f"“{case.package_name}”"
    kind = notice.kind
    if kind == "completion":
        opening = (
            f"经审查，您提交的{subject}申请材料不齐全或者不符合法定形式。根据《中华人民共和国"
            "行政许可法》第三十二条，现将需要补正的全部内容一次告知如下："
        )
        closing = "请您一次补齐上述全部内容后提交。窗口收到后将在 5 个工作日内作出是否受理的决定。"
    elif kind == "supplement":
        opening = f"您申请的{subject}在审查中需要补正以下内容："
        closing = "补正期间该事项暂停计时，收到补正材料后恢复计时。其他事项的办理不受影响。"
    elif kind == "special":
        opening = f"您申请的{subject}依法需要进入特殊环节："
        closing = (
            "根据《中华人民共和国行政许可法》第四十五条，特殊环节所需时间不计入办理时限。"
            "特殊环节结束后恢复审查。"
        )
    elif kind == "refusal":
        opening = f"经审查，您提交的{subject}申请不予受理，理由如下："
        closing = REMEDY
    elif kind == "rejection":
        opening = f"经审查，您申请的{subject}不予许可，理由如下："
        closing = REMEDY
    else:
        opening = f"您提交的{subject}申请材料齐全、符合法定形式，现予受理。各事项由各部门并联办理："
        closing = "请妥善保管本通知书。全部事项办结后一次交付结果（一次办成）。"
    qr = ""
    if kind == "acceptance" and case.number:
        qr = qr_data_uri(progress_url(case))
    return {
        "title": TITLES.get(kind, notice.kind_label),
        "case": case,
        "number": case.number or "（未编号）",
        "applicant": applicant_label(case),
        "item": task.item_name if task else "",
        "opening": opening,
        "lines": list(notice.lines),
        "text": notice.text,
        "closing": closing,
        "issuer": issuer,
        "issued_on": _chinese_date(timezone.localdate(notice.issued_at)),
        "answered_on": _chinese_date(timezone.localdate(notice.answered_at))
        if notice.answered_at
        else "",
        "answer": notice.answer,
        "qr": qr,
    }


def render_notice_html(case: Case, notice: Notice) -> str:
    return render_to_string("cases/notice_document.html", notice_context(case, notice))


def render_notice_pdf(case: Case, notice: Notice) -> bytes:
    """The notice as an A4 PDF with the Chinese fonts embedded."""
    return _pdf(render_notice_html(case, notice))


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    buffer = io.BytesIO()
    HTML(string=html).write_pdf(buffer)
    return buffer.getvalue()


def _window_name(case: Case, catalog) -> str:
    return f"{catalog.place_name(case.window)}政务服务中心综合窗口"


def render_application_pdf(case: Case) -> bytes:
    """申请书（一表申报）: made from the form the applicant submitted — every field by
    section, the items applied for, the materials — never an upload (免提交)."""

    catalog = catalog_of(case.catalog_version)
    guide = guide_of(case.catalog_version.digest, case.package_id, case.answers)
    form = case.form
    labels = {f.id: f.label for f in guide.fields}
    item_names = {gi.id: gi.item.name for gi in guide.items}
    groups = {f.id: catalog.fields[f.id].group for f in guide.fields if f.id in catalog.fields}
    sections = [
        {
            "title": section.title,
            "rows": [(labels[i], _shown_value(form.get(i, ""))) for i in section.field_ids],
        }
        for section in group_fields(guide.fields, item_names, groups)
    ]
    context = {
        "title": "申请书（一表申报）",
        "case": case,
        "number": case.number or "（提交后生成）",
        "applicant": case.applicant.full_name,
        "items": [gi.item.name for gi in guide.items],
        "sections": sections,
        "materials": [m.name for m in guide.materials],
        "issuer": _window_name(case, catalog),
        "submitted_on": _chinese_date(timezone.localdate(case.submitted_at))
        if case.submitted_at
        else "",
    }
    return _pdf(render_to_string("cases/application_document.html", context))


def _shown_value(value) -> str:
    return {"true": "是", "false": "否"}.get(str(value), str(value)) if value != "" else "—"


def render_receipt_pdf(case: Case, rows) -> bytes:
    """材料接收凭证: what the case holds of each material and how it was received."""
    catalog = catalog_of(case.catalog_version)
    context = {
        "title": "材料接收凭证",
        "case": case,
        "number": case.number,
        "applicant": applicant_label(case),
        "issuer": _window_name(case, catalog),
        "rows": rows,
        "issued_on": _chinese_date(timezone.localdate()),
    }
    return _pdf(render_to_string("cases/receipt_document.html", context))
