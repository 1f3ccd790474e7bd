"""Template filters of the editor's pages."""

from django import template

register = template.Library()


@register.filter
def at(mapping, key):
    """`problems|at:"promised_days"`: a mapping's value for a key (nothing if absent)."""
    if not mapping:
        return ()
    return mapping.get(key, ())
