"""好差评 on pages of other apps (the case page) without their code importing this app:
`{% load ratings %}{% case_ratings user case own as rating %}`."""

from __future__ import annotations

from django import template

from onething.evaluation.views import rating_context

register = template.Library()


@register.simple_tag
def case_ratings(user, case, own: bool) -> dict:
    """The ratings given on the case and the stages the viewer may rate now."""
    return rating_context(user, case, own)
