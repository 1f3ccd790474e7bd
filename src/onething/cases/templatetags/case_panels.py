"""{% case_panels case "page" %}: the parts other apps add to a case (core/case_panels.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from onething.core.case_panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def case_panels(context, case, where: str = "page") -> SafeString:
    return render_panels(context.get("user"), case, where)
