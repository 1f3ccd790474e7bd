"""Search services on the database: the index built when a catalogue version is imported
and stored per version (a request loads it, never builds it), searching, and 智能问答 —
answered from the guide, or filed as a 咨询 in the complaints loop with the question and
the package."""

import pytest

from onething.catalog.services import import_catalog
from onething.core.errors import InvalidInput, NotFound
from onething.evaluation.models import Complaint
from onething.search import asking, services
from onething.search.models import StoredIndex
from tests.catalogs import FIXTURES

pytestmark = pytest.mark.django_db


def test_the_index_is_built_and_stored_when_a_version_is_imported(demo):
    stored = StoredIndex.objects.get()
    assert stored.entries == 19 + 92 and stored.catalog_digest
    outcome = import_catalog((FIXTURES / "small.yaml").read_bytes(), imported_by="test")
    assert StoredIndex.objects.filter(catalog_digest=outcome.version.digest).exists()


def test_a_request_loads_the_stored_index_and_never_builds_it(demo, monkeypatch):
    services._indexes.clear()  # a fresh worker process

    def refuse(*args):
        raise AssertionError("a request built the index")

    monkeypatch.setattr(services, "build_index", refuse)
    answer = services.search("kaiyaodian")
    assert [hit.id for hit in answer.results][:1] == ["open_pharmacy"]


def test_search_before_any_catalogue(db):
    answer = services.search("药店")
    assert answer.results == [] and not answer.catalog_ready


def test_search_answers_any_text(demo):
    assert services.search("x" * 10_000).query == "x" * 100
    assert services.search("😀", limit=999).results == []
    assert len(services.search("许可", limit=3).results) == 3


def test_nothing_found_suggests_packages(demo):
    answer = services.search("今天天气怎么样")
    assert answer.results == []
    closest = services.closest_packages(answer)
    assert len(closest) == 4 and all(name for _id, name in closest)


def test_a_known_question_is_answered_from_the_guide(demo):
    asked = asking.ask(asking.Question("open_pharmacy", "要带什么材料", {"sells_food": "true"}))
    assert asked.answer is not None and asked.answer.section.title == "申请材料"
    assert asked.guide_url == "/guides/open_pharmacy?sells_food=true#materials-title"
    assert not Complaint.objects.exists()


def test_where_names_the_halls(demo):
    from onething.hall.demo import ensure_demo_halls

    ensure_demo_halls()
    told = asking.ask(asking.Question("open_pharmacy", "在哪里办")).answer
    assert told is not None and "综合窗口" in told.text
    assert "离石区政务服务中心（吕梁市离石区滨河北中路政务服务中心），电话 0358-12345" in told.text


def test_an_unanswerable_question_becomes_a_consultation(demo):
    asked = asking.ask(asking.Question("open_pharmacy", "店里可以养猫吗", phone="13800138000"))
    assert asked.answer is None
    complaint = Complaint.objects.get(tracking=asked.tracking)
    assert complaint.kind == "consult" and complaint.channel == asking.CHANNEL
    assert "店里可以养猫吗" in complaint.text and "我要开药店" in complaint.text
    assert complaint.about == "一件事：我要开药店" and not complaint.anonymous
    assert complaint.contact_phone == "13800138000"


def test_bad_questions_are_refused_and_nothing_is_filed(demo):
    with pytest.raises(NotFound, match="没有编号为 nope 的一件事"):
        asking.ask(asking.Question("nope", "要带什么材料"))
    with pytest.raises(InvalidInput, match="请写下您的问题"):
        asking.ask(asking.Question("open_pharmacy", " "))
    with pytest.raises(InvalidInput, match="没有编号为 color 的问题"):
        asking.ask(asking.Question("open_pharmacy", "要带什么材料", {"color": "red"}))
    with pytest.raises(InvalidInput) as refused:
        asking.ask(asking.Question("open_pharmacy", "店里可以养猫吗", phone="12"))
    assert "contact_phone" in refused.value.details["fields"]
    assert not Complaint.objects.exists()


def test_a_question_when_nothing_was_found_is_a_consultation(demo):
    tracking = asking.consult("我想办理游艇驾驶证", place="141102")
    complaint = Complaint.objects.get(tracking=tracking)
    assert complaint.jurisdiction == "141102" and "游艇驾驶证" in complaint.text
    with pytest.raises(InvalidInput, match="没有代码为 999999 的地区"):
        asking.consult("我想办理游艇驾驶证", place="999999")


def test_editors_synonyms_extend_the_shipped_ones(demo, tmp_path, monkeypatch):
    assert services.search("船证").results == []
    extra = tmp_path / "synonyms.yaml"
    extra.write_text("synonyms:\n  船证: 开药店\n", encoding="utf-8")
    monkeypatch.setenv("ONETHING_SEARCH_SYNONYMS", str(extra))
    assert services.search("船证").results[0].id == "open_pharmacy"
    assert StoredIndex.objects.count() == 2  # another index for the new synonyms


def test_a_broken_synonym_file_is_reported_and_the_rest_still_used(demo, tmp_path, monkeypatch):
    extra = tmp_path / "synonyms.yaml"
    extra.write_text("synonyms: [不是, 映射]\n", encoding="utf-8")
    monkeypatch.setenv("ONETHING_SEARCH_SYNONYMS", str(extra))
    _synonyms, _digest, problems = services.load_synonyms()
    assert problems == [f"{extra}: 同义词文件应为 synonyms: {{说法: 目录用词}} 的形式"]
    assert services.search("药铺").results[0].id == "open_pharmacy"  # the shipped list still
    extra.write_bytes(b"\xff\xfe not text")
    assert "无法读取同义词文件" in services.load_synonyms()[2][0]
