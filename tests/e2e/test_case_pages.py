"""The case pages over HTTP (Django's test client): each role's page, access, errors, PDFs."""

import io
import re

from pypdf import PdfReader
from pytest_django.asserts import assertContains

from onething.accounts.models import User
from onething.cases import services, store
from onething.cases.models import Case, Task
from onething.catalog import DEMO_CATALOG
from onething.catalog.services import current_catalog, import_catalog
from onething.privacy.models import PersonalDataView
from tests.factories import (
    ALL_ITEMS,
    as_user,
    decide_all,
    element,
    elements,
    hand_over,
    parse_html,
    pharmacy_filing_post,
    second_factor_code,
    text_of,
    user,
)


def file_through_the_page(client, **changes) -> Case:
    response = as_user(client, "yaofang").post(
        "/apply/open_pharmacy", pharmacy_filing_post(**changes)
    )
    assert response.status_code == 302, text_of(response)
    case = Case.objects.order_by("-pk").first()
    assert response["Location"] == f"/cases/{case.public_id}"
    return case


def accepted_case(client) -> Case:
    case = file_through_the_page(client)
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    return case


def task(case, item_id) -> Task:
    return case.tasks.get(item_id=item_id)


def tab_counts(response) -> dict[str, str]:
    """The page's tabs with a count, and what each counts: {"待认领": "1", …}."""
    counts = {}
    for link in elements(response, "a"):
        for count in link.elements("span", class_="count"):
            counts[link.text.removesuffix(count.text).strip()] = count.text
    return counts


def row_of(response, number: str) -> int:
    """Where the case of this number is in the page's table: its row, from 0."""
    rows = [row.text for row in element(response, "tbody").elements("tr")]
    return next(index for index, row in enumerate(rows) if number in row)


def buttons(response) -> list[str]:
    """What the page's buttons say."""
    return [button.text for button in elements(response, "button")]


# --------------------------------------------------------------------------- log-in


def test_pages_need_a_log_in(client, demo):
    for path in ("/my/", "/apply/open_pharmacy?sells_food=true", "/window/", "/review/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login?next=")


def test_each_role_lands_on_its_page_after_logging_in(client, demo):
    for username, start, link in (
        ("yaofang", "/my/", "我的办件"),
        ("daiban", "/my/", "代办件"),
        ("clerk_lishi", "/window/", "窗口受理"),
        ("r_mpa", "/review/", "审批工作台"),
        ("supervisor", "/supervision/", "效能监督"),
    ):
        client.logout()
        response = client.post(
            "/accounts/login", {"username": username, "password": "onething-demo"}, follow=True
        )
        if "/accounts/two-factor" in response.redirect_chain[-1][0]:  # staff: the code next
            response = client.post(
                response.redirect_chain[-1][0],
                {"code": second_factor_code(username)},
                follow=True,
            )
        assert response.redirect_chain[-1][0] == start, username
        page = text_of(response)
        assert link in page and "退出" in page
    response = client.post("/accounts/logout")
    assert response.status_code == 302
    assert "登录" in text_of(client.get("/"))


def test_a_role_cannot_open_another_roles_page(client, demo):
    as_user(client, "yaofang")
    response = client.get("/window/")
    assert response.status_code == 403 and "此页面供综合窗口使用" in text_of(response)
    as_user(client, "clerk_lishi")
    assert client.get("/review/").status_code == 403
    assert client.get("/apply/open_pharmacy").status_code == 403


# --------------------------------------------------------------------------- filing


def test_the_guide_links_to_the_filing_page_with_the_answers(client, demo):
    guide = client.get("/guides/open_pharmacy", ALL_ITEMS)
    assert "在线申报" in text_of(guide)
    assert elements(
        guide,
        "a",
        href="/apply/open_pharmacy?sells_class3_devices=true&sells_class2_devices=true"
        "&sells_food=true&has_signboard=true",
    )


