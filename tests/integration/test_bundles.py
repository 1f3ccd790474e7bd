"""打包办 through the services: five grid projects filed as one, accepted once, reviewed by
experts once, each decided on its own with its own certificates; bad bundles refused with
nothing written."""

import pytest

from onething.cases import services
from onething.cases.lifecycle import CaseState, TaskState
from onething.cases.models import Case, SpecialProcedure
from onething.core.errors import Forbidden, InvalidInput, NotFound
from onething.licences.models import Licence
from onething.projects import services as bundles
from onething.projects.models import Bundle, Project
from onething.projects.services import ProjectRow
from tests.factories import decide_all, grid_bundle_filing, grid_rows, user, work_items

pytestmark = pytest.mark.django_db


def test_five_projects_one_acceptance_one_review_five_sets_of_certificates(demo):
    bundle, created = bundles.file_bundle(user("gridco"), grid_bundle_filing(5))
    assert created and bundle.projects.count() == 5
    cases = [project.case for project in bundles.projects_of(bundle)]
    assert all(case.state == CaseState.SUBMITTED for case in cases)
    assert {case.form["project_name"] for case in cases} == {row.name for row in grid_rows(5)}
    assert [case.form["route_length"] for case in cases] == ["1.5", "2.5", "3.5", "4.5", "5.5"]

    bundles.accept_bundle(user("clerk_jiaoqu"), bundle.public_id)
    for case in cases:
        case.refresh_from_db()
        assert case.state == CaseState.IN_PROGRESS
        work_items(case, {"land_preapproval_site_selection"})

    reviewed = bundles.start_joint_review(user("r_approval_jiaoqu"), bundle.public_id)
    procedure = reviewed.review
    assert procedure.tasks.count() == 5 and SpecialProcedure.objects.count() == 1
    assert procedure.days == 10 and reviewed.review_fee == 12_000 + 5 * 10_000
    assert all(task.state == TaskState.SPECIAL for task in procedure.tasks.all())
    services.end_special(user("r_approval_jiaoqu"), procedure.pk, "专家评审通过")
    for task in procedure.tasks.all():  # back with the reviewer who claimed it
        services.approve(user("r_approval_jiaoqu"), task.pk, note="专家评审通过，予以核准")

    for case in cases:
        decide_all(case)
        case.refresh_from_db()
        assert case.state == CaseState.READY
        assert Licence.objects.filter(case=case).count() >= 2  # 选址意见书, 核准文件
    figures = bundles.bundle_figures_of(bundle, bundles.projects_of(bundle))
    assert figures.projects == 5 and round(figures.cycle_saved_share, 2) == 0.8
    assert figures.fees_separate == 5 * 22_000 and figures.fees_bundle == 62_000
    assert figures.fees_saved_share > 0.4


def test_one_review_only_and_only_by_its_department(demo):
    bundle, _ = bundles.file_bundle(user("gridco"), grid_bundle_filing(2))
    bundles.accept_bundle(user("clerk_jiaoqu"), bundle.public_id)
    with pytest.raises(Forbidden):
        bundles.accept_bundle(user("gridco"), bundle.public_id)
    with pytest.raises(Exception, match="未到可办理状态"):  # 用地预审 first
        bundles.start_joint_review(user("r_approval_jiaoqu"), bundle.public_id)
    for project in bundles.projects_of(bundle):
        work_items(project.case, {"land_preapproval_site_selection"})
    with pytest.raises(Exception, match="未到可办理状态"):
        bundles.start_joint_review(user("r_approval_lishi"), bundle.public_id)
    bundles.start_joint_review(user("r_approval_jiaoqu"), bundle.public_id)
    with pytest.raises(Exception, match="已经发起过"):
        bundles.start_joint_review(user("r_approval_jiaoqu"), bundle.public_id)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (grid_rows(1), "2 至 50 个同类项目"),
        ([*grid_rows(2), grid_rows(1)[0]], "与第 1 个项目的项目代码相同"),
        (
            [*grid_rows(2), ProjectRow("充电站", "2026-X-1", "郊区", "100", project_type="road")],
            "打包办只能包含同一类型的项目",
        ),
        ([ProjectRow("", "", "", "-1"), *grid_rows(1)], "必填"),
    ],
)
def test_a_bad_bundle_is_refused_naming_the_project_and_nothing_is_written(demo, rows, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        bundles.file_bundle(user("gridco"), grid_bundle_filing(rows=rows))
    assert refused.value.details["fields"]
    assert not Case.objects.exists() and not Bundle.objects.exists()
    assert not Project.objects.exists()


def test_a_package_that_is_not_bundled_and_a_bad_field_of_one_project(demo):
    filing = grid_bundle_filing(2)
    with pytest.raises(InvalidInput, match="不能打包办理"):
        bundles.file_bundle(
            user("gridco"), filing.__class__(**{**vars_of(filing), "package_id": "open_pharmacy"})
        )
    with pytest.raises(NotFound):
        bundles.file_bundle(
            user("gridco"), filing.__class__(**{**vars_of(filing), "package_id": "nope"})
        )
    bad = [grid_rows(2)[0], ProjectRow("二号", "2026-2", "郊区", "100", form={"uscc": "123"})]
    with pytest.raises(InvalidInput, match="第 2 个项目") as refused:
        bundles.file_bundle(user("gridco"), grid_bundle_filing(rows=bad))
    assert "projects[1].form.uscc" in refused.value.details["fields"]  # its own value
    assert not Case.objects.exists() and not Bundle.objects.exists()


def test_the_same_key_files_one_bundle(demo):
    first, created = bundles.file_bundle(user("gridco"), grid_bundle_filing(2), idempotency_key="k")
    again, created_again = bundles.file_bundle(
        user("gridco"), grid_bundle_filing(2), idempotency_key="k"
    )
    assert created and not created_again and again.pk == first.pk
    assert Case.objects.count() == 2


def vars_of(filing) -> dict:
    return {name: getattr(filing, name) for name in filing.__slots__}
