"""Search pages: the results page, a question about a guide (智能问答, asked on the guide
page through htmx or as a plain form), and a question when nothing was found. Each view
reads the request, calls one service and renders."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onething.core.errors import CaseError
from onething.core.throttle import COMPLAINT_FILING, over_limit
from onething.search import asking, services
from onething.search.presentation import results_context

NOT_ANSWERS = ("question", "question_text", "phone", "csrfmiddlewaretoken")


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """/search/?q=…: the results, or the closest packages and the ways on."""
    context = results_context(services.search(request.GET.get("q", "")))
    return render(request, "search/page.html", {"nav": "guides", **context})


@require_POST
def ask_about_guide(request: HttpRequest, package_id: str) -> HttpResponse:
    """智能问答: answered from the guide for the answers given so far, or forwarded as a 咨询
    (throttled as complaints are)."""
    posted = request.POST
    answers = {k: v for k, v in posted.items() if k not in NOT_ANSWERS}
    text = posted.get("question") or posted.get("question_text", "")  # a button, or typed
    question = asking.Question(package_id, text, answers, posted.get("phone", ""))
    context: dict = {"package_id": package_id, "question": question.text[:200]}
    status = 200
    if asking.forwards(question) and (refused := over_limit(request, COMPLAINT_FILING)):
        return refused
    try:
        context["asked"] = asking.ask(question, strict=False)
    except CaseError as exc:
        context["error"], status = _message(exc), exc.status
    template = "search/_answer.html" if request.htmx else "search/asked.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def question_page(request: HttpRequest) -> HttpResponse:
    """Nothing found: ask the question instead; it is filed as a 咨询 (12345)."""
    context: dict = {
        "nav": "guides",
        "places": services.places(),
        "text": request.GET.get("q", "")[:200],
    }
    status = 200
    if request.method == "POST":
        if refused := over_limit(request, COMPLAINT_FILING):
            return refused
        posted = request.POST
        context.update(text=posted.get("question", "")[:200], phone=posted.get("phone", "")[:40])
        try:
            context["tracking"] = asking.consult(
                posted.get("question", ""), posted.get("phone", ""), posted.get("place", "")
            )
        except CaseError as exc:
            context["error"], status = _message(exc), exc.status
    return render(request, "search/question.html", context, status=status)


def _message(exc: CaseError) -> str:
    fields = exc.details.get("fields", {})
    return "；".join([exc.message, *fields.values()]) if fields else exc.message
