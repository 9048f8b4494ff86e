"""Say which request a log line is about, without ever printing its secrets."""

import logging

from django.conf import settings


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the proxy's header named by RATELIMIT_IP_META_KEY."""
    if request is None:
        return "?"
    return request.META.get(settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR", "?")


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
