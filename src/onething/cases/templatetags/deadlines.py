"""{{ deadline|deadline_chip }}: a due date with its coloured state chip (a list has one on
every row; a filter renders it in a few microseconds, an included template in a hundred)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
NO_DEADLINE = mark_safe('<span class="muted">—</span>')


@register.filter
def deadline_chip(deadline) -> SafeString:
    if not deadline:
        return NO_DEADLINE
    due = deadline.due.isoformat()
    hint = deadline.hint
    return format_html(
        '<span class="deadline deadline-{}"><time datetime="{}">{}</time> '
        '<span class="chip deadline-chip">{}</span>{}</span>',
        deadline.state,
        due,
        due,
        deadline.label,
        format_html(" <small>{}</small>", hint) if hint else "",
    )
