"""Shared test factories: the demo's people, the steps a case goes through and the data
each channel files with, and readers of what a page answers — written once (the tests of
every layer use them instead of copying set-up code). Fixtures that use them live in
tests/conftest.py (every layer) and tests/e2e/conftest.py (HTTP, API, browser)."""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

from onething.accounts.models import User
from onething.cases import materials, services
from onething.cases.lifecycle import TaskState
from onething.cases.models import Case
from onething.cases.services import Filing
from onething.catalog.guide import build_guide, resolve_answers
from onething.catalog.services import current_catalog
from onething.intake.samples import sample_form
from onething.projects.services import BundleFiling, ProjectRow

# 我要开药店 with every item applying: the seeds' 7 items, 21 materials, 15 days.
ALL_ITEMS = {
    "sells_food": "true",
    "sells_class2_devices": "true",
    "sells_class3_devices": "true",
    "has_signboard": "true",
}


def user(username: str) -> User:
    return User.objects.get(username=username)


def as_user(client, username: str):
    """Django's test client, logged in as this demo account (both factors: see
    tests/conftest.py, force_login)."""
    client.force_login(user(username))
    return client


def second_factor_code(username: str) -> str:
    """The 6-digit code the account's authenticator app shows now, as a person reads it
    (django_otp.oath.totp on the device's secret), or "" for an account with none. Each
    code is accepted once: when this one was, the next step's (within the device's
    tolerance), waiting for the clock when even that one was."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        return ""
    while True:
        now = (int(time.time()) - device.t0) // device.step + device.drift
        ahead = max(0, device.last_t + 1 - now)
        if ahead <= device.tolerance:
            break
        time.sleep(1)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{code:0{device.digits}d}"


# --------------------------------------------------------------------------- 我要开药店


def pharmacy_form(answers=ALL_ITEMS) -> dict[str, str]:
    """A valid sample of the one form for 我要开药店 with these answers."""
    catalog = current_catalog().catalog
    package = catalog.packages["open_pharmacy"]
    return sample_form(build_guide(catalog, package, resolve_answers(package, answers)).fields)


def pharmacy_filing(answers=ALL_ITEMS, place="141102") -> Filing:
    """我要开药店 as the applicant files it, with a valid sample form (the services)."""
    return Filing("open_pharmacy", dict(answers), place, pharmacy_form(answers))


def pharmacy_filing_json() -> dict:
    """我要开药店 as the API takes it: the body of POST /api/v1/cases."""
    return {
        "package_id": "open_pharmacy",
        "answers": {question: value == "true" for question, value in ALL_ITEMS.items()},
        "place": "141102",
        "form": pharmacy_form(),
    }


def pharmacy_filing_post(key="key-1", intent="submit", **changes) -> dict[str, str]:
    """我要开药店 as the filing page posts it to /apply/open_pharmacy."""
    return {
        **ALL_ITEMS,
        **pharmacy_form(),
        "place": "141102",
        "intent": intent,
        "idempotency_key": key,
        **changes,
    }


# --------------------------------------------------------------------------- 打包办

# 电网改造项目 with new land: 用地预审与选址 → 电网工程核准 (waits on the expert review) →
# 规划许可, for each project.
GRID_ANSWERS = {
    "voltage_level": "10千伏及以下",
    "needs_new_land": "true",
    "occupies_road": "false",
    "affects_trees": "false",
}


def grid_rows(count: int = 5) -> list[ProjectRow]:
    """The rows of a bundle of `count` grid projects at 阳泉市郊区."""
    return [
        ProjectRow(
            name=f"郊区 10 千伏配电网改造工程（{number}号）",
            code=f"2026-140311-44-03-{number:06d}",
            address=f"阳泉市郊区荫营镇第 {number} 供电台区",
            investment=f"{300 + 25 * number}",
            form={"route_length": f"{number}.5"},  # the package's per-project field
        )
        for number in range(1, count + 1)
    ]


def grid_bundle_filing(count: int = 5, rows: list[ProjectRow] | None = None) -> BundleFiling:
    """电网改造项目 filed by the power company as one bundle (the services)."""
    catalog = current_catalog().catalog
    package = catalog.packages["grid_rebuild"]
    fields = build_guide(catalog, package, resolve_answers(package, GRID_ANSWERS)).fields
    return BundleFiling(
        "grid_rebuild", GRID_ANSWERS, "140311", sample_form(fields), rows or grid_rows(count)
    )


def work_items(case: Case, item_ids: set[str]) -> None:
    """The departments approve these items of the case once they are workable."""
    for task in case.tasks.filter(item_id__in=item_ids, state=TaskState.WORKABLE):
        reviewer = User.objects.get(
            role="reviewer", department=task.department, jurisdiction=task.jurisdiction
        )
        services.claim(reviewer, task.pk)
        services.approve(reviewer, task.pk, note="符合条件，准予许可")


def accepted_pharmacy(filing: Filing | None = None) -> Case:
    """我要开药店 filed by yaofang and accepted at the 离石区 window: its items workable."""
    case, _ = services.file_case(user("yaofang"), filing or pharmacy_filing())
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    return case


def decided_pharmacy() -> Case:
    """我要开药店 accepted and every item approved: its six certificates issued, the
    results waiting at the window."""
    case = accepted_pharmacy()
    decide_all(case)
    return case


def decide_all(case: Case) -> None:
    """Every department works its items, in waves as predecessors finish."""
    while True:
        workable = [t for t in case.tasks.all() if t.state == TaskState.WORKABLE]
        if not workable:
            return
        for task in workable:
            reviewer = User.objects.get(
                role="reviewer", department=task.department, jurisdiction=task.jurisdiction
            )
            services.claim(reviewer, task.pk)
            services.approve(reviewer, task.pk, note="符合条件，准予许可")


def check_materials(case: Case, clerk: str = "clerk_lishi") -> None:
    """The window checks every material still unchecked against its original."""
    with contextlib.suppress(services.Conflict):  # nothing left to check
        materials.check_all(user(clerk), case.public_id)


def hand_over(case: Case, clerk: str = "clerk_lishi") -> Case:
    """一次办成 at the window: materials checked, then every result handed over."""
    check_materials(case, clerk)
    return services.hand_over(user(clerk), case.public_id)


# --------------------------------------------------------------------------- pages


def text_of(response) -> str:
    """A response's HTML with every run of white space one space (for text checks)."""
    return re.sub(r"\s+", " ", response.content.decode())


