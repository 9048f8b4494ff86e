"""The client's address, as django-ratelimit's ``ip`` key and the logs use it.

Behind a proxy every request comes from the proxy's address, so the client's own is read from
the header the proxy sets (``CLIENT_IP_META_KEY``, from the environment's
``RATELIMIT_IP_META_KEY``). Headers can be missing or forged; whatever they hold, the answer is
an address (never an exception: django-ratelimit builds an ``ip_network`` from it and a bad
value used to be a 500 on every login and post).
"""

import ipaddress
import logging
import time

from django.conf import settings

logger = logging.getLogger("forum.clientip")

# A proxy sending no header (or garbage) does so on every request: say it, but not a thousand
# times a second.
WARNING_INTERVAL_SECONDS = 60
_last_warning = -WARNING_INTERVAL_SECONDS
# When REMOTE_ADDR is unusable too (a Unix socket): every such client shares one counter.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a rate-limit key, never bound to


def parse_address(value: str | None) -> str | None:
    """``value`` as a canonical IP address, without a port or IPv6 brackets; None if it is not
    one."""
    value = (value or "").strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):  # fe80::1%eth0 names an interface of the proxy
        return None
    return str(address)


def forwarded_address(header: str, trusted_proxies: int) -> str | None:
    """The address ``trusted_proxies`` hops from the right of a comma-separated proxy header:
    each proxy appends the address it saw, so the last entry is what our own proxy saw and
    anything further left was written by the client and may be forged. None if the header is
    too short or that entry is not an address."""
    hops = [hop.strip() for hop in header.split(",")]
    if trusted_proxies < 1 or len(hops) < trusted_proxies:
        return None
    return parse_address(hops[-trusted_proxies])


def _warn(message: str, *args) -> None:
    global _last_warning  # one process-wide clock for the warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL_SECONDS:
        _last_warning = now
        logger.warning(message, *args)


def client_ip(request, *, warn: bool = True) -> str:
    """The client's address: from the configured proxy header when it holds one, else
    REMOTE_ADDR (with a warning, at most once a minute). Always a valid address."""
    remote = parse_address(request.META.get("REMOTE_ADDR"))
    key = settings.CLIENT_IP_META_KEY
    if key:
        header = request.META.get(key)
        address = forwarded_address(header, settings.RATELIMIT_TRUSTED_PROXIES) if header else None
        if address is not None:
            return address
        if warn:
            _warn(
                "Proxy header %s is %s; using REMOTE_ADDR %s. Is the proxy setting it?",
                key,
                "missing" if header is None else f"not an address ({header[:100]!r})",
                remote,
            )
    return remote or UNKNOWN_ADDRESS
