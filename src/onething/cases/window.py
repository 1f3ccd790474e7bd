"""The window's decision on a submitted case (一窗受理): accept it — the items go to
their departments in parallel, with a 受理通知书 — or tell the applicant once in writing
of everything missing (一次性告知, starting from the 预审 list), or refuse it; and the
applicant's one completion. An application the window leaves undecided for 5 working
days is deemed accepted from the day it was received (行政许可法 Art. 32)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.calendar.loaded import current_calendar
from onething.cases import store
from onething.cases.base import (
    case_step,
    catalog_of_case,
    check_version,
    guide_of_case,
    local_today,
    locked_case,
    notify,
    record,
    require,
    save_case,
)
from onething.cases.deadlines import accepted_from, task_due_date, window_deadline
from onething.cases.lifecycle import CaseAction, TaskState
from onething.cases.materials import precheck_of
from onething.cases.models import DELIVERY_LABELS, Case, Delivery, Notice, Task
from onething.cases.routing import route_item
from onething.cases.schedule import finish_if_done, schedule_of
from onething.cases.tasks import initial_states
from onething.catalog.entities import Catalog
from onething.core.access import may_act_on_case
from onething.core.errors import Conflict, InvalidInput
from onething.core.events import CaseAccepted, CaseRefused, publish
from onething.core.roles import Role


def clerk_case(actor: User | None, case_id, version: int | None) -> Case:
    """The case locked for a window clerk of its jurisdiction (None: the platform)."""
    case = locked_case(case_id)
    if actor is not None:
        require(actor.role == Role.CLERK and may_act_on_case(actor, case), "无权办理此办件")
    check_version(case.version, version, "办件")
    return case


def accept(actor: User | None, case_id, version: int | None = None) -> Case:
    """一窗受理: accept, creating one task per included item at its routed jurisdiction."""
    with transaction.atomic():
        case = clerk_case(actor, case_id, version)
        action = CaseAction.ACCEPT if actor is not None else CaseAction.DEEM_ACCEPTED
        accept_locked(case, actor, action)
        case.refresh_from_db()  # 秒批 may have decided items and finished the case
        return case


def accept_locked(case: Case, actor: User | None, action: CaseAction) -> None:
    """Accept a case already locked in the caller's transaction."""
    before, after = case_step(case, action, actor)
    catalog = catalog_of_case(case)
    deemed = action == CaseAction.DEEM_ACCEPTED
    received = timezone.localdate(case.submitted_at)
    start = accepted_from(received, local_today(), deemed)
    tasks = _tasks_for(case, catalog, start)
    store.insert(tasks)  # their ids are not read here: the handlers read the rows
    case.accepted_at = case.submitted_at if deemed else timezone.now()
    case.accepted_by = actor
    # The promised date (承诺办结期限) and the next deadline written with the state: one
    # UPDATE (refresh_case_due's rule: it only moves later).
    due = schedule_of(case, tasks).due
    if due is not None and (case.due_date is None or due > case.due_date):
        case.due_date = due
    case.deadline = store.deadline_of(case, tasks)
    save_case(case, "accepted_at", "accepted_by", "due_date", "deadline")
    record(
        case,
        action,
        actor,
        before,
        after,
        data={"tasks": len(tasks), "accepted_from": start.isoformat()},
    )
    lines = acceptance_lines(case, tasks, catalog)  # the 受理通知书
    store.insert([Notice(case=case, kind="acceptance", lines=lines, issued_by=actor)])
    notify(
        case,
        "accepted",
        f"您的“{case.package_name}”已受理",
        f"受理编号 {case.number}。共 {len(tasks)} 个事项并联办理，预计 {case.due_date} 前办结。"
        + (f"（逾期未作决定，依法自收到申请之日 {start} 起视为受理）" if deemed else ""),
    )
    if not tasks:
        finish_if_done(case, [])
    store.keep_deadline(case, tasks)
    publish(
        CaseAccepted(
            case.pk, case.window, case.channel, case.accepted_at, actor.pk if actor else None
        )
    )


def _tasks_for(case: Case, catalog: Catalog, start) -> list[Task]:
    """One task per included item, routed (市县联动); those with no predecessor start
    their clock on `start`."""
    guide = guide_of_case(case, catalog)
    calendar = current_calendar()
    today = local_today()
    states = initial_states([(gi.id, gi.after) for gi in guide.items])
    tasks = []
    for position, guide_item in enumerate(guide.items):
        item = guide_item.item
        jurisdiction = route_item(item.levels, case.window, case.place, catalog.jurisdictions)
        if jurisdiction is None:
            raise InvalidInput(f"{item.name}没有实施机关，无法受理")
        workable = states[item.id] == TaskState.WORKABLE
        tasks.append(
            Task(
                case=case,
                position=position,
                item_id=item.id,
                item_name=item.name,
                department=item.department,
                jurisdiction=jurisdiction,
                after=list(guide_item.after),
                kind=item.kind,
                promised_days=item.promised_days,
                state=states[item.id].value,
                workable_on=start if workable else None,
                due_date=task_due_date(start, item.promised_days, (), calendar, today)
                if workable
                else None,
            )
        )
    return tasks


