"""A served worker loads the search index as it starts, in the background, so that its first
search does not pay for jieba's dictionary (about a second) and for reading the stored index
(web/wsgi.py calls it; commands and tests never do)."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


def warm_in_background() -> None:
    threading.Thread(target=_warm, name="search-warm-up", daemon=True).start()


def _warm() -> None:
    from django.db import connection

    from onething.search.reading import warm_up
    from onething.search.services import current_index

    try:
        warm_up()
        current_index()
    except Exception:  # the first search does it then
        log.warning("search index not loaded at start", exc_info=True)
    finally:
        connection.close()  # this thread's own
