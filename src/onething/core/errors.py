"""The refusals every service may give: a request the platform will not carry out, with
the HTTP status that says why and a message in Chinese naming what is wrong (`details`
may name each field: {"fields": {field: message}}). Pages show the message at the field
or at the top, the API answers {"detail": message, **details} with the status."""

from __future__ import annotations


class CaseError(Exception):
    """A request the platform refuses; `status` is the HTTP status that says why."""

    status = 400

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInput(CaseError):
    status = 400


class Forbidden(CaseError):
    status = 403


class NotFound(CaseError):
    status = 404


class Conflict(CaseError):
    """An invalid transition or a stale version: nothing was changed."""

    status = 409
