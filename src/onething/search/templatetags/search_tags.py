"""Search on other apps' pages without importing this app: the home page's results and
the guide page's 智能问答 box (`{% load search_tags %}`)."""

from __future__ import annotations

from django import template

from onething.search import services
from onething.search.asking import SUGGESTED
from onething.search.presentation import results_context

register = template.Library()


@register.inclusion_tag("search/_results.html")
def search_results(query: str) -> dict:
    return results_context(services.search(query))


@register.inclusion_tag("search/_ask_box.html", takes_context=True)
def guide_questions(context, package) -> dict:
    request = context.get("request")
    given = request.GET if request is not None else {}
    return {
        "package": package,
        "answers": [(q.id, given.get(q.id, "")) for q in package.questions if given.get(q.id)],
        "suggested": SUGGESTED,
        "csrf_token": context.get("csrf_token", ""),
    }
