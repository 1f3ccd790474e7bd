"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from onething.paths import keep_private

keep_private()  # the database, uploads and keys it creates are the service's alone
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onething.web.settings")
application = get_wsgi_application()
