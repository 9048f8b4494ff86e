"""Site-wide pages: the health check, and 400 and 404 pages that say what was wrong (403, 500
and 503 are plain templates)."""

import re

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.views.decorators.http import require_GET


def bad_request(request, exception):
    """400 (413 for a body over the limit) with the reason, never a bare "Bad Request"."""
    status = 400
    if isinstance(exception, RequestDataTooBig):
        status = 413
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        reason = f"The request is larger than this site accepts ({limit} KB)."
    elif isinstance(exception, TooManyFieldsSent):
        reason = "The form sent more fields than this site accepts."
    elif isinstance(exception, TooManyFilesSent):
        reason = "This site does not accept file uploads."
    elif isinstance(exception, MultiPartParserError):
        reason = "The form data is malformed and could not be read."
    elif isinstance(exception, BadRequest) and exception.args:
        reason = str(exception)  # our own messages, written for the reader
    else:
        reason = "The request was malformed or not allowed here."
    return render(request, "400.html", {"reason": reason}, status=status)


# Django's generic "No Comment matches the given query." / "No comment found matching the query":
# written for developers; the page says the same in the site's words.
_GENERIC_NOT_FOUND = re.compile(
    r"No (?P<what>[\w ]+?) (?:matches the given query|found matching the query)\.?"
)


def page_not_found(request, exception):
    """404 with the reason the code gave ("No such page of comments."), in the site's words,
    never the resolver's internals; a link back to the article in question where it is known."""
    message = exception.args[0] if exception.args else None
    reason = message if isinstance(message, str) else "There is no page at this address."
    generic = _GENERIC_NOT_FOUND.fullmatch(reason)
    if generic:
        what = generic["what"].lower()
        reason = f"There is no {what} at this address: the link may be mistyped or out of date."
    context = {
        "reason": reason,
        "back_url": getattr(exception, "back_url", None),
        "back_label": getattr(exception, "back_label", None),
    }
    return render(request, "404.html", context, status=404)


@require_GET
def health(request):
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
