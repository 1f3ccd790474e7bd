"""自助终端 over HTTP: the refusals — an unknown kiosk, a browser not set up with the
kiosk's token, an expired or reused phone code, an ID card with no applicant account, a
member of staff at a kiosk — each answered with its message and nobody signed in; the
kiosk session is short and, once ended, shows nothing of the person before; the phone's
在自助终端登录 page and its API."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onething.kiosk import rules, services
from onething.kiosk.models import SignInCode
from onething.web.setup import DEMO_PASSWORD
from tests.factories import as_user, card_reading, english_words, page_text, text_of, user

pytestmark = pytest.mark.django_db
START = "/kiosk/lishi-01/"
ZHANGSAN_ID = "142331198503151231"


@pytest.fixture
def terminal(demo) -> Client:
    client = Client()
    assert client.get(START, {"token": services.DEMO_TOKEN}).status_code == 302
    return client


def _signed_in(client: Client) -> bool:
    return client.session.get("_auth_user_id") is not None


def test_the_start_page_offers_card_and_phone_code(terminal):
    page = page_text(terminal.get(START))
    assert "刷身份证登录" in page and "手机扫码登录" in page and "离石区政务服务中心" in page
    assert not english_words(page)


def test_an_unknown_kiosk_is_404(demo):
    response = Client().get("/kiosk/nowhere-9/")
    assert response.status_code == 404


def test_a_browser_without_the_token_is_no_kiosk(demo):
    client = Client()
    response = client.get(START)
    assert response.status_code == 403 and services.NOT_REGISTERED in text_of(response)
    wrong = client.get(START, {"token": "guessed"})
    assert wrong.status_code == 403
    card = client.post(START + "card", card_reading("张三", ZHANGSAN_ID))
    assert card.status_code == 403 and not _signed_in(client)


def test_an_unknown_id_card_is_refused(terminal):
    response = terminal.post(START + "card", card_reading("李四", "110101199001011234"))
    assert response.status_code == 404 and "未找到与该身份证对应的申请人账号" in text_of(response)
    assert not _signed_in(terminal)
    unreadable = terminal.post(START + "card", card_reading("", "1234"))
    assert unreadable.status_code == 400 and "未能读取身份证信息" in text_of(unreadable)


def test_an_expired_code_is_refused(terminal):
    code, issued = services.issue_sign_in_code(user("zhangsan"))
    SignInCode.objects.filter(pk=issued.pk).update(expires_at=timezone.now() - timedelta(1))
    response = terminal.post(START + "code", {"code": code})
    assert response.status_code == 400 and rules.EXPIRED in text_of(response)
    assert not _signed_in(terminal)


def test_a_reused_code_is_refused(terminal):
    code, _ = services.issue_sign_in_code(user("zhangsan"))
    assert terminal.post(START + "code", {"code": code}).status_code == 302
    terminal.post("/kiosk/end")
    response = terminal.post(START + "code", {"code": code})
    assert response.status_code == 400 and rules.USED in text_of(response)
    unknown = terminal.post(START + "code", {"code": "0000 0000"})
    assert unknown.status_code == 404 and rules.UNKNOWN in text_of(unknown)
    assert not _signed_in(terminal)


def test_staff_are_never_signed_in_at_a_kiosk(terminal):
    clerk = user("clerk_lishi")
    clerk.id_number = "142301198001010012"
    clerk.save()
    response = terminal.post(START + "card", card_reading(clerk.full_name, clerk.id_number))
    assert response.status_code == 403 and "工作人员账号不能在自助终端登录" in text_of(response)
    assert not _signed_in(terminal)
    # A password log-in at the terminal is no kiosk session: it ends at the next page.
    terminal.post("/accounts/login", {"username": "clerk_lishi", "password": DEMO_PASSWORD})
    ended = terminal.get("/my/")
    assert ended.status_code == 302 and not _signed_in(terminal)


def test_staff_get_no_phone_code(client, demo):
    as_user(client, "clerk_lishi")
    assert client.get("/kiosk/sign-in-code").status_code == 403


def test_an_ended_kiosk_session_shows_nothing_of_the_person(terminal):
    terminal.post(START + "card", card_reading("张三", ZHANGSAN_ID))
    assert "张*" in page_text(terminal.get(START))
    ended = terminal.post("/kiosk/end")
    assert ended.status_code == 302 and ended["Location"] == START + "?ended=1"
    assert not _signed_in(terminal)
    page = page_text(terminal.get(START + "?ended=1"))
    assert "张" not in page and "刷身份证登录" in page
    assert terminal.get("/my/").status_code == 302  # to the log-in page


def test_a_kiosk_session_ends_after_its_time(terminal, settings):
    terminal.post(START + "card", card_reading("张三", ZHANGSAN_ID))
    settings.KIOSK_SESSION_SECONDS = 0
    response = terminal.get("/my/")
    assert response.status_code == 302 and response["Location"] == START
    assert not _signed_in(terminal)


def test_the_phone_shows_a_one_time_code(client, demo):
    as_user(client, "zhangsan")
    page = page_text(client.get("/kiosk/sign-in-code"))
    assert "在自助终端登录" in page and "生成登录码" in page
    response = client.post("/kiosk/sign-in-code")
    assert "<svg" in response.content.decode() and "只能使用一次" in page_text(response)
    assert SignInCode.objects.filter(user=user("zhangsan"), used_at=None).count() == 1


def test_the_api_issues_a_code_for_applicants_only(api):
    status, body = api.call("zhangsan", "post", "/kiosk/sign-in-codes")
    assert status == 201 and len(body["code"]) == 8
    status, body = api.call("clerk_lishi", "post", "/kiosk/sign-in-codes")
    assert status == 403 and "工作人员" in body["detail"]
