"""The editing API under /api/v1."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["事项编制"])