def page_text(response) -> str:
    """text_of a page that must have answered 200."""
    assert response.status_code == 200, response.status_code
    return text_of(response)


# English the pages may still show: data (user names, codes) and Django's own chrome.
ALLOWED_ENGLISH = re.compile(r"^(API|admin|LDAP|Control|Command|Mac|SHA|IP|HTTP|Accept|GET|POST)$")


def english_words(html: str) -> set[str]:
    """The English words a reader sees on a page, but for allowed ones, ids and codes."""
    html = re.sub(r"<(script|style|option)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    words = {w for w in re.findall(r"[A-Za-z]{2,}", html) if not ALLOWED_ENGLISH.match(w)}
    return {w for w in words if not re.fullmatch(r"[a-z_]+|[A-Z0-9]+", w)}


# Elements that never hold anything: no end tag follows them.
VOID = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img"),
        *("input", "link", "meta", "source", "track", "wbr"),
    }
)


@dataclass
class Element:
    """One element of a parsed page (parse_html), with what it holds: text and elements."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        """What the element says: its descendants' text as the page has it (as the DOM's
        textContent), each run of white space one space."""
        return re.sub(r"\s+", " ", "".join(self._strings())).strip()

    def _strings(self) -> list[str]:
        strings = []
        for child in self.children:
            strings.extend([child] if isinstance(child, str) else child._strings())
        return strings

    def has(self, attribute: str) -> bool:
        return attribute in self.attrs

    def matches(self, tag: str | None, attrs: dict[str, str | bool]) -> bool:
        if tag is not None and self.tag != tag:
            return False
        for name, wanted in attrs.items():
            if name == "class_":
                if wanted not in self.classes:
                    return False
            elif wanted is True:
                if not self.has(name.replace("_", "-")):
                    return False
            elif self.attrs.get(name.replace("_", "-")) != wanted:
                return False
        return True

    def elements(self, tag: str | None = None, **attrs: str | bool) -> list[Element]:
        """Every descendant with this tag and these attributes, in document order: class_
        is one of its classes, True only asks for the attribute, "_" stands for "-"."""
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.matches(tag, attrs):
                    found.append(child)
                found.extend(child.elements(tag, **attrs))
        return found

    def element(self, tag: str | None = None, **attrs: str | bool) -> Element:
        """The first such descendant; a failure names what was looked for."""
        found = self.elements(tag, **attrs)
        assert found, f"no <{tag or '*'}> with {attrs}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        opened = Element(tag, dict(attrs))
        self.open[-1].children.append(opened)
        if tag not in VOID:
            self.open.append(opened)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):  # an unopened end tag is ignored
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse_html(page) -> Element:
    """A page (a response or its HTML) as a tree of elements, its entities decoded."""
    builder = _TreeBuilder()
    builder.feed(page if isinstance(page, str) else page.content.decode())
    builder.close()
    return builder.root


def elements(page, tag: str | None = None, **attrs: str | bool) -> list[Element]:
    """The page's elements with this tag and these attributes (see Element.elements)."""
    return parse_html(page).elements(tag, **attrs)


