"""The shipped demo catalogue: valid, realistic in size, and true to the seeds' figures."""

from onething.catalog.guide import build_guide, resolve_answers

PHARMACY_ANSWERS = {
    "sells_food": "true",
    "sells_class2_devices": "true",
    "sells_class3_devices": "true",
    "has_signboard": "true",
}
LULIANG_COUNTIES = {
    "141102": "离石区",
    "141121": "文水县",
    "141122": "交城县",
    "141123": "兴县",
    "141124": "临县",
    "141125": "柳林县",
    "141126": "石楼县",
    "141127": "岚县",
    "141128": "方山县",
    "141129": "中阳县",
    "141130": "交口县",
    "141181": "孝义市",
    "141182": "汾阳市",
}


def test_open_pharmacy_reproduces_the_seed_figures(demo_catalog):
    package = demo_catalog.packages["open_pharmacy"]
    assert package.name == "我要开药店"
    guide = build_guide(demo_catalog, package, resolve_answers(package, PHARMACY_ANSWERS))
    stats = guide.stats
    assert stats.items == 7
    assert (stats.materials_separate, stats.materials_merged) == (42, 21)
    assert (stats.days_serial, stats.days_parallel) == (51, 15)
    assert (stats.trips_separate, stats.trips_package) == (14, 1)
    assert stats.departments == 4


def test_size_and_required_packages(demo_catalog):
    assert len(demo_catalog.packages) >= 12
    used = {pi.item for p in demo_catalog.packages.values() for pi in p.items}
    assert len(used) >= 50
    names = {p.name for p in demo_catalog.packages.values()}
    for required in (
        "我要开药店",
        "我要开办企业",
        "我要办建筑工程施工许可",
        "我要开专科医院",
        "我要经营出租车公司",
        "我要开餐馆",
    ):
        assert required in names
    for life_event in ("新生儿出生", "退休", "身后事"):
        assert any(life_event in name for name in names), life_event
    audiences = {p.audience for p in demo_catalog.packages.values()}
    assert audiences == {"enterprise", "citizen"}


def test_start_business_is_done_in_one_visit_the_same_day(demo_catalog):
    package = demo_catalog.packages["start_business"]
    guide = build_guide(demo_catalog, package, {}, every_case=True)
    assert all(gi.item.kind == "instant" for gi in guide.items)
    assert guide.stats.days_parallel == 0


def test_jurisdictions_are_luliang_with_its_counties_and_yangquan_suburb(demo_catalog):
    jurisdictions = demo_catalog.jurisdictions
    assert jurisdictions["141100"].name == "吕梁市"
    children = {j.code: j.name for j in demo_catalog.children_of("141100")}
    assert children == LULIANG_COUNTIES
    assert jurisdictions["140311"].name == "郊区" and jurisdictions["140311"].parent == "140300"


def test_every_package_has_a_guide_for_every_case_and_for_no_answers(demo_catalog):
    for package in demo_catalog.packages.values():
        everything = build_guide(demo_catalog, package, {}, every_case=True)
        assert everything.items, package.id
        assert everything.stats.days_parallel <= everything.stats.days_serial
        assert package.keywords, package.id
        build_guide(demo_catalog, package, {})


def test_items_carry_their_legal_basis(demo_catalog):
    without_basis = [item.id for item in demo_catalog.items.values() if not item.basis]
    assert without_basis == []


PROJECT_PACKAGES = {  # package -> (project_type, bundle, the expert reviews its items wait on)
    "grid_rebuild": ("grid_rebuild", True, {"grid_expert_review"}),
    "charging_station": ("charging_station", False, {"charging_station_expert_review"}),
    "road_project": ("road", False, {"road_expert_review"}),
}


def test_investment_projects_at_yangquan_suburb(demo_catalog):
    """Issue 15: grid rebuilding (打包办), a charging station and a road project, each with an
    expert review of its own whose days and fees the catalogue gives."""
    for package_id, (project_type, bundle, reviews) in PROJECT_PACKAGES.items():
        package = demo_catalog.packages[package_id]
        assert (package.project_type, package.bundle, package.audience) == (
            project_type,
            bundle,
            "enterprise",
        )
        guide = build_guide(demo_catalog, package, {}, every_case=True)
        items = [gi.item for gi in guide.items]
        # 阳泉市郊区 (a county) or 阳泉市 handles every item
        assert all({"county", "city"} & set(item.levels) for item in items), package_id
        waited_on = {demo_catalog.expert_review_of(item) for item in items} - {None}
        assert {review.id for review in waited_on} == reviews
        assert all(review.days > 0 and review.basis for review in waited_on)
    others = set(demo_catalog.packages) - set(PROJECT_PACKAGES)
    assert all(demo_catalog.packages[p].project_type is None for p in others)


def test_one_review_of_a_grid_bundle_of_five_costs_over_40_percent_less(demo_catalog):
    review = demo_catalog.expert_reviews["grid_expert_review"]
    separately, bundled = 5 * review.fee(1), review.fee(5)
    assert (separately, bundled) == (110000, 62000)
    assert 1 - bundled / separately > 0.40
