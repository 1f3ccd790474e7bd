"""自助终端: a kiosk registered to a hall signs a citizen in by ID card or by the one-time
code their phone shows, for a short kiosk session; cases filed there carry the channel
kiosk and the kiosk (services and pages, on SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onething.cases import services as case_services
from onething.cases.models import Case
from onething.cases.services import Filing
from onething.core.errors import Forbidden, InvalidInput, NotFound
from onething.kiosk import rules, services
from onething.kiosk.models import Kiosk, SignInCode
from onething.kiosk.session import SESSION_KEY
from tests.factories import FOOD_SHOP, card_reading, food_shop_form, user

ZHANGSAN_ID = "142331198503151231"
START = "/kiosk/lishi-01/"


@pytest.fixture
def terminal(demo) -> Client:
    """A browser set up as the demo's kiosk lishi-01 with its token."""
    client = Client()
    response = client.get(START, {"token": services.DEMO_TOKEN})
    assert response.status_code == 302
    return client


def _session_user(client: Client):
    return client.session.get("_auth_user_id"), client.session.get(SESSION_KEY)


def test_setup_makes_the_demo_kiosk_at_lishi(demo):
    kiosk = Kiosk.objects.get(code="lishi-01")
    assert kiosk.hall.name == "离石区政务服务中心"


def test_register_kiosk_shows_its_token_once_and_keeps_a_digest(demo):
    kiosk, token = services.register_kiosk("lishi-02", "2号自助终端", "lishi")
    assert token not in kiosk.token_digest
    assert services.set_up_terminal("lishi-02", token) == kiosk
    services.new_token(kiosk)
    with pytest.raises(Forbidden):
        services.set_up_terminal("lishi-02", token)


def _read(terminal, name: str, number: str, **changes):
    posted = card_reading(name, number, **changes)
    return services.sign_in_by_card(terminal, posted["reading"], posted["signature"])


def test_sign_in_by_card_finds_the_applicant_by_the_digest_of_the_number(demo):
    kiosk = services.kiosk_named("lishi-01")
    assert _read(kiosk, "张三", ZHANGSAN_ID) == user("zhangsan")
    with pytest.raises(NotFound, match="未找到"):
        _read(kiosk, "李四", "110101199001011234")
    with pytest.raises(Forbidden, match="不符"):
        _read(kiosk, "李四", ZHANGSAN_ID)


def test_only_a_fresh_reading_signed_by_this_kiosks_reader_signs_in_once(demo):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    kiosk = services.kiosk_named("lishi-01")
    with pytest.raises(Forbidden, match="签名"):  # typed by hand, or another reader's
        _read(kiosk, "张三", ZHANGSAN_ID, key=Ed25519PrivateKey.generate())
    posted = card_reading("张三", ZHANGSAN_ID)
    forged = posted["reading"][:-4] + "AAAA"
    with pytest.raises(Forbidden, match="签名"):
        services.sign_in_by_card(kiosk, forged, posted["signature"])
    with pytest.raises(InvalidInput, match="超时"):
        _read(kiosk, "张三", ZHANGSAN_ID, read_at=timezone.now() - timedelta(minutes=2))
    with pytest.raises(InvalidInput, match="另一台终端"):
        _read(kiosk, "张三", ZHANGSAN_ID, kiosk="lishi-02")  # the reading names lishi-02
    assert services.sign_in_by_card(kiosk, posted["reading"], posted["signature"])
    with pytest.raises(InvalidInput, match="使用过"):  # a replay
        services.sign_in_by_card(kiosk, posted["reading"], posted["signature"])
    kiosk.reader_key = ""
    with pytest.raises(Forbidden, match="尚未登记读卡器"):
        _read(kiosk, "张三", ZHANGSAN_ID)


def test_card_sign_in_at_the_terminal_makes_a_short_kiosk_session(terminal):
    response = terminal.post(START + "card", card_reading("张三", ZHANGSAN_ID))
    assert response.status_code == 302
    assert _session_user(terminal) == (str(user("zhangsan").pk), "lishi-01")
    assert terminal.session.get_expiry_age() <= 15 * 60
    page = terminal.get(START).content.decode()
    assert "张*，您好" in page and ZHANGSAN_ID not in page


def test_qr_sign_in_uses_the_code_once(terminal):
    code, _ = services.issue_sign_in_code(user("zhangsan"))
    assert terminal.post(START + "code", {"code": code}).status_code == 302
    assert _session_user(terminal) == (str(user("zhangsan").pk), "lishi-01")
    assert SignInCode.objects.get().used_at_kiosk.code == "lishi-01"
    terminal.post("/kiosk/end")
    again = terminal.post(START + "code", {"code": code})
    assert again.status_code == 400 and rules.USED in again.content.decode()
    assert terminal.session.get("_auth_user_id") is None


def test_an_expired_code_is_refused(demo):
    code, issued = services.issue_sign_in_code(user("zhangsan"))
    SignInCode.objects.filter(pk=issued.pk).update(expires_at=timezone.now() - timedelta(1))
    with pytest.raises(InvalidInput, match="过期"):
        services.sign_in_by_code(services.kiosk_named("lishi-01"), code)


def test_a_new_code_ends_the_one_before(demo):
    first, _ = services.issue_sign_in_code(user("zhangsan"))
    services.issue_sign_in_code(user("zhangsan"))
    with pytest.raises(InvalidInput, match="已使用"):
        services.sign_in_by_code(services.kiosk_named("lishi-01"), first)


def test_staff_never_get_a_code(demo):
    with pytest.raises(Forbidden, match="工作人员"):
        services.issue_sign_in_code(user("clerk_lishi"))


def test_a_case_filed_in_a_kiosk_session_carries_the_channel_and_the_kiosk(demo):
    filing = Filing(
        "small_food_shop", dict(FOOD_SHOP), "141102", food_shop_form(), kiosk="lishi-01"
    )
    case, _ = case_services.file_case(user("yaofang"), filing)
    assert (case.channel, case.kiosk_code) == ("kiosk", "lishi-01")
    plain = Filing("small_food_shop", dict(FOOD_SHOP), "141102", food_shop_form())
    case, _ = case_services.file_case(user("yaofang"), plain)
    assert (case.channel, case.kiosk_code) == ("web", "")


def test_the_filing_page_in_a_kiosk_session_files_a_kiosk_case(terminal):
    terminal.post(START + "card", card_reading("张三", ZHANGSAN_ID))
    form = {**FOOD_SHOP, **food_shop_form(), "place": "141102", "intent": "submit"}
    form["idempotency_key"] = "kiosk-1"
    response = terminal.post("/apply/small_food_shop", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(applicant=user("zhangsan"), idempotency_key="kiosk-1")
    assert (case.channel, case.kiosk_code) == ("kiosk", "lishi-01")
    page = terminal.get(f"/cases/{case.public_id}").content.decode()
    assert "自助终端（终端 lishi-01）" in page
