"""Every page fits a phone: each role opens every page it can at 375×812, in normal
text, in 大字版 (and once with 高对比 too), and no page is wider than the screen; on a
1280 px screen the header's links stay on one line. One browser context per role, many
pages each, the display mode switched with the header's buttons as a person would; every
failure is reported at once, named by role, mode and page."""

import os
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.browser import log_in
from tests.factories import ALL_ITEMS, decide_all, hand_over, pharmacy_filing, user

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

WIDTH = 375  # the narrowest phone in use; the other browser tests use tests/e2e/browser.py's
PHONE = {
    "viewport": {"width": WIDTH, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
ROLES = [
    "anonymous",
    "yaofang",
    "daiban",
    "clerk_lishi",
    "r_amr_lishi",
    "supervisor_lishi",
    "editor",
    "admin",
    "security_admin",
    "audit_admin",
]
STAFF = [
    "clerk_lishi",
    "r_amr_lishi",
    "supervisor_lishi",
    "editor",
    "admin",
    "security_admin",
    "audit_admin",
]
ALL_ANSWERS = urlencode(ALL_ITEMS)
USCC = "91141102MA0K5R2C1K"  # 吕梁康民大药房有限公司's

# How wide the page is, and the innermost elements wider than their box (for the message).
MEASURE = """() => {
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (el.clientWidth === 0 || el.scrollWidth <= el.clientWidth + 1) continue;
    if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) continue;
    if (el.matches('input, select, textarea')) continue;
    const inner = [...el.children].some(k => k.clientWidth > 0 && k.scrollWidth > k.clientWidth + 1);
    if (!inner) culprits.push(el.tagName.toLowerCase()
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ` ${el.scrollWidth}>${el.clientWidth}px “${(el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 30)}”`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          culprits: culprits.slice(0, 3)};
}"""
HEADER = """() => {
  const bar = document.querySelector('.site-header .bar');
  const parts = [...bar.children].map(child => child.getBoundingClientRect());
  const links = [...document.querySelectorAll('.site-nav a')].map(link => {
    const range = document.createRange();
    range.selectNodeContents(link);
    return {text: link.textContent.trim(), lines: range.getClientRects().length,
            top: Math.round(link.getBoundingClientRect().top)};
  });
  return {oneRow: Math.max(...parts.map(r => r.top)) < Math.min(...parts.map(r => r.bottom)),
          linkRows: new Set(links.map(l => l.top)).size,
          broken: links.filter(l => l.lines > 1).map(l => l.text),
          height: Math.round(bar.getBoundingClientRect().height)};
}"""


@dataclass(frozen=True)
class Visit:
    name: str  # what the failure message calls it
    url: str
    search: str = ""  # a code to look up in the licence search form after opening


@pytest.fixture
def pages(site):
    """yaofang's pharmacy cases in every state the case page shows, a certificate, a
    complaint and a bad rating's rectification on the demo site; the pages of each role."""
    from onething.cases import services
    from onething.evaluation import complaint_services as complaints, services as evaluation
    from onething.evaluation.complaint_services import ComplaintFiling
    from onething.licences.models import Licence

    yaofang = user("yaofang")

    def filed(**kwargs):
        return services.file_case(kwargs.pop("actor", yaofang), pharmacy_filing(), **kwargs)[0]

    draft = filed(submit=False)
    submitted = filed()
    awaiting = filed()
    services.request_completion(
        user("clerk_lishi"), awaiting.public_id, ["请补交经营场所租赁合同原件"]
    )
    refused = filed()
    services.refuse(
        user("clerk_lishi"), refused.public_id, "经营场所不在本辖区，请到所在地窗口申请"
    )
    working = filed()
    services.accept(user("clerk_lishi"), working.public_id)
    ready = filed()
    services.accept(user("clerk_lishi"), ready.public_id)
    ready.refresh_from_db()
    decide_all(ready)
    finished = filed()
    services.accept(user("clerk_lishi"), finished.public_id)
    finished.refresh_from_db()
    decide_all(finished)
    hand_over(finished)
    evaluation.rate(yaofang, finished.public_id, "overall", 1, ["服务态度差"], "出件时等了很久")
    by_agent = filed(actor=user("daiban"), applicant=yaofang)
    complaint = complaints.file_complaint(
        ComplaintFiling(
            kind="complaint",
            category="buck_passing",
            text="离石区窗口让我去市里办，市里又让我回区里办",
            jurisdiction="141102",
        )
    )
    licence = Licence.objects.filter(type_name="药品经营许可证").first()
    number = licence.number

    def case(label, c):
        return Visit(f"办件页（{label}）", f"/cases/{c.public_id}")

    states = {
        "draft": case("草稿", draft),
        "submitted": case("待受理", submitted),
        "awaiting": case("待补正", awaiting),
        "refused": case("不予受理", refused),
        "working": case("办理中", working),
        "ready": case("待领取", ready),
        "finished": case("已办结", finished),
    }
    applicant_cases = list(states.values())
    staff_cases = [v for k, v in states.items() if k != "draft"]
    licence_page = Visit("证照详情", f"/licences/{number}")
    privacy = [Visit("个人信息查看记录", reverse("privacy:views"))]
    account = [Visit("账号安全", "/accounts/security"), Visit("修改密码", "/accounts/password")]
    everyone = [
        Visit("首页", "/"),
        Visit("搜索", "/?" + urlencode({"q": "想开个药店"})),
        Visit("办事指南", "/guides/open_pharmacy"),
        Visit("办事指南（已回答）", "/guides/open_pharmacy?" + ALL_ANSWERS),
        Visit("办事公示", "/figures/"),
        Visit("证照验证", "/verify/"),
        Visit("证照验证结果", "/verify/?" + urlencode({"n": number})),
        Visit("投诉建议", "/complaints/new"),
        Visit("诉求查询", "/complaints/track?" + urlencode({"code": complaint.tracking})),
        Visit("页面不存在", "/no/such/page"),
    ]
    search = Visit("证照查询结果", "/licences/search", search=USCC)
    pages = {
        "anonymous": [
            *everyone,
            Visit("登录", "/accounts/login"),
            Visit("一件事不存在", "/guides/no_such_package"),
        ],
        "yaofang": [
            Visit("我的办件", "/my/"),
            Visit("在线申报", "/apply/open_pharmacy"),
            Visit("在线申报（已回答）", "/apply/open_pharmacy?" + ALL_ANSWERS),
            *applicant_cases,
            Visit("我的证照", "/licences/"),
            licence_page,
            Visit("免提交的指南", "/guides/utility_connection?needs_water=true"),
            Visit("窗口评价", "/rate/window/141102"),
            Visit("预约办理", "/hall/?hall=lishi&package=open_pharmacy"),
            Visit("我的预约", "/hall/mine"),
            Visit("在自助终端登录", "/kiosk/sign-in-code"),
            *account,
            *everyone[:4],
        ],
        "daiban": [
            Visit("代办件", "/my/"),
            Visit("代办件页", f"/cases/{by_agent.public_id}"),
            Visit("在线申报", "/apply/open_pharmacy?" + ALL_ANSWERS),
            Visit("首页", "/"),
        ],
        "clerk_lishi": [
            Visit("窗口受理", "/window/"),
            *staff_cases,
            Visit("证照查询", "/licences/search"),
            search,
            licence_page,
            Visit("差评整改", "/rectifications/"),
            Visit("诉求办理", "/complaints/"),
            Visit("大厅（电话预约）", "/hall/desk/lishi?package=retirement"),
            *account,
            Visit("首页", "/"),
        ],
        "r_amr_lishi": [
            Visit("审批工作台", "/review/"),
            Visit("审批工作台（待认领）", "/review/?show=todo"),
            Visit("审批工作台（已办结）", "/review/?show=done"),
            states["working"],
            states["finished"],
            search,
            Visit("差评整改", "/rectifications/"),
            Visit("诉求办理", "/complaints/"),
        ],
        "supervisor_lishi": [
            Visit("效能监督", "/supervision/"),
            Visit("效能监督（已办结）", "/supervision/?state=completed"),
            Visit("数据看板", "/dashboard/"),
            states["working"],
            states["finished"],
            Visit("诉求办理", "/complaints/"),
            Visit("差评整改", "/rectifications/"),
            Visit("办事公示", "/figures/"),
            Visit("大厅", "/hall/desk/lishi"),
            *privacy,
        ],
        "editor": [
            Visit("系统管理", "/admin/"),
            Visit("首页", "/"),
            Visit("办事指南", "/guides/open_pharmacy"),
        ],
        "admin": [
            Visit("系统管理", "/admin/"),
            Visit("用户列表", "/admin/accounts/user/"),
            Visit("电子证照列表", "/admin/licences/licence/"),
            Visit("电子证照（管理）", f"/admin/licences/licence/{licence.pk}/change/"),
            Visit("效能监督", "/supervision/"),
            Visit("数据看板", "/dashboard/"),
            states["finished"],
        ],
        "security_admin": [
            Visit("用户列表", "/admin/accounts/user/"),
            Visit("用户（管理）", f"/admin/accounts/user/{yaofang.pk}/change/"),
            *account,
        ],
        "audit_admin": [*privacy, Visit("办理记录", "/admin/cases/action/"), *account],
    }
    return pages


def open_as(browser, base: str, role: str, device: dict):
    """A context of its own, logged in through the log-in page, on the home page."""
    context = browser.new_context(**device)
    page = context.new_page()
    if role != "anonymous":
        log_in(page, base, role)  # the password, and staff's code
    page.goto(base + "/")
    return context, page


def switch_on(page, base: str, button: str, attribute: str, value: str) -> None:
    """The header's 大字版 / 高对比 button on the home page: remembered for every later page."""
    page.goto(base + "/")
    page.get_by_role("button", name=button).click()
    expect(page.locator("html")).to_have_attribute(attribute, value)


def check_pages(page, base: str, role: str, mode: str, visits: list[Visit]) -> list[str]:
    problems = []
    for visit in visits:
        response = page.goto(base + visit.url, wait_until="domcontentloaded")  # styles applied
        if visit.search:
            page.get_by_label("统一社会信用代码 / 身份证号码 / 证照编号").fill(visit.search)
            page.get_by_role("button", name="查询").click()
            page.wait_for_load_state()
        where = f"{role} · {mode} · {visit.name} ({visit.url})"
        if response is None or response.status >= 500:
            problems.append(f"{where}: HTTP {response.status if response else '—'}")
            continue
        size = page.evaluate(MEASURE)
        widest = max(size["scrollWidth"], size["innerWidth"])
        if widest > WIDTH:
            problems.append(
                f"{where}: {widest}px wide on a {WIDTH}px phone — " + "; ".join(size["culprits"])
            )
    return problems


def test_every_page_fits_a_phone_in_every_display_mode(browser, site, pages):
    base = site
    problems = []
    for role in ROLES:
        context, page = open_as(browser, base, role, PHONE)
        try:
            problems += check_pages(page, base, role, "普通", pages[role])
            switch_on(page, base, "大字版", "data-text", "large")
            problems += check_pages(page, base, role, "大字版", pages[role])
            if role == "anonymous":
                switch_on(page, base, "高对比", "data-contrast", "high")
                problems += check_pages(page, base, role, "大字版+高对比", pages[role])
        finally:
            context.close()
    assert not problems, "pages wider than a phone:\n" + "\n".join(problems)


def test_the_header_is_one_line_on_a_desktop(browser, site):
    problems = []
    for role in STAFF:
        context, page = open_as(browser, site, role, DESKTOP)
        try:
            page.goto(site + "/figures/")
            header = page.evaluate(HEADER)
            if not header["oneRow"] or header["linkRows"] > 1 or header["broken"]:
                problems.append(f"{role} at 1280 px: {header}")
        finally:
            context.close()
    assert not problems, "headers on more than one line:\n" + "\n".join(problems)
