"""Staff look-up of licences: the code searched for is posted, never in the address."""

import re

import pytest
from django.test import Client

from onething.licences.models import LicenceEvent
from tests.e2e.test_licence_pages import demo_accounts, issued, text_of  # noqa: F401
from tests.factories import user

pytestmark = pytest.mark.django_db
CODE = "91141102MA0K5R2C1K"


def test_the_form_posts_with_its_csrf_token_and_the_result_is_not_cached(issued):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("clerk_lishi"))
    form = client.get("/licences/search")
    page = text_of(form)
    assert '<form method="post"' in page and "csrfmiddlewaretoken" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post("/licences/search", {"q": CODE}).status_code == 403  # no token
    posted = client.post("/licences/search", {"q": CODE, "csrfmiddlewaretoken": token})
    assert posted.status_code == 302 and CODE not in posted["Location"]  # post, redirect, show
    found = client.get(posted["Location"])
    assert found.status_code == 200 and text_of(found).count('class="case-title"') == 6
    assert "no-store" in found["Cache-Control"]
    assert LicenceEvent.objects.filter(kind="lookup", actor=user("clerk_lishi")).count() == 6
    # A reload shows the form again and searches nothing.
    assert 'class="case-title"' not in text_of(client.get(posted["Location"]))
    assert LicenceEvent.objects.filter(kind="lookup").count() == 6


def test_a_code_in_the_address_is_not_searched_for(client, issued):  # noqa: F811
    client.force_login(user("clerk_lishi"))
    page = text_of(client.get("/licences/search", {"q": CODE}))
    assert "查询条件不再放在网址中" in page and 'class="case-title"' not in page
    assert CODE not in page
    assert not LicenceEvent.objects.filter(kind="lookup").exists()
