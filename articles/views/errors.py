"""The 400 and 404 pages say what was wrong (403, 500 and 503 are plain templates)."""

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render


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


def page_not_found(request, exception):
    """404 with the reason the code gave ("Invalid page (7): …"), never the resolver's internals."""
    message = exception.args[0] if exception.args else None
    reason = message if isinstance(message, str) else "There is no page at this address."
    return render(request, "404.html", {"reason": reason}, status=404)
