"""Readiness (``/health/ready``): may a load balancer send this instance traffic?

``/health/`` stays a liveness check (the process answers and reaches its database); readiness
also asks Redis, and every check has a short timeout of its own, so the probe answers within
about two seconds whatever hangs.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from forum.db.base import DeadlineConnection

# Seconds each dependency gets to answer.
PROBE_TIMEOUT = 2


def database_ready(alias: str = "default") -> bool:
    """True when PostgreSQL accepts a new connection and answers a query in time.

    A fresh connection, not the request's: a reused one could be stuck on a hung server and would
    only prove that an old socket is open.
    """
    params = connections[alias].get_connection_params()
    params["connect_timeout"] = PROBE_TIMEOUT
    try:
        with DeadlineConnection.connect(**params) as probe:
            probe.answer_deadline = PROBE_TIMEOUT
            probe.execute("SELECT 1")
    except Exception:
        return False
    return True


def cache_ready() -> bool:
    """True when the cache stores and returns a value (Redis' socket timeouts bound the wait)."""
    key = f"ready-probe:{time.monotonic_ns()}"
    try:
        cache.set(key, 1, timeout=5)
        return cache.get(key) == 1
    except Exception:
        return False


@never_cache
@require_GET
def ready(request):
    """200 when PostgreSQL and the cache answer; 503 naming every one that does not."""
    checks = {"database": database_ready()}
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        checks["redis"] = cache_ready()
    down = sorted(name for name, ok in checks.items() if not ok)
    body = {"status": "unavailable" if down else "ok", "down": down}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=503 if down else 200)
