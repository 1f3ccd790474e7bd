"""The case page and the API offer the same actions, for every role and every case state:
one function decides them (cases/offers.py); this test reads the page's forms and the
API's `actions` and compares them."""

import re

import pytest
from django.test import Client

from onething.accounts.models import ApiToken
from onething.cases import materials, services
from onething.cases.lifecycle import CaseState
from onething.cases.models import Case
from tests.factories import decide_all, hand_over, pharmacy_filing, user

pytestmark = pytest.mark.django_db
PEOPLE = (
    "yaofang",
    "zhangsan",
    "daiban",
    "clerk_lishi",
    "clerk",
    "r_amr_lishi",
    "r_mpa",
    "supervisor_lishi",
    "admin",
    "editor",
)
CASE_STEP = re.compile(r'action="/cases/[0-9a-f-]+/do/([a-z_]+)"')
TASK_STEP = re.compile(r'action="/cases/[0-9a-f-]+/tasks/(\d+)/([a-z_]+)"')
LIFECYCLE = {
    "submit",
    "withdraw",
    "accept",
    "request_completion",
    "complete",
    "refuse",
    "hand_over",
}


def a_case_in(state: str) -> Case:
    applicant, clerk = user("yaofang"), user("clerk_lishi")
    submit = state != CaseState.DRAFT
    case, _ = services.file_case(applicant, pharmacy_filing(), submit=submit)
    if state == CaseState.WITHDRAWN:
        services.withdraw(applicant, case.public_id)
    elif state == CaseState.AWAITING_COMPLETION:
        services.request_completion(clerk, case.public_id, [])
    elif state == CaseState.REFUSED:
        services.refuse(clerk, case.public_id, "不属于本窗口受理范围")
    elif state in (CaseState.IN_PROGRESS, CaseState.READY, CaseState.COMPLETED):
        services.accept(clerk, case.public_id)
        case.refresh_from_db()
        if state == CaseState.IN_PROGRESS:
            first = case.tasks.get(item_id="business_registration")
            services.claim(user("r_amr_lishi"), first.pk)
        else:
            decide_all(case)
            if state == CaseState.COMPLETED:
                hand_over(case)
            else:
                materials.check_all(clerk, case.public_id)
    case.refresh_from_db()
    assert case.state == state
    return case


def offered_on_the_page(username: str, case: Case) -> tuple[set, dict]:
    client = Client()
    client.force_login(user(username))
    response = client.get(f"/cases/{case.public_id}")
    if response.status_code == 404:
        return set(), {}
    page = response.content.decode()
    steps = {step for step in CASE_STEP.findall(page) if step in LIFECYCLE}
    tasks: dict[int, set] = {}
    for task_id, step in TASK_STEP.findall(page):
        tasks.setdefault(int(task_id), set()).add(step)
    return steps, tasks


def offered_by_the_api(username: str, case: Case) -> tuple[set, dict]:
    _record, token = ApiToken.issue(user(username), "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get(f"/api/v1/cases/{case.public_id}")
    if response.status_code == 404:
        return set(), {}
    detail = response.json()
    tasks = {t["id"]: set(t["actions"]) for t in detail["tasks"] if t["actions"]}
    return set(detail["actions"]), tasks


@pytest.mark.parametrize("state", [s.value for s in CaseState])
def test_page_and_api_offer_the_same_actions_to_everyone(demo, state):
    case = a_case_in(state)
    for username in PEOPLE:
        page, api = offered_on_the_page(username, case), offered_by_the_api(username, case)
        assert page == api, (state, username, page, api)


def test_the_offers_are_what_each_role_does(demo):
    submitted = a_case_in(CaseState.SUBMITTED)
    assert offered_by_the_api("clerk_lishi", submitted)[0] == {
        "accept",
        "request_completion",
        "refuse",
    }
    assert offered_by_the_api("yaofang", submitted)[0] == {"withdraw"}
    assert offered_by_the_api("supervisor_lishi", submitted)[0] == set()
    working = a_case_in(CaseState.IN_PROGRESS)
    _steps, tasks = offered_by_the_api("r_amr_lishi", working)
    assert set().union(*tasks.values()) >= {"approve", "reject", "request_supplement"}