def test_the_filing_page_asks_prefills_and_offers_the_counties(client, demo):
    response = as_user(client, "yaofang").get("/apply/open_pharmacy", ALL_ITEMS)
    page = text_of(response)
    assert response.status_code == 200
    assert "要办的事项（7 项）" in page
    assert element(response, "input", name="sells_food", value="true").has("checked")
    assert elements(response, "input", value="吕梁康民大药房有限公司")
    assert elements(response, "input", value="91141102MA0K5R2C1K")
    assert page.count("已自动填写") == 3  # name, credit code, phone
    assertContains(response, '<option value="141102" selected>吕梁市离石区</option>', html=True)
    assertContains(response, '<option value="141181">吕梁市孝义市</option>', html=True)
    key = element(response, "input", name="idempotency_key").attrs["value"]
    assert re.fullmatch(r"[0-9a-f-]{36}", key)
    assert elements(
        response, "input", id="f-registered_capital", name="registered_capital", type="number"
    )
    assert elements(
        response, "input", id="f-business_address", name="business_address", type="text"
    )
    assertContains(response, '<option value="有限责任公司">有限责任公司</option>', html=True)
    assert "保存草稿" in page and "提交申请" in page


def test_changing_an_answer_redraws_the_form_and_keeps_what_was_typed(client, demo):
    as_user(client, "yaofang")
    data = {**ALL_ITEMS, "sells_food": "false", "intent": "refresh", "signboard_text": "康民大药房"}
    response = client.post("/apply/open_pharmacy", data, HTTP_HX_REQUEST="true")
    page = text_of(response)
    assert response.status_code == 200
    assert "要办的事项（6 项）" in page and "food_business_items" not in page
    assert elements(response, "input", value="康民大药房")
    assert Case.objects.count() == 0


def test_submitting_files_one_case_even_when_clicked_twice(client, demo):
    case = file_through_the_page(client)
    assert case.state == "submitted" and case.channel == "web" and case.place == "141102"
    again = client.post("/apply/open_pharmacy", pharmacy_filing_post())
    assert again.status_code == 302 and again["Location"] == f"/cases/{case.public_id}"
    assert Case.objects.count() == 1
    page = text_of(client.get(again["Location"]))
    assert "这份申请已经提交过，没有重复办理。" in page
    assert case.number in page and "已提交" in page


def test_form_errors_are_shown_next_to_each_field_all_at_once(client, demo):
    as_user(client, "yaofang")
    data = pharmacy_filing_post(
        legal_rep_id_number="142331198503151230", business_scope="", applicant_email="x@"
    )
    response = client.post("/apply/open_pharmacy", data)
    page = text_of(response)
    assert response.status_code == 400
    assert "申报信息有误" in page and "共 3 处需要修改" in page
    assertContains(
        response,
        '<p class="field-error" id="f-legal_rep_id_number-error">法定代表人（负责人）身份证号：校验码不正确，请核对最后一位</p>',
        status_code=400,
        html=True,
    )
    assertContains(
        response,
        '<p class="field-error" id="f-business_scope-error">经营范围：必填</p>',
        status_code=400,
        html=True,
    )
    email = element(response, id="f-applicant_email-error")
    assert email.text.startswith("电子邮箱：电子邮箱格式不正确")
    assert elements(response, "input", value="142331198503151230")  # what was typed stays
    # Kept as a draft (nothing typed is lost), not submitted.
    assert list(Case.objects.values_list("state", flat=True)) == ["draft"]


def test_submitting_needs_every_question_answered(client, demo):
    as_user(client, "yaofang")
    data = pharmacy_filing_post()
    del data["has_signboard"]
    response = client.post("/apply/open_pharmacy", data)
    assert response.status_code == 400
    assert "请先回答全部问题：是否设置门头招牌？" in text_of(response)


