"""打包办 on pages of other apps (the dashboard) without their code importing this app:
`{% load bundles %}{% bundle_savings user as savings %}`."""

from __future__ import annotations

from django import template

from onething.projects.services import savings_of_bundles

register = template.Library()


@register.simple_tag
def bundle_savings(user) -> dict:
    """What the bundles the user may see saved, together and one by one."""
    return savings_of_bundles(user)
