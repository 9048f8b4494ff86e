"""The measurements, in-process through Django's test client: the real URLs, middleware and
views, without a network in between. Imported once Django is set up (bench/run.py)."""

import cProfile
import os
import platform
import pstats
import random
import threading
import time
from contextlib import contextmanager
from statistics import median
from urllib.parse import urlencode

import django
from django.conf import settings
from django.db import connection, connections
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from articles.integrity import tree_problems
from articles.models import Article, Comment
from bench.generate import make_discussion, make_users


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _timed(call, *, runs: int, warmup: int) -> tuple[list[float], object]:
    result = None
    for _ in range(warmup):
        result = call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - started)
    return timings, result


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def generate(size: int) -> tuple[Article, float]:
    """A realistic discussion of ``size`` comments; returns it and the seconds it took."""
    started = time.perf_counter()
    article = make_discussion(size, seed=size)
    with connection.cursor() as cursor:
        # What autovacuum would have done by the time anyone reads a big thread.
        cursor.execute("VACUUM ANALYZE articles_comment")
    return article, time.perf_counter() - started


def largest_thread_root(article: Article) -> Comment:
    return (
        Comment.objects.filter(article=article, parent=None)
        .order_by((F("rght") - F("lft")).desc(), "tree_id")
        .first()
    )


def page(client: Client, url: str, *, runs: int, warmup: int) -> dict:
    """Median time, query count and size of one GET, as an anonymous reader."""

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    timings, response = _timed(get, runs=runs, warmup=warmup)
    return {
        "url": url,
        "median_ms": _ms(median(timings)),
        "min_ms": _ms(min(timings)),
        "queries": _queries(get),
        "bytes": len(response.content),
    }


def pages(article: Article, *, runs: int, warmup: int) -> dict:
    """The article page with the whole thread, its first page, a permalink page, and the
    whole thread again from the rendered-thread cache."""
    client = Client()
    url = article.get_absolute_url()
    permalink = reverse("comment_detail", args=[largest_thread_root(article).pk])
    measured = {
        "whole_thread": page(client, f"{url}?page=all", runs=runs, warmup=warmup),
        "first_page": page(client, url, runs=runs, warmup=warmup),
        "permalink": page(client, permalink, runs=runs, warmup=warmup),
    }
    with override_settings(THREAD_CACHE_SECONDS=600):
        measured["whole_thread_cached"] = page(client, f"{url}?page=all", runs=runs, warmup=warmup)
    return measured


def _reply(client: Client, article: Article, parent_id: int) -> None:
    # Encoded as a browser sends a form without files (the test client's default is multipart).
    response = client.post(
        reverse("comment_create", args=[article.slug]),
        urlencode({"parent": parent_id, "title": "Benchmark reply", "body": "A **reply**."}),
        content_type="application/x-www-form-urlencoded",
    )
    if response.status_code != 302:
        raise RuntimeError(f"posting a reply answered {response.status_code}")


def posting(article: Article, *, posts: int, warmup: int, rng: random.Random) -> dict:
    """Replies posted through the real view (form, lock, insert, redirect) to random comments."""
    client = Client()
    client.force_login(make_users(1, prefix=f"poster{article.pk}-")[0])
    parents = list(Comment.objects.filter(article=article).values_list("pk", flat=True))

    def post():
        _reply(client, article, rng.choice(parents))

    timings, _ = _timed(post, runs=posts, warmup=warmup)
    return {
        "posts": posts,
        "median_ms": _ms(median(timings)),
        "min_ms": _ms(min(timings)),
        "queries": _queries(post),
    }


def concurrent_posting(article: Article, *, clients: int, replies: int) -> dict:
    """``replies`` replies from ``clients`` concurrent clients (threads, each with its own
    database connection) into the article's largest thread; then the tree is checked."""
    root = largest_thread_root(article)
    targets = list(Comment.objects.filter(tree_id=root.tree_id).values_list("pk", flat=True))
    before = root.get_descendant_count()
    users = make_users(clients, prefix=f"concurrent{article.pk}-")
    errors: list[str] = []
    barrier = threading.Barrier(clients)

    def poster(index: int):
        rng = random.Random(index)
        client = Client()
        client.force_login(users[index])
        try:
            barrier.wait()
            for _ in range(replies // clients + (index < replies % clients)):
                try:
                    _reply(client, article, rng.choice(targets))
                except Exception as error:  # every failure counts, whatever its kind
                    errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poster, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    root.refresh_from_db()
    stored = root.get_descendant_count() - before
    return {
        "comments": article.comments.count(),
        "thread_size_before": before + 1,
        "clients": clients,
        "replies": replies,
        "seconds": round(elapsed, 2),
        "replies_per_second": round(replies / elapsed, 1),
        "errors": len(errors),
        "error_examples": errors[:3],
        "lost": replies - len(errors) - stored,
        "tree_valid": tree_problems([root.tree_id]) == {},
    }


@contextmanager
def profiled(top: int = 25):
    """Print where the time goes (cProfile, sorted by own time) for the block."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def environment() -> dict:
    """The machine and settings the figures were measured with."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    return {
        "cpus": len(os.sched_getaffinity(0)),
        # Other work on the machine skews every figure: judge them against this.
        "load_average_before": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgresql,
        "thread_page_size": settings.THREAD_PAGE_SIZE,
        "thread_max_depth": settings.THREAD_MAX_DEPTH,
        "cache_backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }
