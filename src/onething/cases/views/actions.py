"""The actions posted from the case page: case steps, task steps and materials. Each
calls one service; a refusal re-renders the page with the reason, a success redirects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from onething.accounts.models import User
from onething.cases import delivery, materials, services
from onething.cases.delivery import DeliveryChoice, Handover
from onething.cases.lifecycle import (
    TaskState,
)
from onething.cases.models import Case, Delivery, SpecialProcedure, Task
from onething.cases.views.case_page import render_case
from onething.cases.views.common import (
    case_url,
    error_message,
    post_only,
    posted_lines,
    posted_version,
    visible_case,
)
from onething.core.errors import CaseError, InvalidInput


@dataclass(frozen=True, slots=True)
class CaseStep:
    label: str
    run: Callable[[User, Case, int | None, Any], Any]
    done: Callable[[Case], str]
    text: str = ""  # the posted field whose text is kept when the step is refused


def _completion(user: User, case: Case, version: int | None, posted) -> Any:
    """一次性告知 from the page: each 预审 finding the clerk saw (``seen``) is kept
    (``keep-<key>``, perhaps reworded in ``text-<key>``) or removed with ``reason-<key>``;
    ``lines`` adds more."""
    seen = posted.getlist("seen") if "seen" in posted else None  # the page listed none
    kept = {key: posted.get(f"text-{key}", "") for key in seen or () if posted.get(f"keep-{key}")}
    removed = {key: posted.get(f"reason-{key}", "") for key in seen or () if key not in kept}
    return services.request_completion(
        user,
        case.public_id,
        posted_lines(posted.get("lines", "")),
        posted.get("text", ""),
        version=version,
        kept=kept,
        removed=removed,
        seen=seen,
    )


def _choose_delivery(user: User, case: Case, version: int | None, posted) -> Any:
    choice = DeliveryChoice(
        posted.get("method", ""),
        posted.get("recipient_name", ""),
        posted.get("recipient_phone", ""),
        posted.get("address", ""),
    )
    return delivery.choose_delivery(user, case.public_id, choice)


CASE_STEPS: dict[str, CaseStep] = {
    "submit": CaseStep(
        "提交申请",
        lambda u, c, v, p: services.submit(u, c.public_id, version=v),
        lambda c: f"申请已提交，受理编号 {c.number}。",
    ),
    "withdraw": CaseStep(
        "撤回申请",
        lambda u, c, v, p: services.withdraw(u, c.public_id, version=v),
        lambda c: "草稿已放弃。" if c.submitted_at is None else "申请已撤回。",
    ),
    "accept": CaseStep(
        "受理",
        lambda u, c, v, p: services.accept(u, c.public_id, version=v),
        lambda c: f"已受理：{c.tasks.count()} 个事项已分送各部门并联办理，受理通知书已出具。",
    ),
    "request_completion": CaseStep(
        "一次性告知",
        _completion,
        lambda c: "已出具一次性告知书，申请人补齐后将重新提交。",
        "lines",
    ),
    "complete": CaseStep(
        "补齐材料",
        lambda u, c, v, p: services.complete(u, c.public_id, p.get("answer", ""), version=v),
        lambda c: "已补齐并重新提交，窗口将尽快受理。",
        "answer",
    ),
    "refuse": CaseStep(
        "不予受理",
        lambda u, c, v, p: services.refuse(u, c.public_id, p.get("reason", ""), version=v),
        lambda c: "已作出不予受理决定，决定书已送达申请人。",
        "reason",
    ),
    "check_all": CaseStep(
        "核验原件",
        lambda u, c, v, p: materials.check_all(u, c.public_id, p.get("paper") == "1"),
        lambda c: "已核验全部待核验材料的原件。",
    ),
    "delivery": CaseStep(
        "选择领取方式",
        _choose_delivery,
        lambda c: f"已选择领取方式：{c.delivery.method_label}。",
    ),
    "hand_over": CaseStep(
        "出件",
        lambda u, c, v, p: services.hand_over(
            u, c.public_id, v, Handover(p.get("carrier", ""), p.get("tracking_number", ""))
        ),
        lambda c: f"已出件：全部结果已{_delivered(c)}，办件已办结。",
    ),
    "signed": CaseStep(
        "确认签收",
        lambda u, c, v, p: delivery.confirm_signed(u, c.public_id, p.get("note", ""), v),
        lambda c: "已确认签收。",
        "note",
    ),
}


def _delivered(case: Case) -> str:
    method = Delivery.objects.filter(case=case).values_list("method", flat=True).first()
    return {"post": "交寄", "electronic": "电子送达"}.get(method or "", "当面交付申请人")


@post_only
def evidence_upload(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    case = visible_case(request.user, case_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("请先选择要上传的文件")
        if upload.size > materials.MAX_UPLOAD_BYTES:
            raise InvalidInput("文件太大：每份材料不超过 10 MB")
        evidence = materials.upload_evidence(
            request.user, case_id, evidence_id, upload.name, upload.read()
        )
    except CaseError as exc:
        message = error_message(exc, "上传材料")
        failed = {"action": "upload", "evidence": evidence_id, "text": message}
        return render_case(request, case, exc.status, message, failed=failed)
    messages.success(request, f"已上传“{evidence.material_name}”，窗口核验原件后即完成。")
    return redirect(case_url(case, "materials"))


@post_only
def evidence_promise(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    case = visible_case(request.user, case_id)
    try:
        evidence = materials.promise_evidence(request.user, case_id, evidence_id)
    except CaseError as exc:
        return render_case(request, case, exc.status, error_message(exc, "告知承诺"))
    messages.success(request, f"已就“{evidence.material_name}”作出告知承诺（可信等级 D）。")
    return redirect(case_url(case, "materials"))


@post_only
def evidence_check(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    case = visible_case(request.user, case_id)
    try:
        paper = request.POST.get("paper") == "1"
        evidence = materials.check_original(request.user, case_id, evidence_id, paper)
    except CaseError as exc:
        return render_case(request, case, exc.status, error_message(exc, "核验原件"))
    done = "已收取纸质材料并核验" if paper else "已核验原件"
    messages.success(request, f"“{evidence.material_name}”{done}（可信等级 B）。")
    return redirect(case_url(case, "materials"))


@post_only
def evidence_unchecked(request: HttpRequest, case_id, evidence_id: int) -> HttpResponse:
    case = visible_case(request.user, case_id)
    try:
        evidence = materials.note_unchecked(
            request.user, case_id, evidence_id, request.POST.get("reason", "")
        )
    except CaseError as exc:
        failed = {
            "action": "unchecked",
            "evidence": evidence_id,
            "text": request.POST.get("reason", ""),
        }
        return render_case(request, case, exc.status, error_message(exc, "记录理由"), failed=failed)
    messages.success(request, f"已记录“{evidence.material_name}”未核验原件的理由。")
    return redirect(case_url(case, "materials"))


@post_only
def case_action(request: HttpRequest, case_id, action: str) -> HttpResponse:
    case = visible_case(request.user, case_id)
    step = CASE_STEPS.get(action)
    if step is None:
        raise Http404("没有这项操作")
    try:
        step.run(request.user, case, posted_version(request), request.POST)
    except CaseError as exc:
        failed = {"action": action, "text": request.POST.get(step.text, "") if step.text else ""}
        fields = exc.details.get("fields") if isinstance(exc, InvalidInput) else None
        return render_case(
            request, case, exc.status, error_message(exc, step.label), fields, failed
        )
    case.refresh_from_db()
    messages.success(request, step.done(case))
    if action == "withdraw" and request.POST.get("next") == "apply":  # 重新填写
        return redirect(reverse("cases:apply", args=[case.package_id]) + "?new=1")
    return redirect(case_url(case, "delivery" if action in ("delivery", "signed") else ""))


def _start_special(user: User, task: Task, version: int | None, posted) -> SpecialProcedure:
    raw_days = posted.get("days", "").strip()
    if not raw_days.isdigit():
        raise InvalidInput("请填写特殊环节的时限（工作日数）")
    if version is not None and version != task.version:
        raise services.Conflict(
            f"该事项已被他人更新（版本 {task.version}，您看到的是 {version}），请刷新后再操作"
        )
    return services.start_special(
        user, [task.pk], posted.get("kind", ""), int(raw_days), posted.get("title", "")
    )


def _end_special(user: User, task: Task, version: int | None, posted) -> SpecialProcedure:
    procedure = task.special_procedures.filter(ended_on=None).first()
    if procedure is None or task.state != TaskState.SPECIAL:
        raise services.Conflict("该事项不在特殊环节中，请刷新页面查看最新状态")
    if version is not None and version != task.version:
        raise services.Conflict(
            f"该事项已被他人更新（版本 {task.version}，您看到的是 {version}），请刷新后再操作"
        )
    return services.end_special(user, procedure.pk, posted.get("outcome", ""))


@dataclass(frozen=True, slots=True)
class TaskStep:
    label: str
    run: Callable[[User, Task, int | None, Any], Any]
    done: str
    text: str = ""


TASK_STEPS: dict[str, TaskStep] = {
    "claim": TaskStep(
        "认领", lambda u, t, v, p: services.claim(u, t.pk, version=v), "已认领“{name}”。"
    ),
    "release": TaskStep(
        "取消认领",
        lambda u, t, v, p: services.release(u, t.pk, version=v),
        "已取消认领“{name}”，其他审批人员可以认领。",
    ),
    "approve": TaskStep(
        "批准",
        lambda u, t, v, p: services.approve(u, t.pk, p.get("note", ""), version=v),
        "“{name}”已批准。",
        "note",
    ),
    "reject": TaskStep(
        "不予批准",
        lambda u, t, v, p: services.reject(u, t.pk, p.get("reason", ""), version=v),
        "“{name}”不予批准，已书面告知申请人。",
        "reason",
    ),
    "request_supplement": TaskStep(
        "要求补正",
        lambda u, t, v, p: services.request_supplement(
            u, t.pk, posted_lines(p.get("lines", "")), p.get("text", ""), version=v
        ),
        "已发出补正通知，“{name}”暂停计时。",
        "lines",
    ),
    "provide_supplement": TaskStep(
        "提交补正材料",
        lambda u, t, v, p: services.provide_supplement(u, t.pk, p.get("answer", ""), version=v),
        "补正材料已提交，“{name}”恢复审查。",
        "answer",
    ),
    "start_special": TaskStep(
        "启动特殊环节", _start_special, "“{name}”已进入特殊环节，所需时间不计入办理时限。", "title"
    ),
    "end_special": TaskStep(
        "结束特殊环节", _end_special, "“{name}”的特殊环节已结束，恢复审查。", "outcome"
    ),
}


@post_only
def task_action(request: HttpRequest, case_id, task_id: int, action: str) -> HttpResponse:
    case = visible_case(request.user, case_id)
    task = case.tasks.filter(pk=task_id).first()
    step = TASK_STEPS.get(action)
    if task is None or step is None:
        raise Http404("没有这项操作")
    try:
        step.run(request.user, task, posted_version(request), request.POST)
    except CaseError as exc:
        failed = {
            "action": action,
            "task": task.pk,
            "text": request.POST.get(step.text, "") if step.text else "",
        }
        return render_case(request, case, exc.status, error_message(exc, step.label), None, failed)
    messages.success(request, step.done.format(name=task.item_name))
    return redirect(case_url(case, f"task-{task.pk}"))
