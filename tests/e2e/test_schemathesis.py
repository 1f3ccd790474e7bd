"""The API against its own schema (/openapi.json), with schemathesis: every operation gets
a bounded number of generated requests (valid ones and ones of the wrong shape, a fixed
seed), sent to the app in-process through WSGI as a logged-in demo applicant (a bearer
token). No answer may be a 500, and every answer must match what the schema says of its
status: its JSON shape and content type.

Bounded so it stays quick: EXAMPLES a operation, no shrinking; about half a minute on
two cores. Every other request names a real case, task, material, certificate and package
of the applicant's (the issued 我要开药店), so that the operations' own checks run, not
only their 404. Every failure is collected and printed together, one line each."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)
from schemathesis.core.failures import Failure, FailureGroup

from onething.accounts.models import ApiToken
from onething.licences.models import Licence
from tests.factories import user

pytestmark = pytest.mark.django_db
EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Found by this test outside the API's own modules and reported (issue 14); left out of
# its verdict until fixed, and held by a strict xfail test that flips when it is. None now
# (django-axes' lock-out answers the API in JSON: accounts/auth.locked_out).
REPORTED: dict[tuple[str, int], str] = {}


def known_ids(case) -> dict[str, str]:
    """The ids of the applicant's issued case, by the path parameter that names them."""
    return {
        "case_id": str(case.public_id),
        "task_id": str(case.tasks.order_by("pk").first().pk),
        "evidence_id": str(case.evidence.order_by("pk").first().pk),
        "number": Licence.objects.filter(case=case).order_by("pk").first().number,
        "package_id": case.package_id,
    }


def run_operation(operation, headers: dict, known: dict, failures: list[str]) -> int:
    """Send EXAMPLES generated requests for one operation; what failed goes to `failures`.
    Returns how many requests were sent."""
    sent = 0

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same requests every run
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as met
        suppress_health_check=list(HealthCheck),
    )
    def send(case):
        nonlocal sent
        sent += 1
        if sent % 2 and case.path_parameters:
            for name in case.path_parameters:
                case.path_parameters[name] = known.get(name, case.path_parameters[name])
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (FailureGroup, Failure) as found:  # the request's failed checks, together
            if (operation.label, response.status_code) in REPORTED:
                return
            for failure in getattr(found, "exceptions", [found]):
                failures.append(
                    f"{operation.label} → {response.status_code}: {failure.title} "
                    f"— {case.as_curl_command()}"
                )

    send()
    return sent


@pytest.fixture
def kept_connection():
    """Requests sent straight to WSGIHandler would close the test's connection (and its
    transaction) at each request's start and end: keep it, as Django's test client does."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def test_every_operation_answers_as_its_schema_says(issued, kept_connection):
    _record, token = ApiToken.issue(user("yaofang"), "schemathesis")
    known = known_ids(issued)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", WSGIHandler())
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        assert run_operation(operation, headers, known, failures) > 0, operation.label
    assert operations >= 20  # the whole API was read
    assert not failures, "\n".join(sorted(set(failures)))


def test_a_locked_out_api_client_is_told_in_json(client, demo):
    for _attempt in range(6):  # django-axes locks a user name after 5 failures
        answer = client.post(
            "/api/v1/auth/token",
            {"username": "yaofang", "password": "wrong"},
            content_type="application/json",
        )
    assert answer.status_code == 429
    assert answer["Content-Type"] == "application/json" and answer.json()["detail"]
