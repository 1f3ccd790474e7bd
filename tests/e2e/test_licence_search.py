"""Staff look-up of licences: the code searched for is posted, never in the address."""

import pytest
from django.test import Client

from onething.licences.models import LicenceEvent
from tests.factories import element, elements, text_of, user

pytestmark = pytest.mark.django_db
CODE = "91141102MA0K5R2C1K"


def test_the_form_posts_with_its_csrf_token_and_the_result_is_not_cached(issued):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("clerk_lishi"))
    form = element(client.get("/licences/search"), "form", method="post")
    token = form.element("input", name="csrfmiddlewaretoken").attrs["value"]
    assert client.post("/licences/search", {"q": CODE}).status_code == 403  # no token
    posted = client.post("/licences/search", {"q": CODE, "csrfmiddlewaretoken": token})
    assert posted.status_code == 302 and CODE not in posted["Location"]  # post, redirect, show
    found = client.get(posted["Location"])
    assert found.status_code == 200 and len(elements(found, class_="case-title")) == 6
    assert "no-store" in found["Cache-Control"]
    assert LicenceEvent.objects.filter(kind="lookup", actor=user("clerk_lishi")).count() == 6
    # A reload shows the form again and searches nothing.
    assert not elements(client.get(posted["Location"]), class_="case-title")
    assert LicenceEvent.objects.filter(kind="lookup").count() == 6


def test_a_code_in_the_address_is_not_searched_for(client, issued):
    client.force_login(user("clerk_lishi"))
    response = client.get("/licences/search", {"q": CODE})
    page = text_of(response)
    assert "查询条件不再放在网址中" in page and not elements(response, class_="case-title")
    assert CODE not in page
    assert not LicenceEvent.objects.filter(kind="lookup").exists()
