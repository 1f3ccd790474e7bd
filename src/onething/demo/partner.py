"""The demo's partner node (跨省通办): a second data directory made into 榆林市's platform —
its own catalogue (exchange/demo/yulin.yaml), identity, 跨省通办 list and staff — so that
two onething processes on one machine exchange applications with 吕梁市."""

from __future__ import annotations

from pathlib import Path

from onething.accounts.models import User
from onething.core.roles import Role

PARTNER_CATALOG = Path(__file__).resolve().parents[1] / "exchange" / "demo" / "yulin.yaml"
PARTNER_STAFF = [
    ("yl_clerk", Role.CLERK, "榆阳区政务服务中心综合窗口", "610802", ""),
    ("yl_r_psb", Role.REVIEWER, "榆阳区公安局审批员", "610802", "psb"),
    ("yl_supervisor", Role.SUPERVISOR, "榆林市政务服务监督员", "610800", ""),
    ("yl_admin", Role.ADMIN, "榆林市平台管理员", "", ""),
]


def make_partner_node(url: str = "") -> list[str]:
    """Import the partner's catalogue (its 跨省通办 list marked in it), set its identity,
    add its staff (password onething-demo, the demo's second factor); the lines to print."""
    from onething.catalog.services import current_catalog, import_catalog
    from onething.exchange.identity import configure
    from onething.licences.services import ensure_issuer_keys
    from onething.web.setup import DEMO_PASSWORD, ensure_demo_authenticators

    import_catalog(PARTNER_CATALOG.read_bytes(), imported_by="demo-partner", note="榆林市演示目录")
    current = current_catalog()
    assert current is not None
    ensure_issuer_keys(current.catalog)
    configure("yulin", "榆林市政务服务平台", ["610800"], url)
    for username, role, name, jurisdiction, department in PARTNER_STAFF:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.full_name = role, name
        user.jurisdiction, user.department = jurisdiction, department
        user.set_password(DEMO_PASSWORD)
        user.save()
    ensure_demo_authenticators(User.objects.filter(username__in=[s[0] for s in PARTNER_STAFF]))
    return [
        "partner node yulin (榆林市政务服务平台), regions 610800",
        "跨省通办 list: no_criminal_record (异地代收代办, 全程网办), household_move (多地联办)",
        "staff: " + ", ".join(s[0] for s in PARTNER_STAFF) + f" (password {DEMO_PASSWORD})",
    ]
