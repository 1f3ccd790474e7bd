"""The headers every answer carries (web/headers.py, settings): a Content-Security-Policy
with the request's nonce on every page of every role, and Cache-Control: no-store on
whatever shows a person's data, while the public guide and static files may be cached."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from onething.evaluation import complaint_services as complaints
from onething.evaluation.complaint_services import ComplaintFiling
from tests.factories import ALL_ITEMS, as_user, elements

pytestmark = pytest.mark.django_db

WANTED = {
    "default-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy(response) -> dict[str, set[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']}: no Content-Security-Policy"
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(values) for name, *values in directives}


@pytest.fixture
def visits(issued, drug):
    """Each role's pages (the issued pharmacy case, its certificate, a complaint)."""
    complaint = complaints.file_complaint(
        ComplaintFiling(
            kind="complaint", category="slow", text="办了一个月还没有结果", jurisdiction="141102"
        )
    )
    case = f"/cases/{issued.public_id}"
    everyone = ["/", "/guides/open_pharmacy", "/figures/", "/verify/", "/complaints/new"]
    return {
        None: [
            *everyone,
            "/guides/open_pharmacy?" + urlencode(ALL_ITEMS),
            "/verify/?" + urlencode({"n": drug.number}),
            "/complaints/track?" + urlencode({"code": complaint.tracking}),
            "/progress/",
            "/accounts/login",
        ],
        "yaofang": [
            "/my/",
            "/apply/open_pharmacy",
            case,
            "/licences/",
            f"/licences/{drug.number}",
            "/rate/window/141102",
            *everyone,
        ],
        "daiban": ["/my/", "/"],
        "clerk_lishi": ["/window/", case, "/licences/search", "/rectifications/", "/complaints/"],
        "r_amr_lishi": ["/review/", case, "/rectifications/"],
        "supervisor_lishi": ["/supervision/", "/dashboard/", "/privacy/views/", case],
        "editor": ["/admin/", "/"],
        "admin": ["/admin/", "/admin/accounts/user/", "/dashboard/", "/supervision/"],
    }


def test_every_page_of_every_role_has_the_policy_with_a_fresh_nonce(visits):
    problems, nonces = [], set()
    for username, paths in visits.items():
        client = as_user(Client(), username) if username else Client()
        for path in paths:
            response = client.get(path)
            where = f"{username or 'anonymous'} {path}"
            if response.status_code != 200:
                problems.append(f"{where}: HTTP {response.status_code}")
                continue
            directives = policy(response)
            scripts = directives.get("script-src", set())
            nonce = [value for value in scripts if value.startswith("'nonce-")]
            if "'self'" not in scripts or len(nonce) != 1:
                problems.append(f"{where}: script-src {sorted(scripts)}")
            if scripts & {"'unsafe-inline'", "'unsafe-eval'"}:
                problems.append(f"{where}: script-src allows inline or eval")
            problems += [
                f"{where}: {name} {sorted(directives.get(name, set()))}"
                for name, values in WANTED.items()
                if directives.get(name) != values
            ]
            nonces.update(nonce)
            problems += inline_code(where, response, nonce[0][7:-1] if nonce else "")
    assert not problems, "\n".join(problems)
    assert len(nonces) == sum(len(paths) for paths in visits.values())  # one per answer


def inline_code(where: str, response, nonce: str) -> list[str]:
    """What on the page the policy would refuse: an inline script, a handler, a style."""
    problems = []
    for element in elements(response):
        if element.tag == "script" and not element.has("src"):
            if element.attrs.get("type") != "application/json":
                problems.append(f"{where}: an inline <script>")
        elif element.tag == "script" and element.attrs.get("nonce") not in (None, nonce):
            problems.append(f"{where}: a script with another nonce")
        if element.has("style") or element.tag == "style":
            problems.append(f"{where}: an inline style on <{element.tag}>")
        handlers = [name for name in element.attrs if re.fullmatch(r"on[a-z]+", name)]
        problems += [f"{where}: {name}= on <{element.tag}>" for name in handlers]
    return problems


def test_the_page_scripts_carry_the_nonce_of_the_header(client):
    response = client.get("/")
    (nonce,) = [v for v in policy(response)["script-src"] if v.startswith("'nonce-")]
    scripts = elements(response, "script", src=True)
    assert scripts and {script.attrs.get("nonce") for script in scripts} == {nonce[7:-1]}


def test_a_pdf_has_no_policy_that_would_stop_the_browser_showing_it(client, issued):
    """Chrome shows a PDF through an <embed>: object-src 'none' would leave it blank."""
    as_user(client, "yaofang")
    response = client.get(f"/cases/{issued.public_id}/application.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response
    assert "no-store" in response["Cache-Control"]


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_every_answer_to_a_logged_in_user_is_kept_out_of_caches(visits, drug, issued):
    problems = []
    for username, paths in visits.items():
        if username is None:
            continue
        client = as_user(Client(), username)
        for path in paths:
            response = client.get(path)
            if not no_store(response):
                problems.append(f"{username} {path}: {response.get('Cache-Control')}")
    client = as_user(Client(), "yaofang")
    for path in (f"/licences/{drug.number}.pdf", f"/licences/{drug.number}.json"):
        response = client.get(path)
        assert response.status_code == 200 and no_store(response), path
    assert not problems, "\n".join(problems)


def test_public_pages_with_a_persons_data_are_not_kept_and_the_rest_may_be(client, drug):
    complaint = complaints.file_complaint(
        ComplaintFiling(
            kind="help", category="other", text="怎么办理营业执照变更", jurisdiction="141102"
        )
    )
    private = [
        "/complaints/track?" + urlencode({"code": complaint.tracking}),
        "/progress/",
        "/verify/?" + urlencode({"n": drug.number}),
        f"/open311/v2/requests/{complaint.tracking}.json",
        f"/api/v1/verify/{drug.number}",
    ]
    for path in private:
        response = client.get(path)
        assert response.status_code == 200 and no_store(response), path
    for path in ("/", "/guides/open_pharmacy", "/figures/", "/api/v1/packages"):
        response = client.get(path)
        assert response.status_code == 200 and "no-store" not in response.get(
            "Cache-Control", ""
        ), path
    assert "no-store" not in client.get("/guides/open_pharmacy/qr.svg")["Cache-Control"]
    static = client.get("/static/onething/site.css")
    assert static.status_code == 200 and "max-age" in static["Cache-Control"]


def test_the_api_keeps_tokens_and_cases_out_of_caches(api, issued):
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "yaofang", "password": "onething-demo"},
        content_type="application/json",
    )
    assert token.status_code == 201 and no_store(token)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api.login('yaofang')}")
    for path in ("/api/v1/cases", f"/api/v1/cases/{issued.public_id}", "/api/v1/licences"):
        response = client.get(path)
        assert response.status_code == 200 and no_store(response), path


def test_a_view_that_sets_its_own_caching_keeps_it(client, demo):
    as_user(client, "yaofang")
    response = client.get("/guides/open_pharmacy/qr.svg")
    assert response["Cache-Control"] == "public, max-age=3600"