def test_a_draft_is_saved_edited_and_submitted(client, demo):
    as_user(client, "yaofang")
    response = client.post(
        "/apply/open_pharmacy", pharmacy_filing_post(intent="draft", business_scope="")
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.state == "draft"
    page = text_of(client.get(f"/cases/{case.public_id}"))
    assert "草稿已保存" in page and "修改草稿" in page
    response = client.post(f"/cases/{case.public_id}/do/submit", {"version": case.version})
    assert response.status_code == 400 and "经营范围：必填" in text_of(response)
    edit = client.get(f"/apply/open_pharmacy?case={case.public_id}")
    assert elements(edit, "input", name="case", value=str(case.public_id))
    assert elements(edit, "input", value="91141102MA0K5R2C1K")
    data = pharmacy_filing_post(
        case=str(case.public_id), version=str(case.version), business_scope="药品零售"
    )
    response = client.post("/apply/open_pharmacy", data)
    case.refresh_from_db()
    assert response.status_code == 302 and case.state == "submitted" and Case.objects.count() == 1


def test_an_agent_files_for_a_principal(client, demo):
    as_user(client, "daiban")
    mine = text_of(client.get("/my/"))
    assert "可代为办理的委托人" in mine and "吕梁康民大药房有限公司" in mine
    form = client.get("/apply/open_pharmacy", ALL_ITEMS)
    principal = user("yaofang")
    assertContains(
        form, f'<option value="{principal.pk}" selected>吕梁康民大药房有限公司</option>', html=True
    )
    assert elements(form, "input", value="91141102MA0K5R2C1K")
    response = client.post(
        "/apply/open_pharmacy", pharmacy_filing_post(principal=str(principal.pk))
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.applicant == principal and case.agent == user("daiban") and case.channel == "agent"
    assert "委托人 吕梁康民大药房有限公司" in text_of(client.get("/my/"))


# --------------------------------------------------------------------------- who sees what


def test_the_applicant_sees_progress_and_the_next_step(client, demo):
    case = accepted_case(client)
    page = text_of(as_user(client, "yaofang").get("/my/"))
    assert "我要开药店" in page and "进度 0/7 项已办结" in page and "各部门并联办理中" in page
    response = client.get(f"/cases/{case.public_id}")
    page = text_of(response)
    for expected in (
        "办理中",
        "企业设立登记",
        "吕梁市药品监督管理局",
        "离石区市场监督管理局",
        "等待前置",
    ):
        assert expected in page
    assert not [b for b in buttons(response) if b.endswith(("认领", "受理"))]  # no staff actions


def test_another_applicant_and_another_countys_clerk_get_404(client, demo):
    case = file_through_the_page(client)
    as_user(client, "zhangsan")
    assert client.get(f"/cases/{case.public_id}").status_code == 404
    assert client.post(f"/cases/{case.public_id}/do/withdraw").status_code == 404
    other = User.objects.create(username="clerk_xiaoyi", role="clerk", jurisdiction="141181")
    client.force_login(other)
    assert client.get(f"/cases/{case.public_id}").status_code == 404
    assert case.number not in text_of(client.get("/window/"))
    assert client.post(f"/cases/{case.public_id}/do/accept", {"version": 1}).status_code == 404
    assert client.get(f"/cases/{case.public_id}/notices/1.pdf").status_code == 404
    case.refresh_from_db()
    assert case.state == "submitted"


def test_the_window_queue_and_acceptance(client, demo):
    case = file_through_the_page(client)
    page = text_of(as_user(client, "clerk_lishi").get("/window/"))
    assert "待受理（1）" in page and case.number in page and "正常" in page
    assert text_of(as_user(client, "clerk").get("/window/")).count(case.number) == 1  # the city
    as_user(client, "clerk_lishi")
    detail = client.get(f"/cases/{case.public_id}")
    assert "受理" in buttons(detail)
    assert "一次性告知（材料不齐）" in text_of(detail) and "不予受理" in text_of(detail)
    response = client.post(f"/cases/{case.public_id}/do/accept", {"version": case.version})
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "已受理：7 个事项已分送各部门并联办理" in page and "办理中" in page
    assert "待受理（0）" in text_of(client.get("/window/"))


def test_a_stale_page_gets_the_409_message(client, demo):
    case = file_through_the_page(client)
    seen = case.version
    services.request_completion(user("clerk_lishi"), case.public_id, ["缺少执业药师注册证"])
    services.complete(user("yaofang"), case.public_id, "已补齐")
    as_user(client, "clerk_lishi")
    response = client.post(f"/cases/{case.public_id}/do/accept", {"version": seen})
    assert response.status_code == 409
    assert "办件在您打开页面之后已被更新" in text_of(
        response
    ) and "请刷新后按最新状态再操作" in text_of(response)
    case.refresh_from_db()
    assert case.state == "submitted"


def test_a_refused_transition_is_explained_in_chinese(client, demo):
    case = accepted_case(client)
    registration = task(case, "business_registration")
    as_user(client, "r_amr_lishi")
    url = f"/cases/{case.public_id}/tasks/{registration.pk}/approve"
    response = client.post(url, {"version": registration.version})
    assert response.status_code == 409
    assert "现在不能批准" in text_of(response) and "Traceback" not in text_of(response)
    as_user(client, "r_mpa_lishi")  # has an item in the case, but not this one
    response = client.post(url, {"version": registration.version})
    assert response.status_code == 403 and "该事项不在您的部门和辖区" in text_of(response)
    as_user(client, "r_urban")  # the city's urban management: nothing of this case
    assert client.post(url, {"version": registration.version}).status_code == 404


def test_a_reviewer_claims_asks_for_a_supplement_and_approves(client, demo):
    case = accepted_case(client)
    registration = task(case, "business_registration")
    as_user(client, "r_amr_lishi")
    todo = client.get("/review/?show=todo")
    page = text_of(todo)
    assert "企业设立登记" in page and case.number in page and tab_counts(todo)["待认领"] == "1"
    base = f"/cases/{case.public_id}/tasks/{registration.pk}"
    assert client.post(f"{base}/claim", {"version": registration.version}).status_code == 302
    registration.refresh_from_db()
    assert "企业设立登记" in text_of(client.get("/review/?show=mine"))
    lines = "经营场所租赁合同缺少出租方签章\n平面布局图未标注面积"
    response = client.post(
        f"{base}/request_supplement", {"version": registration.version, "lines": lines}
    )
    assert response.status_code == 302
    page = text_of(as_user(client, "yaofang").get(f"/cases/{case.public_id}"))
    assert "补正要求" in page and "平面布局图未标注面积" in page and "补正通知书" in page
    assert "请补正：企业设立登记" in text_of(client.get("/my/"))
    registration.refresh_from_db()
    response = client.post(
        f"{base}/provide_supplement", {"version": registration.version, "answer": "已补交"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    as_user(client, "r_amr_lishi")
    response = client.post(f"{base}/approve", {"version": registration.version, "note": "准予登记"})
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "“企业设立登记”已批准。" in page and "办理意见：准予登记" in page


def test_a_special_procedure_starts_and_ends(client, demo):
    case = accepted_case(client)
    registration = task(case, "business_registration")
    reviewer = user("r_amr_lishi")
    services.claim(reviewer, registration.pk)
    registration.refresh_from_db()
    client.force_login(reviewer)
    base = f"/cases/{case.public_id}/tasks/{registration.pk}"
    data = {"version": registration.version, "kind": "inspection", "days": "3", "title": "现场核查"}
    assert client.post(f"{base}/start_special", data).status_code == 302
    page = text_of(client.get(f"/cases/{case.public_id}"))
    assert "现场勘验 · 现场核查，时限 3 个工作日" in page and "暂停计时" in page
    registration.refresh_from_db()
    response = client.post(
        f"{base}/end_special", {"version": registration.version, "outcome": "合格"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == "in_review"


def test_text_typed_into_the_page_is_escaped(client, demo):
    case = file_through_the_page(client)
    as_user(client, "clerk_lishi")
    attack = "<script>alert(1)</script>"
    client.post(
        f"/cases/{case.public_id}/do/request_completion",
        {"version": case.version, "lines": f"缺少材料{attack}"},
    )
    case.refresh_from_db()
    as_user(client, "yaofang")
    client.post(f"/cases/{case.public_id}/do/complete", {"version": case.version, "answer": attack})
    page = client.get(f"/cases/{case.public_id}").content.decode()
    assert attack not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_clerk_sees_the_identity_masked_until_asking(client, demo):
    case = file_through_the_page(client)
    as_user(client, "clerk_lishi")
    page = text_of(client.get(f"/cases/{case.public_id}"))
    assert "142331********2041" in page and "136****1234" in page
    assert "142331196207082041" not in page and "13603581234" not in page
    assert "查看完整身份信息" in page
    page = text_of(client.post(f"/cases/{case.public_id}/identity"))
    assert "142331196207082041" in page and "13603581234" in page and "本次查看已记录" in page
    view = PersonalDataView.objects.get()
    assert view.viewer == user("clerk_lishi") and view.subject == user("yaofang")
    as_user(client, "yaofang")
    assert client.post(f"/cases/{case.public_id}/identity").status_code == 403


def test_the_notice_pdf_has_its_chinese_text(client, demo):
    case = file_through_the_page(client)
    services.request_completion(
        user("clerk_lishi"), case.public_id, ["缺少执业药师注册证", "平面布局图未标注面积"]
    )
    notice = case.notices.get()
    as_user(client, "yaofang")
    page = client.get(f"/cases/{case.public_id}")
    assert elements(page, "a", href=f"/cases/{case.public_id}/notices/{notice.pk}.pdf")
    response = client.get(f"/cases/{case.public_id}/notices/{notice.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    for expected in (
        "一次性告知书",
        case.number,
        "吕梁康民大药房有限公司",
        "缺少执业药师注册证",
        "平面布局图未标注面积",
        "离石区政务服务中心综合窗口",
        "行政许可法",
    ):
        assert expected in text, expected


def test_the_supervisor_sees_every_case_of_the_jurisdiction_overdue_first(client, demo):
    from datetime import timedelta

    first = file_through_the_page(client)
    as_user(client, "zhangsan")
    data = pharmacy_filing_post(key="z")
    client.post("/apply/open_pharmacy", data)
    late = Case.objects.exclude(pk=first.pk).get()
    overdue_on = late.window_due - timedelta(days=30)  # as if filed a month ago
    Case.objects.filter(pk=late.pk).update(window_due=overdue_on, deadline=overdue_on)
    response = as_user(client, "supervisor_lishi").get("/supervision/")
    page = text_of(response)
    assert tab_counts(response)["未办结"] == "2" and "?state=submitted" in page
    assert "?state=completed" in page  # finished cases are a tab, paged, not counted
    assert tab_counts(response)["超期"] == "1"
    assert row_of(response, late.number) < row_of(response, first.number)
    assert "张*" in page  # a person's name is masked
    overdue = text_of(client.get("/supervision/?state=overdue"))
    assert late.number in overdue and first.number not in overdue
    assert "效能监督" in text_of(as_user(client, "supervisor").get("/supervision/"))


def test_an_action_address_opened_with_get_leads_back_to_the_case(client, demo):
    """After logging in again the browser GETs the ?next= address: no bare 405."""
    case = accepted_case(client)
    registration = task(case, "business_registration")
    as_user(client, "r_amr_lishi")
    for url in (
        f"/cases/{case.public_id}/tasks/{registration.pk}/claim",
        f"/cases/{case.public_id}/do/hand-over",
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == f"/cases/{case.public_id}"
        assert "操作没有执行" in text_of(response)
    registration.refresh_from_db()
    assert registration.state == "workable"  # nothing was done by the GET


def test_an_expired_form_gets_a_plain_chinese_page(demo):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user("clerk_lishi"))
    case = Case.objects.create(
        catalog_version_id=current_catalog().pk,
        package_id="open_pharmacy",
        package_name="我要开药店",
        applicant=user("yaofang"),
        channel="web",
        window="141102",
        place="141102",
    )
    response = client.post(f"/cases/{case.public_id}/do/accept", {"version": 0})
    assert response.status_code == 403
    page = text_of(response)
    assert "页面已过期" in page and "请刷新页面后再操作" in page and "DEBUG" not in page


def test_an_item_past_its_own_date_makes_the_case_overdue_for_the_supervisor(client, demo):
    from datetime import timedelta

    from django.utils import timezone

    case = accepted_case(client)
    on_time = file_through_the_page(client, key="key-2")
    registration = task(case, "business_registration")
    Task.objects.filter(pk=registration.pk).update(
        due_date=timezone.localdate() - timedelta(days=10)
    )
    store.refresh_deadlines([case.pk])  # the date was moved straight in the database
    response = as_user(client, "supervisor_lishi").get("/supervision/")
    assert tab_counts(response)["超期"] == "1"
    assert row_of(response, case.number) < row_of(response, on_time.number)
    overdue = text_of(client.get("/supervision/?state=overdue"))
    assert case.number in overdue and on_time.number not in overdue
    assert "已超" in overdue and "超期 超期" not in overdue


def test_the_applicant_is_told_plainly_what_was_refused_and_why(client, demo):
    case = accepted_case(client)
    registration = task(case, "business_registration")
    reviewer = user("r_amr_lishi")
    services.claim(reviewer, registration.pk)
    services.approve(reviewer, registration.pk, "同意")
    licence = task(case, "drug_retail_licence")
    services.claim(user("r_mpa"), licence.pk)
    services.reject(user("r_mpa"), licence.pk, "执业药师配备不符合要求")
    response = as_user(client, "yaofang").get(f"/cases/{case.public_id}")
    page = text_of(response)
    assert "不予许可理由：" in [label.text for label in elements(response, "strong")]
    assert "不予许可理由：执业药师配备不符合要求" in parse_html(response).text
    assert "行政复议" in page  # the remedy is on the page, not only in the PDF
    assert "下一步：药品经营许可证核发（零售）不予许可" in page
    mine = text_of(client.get("/my/"))
    assert "不予许可" in mine
    for item in case.tasks.filter(state="workable"):
        reviewer = User.objects.get(
            role="reviewer", department=item.department, jurisdiction=item.jurisdiction
        )
        services.claim(reviewer, item.pk)
        services.approve(reviewer, item.pk, "同意")
    case.refresh_from_db()
    assert case.state == "ready"
    page = text_of(client.get(f"/cases/{case.public_id}"))
    assert "1 项不予许可（药品经营许可证核发（零售））" in page
    assert "全部结果已于" not in page


def test_the_form_warns_of_the_same_package_already_in_progress(client, demo):
    case = file_through_the_page(client)
    page = text_of(client.get("/apply/open_pharmacy"))
    assert "您已有“我要开药店”正在办理" in page and case.number in page
    assert "已有" not in text_of(as_user(client, "zhangsan").get("/apply/open_pharmacy"))


def test_materials_show_their_trust_levels_and_the_window_checks_originals(client, demo):
    case = file_through_the_page(client)
    page = text_of(client.get(f"/cases/{case.public_id}"))
    assert "申请材料" in page and "待提交" in page
    pending = case.evidence.filter(trust="").first()
    upload = io.BytesIO(b"%PDF-1.4 a scanned lease")
    upload.name = "租赁合同.pdf"
    response = client.post(
        f"/cases/{case.public_id}/evidence/{pending.pk}/upload", {"file": upload}, follow=True
    )
    assert "已上传“" in text_of(response) and "已上传 · 待核验" in text_of(response)
    bad = io.BytesIO(b"GIF89a")
    bad.name = "x.gif"
    response = client.post(f"/cases/{case.public_id}/evidence/{pending.pk}/upload", {"file": bad})
    assert response.status_code == 400 and "只接受 PDF、OFD、JPG 或 PNG" in text_of(response)
    assert client.get(f"/cases/{case.public_id}/evidence/{pending.pk}/file").content.startswith(
        b"%PDF"
    )
    as_user(client, "clerk_lishi")
    assert client.get(f"/cases/{case.public_id}/evidence/{pending.pk}/file").status_code == 200
    assert PersonalDataView.objects.filter(viewer=user("clerk_lishi")).exists()
    response = client.post(f"/cases/{case.public_id}/evidence/{pending.pk}/check", follow=True)
    assert "已核验原件（可信等级 B）" in text_of(response)
    pending.refresh_from_db()
    assert pending.trust == "B"


def test_html_typed_into_the_form_is_shown_as_text_everywhere(client, demo):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case = file_through_the_page(client, business_scope=attack, key="html")
    services.accept(user("clerk_lishi"), case.public_id)
    pages = [("yaofang", f"/cases/{case.public_id}"), ("yaofang", "/my/")]
    pages += [("clerk_lishi", f"/cases/{case.public_id}"), ("clerk_lishi", "/window/")]
    pages += [("r_amr_lishi", f"/cases/{case.public_id}"), ("r_amr_lishi", "/review/")]
    pages += [("supervisor_lishi", "/supervision/")]
    for username, path in pages:
        body = as_user(client, username).get(path).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, (username, path)
    shown = as_user(client, "yaofang").get(f"/cases/{case.public_id}").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown


def test_the_precheck_tells_the_applicant_and_the_window_what_is_missing(client, demo):
    case = file_through_the_page(client)
    response = client.get(f"/cases/{case.public_id}")
    assert "预审结果" in text_of(response) and "缺少材料“" in text_of(response)
    missing = len(elements(response, "li", class_="blocking"))
    assert missing == case.evidence.filter(trust="", origin="applicant").count()
    upload = io.BytesIO(b"%PDF-1.4 a scan")
    upload.name = "scan.pdf"
    first = case.evidence.filter(trust="", origin="applicant").first()
    client.post(f"/cases/{case.public_id}/evidence/{first.pk}/upload", {"file": upload})
    assert len(elements(client.get(f"/cases/{case.public_id}"), "li", class_="blocking")) == (
        missing - 1
    )
    clerk = text_of(as_user(client, "clerk_lishi").get(f"/cases/{case.public_id}"))
    assert "窗口审查从这里开始" in clerk and "缺少材料“" in clerk
    services.accept(user("clerk_lishi"), case.public_id)
    assert "预审结果" not in text_of(client.get(f"/cases/{case.public_id}"))


def test_typing_is_autosaved_to_one_draft_that_later_submits(client, demo):
    as_user(client, "yaofang")
    data = pharmacy_filing_post(key="auto-1", intent="autosave", business_scope="")
    response = client.post("/apply/open_pharmacy", data, HTTP_HX_REQUEST="true")
    assert "草稿已自动保存" in text_of(response)
    draft = Case.objects.get(idempotency_key="auto-1")
    assert draft.state == "draft"
    client.post("/apply/open_pharmacy", {**data, "company_name": "改过的名称"})
    assert Case.objects.filter(idempotency_key="auto-1").count() == 1
    draft.refresh_from_db()
    assert draft.form["company_name"] == "改过的名称"
    # On another device: the draft is listed and opens with what was typed.
    page = text_of(client.get(f"/apply/open_pharmacy?case={draft.public_id}"))
    assert "改过的名称" in page and "正在修改草稿" in page
    # Submitting the same form (the same key) submits that draft; nothing is filed twice.
    response = client.post(
        "/apply/open_pharmacy", pharmacy_filing_post(key="auto-1", company_name="改过的名称")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (
        draft.state == "submitted" and Case.objects.filter(applicant=user("yaofang")).count() == 1
    )


def test_a_draft_from_an_older_catalogue_is_flagged_and_moves_on(client, demo):

    as_user(client, "yaofang")
    client.post("/apply/open_pharmacy", pharmacy_filing_post(key="old", intent="draft"))
    draft = Case.objects.get(idempotency_key="old")
    newer = DEMO_CATALOG.read_text().replace("name: 我要开药店", "name: 我要开药店（新版）", 1)
    import_catalog(newer.encode(), imported_by="editor")
    page = text_of(client.get(f"/apply/open_pharmacy?case={draft.public_id}"))
    assert "按旧版办事指南（第 1 版）填写" in page
    client.post(
        "/apply/open_pharmacy",
        pharmacy_filing_post(
            key="old", intent="draft", case=str(draft.public_id), version=draft.version
        ),
    )
    draft.refresh_from_db()
    assert draft.catalog_version.number == 2  # saved again: now under the current version


def test_a_60_mb_upload_and_a_disguised_executable_are_refused(client, demo):
    case = file_through_the_page(client)
    pending = case.evidence.filter(trust="").first()
    url = f"/cases/{case.public_id}/evidence/{pending.pk}/upload"
    big = io.BytesIO(b"%PDF-1.4" + b"0" * (60 * 1024 * 1024))
    big.name = "big.pdf"
    response = client.post(url, {"file": big})
    assert response.status_code == 413 and "每份材料不超过 10 MB" in text_of(response)
    exe = io.BytesIO(b"MZ\x90\x00\x03 this is a program")
    exe.name = "../../合同.pdf"
    response = client.post(url, {"file": exe})
    assert response.status_code == 400 and "文件内容与格式不符" in text_of(response)
    pending.refresh_from_db()
    assert pending.trust == "" and not pending.file_path  # nothing kept


def test_the_applicant_rates_and_the_window_works_a_bad_rating(client, demo):
    case = accepted_case(client)
    decide_all(case)
    hand_over(case)
    page = text_of(as_user(client, "yaofang").get(f"/cases/{case.public_id}"))
    assert "好差评" in page and "总体评价" in page and "非常不满意" in page
    response = client.post(
        f"/cases/{case.public_id}/rate",
        {"stage": "handover", "level": "1", "reasons": ["服务态度差"], "text": "<b>等太久</b>"},
        follow=True,
    )
    page = text_of(response)
    assert "我们会核实并在 3 个工作日内答复您" in page and "&lt;b&gt;等太久" in page
    as_user(client, "clerk_lishi")
    listing = text_of(client.get("/rectifications/"))
    assert "出件环节：非常不满意" in listing and "待核实" in listing
    from onething.evaluation.models import Rectification

    item = Rectification.objects.get()
    client.post(f"/rectifications/{item.pk}/verify", {"holds": "1", "note": "属实"})
    client.post(f"/rectifications/{item.pk}/respond", {"action": "增开窗口", "answer": "已整改"})
    client.post(f"/rectifications/{item.pk}/revisit", {"satisfied": "1", "note": "满意"})
    item.refresh_from_db()
    assert item.state == "closed"
    assert "最近办结" in text_of(client.get("/rectifications/"))
    assert as_user(client, "zhangsan").get("/rectifications/").status_code == 403


def test_an_appeal_is_filed_by_the_window_and_decided_by_the_supervisor(client, demo):
    from onething.evaluation import services as evaluation
    from onething.evaluation.models import Rectification

    case = accepted_case(client)
    decide_all(case)
    hand_over(case)
    evaluation.rate(user("yaofang"), case.public_id, "overall", 1, ["推诿扯皮"])
    item = Rectification.objects.get()
    as_user(client, "clerk_lishi").post(
        f"/rectifications/{item.pk}/appeal", {"reason": "申请人误选"}
    )
    page = text_of(as_user(client, "supervisor_lishi").get("/rectifications/"))
    assert "窗口申诉：申请人误选" in page and "撤销差评" in page
    client.post(f"/rectifications/{item.pk}/decide", {"remove": "1", "reason": "核实系误评"})
    page = text_of(client.get("/rectifications/"))
    assert "差评已撤销（核实系误评）" in page


def test_the_window_qr_code_leads_to_the_cases_to_rate(client, demo):
    from onething.evaluation.models import Rating

    case = accepted_case(client)
    svg = client.get("/rate/window/141102/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    page = text_of(client.get("/rate/window/141102"))
    assert case.number in page and "受理环节" in page
    form = client.get(f"/cases/{case.public_id}?channel=qr")
    assert elements(form, "input", name="channel", value="qr")
    client.post(
        f"/cases/{case.public_id}/rate", {"stage": "acceptance", "level": "5", "channel": "qr"}
    )
    assert Rating.objects.get().channel == "qr"


def test_a_visit_is_rated_from_the_window_qr_code_without_a_case(client, demo):
    as_user(client, "zhangsan")
    page = text_of(client.get("/rate/window/141102"))
    assert "这次窗口服务怎么样" in page and "没有办件" in page
    refused = client.post("/rate/window/141102", {"level": "2"}, follow=True)
    assert "请选择或写明不满意的原因" in text_of(refused)
    done = client.post(
        "/rate/window/141102", {"level": "2", "reasons": ["告知不清楚"]}, follow=True
    )
    page = text_of(done)
    assert "窗口会核实" in page and "不满意（告知不清楚）" in page and "整改：待核实" in page
    assert client.get("/rate/window/nowhere").status_code == 404
    page = text_of(as_user(client, "clerk_lishi").get("/rectifications/"))
    assert "窗口服务评价" in page and "未关联办件" in page
    as_user(client, "supervisor")
    assert "扫码评价窗口服务 1 次" in text_of(client.get("/dashboard/"))


def test_long_lists_are_counted_only_up_to_a_cap(client, demo, monkeypatch):
    from onething.cases.views import common

    monkeypatch.setattr(common, "COUNT_UP_TO", 1)
    file_through_the_page(client)
    file_through_the_page(client, key="key-2")
    response = as_user(client, "supervisor_lishi").get("/supervision/")
    assert tab_counts(response)["未办结"] == "1+"
