"""Preparing a fresh installation: the demo catalogue and the demo log-ins.

Every demo account has the password DEMO_PASSWORD; every demo member of staff also has
an authenticator bound with the demo's shared secret (accounts.twofactor.DEMO_SECRET),
which `onething setup` prints, so that a person can add it to an authenticator app (or
read the current code with `onething manage demo_code`). No demo account is a superuser:
`onething manage createsuperuser` makes one for setting up, when one is needed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from onething.accounts import twofactor
from onething.accounts.models import Authorisation
from onething.catalog import DEMO_CATALOG
from onething.catalog.loading import read_catalog_file, require_catalog
from onething.catalog.models import CatalogVersion
from onething.catalog.services import import_catalog
from onething.core.roles import STAFF_ROLES, Role

DEMO_IMPORTER = "demo"


def ensure_demo_catalog() -> str:
    """Import the shipped demo catalogue into an empty database, or refresh it when the
    current version is an older demo import. A catalogue someone imported is left alone."""
    data = DEMO_CATALOG.read_bytes()
    latest = CatalogVersion.objects.order_by("-number").first()
    if latest is not None and latest.digest == hashlib.sha256(data).hexdigest():
        return f"catalogue: version {latest.number} (the demo catalogue), unchanged"
    if latest is not None and latest.imported_by != DEMO_IMPORTER:
        return f"catalogue: version {latest.number} imported by {latest.imported_by}, kept"
    outcome = import_catalog(
        data, imported_by=DEMO_IMPORTER, note="演示目录（山西省吕梁市、阳泉市郊区）"
    )
    version = outcome.version
    return (
        f"catalogue: imported the demo as version {version.number} "
        f"({version.items_count} items, {version.packages_count} packages)"
    )


DEMO_PASSWORD = "onething-demo"
CITY, COUNTY = "141100", "141102"  # 吕梁市, 离石区
JIAOQU = "140311"  # 阳泉市郊区: investment projects (七办)
PLACE_NAMES = {CITY: "吕梁市", COUNTY: "离石区", JIAOQU: "郊区"}


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    jurisdiction: str = ""
    department: str = ""
    applicant_kind: str = ""
    id_number: str = ""
    phone: str = ""
    uscc: str = ""
    shown: bool = True  # printed by `make run`


def demo_accounts() -> list[DemoAccount]:
    """Every role in 吕梁市 and in 离石区, and a reviewer for every department at both."""
    accounts = [
        DemoAccount("admin", Role.ADMIN, "系统管理员"),
        DemoAccount("security_admin", Role.SECURITY_ADMIN, "安全管理员"),
        DemoAccount("audit_admin", Role.AUDIT_ADMIN, "审计管理员"),
        DemoAccount("editor", Role.EDITOR, "吕梁市审批局事项编制员", CITY, "approval"),
        DemoAccount("editor_amr", Role.EDITOR, "吕梁市市场监管局编制员", CITY, "amr"),
        DemoAccount("publisher", Role.PUBLISHER, "吕梁市审批局审核发布员", CITY),
        DemoAccount(
            "zhangsan",
            Role.APPLICANT,
            "张三",
            COUNTY,
            applicant_kind="person",
            id_number="142331198503151231",
            phone="13935812345",
        ),
        DemoAccount(
            "yaofang",
            Role.APPLICANT,
            "吕梁康民大药房有限公司",
            COUNTY,
            applicant_kind="enterprise",
            id_number="142331196207082041",
            phone="13603581234",
            uscc="91141102MA0K5R2C1K",
        ),
        DemoAccount(
            "daiban",
            Role.AGENT,
            "李代办（离石区帮办代办中心）",
            COUNTY,
            id_number="142324199001013315",
            phone="13835867890",
        ),
        DemoAccount("clerk", Role.CLERK, "吕梁市政务服务中心综合窗口", CITY),
        DemoAccount("clerk_lishi", Role.CLERK, "离石区政务服务中心综合窗口", COUNTY),
        DemoAccount("supervisor", Role.SUPERVISOR, "吕梁市政务服务监督员", CITY),
        DemoAccount("supervisor_lishi", Role.SUPERVISOR, "离石区政务服务监督员", COUNTY),
        DemoAccount(
            "gridco",
            Role.APPLICANT,
            "国网山西省电力公司阳泉市郊区供电分公司",
            JIAOQU,
            applicant_kind="enterprise",
            id_number="140311197805162014",
            phone="13703531234",
            uscc="91140311MA0GRD5E25",
        ),
        DemoAccount("clerk_jiaoqu", Role.CLERK, "郊区政务服务中心综合窗口", JIAOQU),
        DemoAccount(  # 全代办: gridco's written authorisation (linked/authorisations.py)
            "daiban_jiaoqu",
            Role.AGENT,
            "郊区帮办代办中心 赵代办",
            JIAOQU,
            id_number="140311199203154411",
            phone="13593512345",
        ),
    ]
    catalog = require_catalog(read_catalog_file(DEMO_CATALOG))
    for department in catalog.departments.values():
        for code, suffix in ((CITY, ""), (COUNTY, "_lishi"), (JIAOQU, "_jiaoqu")):
            accounts.append(
                DemoAccount(
                    f"r_{department.id}{suffix}",
                    Role.REVIEWER,
                    f"{PLACE_NAMES[code]}{department.name}审批员",
                    code,
                    department=department.id,
                    shown=code != JIAOQU and department.id in ("amr", "mpa", "urban", "psb"),
                )
            )
    return accounts


def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo log-ins that are missing (one password for all: a local demo only),
    bind the demo authenticator to the staff's, and authorise the agent to act for the
    pharmacy company."""
    users = get_user_model()
    hashed = make_password(DEMO_PASSWORD)  # hash once: argon2 is slow on purpose
    accounts = demo_accounts()
    for account in accounts:
        if users.objects.filter(username=account.username).exists():
            continue
        user = users(
            username=account.username,
            role=account.role,
            full_name=account.full_name,
            jurisdiction=account.jurisdiction,
            department=account.department,
            applicant_kind=account.applicant_kind,
            id_number=account.id_number,
            phone=account.phone,
            uscc=account.uscc,
        )
        user.password = hashed
        user.save()
    names = [account.username for account in accounts]
    # 事项编制: an older demo's editor had no department (and so may change nothing now).
    users.objects.filter(username="editor", department="").update(department="approval")
    # An older demo made `admin` a superuser: the role decides now (三权分立).
    for user in users.objects.filter(username__in=names, is_superuser=True).exclude(role=""):
        user.is_superuser = False
        user.save(update_fields=["is_superuser", "is_staff"])
    ensure_demo_authenticators(users.objects.filter(username__in=names, role__in=STAFF_ROLES))
    principal = users.objects.get(username="yaofang")
    agent = users.objects.get(username="daiban")
    if not Authorisation.objects.filter(principal=principal, agent=agent).exists():
        Authorisation.objects.create(
            principal=principal,
            agent=agent,
            valid_until=date.today() + timedelta(days=365),
            document="离石代办〔2026〕001号",
        )
    from onething.linked.authorisations import ensure_demo_authorisation

    ensure_demo_authorisation()  # 全代办: gridco authorises daiban_jiaoqu for its projects
    from onething.hall.demo import ensure_demo_halls

    ensure_demo_halls()  # 延伸办: the demo halls, their windows, hours and slots
    from onething.outreach.demo import ensure_demo_visit

    ensure_demo_visit()  # 上门办: zhangsan's request at 离石区, waiting to be scheduled
    from onething.zones.demo import ensure_demo_zone

    ensure_demo_zone()  # 专区办: 郊区荫营农贸市场, served by clerk_jiaoqu
    from onething.kiosk.services import ensure_demo_kiosk

    ensure_demo_kiosk()  # 7×24 自助终端: lishi-01 at 离石区政务服务中心
    from onething.licences.demo import ensure_demo_library

    ensure_demo_library()  # 张三's 健康证明 and 不动产权证书 (免提交: his kiosk 秒批)
    return accounts


def ensure_demo_authenticators(staff) -> None:
    """Bind the demo's shared secret to each demo member of staff who has no
    authenticator (again at the next set-up after a reset)."""
    key = twofactor.key_of(twofactor.DEMO_SECRET)
    bound = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name=twofactor.DEVICE_NAME, key=key, confirmed=True)
        for user in staff.exclude(Exists(bound))
    )


def demo_second_factor_note() -> str:
    """What `onething setup` prints for the demo staff's second factor."""
    secret = twofactor.grouped(twofactor.DEMO_SECRET)
    return (
        f"second factor of every demo staff account: authenticator secret {secret} "
        "(TOTP, 6 digits, 30 s; the current code: onething manage demo_code)"
    )
