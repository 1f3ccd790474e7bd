"""A licence as the pages and the API read it, for a user who may see it (who may see
which licences is decided in `onething.core.access`)."""

from __future__ import annotations

from django.http import Http404

from onething.core.access import may_see_licence
from onething.licences.identifiers import NumberError, parse_number
from onething.licences.models import Licence


def canonical_number(number: str) -> str:
    """A number as stored (typed in lower case or with spaces around it)."""
    try:
        return parse_number(number).text
    except NumberError:
        return number.strip()


def visible_licence(user, number: str) -> Licence:
    """The licence with this number if the user may see it; 404 otherwise (the same
    answer for a number that does not exist, so nobody learns which ones do)."""
    licence = Licence.objects.select_related("holder").filter(number=canonical_number(number))
    found = licence.first()
    if found is None or not may_see_licence(user, found):
        raise Http404("证照不存在，或您无权查看。")
    return found
