"""What an applicant types while an answer's request is on its way stays typed: the form
re-rendered by the answer comes back with the values sent, and the page keeps the newer
ones (seen once in a kiosk run: a field typed at the same instant came back empty)."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import field

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


def test_typing_during_an_answers_request_is_kept(site, people):
    page = people("yaofang", {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"})
    page.goto(site + "/apply/small_food_shop")
    page.locator(".questions fieldset:visible").get_by_text("食品小销售店").click()
    page.wait_for_load_state("networkidle")
    area = field(page, "经营面积（平方米）")
    area.fill("20")
    page.wait_for_load_state("networkidle")

    def type_while_in_flight(route):
        if route.request.method == "POST" and "intent=refresh" in (route.request.post_data or ""):
            area.evaluate("el => { el.value = '45'; }")  # typed after the answer was sent
        route.continue_()

    page.route("**/apply/small_food_shop*", type_while_in_flight)
    page.locator(".questions fieldset:visible").get_by_text("是", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="要办的事项（1 项）")).to_be_visible()
    expect(field(page, "经营面积（平方米）")).to_have_value("45")
