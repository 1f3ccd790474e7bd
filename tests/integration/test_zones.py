"""专区办 through the services: a 130-row spreadsheet with 5 bad rows checked in the
background (125 valid, the 5 named by row and column), confirmed into cases that carry
the zone's 场地证明, accepted as a batch; the zone's figures; refusals write nothing."""

import pytest

from onething.cases.lifecycle import CaseState
from onething.cases.models import Case
from onething.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onething.sweep import sweep
from onething.zones import services
from onething.zones.demo import DEMO_ZONE
from onething.zones.models import BatchRow, ImportBatch, Zone
from onething.zones.sample import sample_csv, sample_row, sample_xlsx
from tests.factories import user

pytestmark = pytest.mark.django_db


def zone() -> Zone:
    return Zone.objects.get(code=DEMO_ZONE)


def checked(batch: ImportBatch) -> ImportBatch:
    while batch.state == ImportBatch.CHECKING:
        batch = services.check_some(batch.pk, seconds=0.2)
    return batch


def test_130_rows_5_bad_confirmed_and_accepted_as_a_batch(demo):
    clerk = user("clerk_jiaoqu")
    batch = services.start_import(clerk, zone().public_id, "荫营.xlsx", sample_xlsx(130, 5))
    assert (batch.total, batch.checked, batch.state) == (130, 0, ImportBatch.CHECKING)
    first = services.check_some(batch.pk, seconds=0)  # one chunk: progress, not done
    assert 0 < first.checked < 130 and first.state == ImportBatch.CHECKING
    batch = checked(first)
    assert (batch.checked, batch.valid, batch.state) == (130, 125, ImportBatch.CHECKED)
    problems = [p.text() for p in services.problems_of(batch)]
    assert problems == [
        "第 5 行「法定代表人身份证号」：校验码不正确，请核对最后一位",
        "第 31 行「联系电话」：" + problems[1].split("：", 1)[1],
        "第 57 行「办理事项」：应为以下之一：我要开办企业、食品小经营店备案、食品小经营店备案（小餐饮）",
        "第 83 行「经营面积（平方米）」：必填",
        "第 109 行「从业人员数」：" + problems[4].split("：", 1)[1],
    ]
    assert Case.objects.count() == 0  # nothing filed before the clerk confirms

    services.confirm_batch(clerk, batch.public_id)
    cases = list(services.cases_of(batch))
    assert len(cases) == 125 and all(c.state == CaseState.SUBMITTED for c in cases)
    assert {c.package_id for c in cases} == {"small_food_shop"}
    assert all(c.place == "140311" and c.channel == "window" for c in cases)
    shared = [c.evidence.get(material_id="premises_proof") for c in cases]
    assert all(e.trust == "C" and e.file_path for e in shared)
    assert len({e.sha256 for e in shared}) == 1  # the zone's one 场地证明, kept once
    assert cases[0].applicant.role == "applicant" and cases[0].form["company_name"]
    with pytest.raises(Conflict, match="已经确认"):
        services.confirm_batch(clerk, batch.public_id)

    assert services.accept_batch(clerk, batch.public_id) == 125
    assert set(services.cases_of(batch).values_list("state", flat=True)) != {"submitted"}
    figures = services.zone_figures(zone())
    assert figures["registered"] == 125
    assert figures["pending"] + figures["done"] == 125


def test_a_business_of_a_known_person_uses_their_account(demo):
    clerk = user("clerk_jiaoqu")
    batch = checked(services.start_import(clerk, zone().public_id, "a.csv", sample_csv(3)))
    services.confirm_batch(clerk, batch.public_id)
    owners = {c.applicant_id for c in services.cases_of(batch)}
    again = sample_csv(3).replace("（0000".encode(), "（1000".encode())  # new names, same people
    batch2 = checked(services.start_import(clerk, zone().public_id, "b.csv", again))
    services.confirm_batch(clerk, batch2.public_id)
    assert {c.applicant_id for c in services.cases_of(batch2)} == owners


def test_only_the_zone_window_imports_and_refusals_keep_nothing(demo):
    with pytest.raises(NotFound):  # another jurisdiction's staff do not see the zone
        services.start_import(user("clerk_lishi"), zone().public_id, "a.csv", sample_csv(3))
    with pytest.raises(Forbidden):  # its jurisdiction's reviewer sees it, does not serve it
        services.start_import(user("r_approval_jiaoqu"), zone().public_id, "a.csv", sample_csv(3))
    with pytest.raises(InvalidInput, match="同一企业"):
        data = sample_csv(3) + sample_csv(1).split(b"\n", 1)[1]
        services.start_import(user("clerk_jiaoqu"), zone().public_id, "a.csv", data)
    assert ImportBatch.objects.count() == 0 and BatchRow.objects.count() == 0


def test_the_sweep_step_checks_batches_nobody_watches(demo):
    batch = services.start_import(user("clerk_jiaoqu"), zone().public_id, "a.csv", sample_csv(60))
    report = sweep()
    assert report.zone_rows_checked == 60 and report.line().endswith(", 60 zone rows checked")
    batch.refresh_from_db()
    assert batch.state == ImportBatch.CHECKED and batch.valid == 60


def test_a_landline_is_valid_for_the_form_but_the_account_needs_a_mobile(demo):
    values = {**sample_row(0), "联系电话": "0353-5012345"}
    package_id, problems = services.row_problems(values, zone())
    assert package_id == "small_food_shop"
    assert problems == [["联系电话", services.MOBILE_NEEDED]]
    assert services.row_problems(sample_row(0), zone())[1] == []
