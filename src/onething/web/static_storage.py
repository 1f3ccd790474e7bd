"""The static files' storage, with each file's address worked out once per process.

`{% static %}` asks the storage for an address on every use, half a dozen times a page;
the answer depends only on the name and the settings, which do not change while the
process runs."""

from __future__ import annotations

from django.contrib.staticfiles.storage import StaticFilesStorage


class StaticFiles(StaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def url(self, name: str | None) -> str:
        if name is None:
            return super().url(name)
        address = self._addresses.get(name)
        if address is None:
            address = self._addresses[name] = super().url(name)
        return address
