"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from onething.paths import keep_private

keep_private()  # the database, uploads and keys it creates are the service's alone
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onething.web.settings")
application = get_wsgi_application()

from onething.search.warming import warm_in_background  # noqa: E402 — once Django is set up

warm_in_background()  # the search index loaded before the first search asks for it

from django.urls import get_resolver  # noqa: E402

# Every view and API module imported now, while the worker starts, not in its first
# request: the URLconf's imports (django-ninja builds each schema) cost about a second of
# CPU, which the first person after every start waited for (issue 21).
get_resolver().url_patterns  # noqa: B018 — reading it imports them
