"""The JSON API for packages and guides."""

from onething.catalog.guide import build_guide


def test_packages_are_listed_with_their_questions(client, small_in_db):
    packages = client.get("/api/v1/packages").json()
    assert [p["id"] for p in packages] == ["open_shop"]
    assert packages[0]["questions"][1] == {
        "id": "size",
        "text": "经营面积多大？",
        "type": "choice",
        "choices": ["小型", "中型", "大型"],
        "help": None,
    }


def test_guide_json_is_the_cli_contract(client, small_in_db, small_catalog):
    data = client.get(
        "/api/v1/packages/open_shop/guide", {"sells_food": "true", "size": "大型"}
    ).json()
    expected = build_guide(
        small_catalog, small_catalog.packages["open_shop"], {"sells_food": True, "size": "大型"}
    )
    assert data == expected.as_dict()
    assert data["stats"]["days_parallel"] == 19


def test_bad_answers_and_unknown_packages(client, small_in_db):
    response = client.get("/api/v1/packages/open_shop/guide", {"size": "巨型"})
    assert response.status_code == 400
    assert "'巨型' is not one of the choices of 'size'" in response.json()["detail"]
    assert client.get("/api/v1/packages/nope/guide").status_code == 404
    assert client.get("/api/v1/packages/nope").status_code == 404


def test_no_catalogue_is_503(client, db):
    assert client.get("/api/v1/packages").status_code == 503


def test_openapi_document(client, db):
    schema = client.get("/openapi.json").json()
    assert "/api/v1/packages/{package_id}/guide" in schema["paths"]


def test_the_guide_says_how_far_each_item_goes_online(client, demo):
    response = client.get(
        "/api/v1/packages/small_food_shop/guide",
        {"shop_type": "食品小销售店", "has_business_licence": "true"},
    )
    (item,) = response.json()["items"]
    assert item["online_depth"] == "full" and item["online_depth_label"] == "全程网办"
    assert item["instant"] is True  # 符合条件秒批
