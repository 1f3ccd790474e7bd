"""The site's header links and footer, kept rendered (core/fragments.py).

They are the same for everyone of one role and account kind on one kind of page, yet
rendering them costs more than most pages' own content (some 30 `{% url %}` and `{% if %}`
nodes). The key names everything `web/_site_nav.html` may use: whether someone is logged
in, whether they still owe their second factor, their role and account kind, the page's
`nav`, and the address prefix the links are reversed under. What differs per person (the
name in the header, the CSRF token, the log-in link's `next`) stays in `web/base.html`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString

from onething.core.fragments import Fragments

register = template.Library()
_chrome = Fragments(size=256)


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> SafeString:
    user = context.get("user")
    logged_in = bool(user is not None and user.is_authenticated)
    role = getattr(user, "role", "") if logged_in else ""
    kind = getattr(user, "applicant_kind", "") if logged_in else ""
    owing = bool(context.get("owing_code"))
    nav = str(context.get("nav") or "")
    key = ("nav", get_script_prefix(), logged_in, owing, role, kind, nav)

    def nav_context() -> dict[str, Any]:
        return {"user": user, "owing_code": owing, "nav": nav}

    return _chrome.render(key, "web/_site_nav.html", nav_context)


@register.simple_tag
def site_footer() -> SafeString:
    return _chrome.render(("footer", get_script_prefix()), "web/_site_footer.html", dict)
