"""A request id on every log line of a request, and structured (JSON) logs.

Several hosts log to one place: the id ties together what one request caused, and comes back in
the ``X-Request-ID`` response header so a reader's report can be found. A proxy's id (a header
``X-Request-ID`` of letters, digits and dashes) is kept; otherwise one is made.
"""

import contextvars
import json
import logging
import re
import uuid

_REQUEST_ID = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class RequestIdMiddleware:
    """Set the request id for this request's log lines; send it back as ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        token = _REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` ("-" outside a request) to every record."""

    def filter(self, record):
        record.request_id = _REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, request context and the
    exception, if any. Only fields the filters put there: never a request's body or headers."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        context = getattr(record, "request_context", "")
        if context:
            entry["request"] = context.strip(" []")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
