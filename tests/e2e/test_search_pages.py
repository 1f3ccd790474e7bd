"""Search and 智能问答 over HTTP, the API and the command line, on the demo: the home page's
search, /search/, GET /api/v1/search in the issue's shape, bad input answered sensibly and
shown escaped, nothing found with the ways on, questions on a guide page answered with
their section or filed as a 咨询, and `onething search` giving the API's results."""

import json

import pytest
from typer.testing import CliRunner

from onething.evaluation.models import Complaint
from onething.search.cli import app as search_cli
from tests.factories import element, elements, text_of

pytestmark = pytest.mark.django_db

NASTY = ["", " ", "x" * 10_000, "😀😀😀", "' OR 1=1; DROP TABLE cases_case; --",
         "<script>alert(1)</script>", "<b>药店</b>"]  # fmt: skip


def search(client, q, **params):
    response = client.get("/api/v1/search", {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_api_answers_in_the_issues_shape(client, demo):
    answer = search(client, "kaiyaodian", limit=3)
    assert set(answer) == {"query", "results"} and answer["query"] == "kaiyaodian"
    first = answer["results"][0]
    assert set(first) == {"kind", "id", "name", "score", "why"}
    assert (first["kind"], first["id"], first["name"]) == ("package", "open_pharmacy", "我要开药店")
    assert isinstance(first["score"], float) and first["why"]
    for query in ("kyd", "开药电", "開藥店", "想开个卖药的店"):
        assert search(client, query)["results"][0]["id"] == "open_pharmacy", query
    kinds = {r["kind"] for r in search(client, "食品经营许可")["results"]}
    assert kinds == {"item", "package"}


@pytest.mark.parametrize("query", NASTY)
def test_bad_input_is_answered_never_an_error(client, demo, query):
    answer = search(client, query)
    assert len(answer["query"]) <= 100
    page = client.get("/", {"q": query})
    assert page.status_code == 200
    assert "<script>alert" not in page.content.decode() and "<b>药店" not in page.content.decode()


def test_limit_out_of_range_is_named(client, demo):
    response = client.get("/api/v1/search", {"q": "药店", "limit": 0})
    assert response.status_code == 400 and "limit" in response.json()["detail"]


def test_the_home_page_searches_with_it(client, demo):
    page = client.get("/", {"q": "kaiyaodian"})
    first = element(page, "li", class_="result")
    assert first.attrs["data-id"] == "open_pharmacy"
    assert element(page, "a", href="/guides/open_pharmacy").text == "我要开药店"
    item = element(client.get("/", {"q": "食品经营许可"}), "li", data_kind="item")
    assert "我要开药店" in item.text and "我要开餐馆" in item.text  # where it is done


def test_nothing_found_offers_the_closest_packages_and_the_ways_on(client, demo):
    from onething.hall.demo import ensure_demo_halls

    ensure_demo_halls()
    for path in ("/", "/search/"):
        page = client.get(path, {"q": "<i>火星移民</i>"})
        text = text_of(page)
        assert "没有找到与“&lt;i&gt;火星移民&lt;/i&gt;”相关的事项" in text
        assert "您可能要办" in element(page, "div", id="nothing-found").text
        ways = element(page, "section", id="ways-on").text
        assert "帮办代办" in ways and "0358-12345" in ways and "12345" in ways
        assert element(page, "a", href="/outreach/visits/").text == "申请上门办"
        ask = [
            a for a in elements(page, "a") if a.attrs.get("href", "").startswith("/search/question")
        ]
        assert ask and "%3Ci%3E" in ask[0].attrs["href"]


def test_a_question_when_nothing_was_found_is_filed(client, demo):
    page = client.get("/search/question", {"q": "我想办理游艇驾驶证"})
    assert element(page, "textarea", name="question").text == "我想办理游艇驾驶证"
    filed = client.post("/search/question", {"question": "我想办理游艇驾驶证", "place": "141102"})
    code = element(filed, "strong", class_="tracking-code").text
    assert Complaint.objects.get(tracking=code).kind == "consult"
    refused = client.post("/search/question", {"question": "短", "place": "141102"})
    assert refused.status_code == 400 and "至少 5 个字" in text_of(refused)
    api = client.post(
        "/api/v1/search/question",
        {"question": "我想办理游艇驾驶证"},
        content_type="application/json",
    )
    assert api.status_code == 200
    assert Complaint.objects.get(tracking=api.json()["consultation"]).kind == "consult"
    short = client.post(
        "/api/v1/search/question", {"question": "短"}, content_type="application/json"
    )
    assert short.status_code == 400 and "至少 5 个字" in short.json()["detail"]


def test_the_guide_page_offers_the_questions(client, demo):
    page = client.get("/guides/open_pharmacy", {"sells_food": "true"})
    box = element(page, "section", id="guide-qa")
    buttons = [b.attrs["value"] for b in box.elements("button", name="question")]
    assert buttons == [
        "要带什么材料",
        "多久能办好",
        "要收费吗",
        "在哪里办",
        "能网上办吗",
        "需要跑几次",
    ]
    assert box.element("input", type="hidden", name="sells_food").attrs["value"] == "true"


def test_asking_on_the_guide_page(client, demo):
    answered = client.post(
        "/guides/open_pharmacy/ask", {"question": "要带什么材料", "sells_food": "true"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert answered.status_code == 200
    assert "出处：本指南「申请材料」" in element(answered, "div", id="qa-result").text
    cited = element(answered, "a", href="/guides/open_pharmacy?sells_food=true#materials-title")
    assert cited.text == "申请材料"
    plain = client.post("/guides/open_pharmacy/ask", {"question_text": "多久能办好"})
    assert "个工作日" in element(plain, "div", id="qa-result").text
    assert element(plain, "a", href="/guides/open_pharmacy").text == "← 返回办事指南"
    forwarded = client.post("/guides/open_pharmacy/ask", {"question_text": "店里可以养猫吗"})
    code = element(forwarded, "strong", id="qa-tracking").text
    assert "我要开药店" in Complaint.objects.get(tracking=code).text
    empty = client.post("/guides/open_pharmacy/ask", {"question_text": ""})
    assert empty.status_code == 400 and "请写下您的问题" in text_of(empty)
    assert client.post("/guides/nope/ask", {"question_text": "要带什么材料"}).status_code == 404


def test_asking_through_the_api(client, demo):
    def ask(body):
        response = client.post("/api/v1/search/ask", body, content_type="application/json")
        return response.status_code, response.json()

    status, answer = ask({"package_id": "open_pharmacy", "question": "需要跑几次"})
    assert status == 200 and answer["answered"] and answer["intent"] == "trips"
    assert answer["section"] == {"anchor": "summary-title", "title": "一次告知"}
    status, answer = ask(
        {"package_id": "open_pharmacy", "question": "要带什么材料", "answers": {"sells_food": True}}
    )
    assert status == 200 and answer["guide_url"].endswith("?sells_food=true#materials-title")
    status, answer = ask({"package_id": "open_pharmacy", "question": "可以带狗进店吗"})
    assert status == 200 and not answer["answered"] and answer["consultation"]
    status, answer = ask(
        {"package_id": "open_pharmacy", "question": "要收费吗", "answers": {"x": "1"}}
    )
    assert status == 400 and "没有编号为 x 的问题" in answer["detail"]
    status, answer = ask({"package_id": "nope", "question": "要收费吗"})
    assert status == 404 and answer["detail"] == "没有编号为 nope 的一件事"
    status, answer = ask({"question": "要收费吗"})
    assert status == 400 and "package_id" in answer["detail"]


def test_the_command_line_gives_the_apis_results(client, demo):
    runner = CliRunner()
    printed = runner.invoke(search_cli, ["search", "公司不干了怎么关掉", "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == search(client, "公司不干了怎么关掉")
    text = runner.invoke(search_cli, ["search", "kyd"])
    assert text.stdout.startswith("1. 我要开药店（一件事 open_pharmacy，")
    nothing = runner.invoke(search_cli, ["search", "asdfgh"])
    assert nothing.exit_code == 0 and "没有找到与“asdfgh”相关的事项" in nothing.stdout
    assert "帮办代办" in nothing.stdout
    bad = runner.invoke(search_cli, ["search", "药店", "--limit", "0"])
    assert bad.exit_code == 2 and "--limit" in bad.stderr
    asked = runner.invoke(
        search_cli, ["ask", "open_pharmacy", "要带什么材料", "-a", "sells_food=true"]
    )
    assert asked.exit_code == 0 and "出处：办事指南「申请材料」" in asked.stdout
    wrong = runner.invoke(search_cli, ["ask", "nope", "要带什么材料"])
    assert wrong.exit_code == 2 and "没有编号为 nope 的一件事" in wrong.stderr


def test_questions_filed_as_consultations_are_throttled_as_complaints(client, demo):
    for number in range(20):
        asked = client.post("/search/question", {"question": f"我想办理游艇驾驶证 {number}"})
        assert asked.status_code == 200
    page = client.post("/search/question", {"question": "我想办理游艇驾驶证 20"})
    api = client.post(
        "/api/v1/search/ask",
        {"package_id": "open_pharmacy", "question": "店里可以养猫吗"},
        content_type="application/json",
    )
    assert page.status_code == api.status_code == 429 and page["Retry-After"]
    assert "提交投诉与诉求" in api.json()["detail"]
    assert Complaint.objects.count() == 20
    answered = client.post(
        "/api/v1/search/ask",
        {"package_id": "open_pharmacy", "question": "要带什么材料"},
        content_type="application/json",
    )
    assert answered.status_code == 200  # answering from the guide is not throttled
