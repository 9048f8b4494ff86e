"""Request-level protections that no single view should have to remember."""

import logging
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.template.loader import render_to_string

from forum.cache import CacheUnavailable
from forum.dberrors import UNAVAILABLE, outage_kind
from forum.metrics import OUTAGE_RESPONSES

logger = logging.getLogger("forum.availability")

# How long a client (or a proxy) should wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30
# Redis restarts in seconds; a poster told to wait half a minute would give up.
CACHE_RETRY_AFTER_SECONDS = 5


_FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}


class StrictUtf8FormsMiddleware:
    """Refuse a form that is not valid UTF-8, with a 400 that says so.

    Django turns invalid UTF-8 into U+FFFD without a word, which would store a different comment
    than the one sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Django reads url-encoded forms as UTF-8 only (refusing any other charset named).
        # Multipart forms are checked whole: the site takes no file uploads, so every byte of
        # one is text.
        if request.method == "POST" and request.content_type in _FORMS:
            body = request.body
            if request.content_type == "application/x-www-form-urlencoded":
                body = unquote_to_bytes(body)
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest("The form data is not valid UTF-8.") from None
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page, instead of a 500, while the database cannot be reached
    (or Redis, for the rate-limited requests that must not pass uncounted).

    Connections are re-established per request (CONN_HEALTH_CHECKS), so the site recovers by
    itself as soon as the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, CacheUnavailable):
            # Only rate-limited requests let it through (RATELIMIT_ON_CACHE_ERROR=deny).
            logger.error("Cache unavailable: %s %s answered 503", request.method, request.path)
            OUTAGE_RESPONSES.labels("redis").inc()
            return _unavailable(CACHE_RETRY_AFTER_SECONDS)
        kind = outage_kind(exception)
        if kind is None:
            return None
        OUTAGE_RESPONSES.labels("database" if kind == UNAVAILABLE else "database_timeout").inc()
        logger.error(
            "Database %s: %s %s answered 503 (%s: %s)",
            kind,
            request.method,
            request.path,
            type(exception).__name__,
            exception,
        )
        return _unavailable(RETRY_AFTER_SECONDS)


def _unavailable(retry_after: int) -> HttpResponse:
    """The 503 page with Retry-After."""
    # Rendered without the request: the context processors would reach for the session,
    # which lives in the database that may just have failed.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(retry_after)
    return response
