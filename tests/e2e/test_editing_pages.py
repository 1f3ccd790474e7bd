"""事项编制 over HTTP: the editor's forms, problems at their fields, scope, the review."""

import pytest

from onething.catalog.services import current_catalog
from tests.factories import as_user, element, elements, page_text, text_of

pytestmark = pytest.mark.django_db

ITEM = "drug_retail_licence"
URL = f"/editing/items/{ITEM}"


def form_of(response) -> dict:
    """The values a browser would post from the entry form, as it stands."""
    values: dict = {}
    for field in elements(response, "input"):
        name, kind = field.attrs.get("name"), field.attrs.get("type", "text")
        if not name or kind == "submit":
            continue
        if kind == "checkbox":
            if field.has("checked"):
                values.setdefault(name, []).append(field.attrs.get("value", "on"))
            continue
        values[name] = field.attrs.get("value", "")
    for select in elements(response, "select"):
        chosen = [o for o in select.elements("option") if o.has("selected")]
        options = select.elements("option")
        values[select.attrs["name"]] = (chosen or options)[0].attrs.get("value", "")
    for area in elements(response, "textarea"):
        values[area.attrs["name"]] = "".join(area._strings()).strip()
    return values


def test_the_editor_changes_an_item_and_sees_a_problem_at_its_field(demo, client):
    as_user(client, "editor")
    assert client.get("/editing/").status_code == 200
    page = client.get(URL)
    form = form_of(page)
    form["promised_days"] = "99"
    form["materials[9].material"] = "agent_authorization"
    refused = client.post(URL, form)
    assert refused.status_code == 400
    error = element(refused, "input", name="promised_days")
    assert error  # the form is shown again with what was typed
    assert "超过了法定时限" in text_of(refused)
    row = [
        e for e in elements(refused, "div") if "form-row" in e.classes and "has-error" in e.classes
    ]
    assert any(e.element("input").attrs.get("name") == "promised_days" for e in row)
    form["promised_days"] = "10"
    saved = client.post(URL, form, follow=True)
    assert "检查通过" in page_text(saved)
    assert "editor 保存" in element(saved, "ul", id="entry-steps").text
    review = page_text(client.get("/editing/review"))
    assert "承诺时限 15 → 10 个工作日" in review
    assert "新增申请材料 经办人身份证明及授权委托书" in review


def test_a_stale_form_is_refused_with_who_changed_it(demo, client):
    as_user(client, "editor")
    form = form_of(client.get(URL))
    client.post(URL, {**form, "trips": "1"})
    stale = client.post(URL, {**form, "trips": "0"})
    assert stale.status_code == 409
    assert "editor 已于" in text_of(stale)


def test_other_staff_see_nothing_of_the_editor(demo, client):
    for username in ("clerk", "supervisor", "admin", "yaofang"):
        as_user(client, username)
        for path in ("/editing/", URL, "/editing/review"):
            assert client.get(path).status_code == 404, (username, path)


def test_a_department_editor_sees_its_items_and_cannot_save_others(demo, client):
    as_user(client, "editor_amr")
    listing = page_text(client.get("/editing/"))
    assert "本部门（amr）" in listing
    form = form_of(client.get(URL))
    refused = client.post(URL, form)
    assert refused.status_code == 403
    assert element(client.get(URL), "p", id="read-only")


def test_the_publisher_publishes_and_rolls_back(demo, client):
    first = current_catalog().number
    as_user(client, "editor")
    form = form_of(client.get(URL))
    client.post(URL, {**form, "promised_days": "10"})
    client.post("/editing/submit")
    as_user(client, "publisher")
    review = page_text(client.get("/editing/review"))
    assert "审核通过，发布" in review
    client.post("/editing/publish", {"note": "压缩时限"})
    assert current_catalog().number == first + 1
    assert current_catalog().catalog.items[ITEM].promised_days == 10
    client.post("/editing/rollback", {"version": str(first)})
    assert current_catalog().catalog.items[ITEM].promised_days == 15
    exported = client.get(f"/editing/versions/{first}.yaml")
    assert exported.status_code == 200 and b"drug_retail_licence" in exported.content


def test_preview_shows_both_figures(demo, client):
    as_user(client, "editor")
    page = client.get("/editing/preview/open_pharmacy?sells_food=true")
    assert page.status_code == 200
    assert element(page, "section", id="draft-guide")
    assert element(page, "section", id="published-guide")


def test_the_admin_reads_versions_without_save_buttons_and_exports(demo, client):
    as_user(client, "admin")
    page = client.get(f"/admin/catalog/catalogversion/{first_version_pk()}/change/")
    assert page.status_code == 200
    assert not elements(page, "input", name="_save")
    exported = client.get("/editing/versions/1.yaml")
    assert exported.status_code == 200
    assert exported.content.decode() == current_catalog_source()


def current_catalog_source() -> str:
    from onething.catalog.models import CatalogVersion

    return CatalogVersion.objects.get(number=1).source


def first_version_pk() -> int:
    from onething.catalog.models import CatalogVersion

    return CatalogVersion.objects.get(number=1).pk


