"""Say which request a log line is about, without ever printing its secrets."""

import logging

from forum.clientip import client_ip


def client_address(request) -> str:
    """The client's address as the rate limits see it (forum.clientip), "?" without a request."""
    if request is None:
        return "?"
    # No warning from here: this runs inside logging, and the rate limits warn already.
    return client_ip(request, warn=False)


class RequestContextFilter(logging.Filter):
    """Add ``[METHOD path from ADDRESS]`` to records that carry a request (django.request does).

    Only the method, path and client address: never the query string, body, cookies or headers,
    where passwords, tokens and session keys travel.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        if getattr(request, "META", None) is None:
            record.request_context = ""
        else:
            where = f"{request.method} {request.path} from {client_address(request)}"
            record.request_context = f" [{where}]"
        return True