def element(page, tag: str | None = None, **attrs: str | bool) -> Element:
    """The page's first element with this tag and these attributes."""
    return parse_html(page).element(tag, **attrs)


# --------------------------------------------------------------------------- 定制办

# A charging station beside a road being rebuilt at 阳泉市郊区: the station's power
# connection and the road's feasibility study go through one joint expert review, and the
# station's road occupation waits on the road's planning permit (across projects).
STATION_ANSWERS = {
    "needs_new_land": "false",
    "station_buildings": "不新建（仅安装充电设备）",
    "energy_threshold": "false",
    "occupies_road": "true",
}
ROAD_ANSWERS = {
    "road_work": "改建",
    "road_grade": "次干路",
    "occupies_road": "false",
    "affects_trees": "false",
    "near_power_lines": "false",
}


def plan_form(package_id: str, answers: dict) -> dict[str, str]:
    catalog = current_catalog().catalog
    package = catalog.packages[package_id]
    return sample_form(build_guide(catalog, package, resolve_answers(package, answers)).fields)


def two_project_plan(steps=None, start=None):
    """定制办 for gridco's charging station and road at 郊区, with one joint review."""
    import datetime

    from onething.projects.plan_services import PlanInput, ProjectInput, ReviewInput, StepInput

    projects = [
        ProjectInput(
            "station",
            "郊区荫营充电站",
            "2026-140311-44-09-000001",
            "阳泉市郊区荫营镇公交停车场",
            "800",
            "charging_station",
            STATION_ANSWERS,
            plan_form("charging_station", STATION_ANSWERS),
        ),
        ProjectInput(
            "road",
            "郊区荫营路改建",
            "2026-140311-48-01-000002",
            "阳泉市郊区荫营镇荫营路全线",
            "5000",
            "road_project",
            ROAD_ANSWERS,
            plan_form("road_project", ROAD_ANSWERS),
        ),
    ]
    default_steps = [
        StepInput("s_filing", "station", "project_filing", lead="r_approval_jiaoqu"),
        StepInput("s_power", "station", "charging_power_connection", ["s_filing"], "", "joint"),
        StepInput("s_occupy", "station", "road_occupation_permit", ["s_power", "r_planning"]),
        StepInput("r_feasibility", "road", "gov_feasibility_approval", review="joint"),
        StepInput("r_planning", "road", "planning_permit_municipal", ["r_feasibility"]),
        StepInput("r_build", "road", "construction_permit", ["r_planning"], "王工"),
    ]
    reviews = [
        ReviewInput("joint", "充电站与道路联合专家评审", 7, ["station", "road"], ["s_filing"])
    ]
    return PlanInput(
        "荫营充电站与道路一事一策",
        "gridco",
        "140311",
        start or datetime.date(2026, 3, 2),
        projects,
        default_steps if steps is None else steps,
        reviews,
    )


# --------------------------------------------------------------------------- 联动办

CHARGING_ANSWERS = {
    "needs_new_land": "false",
    "station_buildings": "新建，投资30万元以上且面积300平方米以上",
    "energy_threshold": "false",
    "occupies_road": "false",
}


def charging_station_at_acceptance() -> Case:
    """电动汽车充电站建设 filed by gridco at 阳泉市郊区 and accepted, every item approved
    but the last: 竣工联合验收 (completion_joint_acceptance) workable."""
    catalog = current_catalog().catalog
    package = catalog.packages["charging_station"]
    answers = resolve_answers(package, CHARGING_ANSWERS)
    form = sample_form(build_guide(catalog, package, answers).fields)
    case, _ = services.file_case(
        user("gridco"), Filing("charging_station", CHARGING_ANSWERS, "140311", form)
    )
    services.accept(user("clerk_jiaoqu"), case.public_id)
    last = case.tasks.get(item_id="completion_joint_acceptance")
    while last.state != TaskState.WORKABLE:
        work_items(case, {t.item_id for t in case.tasks.exclude(pk=last.pk)})
        last.refresh_from_db()
    return case


