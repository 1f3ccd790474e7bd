"""The partner's part of a case, on the case page and in 我的办件 (registered in
apps.py through core/case_panels.py): who implements which items (多地联办), the
partner's case number, state and due date, the certificate that came back, and — while
the application has not reached the partner — that it waits in the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string

from onething.core.access import remote_cases_visible_to
from onething.core.prepared import PreparedQuery
from onething.exchange.models import OutboundMessage, RemoteCase

# Asked for every case page and every row of 我的办件: compiled once (core/prepared.py).
_remote_parts = PreparedQuery(
    lambda case_id: RemoteCase.objects.filter(local_case_id=case_id).select_related("partner")
)

CERTIFICATE_LABELS = {
    "valid": "经对方签发机关公钥验证有效",
    "expired": "已过期",
    "forged": "验证未通过",
}


@dataclass(frozen=True, slots=True)
class PartnerPart:
    remote: RemoteCase
    items: str  # the items it implements, by name
    state: str  # 等待对方接收 / the partner's state
    waiting: str  # why the application has not arrived ("" once it has)
    due: date | None
    certificate: str
    latest: str  # the last line of the shared timeline
    link: bool  # the member of staff may open the exchange's own page of it

    @property
    def handled_here(self) -> bool:
        return self.remote.direction == RemoteCase.HANDLED


def _waiting(remote: RemoteCase) -> str:
    if remote.forwarded_at is not None or remote.partner_state:  # it has reported already
        return ""
    first = (
        OutboundMessage.objects.filter(case_ref=str(remote.ref), kind="application")
        .only("last_error", "attempts", "delivered_at", "cancelled_at")
        .first()
    )
    if not remote.partner.active:
        return "合作节点已停用，申请在发件箱中等待，恢复后自动发出"
    if first is not None and first.cancelled_at is not None:
        return "发送已被取消，请联系跨省通办管理员"
    if first is not None and first.last_error:
        return f"对方暂未接收（已尝试 {first.attempts} 次：{first.last_error[:80]}），将自动重试"
    return "申请已写入发件箱，等待对方接收"


def _part(user, case, remote: RemoteCase, names: dict[str, str]) -> PartnerPart:
    waiting = "" if remote.direction == RemoteCase.HANDLED else _waiting(remote)
    state = "等待对方接收" if waiting else (remote.partner_state or "对方已接收，待受理")
    certificate = ""
    if remote.certificate:
        number = remote.certificate.get("number", "")
        certificate = f"{number}（{CERTIFICATE_LABELS.get(remote.certificate_status, '')}）"
    latest = remote.events.order_by("-at", "-id").values_list("text", flat=True).first() or ""
    link = remote_cases_visible_to(user).filter(pk=remote.pk).exists() if user else False
    return PartnerPart(
        remote=remote,
        items="、".join(names.get(i, i) for i in remote.items) or remote.package_name,
        state=state,
        waiting=waiting,
        due=remote.partner_due,
        certificate=certificate,
        latest=latest,
        link=link,
    )


def case_panel(user, case, where: str) -> str:
    """The case's 跨省通办 parts as HTML ("" when it has none)."""
    if getattr(case, "pk", None) is None or case.state == "draft":
        return ""
    remotes = _remote_parts.all(case.pk)
    if not remotes:
        return ""
    names = dict(case.tasks.values_list("item_id", "item_name"))
    parts = [_part(user, case, remote, names) for remote in remotes]
    template = "exchange/_case_line.html" if where == "line" else "exchange/_case_part.html"
    return render_to_string(template, {"parts": parts, "case": case})
