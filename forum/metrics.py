"""Prometheus metrics: the forum's own counters, and ``/metrics``, closed to the public.

``MetricsMiddleware`` measures request latency by view and counts responses by status; the other
counters say what only the forum knows: 503 answers by the outage that caused them, cache
failures by operation, the page cache's hits and misses (hit ratio: hits / (hits + misses)),
and the depth of the background-task queue (mail waiting for the worker).
(django-prometheus does not support Django 6.1 yet: prometheus_client directly, as it does.)
Several gunicorn workers: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder shared by them, so
that every scrape sums all workers.
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

# cause: database (unreachable), database_timeout, redis (a rate-limited request, policy deny).
OUTAGE_RESPONSES = Counter(
    "forum_outage_responses", "Requests answered 503 for an outage", ["cause"]
)
CACHE_ERRORS = Counter("forum_cache_errors", "Redis failures the site survived", ["operation"])
PAGE_CACHE = Counter("forum_page_cache", "Anonymous thread page lookups", ["result"])
REQUEST_LATENCY = Histogram(
    "forum_request_latency_seconds", "Time to answer a request, by view", ["view", "method"]
)
RESPONSES = Counter("forum_responses", "Responses by status code and view", ["status", "view"])
# Set at each scrape from the tasks' own table, so every worker reports the same figure.
TASK_QUEUE = Gauge(
    "forum_task_queue_depth",
    "Background tasks (mail) ready to run and not started",
    multiprocess_mode="livemax",
)


class MetricsMiddleware:
    """Time every request and count its response, labelled by the view's URL name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unresolved"
        REQUEST_LATENCY.labels(view, request.method).observe(time.perf_counter() - started)
        RESPONSES.labels(str(response.status_code), view).inc()
        return response


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    # The direct peer, never a forwarded header a client could write.
    address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "0.0.0.0"))  # noqa: S104
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
@require_GET
def metrics(request):
    """The metrics for a scraper from ``METRICS_ALLOWED_IPS`` or with the bearer token; for
    anyone else, no such page."""
    if not _allowed(request):
        raise Http404("There is no page at this address.")
    TASK_QUEUE.set(DBTaskResult.objects.ready().count())
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