# --------------------------------------------------------------------------- 预约办 (hall)


def next_free_slot(hall: str = "lishi", kind: str = "general", skip: int = 0):
    """The (skip+1)-th slot ahead of a demo hall's window type with a free place."""
    from datetime import datetime

    from onething.hall.hours import local_now
    from onething.hall.models import Slot

    now = local_now()
    slots = Slot.objects.filter(
        hall__code=hall, window_type__code=kind, date__gte=now.date()
    ).order_by("date", "starts")
    ahead = [s for s in slots if s.free and datetime.combine(s.date, s.starts) > now]
    return ahead[skip]


def booking_of(slot, package_id: str = "open_restaurant", phone: str = ""):
    """A Booking of that slot at its hall (hall.booking.Booking)."""
    from onething.hall.booking import Booking

    return Booking(slot.hall.code, package_id, slot.date, slot.starts, phone)


# --------------------------------------------------------------------------- 取号叫号 (tickets)


def appointment_today(
    hall: str = "lishi", kind: str = "general", person: str = "zhangsan", starts=None, day=None
):
    """A booked appointment in a slot of a demo hall today (or `day`), starting at `starts`
    (default: an hour ago, so its slot has begun), made through the hall's models: the
    hall's booking service refuses slots already begun or outside its hours."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from onething.hall.models import Appointment, Hall, Slot
    from onething.hall.rules import new_code

    hall_row = Hall.objects.get(code=hall)
    now = timezone.localtime()
    an_hour_ago = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    begins = starts or (time(0, 0) if now.hour == 0 else an_hour_ago)
    ends = (datetime.combine(now.date(), begins) + timedelta(minutes=30)).time()
    slot, _ = Slot.objects.get_or_create(
        window_type=hall_row.window_types.get(code=kind),
        date=day or now.date(),
        starts=begins,
        defaults={"hall": hall_row, "ends": ends, "capacity": 10},
    )
    slot.booked += 1
    slot.save(update_fields=["booked"])
    return Appointment.objects.create(
        slot=slot,
        package_id="open_restaurant",
        package_name="我要开餐馆",
        applicant=User.objects.get(username=person),
        code=new_code(),
    )


def walk_in(hall: str = "lishi", kind: str = "general"):
    """A walk-in ticket taken at the kiosk (tickets.services)."""
    from onething.tickets.services import TicketRequest, take_ticket

    return take_ticket(None, hall, TicketRequest("walk_in", window_type=kind))


def window_of(hall: str = "lishi", number: str = "1号窗口"):
    from onething.hall.models import ServiceWindow

    return ServiceWindow.objects.select_related("hall", "window_type").get(
        hall__code=hall, number=number
    )


# --------------------------------------------------------------------------- 延伸办 (outreach)

RETIREMENT = {"retirement_type": "正常退休", "has_hpf": "false"}  # 退休一件事, zhangsan's


def retirement_form(answers=RETIREMENT) -> dict[str, str]:
    """A valid sample of 退休一件事's one form."""
    catalog = current_catalog().catalog
    package = catalog.packages["retirement"]
    return sample_form(build_guide(catalog, package, resolve_answers(package, answers)).fields)


def assist_ready(clerk: str = "clerk_lishi", citizen: str = "zhangsan"):
    """帮办代办: the clerk has filled in 退休一件事 for the citizen, waiting for consent."""
    from onething.outreach import assisting

    actor = user(clerk)
    started = assisting.start_assist(actor, user(citizen), "retirement")
    return assisting.save_assist_form(
        actor, started.public_id, RETIREMENT, "141102", retirement_form()
    )


def consent_code_sent_to(username: str) -> str:
    """The last consent code in the outbox for this person, as their phone shows it."""
    from onething.cases.models import OutboxMessage

    message = (
        OutboxMessage.objects.filter(recipient__username=username, kind="consent_code")
        .order_by("-id")
        .first()
    )
    return re.search(r"验证码 (\d{6})", message.body).group(1)


def visit_scheduled(citizen: str = "zhangsan", visitor: str = "clerk_lishi"):
    """上门办: zhangsan asked for a visit for 退休一件事; supervisor_lishi scheduled it."""
    from datetime import date, time, timedelta

    from onething.outreach import visits

    asked = visits.VisitRequest(
        "retirement",
        "141102",
        "山西省吕梁市离石区滨河北中路 12 号 3 单元 502",
        "elderly",
        preferred_dates=(date.today() + timedelta(days=2),),
    )
    visit = visits.request_visit(user(citizen), asked)
    return visits.schedule_visit(
        user("supervisor_lishi"),
        visit.public_id,
        date.today() + timedelta(days=2),
        time(9, 30),
        user(visitor).pk,
    )


