"""The search API under /api/v1."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["搜索"])