PACKAGE = "/editing/packages/open_pharmacy"


def row_index(form: dict, prefix: str, value: str) -> int:
    return next(
        int(k[len(prefix) + 1 : k.index("]")])
        for k, v in form.items()
        if k.startswith(prefix + "[") and k.endswith("].item") and v == value
    )


def test_a_package_condition_and_a_cycle_are_shown_where_they_are(demo, client):
    as_user(client, "editor")
    form = form_of(client.get(PACKAGE))
    drug = row_index(form, "items", "drug_retail_licence")
    unknown = client.post(PACKAGE, {**form, f"items[{drug}].when": "sells_cars=true"})
    assert unknown.status_code == 400
    at = element(unknown, "input", name=f"items[{drug}].when")
    assert at.attrs["value"] == "sells_cars=true"
    assert "没有情形问题“sells_cars”" in text_of(unknown)
    unreadable = client.post(PACKAGE, {**form, f"items[{drug}].when": "sells_food"})
    assert unreadable.status_code == 400 and "应写成 问题=取值" in text_of(unreadable)
    first = row_index(form, "items", "business_registration")
    cycle = client.post(PACKAGE, {**form, f"items[{first}].after": "drug_retail_licence"})
    assert cycle.status_code == 400
    assert "前置事项形成循环" in element(cycle, "fieldset", id="package-items").text


def test_a_new_item_and_material_through_the_forms(demo, client):
    as_user(client, "editor")
    material = client.post(
        "/editing/materials/new", {"id": "fire_plan", "name": "消防应急预案"}, follow=True
    )
    assert "检查通过" in page_text(material)
    assert "没有事项使用这份材料" in page_text(material)  # a warning, saved all the same
    new = {
        "id": "fire_drill_filing",
        "name": "消防演练备案",
        "department": "fire",
        "levels": ["county"],
        "kind": "promise",
        "legal_days": "10",
        "promised_days": "5",
        "trips": "1",
        "materials[0].material": "fire_plan",
        "materials[0].copies": "1",
        "materials[0].required": "1",
    }
    bad = client.post("/editing/items/new", {**new, "id": "消防"})
    assert bad.status_code == 400 and "不是有效编号" in text_of(bad)
    saved = client.post("/editing/items/new", new, follow=True)
    assert "检查通过" in page_text(saved)
    again = client.post("/editing/items/new", new)
    assert again.status_code == 409 and "已被使用" in text_of(again)
    refused = client.post("/editing/materials/fire_plan/delete", {"revision": "1"}, follow=True)
    assert "正在被使用" in page_text(refused) and "消防演练备案" in page_text(refused)


def test_a_package_with_cases_cannot_be_deleted(demo, client):
    from tests.factories import accepted_pharmacy

    case = accepted_pharmacy()
    as_user(client, "editor")
    form = form_of(client.get(PACKAGE))
    refused = client.post(f"{PACKAGE}/delete", {"revision": form["revision"]}, follow=True)
    assert "不能删除" in page_text(refused) and case.number in page_text(refused)


def test_a_form_without_its_revision_is_refused_not_broken(demo, client):
    as_user(client, "editor")
    form = form_of(client.get(URL))
    refused = client.post(URL, {**form, "revision": "abc"})
    assert refused.status_code == 409 and "请重新打开后再改" in text_of(refused)


def test_an_objects_form_shows_what_the_checks_say_of_it_now(demo, client):
    as_user(client, "editor")
    client.post("/editing/materials/new", {"id": "spare_copy", "name": "备用复印件"})
    page = client.get("/editing/materials/spare_copy")
    assert "提示：没有事项使用这份材料" in element(page, "div", id="entry-notes").text


def test_the_review_says_when_a_newer_version_came_meanwhile(demo, client):
    from onething.catalog import DEMO_CATALOG
    from onething.catalog.services import import_catalog
    from onething.editing import services
    from tests.factories import user

    services.draft_for(user("editor"))
    newer = DEMO_CATALOG.read_text().replace("name: 我要开药店", "name: 我要开药店（新版）", 1)
    import_catalog(newer.encode(), imported_by="cli:ops", note="命令行导入")
    page = text_of(as_user(client, "publisher").get("/editing/review"))
    assert "此后已发布第 2 版" in page
    assert "一件事 我要开药店：名称 我要开药店（新版） → 我要开药店" in page


def test_saving_every_demo_form_unchanged_changes_nothing(demo, client):
    """The forms lose nothing: every item, material, field and package of the demo posted
    back as shown leaves the draft equal to the published catalogue."""
    from onething.editing import publishing

    as_user(client, "editor")
    draft = services_draft()
    for row in draft.entries.order_by("section", "position"):
        url = f"/editing/{row.section}/{row.key}"
        answer = client.post(url, form_of(client.get(url)))
        assert answer.status_code == 302, (url, element(answer, "div", id="save-refused").text)
    assert [d.text for d in publishing.draft_differences()] == []


def services_draft():
    from onething.editing import services
    from tests.factories import user

    return services.draft_for(user("editor"))
