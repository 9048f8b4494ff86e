"""WSGI entry point for gunicorn (``gunicorn forum.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
# Web requests get a statement timeout and a deadline on the database's answers; commands do not.
os.environ.setdefault("FORUM_PROCESS", "web")

application = get_wsgi_application()
