"""Rendered page parts that depend only on what never changes under them: a guide for a
catalogue version and a set of answers, the package list for a version and a search.
They are rendered once per process and kept (least recently used out); the page around
them (who is logged in, the CSRF token, messages) is rendered on every request."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


class Fragments:
    def __init__(self, size: int = 512):
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, SafeString] = OrderedDict()

    def render(
        self, key: Hashable, template: str, context: Callable[[], dict[str, Any]]
    ) -> SafeString:
        """The template rendered with context() (called only when not kept under key)."""
        with self._lock:
            html = self._kept.get(key)
            if html is not None:
                self._kept.move_to_end(key)
                return html
        html = mark_safe(render_to_string(template, context()))
        with self._lock:
            self._kept[key] = html
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return html
