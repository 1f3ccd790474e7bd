"""The guide as documents: a standalone HTML page, a printable PDF, a QR code.

Used by the web app and by `onething guide --format html|pdf`, which needs no
database: templates are rendered with a minimal Django configuration when the
full settings are not loaded.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from urllib.parse import urlencode

from onething.catalog.entities import Answer
from onething.catalog.guide import Guide
from onething.core.qr import qr_data_uri
from onething.guides.presentation import answer_label, guide_context

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def answers_query(answers: Mapping[str, Answer]) -> str:
    """Answers as URL query parameters (true/false or the choice)."""
    return urlencode(
        {key: ("true" if v is True else "false" if v is False else v) for key, v in answers.items()}
    )


def guide_page_url(package_id: str, answers: Mapping[str, Answer], base_url: str | None) -> str:
    """The guide's page in the web app, with the answers that produced it."""
    base = (base_url or _configured_public_url()).rstrip("/")
    query = answers_query(answers)
    return f"{base}/guides/{package_id}" + (f"?{query}" if query else "")


def _configured_public_url() -> str:
    from django.conf import settings

    if settings.configured:
        return getattr(settings, "PUBLIC_URL", DEFAULT_PUBLIC_URL)
    import os

    return os.environ.get("ONETHING_PUBLIC_URL", DEFAULT_PUBLIC_URL)


def document_context(guide: Guide, page_url: str) -> dict:
    from datetime import date

    context = guide_context(guide)
    context.update(
        page_url=page_url,
        qr=qr_data_uri(page_url),
        generated_on=date.today().isoformat(),
        answer_label=answer_label,
    )
    return context


def render_guide_html(guide: Guide, page_url: str) -> str:
    """A standalone HTML document (styles inline), for saving or printing."""
    _ensure_templates()
    from django.template.loader import render_to_string

    return render_to_string("guides/guide_document.html", document_context(guide, page_url))


def render_guide_pdf(guide: Guide, page_url: str) -> bytes:
    """A printable A4 guide in Chinese with a QR code to its page (hall signage)."""
    from weasyprint import HTML

    html = render_guide_html(guide, page_url)
    buffer = io.BytesIO()
    HTML(string=html, base_url=page_url).write_pdf(
        buffer, pdf_variant=None, custom_metadata=False, uncompressed_pdf=False
    )
    return buffer.getvalue()


def _ensure_templates() -> None:
    """Configure just enough Django to render templates when the app is not loaded."""
    import os

    from django.conf import settings

    if settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE"):
        import django
        from django.apps import apps

        if not apps.ready:
            django.setup()
        return
    settings.configure(
        INSTALLED_APPS=["onething.guides"],
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
        ],
        USE_I18N=False,
        USE_TZ=True,
        TIME_ZONE="Asia/Shanghai",
        LANGUAGE_CODE="zh-hans",
    )
    import django

    django.setup()