def tiny_jpeg() -> bytes:
    """A small real JPEG (a photo of a material)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 160)).save(out, "JPEG")
    return out.getvalue()


def signature_png(ink: bool = True) -> bytes:
    """A signature drawn on the tablet (transparent, with a stroke), or a blank pad."""
    import io

    from PIL import Image, ImageDraw

    pad = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(pad).line([(50, 150), (200, 40), (350, 160), (550, 60)], "black", 5)
    out = io.BytesIO()
    pad.save(out, "PNG")
    return out.getvalue()


# --------------------------------------------------------------------------- 秒批

# 食品小经营店备案 by a shop that already holds its business licence: one item, decided
# by the platform when its materials are A/B and its floor area is at most 50 m².
FOOD_SHOP = {"shop_type": "食品小销售店", "has_business_licence": "true"}


def food_shop_form(operating_area: str = "30", answers=FOOD_SHOP) -> dict[str, str]:
    """A valid sample of the one form for 食品小经营店备案, with this floor area."""
    catalog = current_catalog().catalog
    package = catalog.packages["small_food_shop"]
    fields = build_guide(catalog, package, resolve_answers(package, answers)).fields
    return {**sample_form(fields), "operating_area": operating_area}


def food_shop_case(
    operating_area: str = "30", checked: bool = True, has_business_licence: str = "true"
) -> Case:
    """食品小经营店备案 filed by yaofang at 离石区 and accepted by the window, which checked
    every original first (B) unless `checked` is false; without a business licence, the
    individual business registration comes first."""
    answers = {**FOOD_SHOP, "has_business_licence": has_business_licence}
    form = food_shop_form(operating_area, answers)
    filing = Filing("small_food_shop", answers, "141102", form)
    case, _ = services.file_case(user("yaofang"), filing)
    if checked:
        check_materials(case)
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    return case


def card_reading(name: str, id_number: str, kiosk: str = "lishi-01", **changes) -> dict:
    """The POST of a card read by the demo's simulated reader at `kiosk` (signed with
    its key): {"reading", "signature"}. `changes`: read_at, nonce, or key (another
    reader's private key) to make a reading the kiosk must refuse."""
    from onething.kiosk.services import demo_reader, signed_reading

    key = changes.get("key") or demo_reader()
    text, signature = signed_reading(
        key, kiosk, name, id_number, changes.get("read_at"), changes.get("nonce")
    )
    return {"reading": text, "signature": signature}


# --------------------------------------------------------------------------- 跨省通办

PARTNER_OFFER = {  # 榆林市's 无犯罪记录证明, as its identity document lists it
    "package": "no_criminal_record",
    "name": "开具无犯罪记录证明",
    "place": "610802",
    "modes": ["异地代收代办", "全程网办"],
    "forward_days": 1,
    "questions": [],
    "fields": [
        {"id": "applicant_name", "label": "申请人姓名", "required": True},
        {"id": "applicant_id_number", "label": "身份证号", "required": True},
        {"id": "applicant_phone", "label": "联系电话", "required": True},
        {"id": "certificate_purpose", "label": "证明用途", "required": True},
    ],
    "materials": [{"id": "applicant_id", "name": "申请人居民身份证"}],
}


def exchange_partner(code: str = "yulin") -> dict:
    """This node set up as 吕梁市 and a partner 榆林市 added from an identity document
    whose private keys the test holds: {"document", "sig", "enc"} (private JWKs)."""
    from datetime import timedelta

    from django.utils import timezone

    from onething.exchange import identity, rules
    from onething.exchange.partners import add_partner

    identity.configure("lvliang", "吕梁市政务服务平台", ["141100"], "http://127.0.0.1:8")
    sig, enc = rules.generate_key("sig"), rules.generate_key("enc")
    start = rules.iso(timezone.now() - timedelta(days=1))
    document = {
        "onething_node": 1,
        "code": code,
        "name": "榆林市政务服务平台",
        "regions": ["610800"],
        "url": "http://127.0.0.1:9",
        "keys": [
            {"kid": k["kid"], "use": k["use"], "jwk": rules.public_part(k), "valid_from": start}
            for k in (sig, enc)
        ],
        "licence_keys": {"version": 1, "authorities": {}},
        "offered": [PARTNER_OFFER],
    }
    add_partner(document)
    return {"document": document, "sig": sig, "enc": enc}
