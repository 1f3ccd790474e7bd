"""The one form as staff fill it in for someone (帮办代办, 上门办): checked by the cases
app's own filing checks (`prepare_filing`, `submission_problems`) and held until the
applicant consents or the visit accepts it; then filed by `file_case`, never a copy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from onething.accounts.models import User
from onething.cases.filing import (
    Filing,
    OnBehalf,
    file_case,
    prepare_filing,
    submission_problems,
)
from onething.cases.models import Case
from onething.catalog.guide import GuideField
from onething.catalog.services import current_catalog
from onething.core.errors import InvalidInput, NotFound
from onething.intake.validation import check_value
from onething.outreach.models import HeldFiling

_ID_FIELD = GuideField("id_number", "身份证号码", "id_card", True, ())


def checked_id_number(text: str, today) -> str:
    """A 居民身份证号码 (GB 11643), normalised; InvalidInput naming what is wrong."""
    number = (text or "").strip()
    if not number:
        raise InvalidInput("请填写身份证号码", {"fields": {"id_number": "必填"}})
    problem, value = check_value(_ID_FIELD, number, today)
    if problem:
        message = f"身份证号码：{problem}"
        raise InvalidInput(message, {"fields": {"id_number": message}})
    return value


def package_name(package_id: str) -> str:
    current = current_catalog()
    if current is None:
        raise InvalidInput("尚未导入事项目录")
    package = current.catalog.packages.get(package_id)
    if package is None:
        raise NotFound(f"没有编号为 {package_id} 的一件事")
    return package.name


def hold_form(
    holder: HeldFiling, answers: Mapping, place: str, form: Mapping[str, str], window: str
) -> None:
    """Check the form as the cases app checks a submission and keep it on `holder`
    (unsaved); InvalidInput naming every problem, and nothing kept, when it is wrong."""
    filing = Filing(holder.package_id, dict(answers), place, dict(form), window=window)
    prepared = prepare_filing(filing)
    package = prepared.catalog.packages[holder.package_id]
    refusal = submission_problems(package, prepared.answers, prepared.errors)
    if refusal is not None:
        raise refusal
    holder.answers = prepared.answers
    holder.place = place
    holder.form = prepared.clean
    holder.form_ready = True


def file_held(
    actor: User,
    holder: HeldFiling,
    applicant: User,
    window: str,
    key: str,
    consent: str = "",
    consented_at: datetime | None = None,
    channel: str = "window",
) -> Case:
    """File the held form as a case submitted for `applicant` by `actor` (call inside the
    caller's transaction)."""
    filing = Filing(
        holder.package_id, holder.answers, holder.place, holder.form, channel, window=window
    )
    case, _created = file_case(
        actor,
        filing,
        applicant=applicant,
        submit=True,
        idempotency_key=key,
        on_behalf=OnBehalf(consent, consented_at),
    )
    return case


def window_of(staff: User, place: str) -> str:
    """Where staff sit (their county's window) when it is one the catalogue knows,
    else the place's own window."""
    current = current_catalog()
    known = current.catalog.jurisdictions if current else {}
    return staff.jurisdiction if staff.jurisdiction in known else place