def acceptance_lines(case: Case, tasks: list[Task], catalog: Catalog) -> list[str]:
    """What the 受理通知书 tells: each item with its department and promised date, how
    the results are collected, and how to follow the case."""
    dates = schedule_of(case, tasks).dates if tasks else {}

    def place(code: str) -> str:
        found = catalog.jurisdictions.get(code)
        return found.name if found else code

    lines = []
    for task in tasks:
        department = catalog.departments.get(task.department)
        who = place(task.jurisdiction) + (department.name if department else task.department)
        when = (
            "即办，前置事项办结后当日办结"
            if task.kind == "instant"
            else f"承诺 {task.promised_days} 个工作日，预计 {dates.get(task.item_id)} 前办结"
        )
        lines.append(f"{task.item_name}（{who}）：{when}")
    method = Delivery.objects.filter(case_id=case.pk).values_list("method", flat=True).first()
    window = f"{place(case.window)}政务服务中心综合窗口"
    lines.append(
        f"领取方式：{DELIVERY_LABELS[method]}（办结后送达）"
        if method
        else f"领取方式：全部办结后到{window}一次领取；也可在办件页面选择邮寄送达或电子送达"
    )
    lines.append("办理进度：扫描本通知书上的二维码，或凭受理编号和申请人姓名在“办件进度查询”查看")
    return lines


def request_completion(
    actor: User,
    case_id,
    lines: Sequence[str],
    text: str = "",
    version: int | None = None,
    kept: Mapping[str, str] | None = None,
    removed: Mapping[str, str] | None = None,
    seen: Sequence[str] | None = None,
) -> Notice:
    """一次性告知: one written notice of everything missing, starting from the 预审 list.
    Each 预审 finding is a line unless the clerk removes it with a reason (`removed`:
    key -> reason); `kept` may reword a line (key -> text); `lines` adds more. When the
    page says which findings the clerk `seen`, a finding they never saw (the page was
    stale) refuses the notice: nothing 预审 knew is asked later."""
    extra = [line.strip() for line in lines if line and line.strip()]
    kept, removed = dict(kept or {}), {k: (v or "").strip() for k, v in (removed or {}).items()}
    with transaction.atomic():
        case = clerk_case(actor, case_id, version)
        findings = [f for f in precheck_of(case) if f.blocking]
        keys = {f.key for f in findings}
        if seen is not None and set(seen) != keys:
            raise Conflict("预审结果已经变化，请刷新页面后按最新的预审结果出具告知书")
        unexplained = [key for key, reason in removed.items() if key in keys and not reason]
        if unexplained:
            raise InvalidInput(
                "删去预审发现的问题须写明理由",
                {"fields": {f"reason-{key}": "请写明删去这一项的理由" for key in unexplained}},
            )
        told = [
            (kept.get(f.key) or f.text).strip() for f in findings if f.key not in removed
        ] + extra
        if not told:
            raise InvalidInput("请逐条写明需要补齐的材料或信息")
        before, after = case_step(case, CaseAction.REQUEST_COMPLETION, actor)
        save_case(case)
        notice = Notice.objects.create(
            case=case, kind="completion", lines=told, text=text, issued_by=actor
        )
        left_out = [
            {"line": f.text, "reason": removed[f.key]} for f in findings if f.key in removed
        ]
        record(
            case,
            CaseAction.REQUEST_COMPLETION,
            actor,
            before,
            after,
            data={"lines": told, "removed": left_out},
        )
        store.keep_deadline(case)
        notify(
            case,
            "completion",
            f"“{case.package_name}”需补齐材料（一次性告知）",
            "请一次补齐：" + "；".join(told),
        )
        return notice


def complete(actor: User, case_id, answer: str, version: int | None = None) -> Case:
    """The applicant completes everything the notice listed, in one go."""
    with transaction.atomic():
        case = locked_case(case_id)
        require(may_act_on_case(actor, case), "无权办理此办件")
        check_version(case.version, version, "办件")
        before, after = case_step(case, CaseAction.COMPLETE, actor)
        now = timezone.now()
        case.submitted_at = now
        case.window_due = window_deadline(timezone.localdate(now), current_calendar())
        save_case(case, "submitted_at", "window_due")
        Notice.objects.filter(case=case, kind="completion", answered_at=None).update(
            answered_at=now, answer=answer.strip()
        )
        record(case, CaseAction.COMPLETE, actor, before, after, note=answer.strip())
        store.keep_deadline(case)
        return case


def refuse(actor: User, case_id, reason: str, version: int | None = None) -> Case:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("不予受理须写明理由")
    with transaction.atomic():
        case = clerk_case(actor, case_id, version)
        before, after = case_step(case, CaseAction.REFUSE, actor)
        case.refusal_reason = reason
        save_case(case, "refusal_reason")
        Notice.objects.create(case=case, kind="refusal", lines=[reason], issued_by=actor)
        record(case, CaseAction.REFUSE, actor, before, after, note=reason)
        store.keep_deadline(case)
        notify(case, "refused", f"“{case.package_name}”不予受理", reason)
        publish(CaseRefused(case.pk, reason))
        return case
