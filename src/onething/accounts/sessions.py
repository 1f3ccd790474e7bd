"""Sessions in the database (SESSION_ENGINE), read with a prepared statement: every page
request reads its session, and Django's query compiler costs more than the lookup."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from onething.web.prepared import PreparedQuery

_session = PreparedQuery(lambda key: Session.objects.filter(session_key=key))


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        session = _session.first(self.session_key) if self.session_key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
