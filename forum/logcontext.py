"""Say which request a log line is about, without ever printing its secrets."""

import logging


class RequestContextFilter(logging.Filter):
    """Add ``[METHOD path from ADDRESS]`` to records that carry a request (django.request does).

    Only the method, path and client address: never the query string, body, cookies or headers,
    where passwords, tokens and session keys travel.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        meta = getattr(request, "META", None)
        if meta is None:
            record.request_context = ""
        else:
            address = meta.get("REMOTE_ADDR", "?")
            record.request_context = f" [{request.method} {request.path} from {address}]"
        return True
