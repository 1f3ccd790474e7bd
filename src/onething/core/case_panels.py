"""Parts of the case page that other apps add (跨省通办: the partner's part of a case),
so that the cases app shows them without knowing those apps.

An app registers a function in its `AppConfig.ready()`; the case page and the list of
one's cases call every registered function with the user, the case and where it is
shown (`page`: the case page; `line`: a row of 我的办件) and put the HTML they return
(already escaped, "" for nothing) in their place, in the order the apps registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[Any, Any, str], str]
PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


def render_panels(user: Any, case: Any, where: str) -> SafeString:
    return mark_safe("".join(panel(user, case, where) for panel in PANELS))
