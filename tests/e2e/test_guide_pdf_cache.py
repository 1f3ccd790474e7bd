"""The guide PDF points at the configured public address, never at the Host a request
names, and is rendered once per guide — the same answers in any order, from any host —
into the cache every instance shares (caches["documents"], bounded)."""

import io

import pytest
from django.core.cache import caches
from pypdf import PdfReader

from onething.catalog.services import current_catalog
from onething.guides import views

PUBLIC = "https://zwfw.example.gov.cn"


@pytest.fixture
def renders(monkeypatch, settings):
    """Each render of a guide PDF, with the address it was given (the real renderer)."""
    settings.PUBLIC_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["*"]  # a proxy may pass any Host on: it must not matter
    done: list[str] = []
    real = views.render_guide_pdf

    def counted(guide, url):
        done.append(url)
        return real(guide, url)

    monkeypatch.setattr(views, "render_guide_pdf", counted)
    return done


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return "\n".join(page.extract_text() for page in pages)


def test_one_render_for_the_same_answers_from_any_host_in_any_order(client, small_in_db, renders):
    first = client.get(
        "/guides/open_shop.pdf?sells_food=true&size=%E5%A4%A7%E5%9E%8B", HTTP_HOST="evil.example"
    )
    second = client.get(
        "/guides/open_shop.pdf?size=%E5%A4%A7%E5%9E%8B&utm=x&sells_food=TRUE",
        HTTP_HOST="other.example:8443",
    )
    assert len(renders) == 1, renders
    assert renders[0] == f"{PUBLIC}/guides/open_shop?sells_food=true&size=%E5%A4%A7%E5%9E%8B"
    assert first.content == second.content
    for response in (first, second):
        text = pdf_text(response)
        assert f"{PUBLIC}/guides/open_shop?sells_food=true&size=" in text
        assert "evil.example" not in text and "other.example" not in text
    answers = {"sells_food": True, "size": "大型"}
    key = views.pdf_cache_key(current_catalog().digest, "open_shop", answers, "answers")
    assert caches["documents"].get(key) == first.content  # shared by every instance


def test_other_answers_and_the_hall_sign_are_rendered_apart(client, small_in_db, renders):
    client.get("/guides/open_shop.pdf", {"size": "大型"})
    client.get("/guides/open_shop.pdf", {"size": "小型"})
    client.get("/guides/open_shop.pdf", {"scope": "all", "size": "小型"})
    client.get("/guides/open_shop.pdf", {"scope": "all"})
    assert len(renders) == 3
    assert renders[2] == f"{PUBLIC}/guides/open_shop"


def test_the_qr_code_points_at_the_public_address(client, small_in_db, settings, monkeypatch):
    settings.PUBLIC_URL, settings.ALLOWED_HOSTS = PUBLIC, ["*"]
    drawn: list[str] = []
    real = views.qr_svg
    monkeypatch.setattr(views, "qr_svg", lambda url: drawn.append(url) or real(url))
    response = client.get("/guides/open_shop/qr.svg", {"size": "小型"}, HTTP_HOST="evil.example")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert drawn == [f"{PUBLIC}/guides/open_shop?size=%E5%B0%8F%E5%9E%8B"]


def test_the_cache_key_is_the_resolved_answers_not_the_query(settings):
    settings.PUBLIC_URL = PUBLIC
    one = views.pdf_cache_key("v1", "open_shop", {"sells_food": True, "size": "大型"}, "answers")
    two = views.pdf_cache_key("v1", "open_shop", {"size": "大型", "sells_food": True}, "answers")
    assert one == two
    assert one != views.pdf_cache_key("v2", "open_shop", {"sells_food": True}, "answers")
    assert one != views.pdf_cache_key("v1", "open_shop", {"sells_food": True}, "all")
    settings.PUBLIC_URL = "https://other.example"
    assert one != views.pdf_cache_key(
        "v1", "open_shop", {"sells_food": True, "size": "大型"}, "answers"
    )
