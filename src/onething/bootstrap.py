"""Django set up for the command-line tools (cli, backup_cli, audit_cli), in one place
that imports none of them."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Configure Django with the platform's settings (unless others are named)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onething.web.settings")
    import django

    django.setup()
