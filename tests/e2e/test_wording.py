"""What the pages say: an instant package is 即办, never "0 个工作日"; a figure that did
not change is not shown as a saving; a county is named with its city; one term, 一件事;
the admin in Chinese; a favicon."""

import re

import pytest

from onething.accounts.models import User
from onething.guides.presentation import Saving
from onething.licences.models import Licence
from tests.factories import english_words, page_text, user

pytestmark = pytest.mark.django_db


def test_a_saving_is_shown_only_where_a_figure_went_down():
    assert str(Saving("办理时限", 51, 15, "个工作日")) == "办理时限 51 → 15 个工作日"
    assert str(Saving("办理时限", 0, 0, "个工作日")) == "办理时限 即办（当场办结）"
    assert str(Saving("跑动次数", 1, 1, "次")) == "跑动次数 1 次"
    assert Saving("办理时限", 5, 5, "个工作日", "时限").chip == "时限 5 个工作日"
    assert Saving("跑动次数", 9, 1, "次", "跑动").chip == "跑动 9→1 次"
    assert Saving("办理时限", 0, 0, "个工作日", "时限").chip == "即办"


def test_home_cards_say_instant_and_show_no_unchanged_figure_as_a_saving(client, demo):
    page = page_text(client.get("/"))
    assert "即办" in page and not re.search(r"(?<![0-9])0 ?(个工作日|→)", page)
    # 公民婚育一件事: five working days whether applied for item by item or at once.
    assert '<span class="chip">时限 5 个工作日</span>' in page and "5→5" not in page
    assert not re.search(r"(?<![0-9])([0-9]+)→\1(?![0-9])", page)  # no figure "from" itself
    assert "套餐" not in page and "事项包" not in page


def test_the_guide_strikes_through_only_what_went_down(client, demo):
    page = page_text(client.get("/guides/start_business"))  # every item 即办
    assert '<span class="same">即办</span> <small>当场办结</small>' in page
    assert (
        not re.search(r"(?<![0-9])0 个工作日", page) and '<span class="from">0</span>' not in page
    )
    assert '<span class="from">5</span> → <span class="to">1</span>' in page  # trips
    page = page_text(client.get("/guides/marriage_childbirth"))
    assert '<span class="from">' not in page and "减少" not in page  # nothing went down
    assert '<span class="same">1</span> <small>次</small>' in page
    page = page_text(client.get("/guides/utility_connection"))  # nothing answered: no item
    assert "没有需要办理的事项" in page and 'class="savings"' not in page
    assert "没有编号为 open_zoo 的一件事" in client.get("/guides/open_zoo").content.decode()


def test_places_are_named_with_their_city(client, demo):
    page = page_text(client.get("/rate/window/140311", follow=True))
    client.force_login(user("yaofang"))
    page = page_text(client.get("/rate/window/140311"))
    assert "阳泉市郊区政务服务窗口" in page
    client.force_login(user("admin"))
    page = page_text(client.get("/dashboard/"))
    assert '<option value="140311">阳泉市郊区</option>' in page and ">郊区<" not in page
    assert '<option value="141102">吕梁市离石区</option>' in page


def test_a_county_issues_in_the_name_of_its_city_and_county(client, issued):
    food = Licence.objects.get(type_name="食品经营许可证")
    assert food.issuer_name == "吕梁市离石区市场监督管理局"
    drug = Licence.objects.get(type_name="药品经营许可证")
    assert drug.issuer_name == "吕梁市药品监督管理局"  # the city alone
    client.force_login(user("yaofang"))
    assert "吕梁市离石区市场监督管理局" in page_text(client.get(f"/licences/{food.number}"))


def test_a_favicon_is_linked_and_served(client, demo):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page and "favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    svg = client.get(re.search(r'href="([^"]+favicon\.svg)"', page).group(1))
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)


ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/user/add/",
    "/admin/accounts/authorisation/",
    "/admin/accounts/apitoken/",
    "/admin/accounts/apitoken/add/",
    "/admin/auth/group/add/",
    "/admin/catalog/catalogversion/",
    "/admin/licences/licence/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
    "/admin/axes/accessfailurelog/",
]


def test_the_admin_speaks_chinese(client, issued):
    licence = Licence.objects.first()
    # The set-up superuser sees every admin page (each role its own: test_accounts_duties).
    client.force_login(User.objects.create_superuser("root", password="set-up-only-2026"))
    pages = [*ADMIN_PAGES, f"/admin/licences/licence/{licence.pk}/change/"]
    for address in pages:
        page = page_text(client.get(address))
        english = english_words(page)  # user names (yaofang, clerk …) are ids
        assert not english, (address, sorted(english))
    index = page_text(client.get("/admin/"))
    assert "登录保护" in index and "Axes" not in index and "套餐" not in index
    versions = page_text(client.get("/admin/catalog/catalogversion/"))
    assert "一件事数" in versions and "套餐" not in versions
    group = page_text(client.get("/admin/auth/group/add/"))
    assert "电子证照 | 电子证照 | 可查看" in group and "Can view" not in group
    assert "好差评与投诉 | 诉求办理记录 | 可查看" in group
    detail = page_text(client.get(f"/admin/licences/licence/{licence.pk}/change/"))
    assert "持证主体类型" in detail and "企业" in detail and "签发时间" in detail
