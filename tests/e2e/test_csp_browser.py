"""The Content-Security-Policy in Debian's Chromium: the main pages of each role, their
scripts, htmx's swaps and the dashboard's ECharts run with it and the browser reports no
violation; a refused form still puts the page's own address back in the bar."""

import os
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from onething.cases import services
from onething.web.setup import DEMO_PASSWORD
from tests.e2e.browser import DESKTOP
from tests.factories import ALL_ITEMS, pharmacy_filing, user

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


def watch(page) -> list[str]:
    """What the browser says about the page's policy, and the page's script errors."""
    said: list[str] = []
    page.on(
        "console",
        lambda message: (
            said.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: said.append(f"{page.url}: {error}"))
    return said


def visit(page, site: str, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(site + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")


@pytest.fixture
def submitted(issued):
    """The issued case, and a new one waiting for the window."""
    return issued, services.file_case(user("yaofang"), pharmacy_filing())[0]


def test_the_main_pages_of_each_role_run_under_the_policy(browser, site, people, submitted):
    issued, waiting = submitted
    context = browser.new_context(**DESKTOP)
    anonymous = context.new_page()
    said = watch(anonymous)
    visit(anonymous, site, ["/", "/figures/", "/verify/", "/complaints/new", "/progress/"])
    anonymous.goto(site + "/guides/open_pharmacy")
    anonymous.get_by_text("是", exact=True).first.check()  # htmx swaps the guide in place
    anonymous.wait_for_load_state("networkidle")
    context.close()

    applicant = people("yaofang")
    said += watch(applicant)
    visit(applicant, site, ["/my/", f"/cases/{issued.public_id}", "/licences/"])
    applicant.goto(site + "/apply/open_pharmacy?" + urlencode(ALL_ITEMS))
    applicant.locator(".questions input[type=radio]").first.check()  # htmx: the form again
    applicant.wait_for_load_state("networkidle")

    clerk = people("clerk_lishi")
    said += watch(clerk)
    visit(clerk, site, ["/window/", "/licences/search", "/complaints/"])
    clerk.goto(f"{site}/cases/{waiting.public_id}")
    clerk.get_by_text("不予受理", exact=True).click()
    clerk.get_by_role("button", name="作出不予受理决定").click()  # no reason: refused
    expect(clerk.locator("#page-error")).to_be_visible()
    expect(clerk).to_have_url(f"{site}/cases/{waiting.public_id}")  # not …/do/refuse

    supervisor = people("supervisor_lishi")
    said += watch(supervisor)
    visit(supervisor, site, ["/supervision/", "/privacy/views/", "/rectifications/"])

    admin = browser.new_context(**DESKTOP).new_page()  # lands on the admin: no 退出 button
    said += watch(admin)
    admin.goto(site + "/accounts/login")
    admin.get_by_label("用户名").fill("admin")
    admin.get_by_label("密码").fill(DEMO_PASSWORD)
    admin.get_by_role("button", name="登录").click()
    admin.wait_for_url(lambda url: "/accounts/login" not in url)
    visit(admin, site, ["/admin/", "/admin/accounts/user/", "/admin/licences/licence/"])
    admin.context.close()
    assert not said, "\n".join(said)


def test_the_dashboard_draws_its_charts_under_the_policy(browser, site, people, issued):
    supervisor = people("supervisor_lishi")
    said = watch(supervisor)
    supervisor.goto(site + "/dashboard/")
    chart = supervisor.locator("#chart-packages canvas").first
    expect(chart).to_be_visible()
    painted = chart.evaluate(
        """canvas => {
             const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
             let count = 0;
             for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
             return count;
           }"""
    )
    assert painted > 1000, painted  # bars, axes and labels drawn
    expect(supervisor.locator("#chart-complaints canvas").first).to_be_visible()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    for across in (0.3, 0.5, 0.7):  # over the bars: the tooltip, drawn on the canvas
        supervisor.mouse.move(box["x"] + box["width"] * across, box["y"] + box["height"] * 0.6)
        supervisor.wait_for_timeout(200)
    assert not said, "\n".join(said)
