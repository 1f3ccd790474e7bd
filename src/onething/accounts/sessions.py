"""Sessions in the database (SESSION_ENGINE), read with a prepared statement: every page
request reads its session, and Django's query compiler costs more than the lookup."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from onething.core.prepared import PreparedQuery

_session = PreparedQuery(lambda key: Session.objects.filter(session_key=key))


class SessionStore(DatabaseSessionStore):
    """Django's database sessions; `load`, the hook a session engine provides, reads the
    row with the prepared statement."""

    def load(self) -> dict:
        session = _session.first(self.session_key) if self.session_key else None
        if session is None or session.expire_date <= timezone.now():
            # Unknown or expired: saved later under a new key, as Django's own engines do.
            self._session_key = None
            return {}
        return self.decode(session.session_data)
