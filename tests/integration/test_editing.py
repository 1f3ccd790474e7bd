"""事项编制's services: saving with checks, conflicts, scope, deleting, review, publishing."""

import pytest

from onething.catalog.models import CatalogVersion
from onething.catalog.services import current_catalog
from onething.core.errors import Conflict, Forbidden, InvalidInput
from onething.editing import deleting, publishing, services
from onething.editing.models import EditingStep
from tests.factories import user

pytestmark = pytest.mark.django_db

ITEM = "drug_retail_licence"


def item_data(draft):
    row = services.entry_of(draft, "items", ITEM)
    return dict(row.data), row.revision


def test_lowering_a_promised_time_is_published_in_words(demo):
    editor = user("editor")
    draft = services.draft_for(editor)
    data, revision = item_data(draft)
    before = data["promised_days"]
    data["promised_days"] = before - 5
    saved = services.save_entry(editor, "items", ITEM, data, revision)
    assert saved.entry.revision == revision + 1
    told = [d.text for d in publishing.draft_differences()]
    assert told == [f"事项 药品经营许可证核发（零售）：承诺时限 {before} → {before - 5} 个工作日"]
    publishing.submit(editor)
    version = publishing.publish(user("publisher"))
    assert current_catalog().number == version.number
    assert current_catalog().catalog.items[ITEM].promised_days == before - 5
    actions = list(EditingStep.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["started", "saved", "submitted", "published"]


def test_a_problem_is_refused_at_its_field_and_nothing_is_stored(demo):
    editor = user("editor")
    draft = services.draft_for(editor)
    data, revision = item_data(draft)
    data["promised_days"] = data["legal_days"] + 1
    with pytest.raises(InvalidInput) as refused:
        services.save_entry(editor, "items", ITEM, data, revision)
    problems = refused.value.details["problems"]
    assert problems[0]["path"] == f"items[{ITEM}].promised_days"
    assert "超过了法定时限" in problems[0]["message"]
    assert item_data(draft)[1] == revision  # untouched
    assert not publishing.draft_differences()


def test_a_stale_save_is_refused_with_who_and_when(demo):
    editor = user("editor")
    draft = services.draft_for(editor)
    data, revision = item_data(draft)
    services.save_entry(editor, "items", ITEM, {**data, "trips": 1}, revision)
    with pytest.raises(Conflict) as refused:
        services.save_entry(editor, "items", ITEM, {**data, "trips": 0}, revision)
    assert "editor 已于" in refused.value.message
    assert refused.value.details["changed_by"] == "editor"
    assert services.entry_of(draft, "items", ITEM).data["trips"] == 1


def test_a_department_editor_changes_only_its_items(demo):
    amr = user("editor_amr")
    draft = services.draft_for(amr)
    data, revision = item_data(draft)  # 药品零售: the drug administration's
    with pytest.raises(Forbidden):
        services.save_entry(amr, "items", ITEM, data, revision)
    row = draft.entries.filter(section="items", department="amr").first()
    services.save_entry(amr, "items", row.key, {**row.data, "fee": 0}, row.revision)
    package = draft.entries.filter(section="packages").first()
    with pytest.raises(Forbidden):
        services.save_entry(amr, "packages", package.key, package.data, package.revision)
    with pytest.raises(Forbidden):
        services.save_entry(user("publisher"), "items", row.key, row.data, row.revision + 1)


def test_deleting_an_item_a_package_uses_is_refused_naming_them(demo):
    editor = user("editor")
    draft = services.draft_for(editor)
    _, revision = item_data(draft)
    with pytest.raises(Conflict) as refused:
        deleting.delete_entry(editor, "items", ITEM, revision)
    assert "我要开药店" in refused.value.message


def test_an_unused_new_material_can_be_added_and_deleted(demo):
    editor = user("editor")
    services.draft_for(editor)
    saved = services.save_entry(editor, "materials", "spare", {"name": "备用材料"}, None)
    assert [w.message for w in saved.warnings] == ["no item asks for this material"]
    deleting.delete_entry(editor, "materials", "spare", saved.entry.revision)


def test_return_with_a_reason_then_rollback(demo):
    editor, publisher = user("editor"), user("publisher")
    draft = services.draft_for(editor)
    data, revision = item_data(draft)
    services.save_entry(editor, "items", ITEM, {**data, "fee": 10}, revision)
    publishing.submit(editor)
    with pytest.raises(InvalidInput):
        publishing.return_draft(publisher, "  ")
    publishing.return_draft(publisher, "收费没有依据")
    assert services.open_draft().returned_reason == "收费没有依据"
    publishing.submit(editor)
    first = current_catalog().number
    published = publishing.publish(publisher)
    again = publishing.rollback(publisher, first)
    assert again.number == published.number + 1
    assert again.digest == CatalogVersion.objects.get(number=first).digest
    with pytest.raises(Forbidden):
        publishing.rollback(editor, first)


def test_preview_shows_the_drafts_figures_beside_the_published(demo):
    editor = user("editor")
    draft = services.draft_for(editor)
    data, revision = item_data(draft)
    services.save_entry(editor, "items", ITEM, {**data, "promised_days": 1}, revision)
    shown = publishing.preview(services.open_draft(), "open_pharmacy", {"sells_food": "true"})
    assert shown.draft.stats.days_serial < shown.published.stats.days_serial


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_from_the_same_revision_one_is_refused(demo):
    import threading

    from django.db import connection

    editor = user("editor")
    draft = services.draft_for(editor)
    data, revision = item_data(draft)
    outcomes: list[str] = []

    def save(days: int) -> None:
        try:
            services.save_entry(editor, "items", ITEM, {**data, "promised_days": days}, revision)
            outcomes.append("saved")
        except Conflict as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(days,)) for days in (9, 11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "saved" and "editor 已于" in sorted(outcomes)[0]
    assert services.entry_of(draft, "items", ITEM).revision == revision + 1


def test_invalid_values_never_reach_a_version(demo):
    """Even a row changed behind the services' back: submit and publish check the whole."""
    from onething.editing.models import Draft

    editor, publisher = user("editor"), user("publisher")
    draft = services.draft_for(editor)
    row = services.entry_of(draft, "items", ITEM)
    row.data = {**row.data, "promised_days": 99}
    row.save()
    Draft.objects.filter(pk=draft.pk).update(revision=draft.revision + 1)
    with pytest.raises(InvalidInput) as refused:
        publishing.submit(editor)
    assert "超过了法定时限" in refused.value.message
    Draft.objects.filter(pk=draft.pk).update(state=Draft.State.SUBMITTED)
    versions = CatalogVersion.objects.count()
    with pytest.raises(InvalidInput) as refused:
        publishing.publish(publisher)
    assert "不能发布" in refused.value.message
    assert CatalogVersion.objects.count() == versions


def test_a_discarded_draft_publishes_nothing_and_the_next_starts_afresh(demo):
    editor = user("editor")
    draft = services.draft_for(editor)
    data, revision = item_data(draft)
    services.save_entry(editor, "items", ITEM, {**data, "fee": 5}, revision)
    with pytest.raises(Forbidden):
        publishing.discard(user("editor_amr"))
    publishing.discard(user("publisher"), "第 2 版已由命令行导入")
    assert services.open_draft() is None
    fresh = services.draft_for(editor)
    assert fresh.pk != draft.pk and not publishing.draft_differences(fresh)
    assert current_catalog().number == 1
