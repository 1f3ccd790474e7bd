"""An Idempotency-Key gives back the case only to the caller who filed it with that key
and may still see it; a key someone else filed with is refused with 409 in Chinese and
says nothing of that case (cases/filing.py)."""

import json

import pytest
from django.test import Client

from onething.accounts.models import ApiToken, User
from onething.cases import services
from onething.cases.models import Case
from onething.core.errors import Conflict
from onething.core.roles import Role
from tests.factories import pharmacy_filing, pharmacy_filing_json, user

KEY = "order-2026-0001"


@pytest.fixture
def filed(demo) -> Case:
    """yaofang's case, filed with KEY."""
    case, created = services.file_case(user("yaofang"), pharmacy_filing(), idempotency_key=KEY)
    assert created
    return case


@pytest.fixture
def nowhere(demo) -> User:
    """A window clerk with no jurisdiction: sees no case at all."""
    return User.objects.create(username="clerk_nowhere", role=Role.CLERK, jurisdiction="")


def post_case(username_or_user, body: dict, key: str = KEY):
    account = user(username_or_user) if isinstance(username_or_user, str) else username_or_user
    _record, token = ApiToken.issue(account, "test")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/v1/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    return response.status_code, response.json()


def reveals_nothing(answer: dict, case: Case) -> None:
    text = json.dumps(answer, ensure_ascii=False)
    assert set(answer) == {"detail"}, answer
    assert "该幂等键已被使用" in answer["detail"]
    for secret in (str(case.public_id), case.number, case.state, "open_pharmacy", "我要开药店"):
        assert secret not in text, secret


def test_the_filer_gets_the_same_case_back(client, filed):
    status, answer = post_case("yaofang", pharmacy_filing_json())
    assert status == 200 and answer["id"] == str(filed.public_id)


def test_a_clerk_of_no_jurisdiction_learns_nothing(filed, nowhere):
    status, answer = post_case(nowhere, {**pharmacy_filing_json(), "applicant": "yaofang"})
    assert status == 409
    reveals_nothing(answer, filed)
    with pytest.raises(Conflict, match="该幂等键已被使用"):
        services.file_case(
            nowhere, pharmacy_filing(), applicant=user("yaofang"), idempotency_key=KEY
        )


def test_a_clerk_who_may_see_it_but_did_not_file_it_is_refused_too(filed):
    status, answer = post_case("clerk_lishi", {**pharmacy_filing_json(), "applicant": "yaofang"})
    assert status == 409
    reveals_nothing(answer, filed)


def test_an_agent_is_refused_the_principals_own_key(filed):
    status, answer = post_case("daiban", {**pharmacy_filing_json(), "applicant": "yaofang"})
    assert status == 409
    reveals_nothing(answer, filed)


def test_another_applicant_with_the_same_key_files_their_own_case(filed):
    status, answer = post_case("zhangsan", pharmacy_filing_json())
    assert status == 201 and answer["id"] != str(filed.public_id)
    theirs = Case.objects.get(public_id=answer["id"])
    assert theirs.applicant == user("zhangsan") and theirs.idempotency_key == KEY
    status, again = post_case("zhangsan", pharmacy_filing_json())
    assert status == 200 and again["id"] == answer["id"]


def test_a_clerk_filing_for_an_applicant_gets_their_own_retry_back(demo):
    body = {**pharmacy_filing_json(), "applicant": "zhangsan"}
    status, first = post_case("clerk_lishi", body, key="window-1")
    assert status == 201
    status, again = post_case("clerk_lishi", body, key="window-1")
    assert status == 200 and again["id"] == first["id"]
    status, answer = post_case("zhangsan", pharmacy_filing_json(), key="window-1")
    assert status == 409 and set(answer) == {"detail"}
