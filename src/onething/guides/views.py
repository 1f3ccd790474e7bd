"""Guide pages: the package list, a package's guide with its questions, PDF and QR code.

The PDF and the QR code point at the configured public address (settings.PUBLIC_URL),
never at the Host a request names. Rendered PDFs are kept in the shared cache (every
instance reads what one rendered), and asking for them is throttled (core/throttle.py)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from onething.catalog.entities import Answer, Catalog, Package
from onething.catalog.guide import AnswerError, GuideStats, build_guide, parse_answer
from onething.catalog.services import CurrentCatalog, current_catalog
from onething.core.fragments import Fragments
from onething.core.qr import qr_svg
from onething.core.throttle import GUIDE_PDF, throttle
from onething.guides.presentation import Saving, answer_label, card_savings, guide_context
from onething.guides.rendering import answers_query, guide_page_url, render_guide_pdf
from onething.licences.services import valid_licences

# A guide or a package list for a catalogue version and a query renders the same for
# everyone except an applicant holding certificates (免提交 marks): kept rendered.
rendered = Fragments()


@dataclass(frozen=True, slots=True)
class PackageCard:
    package: Package
    stats: GuideStats  # every case: the "at most" figures

    @property
    def figures(self) -> list[Saving]:
        return card_savings(self.stats)


_cards_lock = threading.Lock()
_cards: dict[str, list[PackageCard]] = {}


def package_cards(current: CurrentCatalog) -> list[PackageCard]:
    """Each package with its every-case figures, computed once per catalogue version."""
    cards = _cards.get(current.digest)
    catalog = current.catalog
    if cards is None:
        cards = [
            PackageCard(p, build_guide(catalog, p, {}, every_case=True).stats)
            for p in catalog.packages.values()
        ]
        with _cards_lock:
            _cards.clear()
            _cards[current.digest] = cards
    return cards


def _package_or_404(package_id: str) -> tuple[CurrentCatalog, Catalog, Package]:
    current = current_catalog()
    if current is None:
        raise Http404("尚未导入事项目录")
    package = current.catalog.packages.get(package_id)
    if package is None:
        raise Http404(f"没有编号为 {package_id} 的一件事")
    return current, current.catalog, package


def answers_from_query(package: Package, query) -> tuple[dict[str, Answer], list[str]]:
    """The package's answers among query parameters; other parameters are ignored.

    An empty value means unanswered. A value that is not an answer is reported
    (in Chinese, naming the question) and left out.
    """
    answers: dict[str, Answer] = {}
    errors: list[str] = []
    for question in package.questions:
        raw = query.get(question.id, "")
        if not raw.strip():
            continue
        try:
            answers[question.id] = parse_answer(question, raw)
        except AnswerError:
            if question.type == "boolean":
                allowed = "“是”或“否”"
            else:
                allowed = "、".join(f"“{c}”" for c in question.choices)
            errors.append(f"“{question.text}”的回答“{raw[:40]}”无效，请选择{allowed}。")
    return answers, errors


def question_forms(package: Package, answers: dict[str, Answer]) -> list[dict]:
    forms = []
    for question in package.questions:
        current = answers.get(question.id)
        if question.type == "boolean":
            values: list[Answer] = [True, False]
        else:
            values = list(question.choices)
        forms.append(
            {
                "id": question.id,
                "text": question.text,
                "help": question.help,
                "options": [
                    {
                        "value": "true" if v is True else "false" if v is False else v,
                        "label": answer_label(v),
                        "checked": current is not None
                        and type(current) is type(v)
                        and current == v,
                    }
                    for v in values
                ],
            }
        )
    return forms


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    current = current_catalog()
    digest = current.digest if current else None
    context = {
        "nav": "guides",
        "main": rendered.render(
            ("home", digest, query), "guides/_home_main.html", lambda: _home_context(current, query)
        ),
    }
    return render(request, "guides/home.html", context)


def _home_context(current: CurrentCatalog | None, query: str) -> dict:
    if current is None:
        return {"query": query, "catalog_ready": False}
    # A search is answered by the search app (search_tags in the template): one way to search.
    cards = [] if query else package_cards(current)
    groups = [
        {"title": "企业办事", "packages": [c for c in cards if c.package.audience == "enterprise"]},
        {"title": "个人办事", "packages": [c for c in cards if c.package.audience == "citizen"]},
        {"title": "其他", "packages": [c for c in cards if c.package.audience is None]},
    ]
    return {
        "query": query,
        "catalog_ready": True,
        "groups": groups,
        "version": current.number,
    }


def mark_held_licences(user, materials: list[dict]) -> int:
    """For a logged-in applicant: mark the materials their valid electronic certificates
    stand in for (免提交); how many there are."""
    if not getattr(user, "is_authenticated", False) or user.role != "applicant":
        return 0

    types = {m["evidence"] for m in materials if m["evidence"]}
    held = valid_licences(user, types) if types else {}
    for material in materials:
        material["held"] = held.get(material["evidence"]) if material["evidence"] else None
    return sum(1 for m in materials if m["held"] is not None and not m["made"])


@require_GET
def guide(request: HttpRequest, package_id: str) -> HttpResponse:
    current, catalog, package = _package_or_404(package_id)
    answers, errors = answers_from_query(package, request.GET)
    fragment = "guides/_guide_body.html" if request.htmx else "guides/_guide_main.html"

    def context() -> dict:
        result = build_guide(catalog, package, answers)
        values = guide_context(result)
        values.update(
            errors=errors,
            questions=question_forms(package, answers),
            query=answers_query(answers),
            exempt=0,
        )
        return values

    key = (current.digest, package.id, answers_query(answers), tuple(errors), fragment)
    personal = context() if _may_hold_licences(request.user) else None
    if personal is not None and (exempt := mark_held_licences(request.user, personal["materials"])):
        personal["exempt"] = exempt
        main = render_to_string(fragment, personal)
    else:
        main = rendered.render(key, fragment, lambda: personal or context())
    status = 400 if errors else 200
    if request.htmx:
        return HttpResponse(main, status=status)
    return render(
        request,
        "guides/guide_page.html",
        {"nav": "guides", "package": package, "main": main},
        status=status,
    )


def _may_hold_licences(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == "applicant"


PDF_KEPT_FOR = 24 * 3600  # seconds; the PDF prints the day it was made


def pdf_cache_key(digest: str, package_id: str, answers: dict[str, Answer], scope: str) -> str:
    """The same guide has one key however it was asked for: the catalogue version, the
    package, the scope and the answers as resolved (typed, sorted), plus the public address
    its QR code carries — never the query string as sent, nor the Host."""
    normalised = answers_query(dict(sorted(answers.items())))
    text = "\n".join((settings.PUBLIC_URL, digest, package_id, scope, normalised))
    return "guide-pdf:" + hashlib.sha256(text.encode()).hexdigest()


def cached_pdf(key: str, render: Callable[[], bytes]) -> bytes:
    """Rendering takes about a second: the same guide (a hall's QR code) is rendered once,
    in the cache every instance shares (caches["documents"], a bounded database table)."""
    cache = caches["documents"]
    pdf = cache.get(key)
    if pdf is None:
        pdf = render()
        cache.set(key, pdf, PDF_KEPT_FOR)
    return pdf


def _document_guide(request: HttpRequest, package_id: str):
    current, catalog, package = _package_or_404(package_id)
    every_case = request.GET.get("scope") == "all"
    answers, _errors = ({}, []) if every_case else answers_from_query(package, request.GET)
    result = build_guide(catalog, package, answers, every_case=every_case)
    url = guide_page_url(package.id, answers, settings.PUBLIC_URL)  # never the Host header
    key = pdf_cache_key(current.digest, package.id, answers, "all" if every_case else "answers")
    return key, package, result, url


@require_GET
@throttle(GET=GUIDE_PDF)
def guide_pdf(request: HttpRequest, package_id: str) -> HttpResponse:
    key, package, result, url = _document_guide(request, package_id)
    pdf = cached_pdf(key, lambda: render_guide_pdf(result, url))
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-all" if result.every_case else ""
    response["Content-Disposition"] = f'inline; filename="{package.id}{suffix}.pdf"'
    return response


@require_GET
def guide_qr(request: HttpRequest, package_id: str) -> HttpResponse:
    _key, _package, _result, url = _document_guide(request, package_id)
    response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response
