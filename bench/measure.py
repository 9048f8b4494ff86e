"""The measurements, in-process through Django's test client: the real URLs, middleware and
views, without a network in between. Imported once Django is set up (bench/run.py)."""

import cProfile
import functools
import os
import platform
import pstats
import random
import threading
import time
from contextlib import contextmanager
from statistics import median
from urllib.parse import urlencode
from uuid import uuid4

import django
from django.conf import settings
from django.db import connection, connections
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from articles.models import Article, Comment
from articles.threads.integrity import tree_problems
from bench.generate import make_discussion, make_users

KINDS = ("whole_thread", "first_page", "permalink")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _interleaved(calls: dict, *, runs: int, warmup: int) -> dict[object, list[float]]:
    # One call of each per round: whatever else runs on the machine then slows all of them
    # alike, so sizes stay comparable even when the absolute figures wobble.
    for _ in range(warmup):
        for call in calls.values():
            call()
    timings: dict[object, list[float]] = {key: [] for key in calls}
    for _ in range(runs):
        for key, call in calls.items():
            started = time.perf_counter()
            call()
            timings[key].append(time.perf_counter() - started)
    return timings


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def generate(size: int) -> tuple[Article, float]:
    """A realistic discussion of ``size`` comments, with votes; returns it and the seconds it
    took."""
    started = time.perf_counter()
    article = make_discussion(size, seed=size)
    with connection.cursor() as cursor:
        # Totals only, no vote rows: the pages rank by the totals, and "Best" must sort the
        # siblings of a voted thread. Seeded, so every run ranks the same thread alike.
        cursor.execute("SELECT setseed(%s)", [1 / (size + 1)])
        cursor.execute(
            f"UPDATE {Comment._meta.db_table} SET upvotes = floor(random() * 30)::int,"  # noqa: S608
            " downvotes = floor(random() * 8)::int WHERE article_id = %s AND random() < 0.6",
            [article.pk],
        )
        # What autovacuum would have done by the time anyone reads a big thread.
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Comment._meta.db_table)}")
    return article, time.perf_counter() - started


def largest_thread_root(article: Article) -> Comment:
    return (
        Comment.objects.filter(article=article, parent=None)
        .order_by((F("rght") - F("lft")).desc(), "tree_id")
        .first()
    )


# What a browser asks for: the cached page is then served in brotli.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"


def _get(client: Client, url: str, encodings: str = ""):
    response = client.get(url, headers={"accept-encoding": encodings} if encodings else {})
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def _page_figures(client: Client, url: str, timings: list[float], encodings: str = "") -> dict:
    return {
        "url": url,
        "median_ms": _ms(median(timings)),
        "min_ms": _ms(min(timings)),
        "queries": _queries(lambda: _get(client, url, encodings)),
        "bytes": len(_get(client, url).content),
        # On the wire to a client that takes only gzip (the page as it is if not compressed).
        "gzip_bytes": len(_get(client, url, "gzip").content),
    }


def pages(articles: dict[int, Article], *, runs: int, warmup: int) -> dict[int, dict]:
    """For each size: the article page with the whole thread, its first page, the permalink
    page of its largest thread, and the whole thread again from the page cache, as a browser
    asks for it (compressed); median time, queries and bytes (as they are, and gzipped), as an
    anonymous reader."""
    client = Client()
    urls = {}
    for size, article in articles.items():
        url = article.get_absolute_url()
        urls[size, "whole_thread"] = f"{url}?page=all"  # in the default order, "Best"
        urls[size, "whole_thread_oldest"] = f"{url}?sort=oldest&page=all"
        urls[size, "first_page"] = url
        urls[size, "permalink"] = reverse("comment_detail", args=[largest_thread_root(article).pk])
    timings = _interleaved(
        {key: functools.partial(_get, client, url) for key, url in urls.items()},
        runs=runs,
        warmup=warmup,
    )
    measured = {
        size: {
            kind: _page_figures(client, urls[size, kind], timings[size, kind])
            for kind in (*KINDS, "whole_thread_oldest")
        }
        for size in articles
    }
    with override_settings(THREAD_CACHE_SECONDS=600):
        cached = _interleaved(
            {
                size: functools.partial(_get, client, urls[size, "whole_thread"], BROWSER_ENCODINGS)
                for size in articles
            },
            runs=runs,
            warmup=warmup,
        )
        for size in articles:
            measured[size]["whole_thread_cached"] = _page_figures(
                client, urls[size, "whole_thread"], cached[size], BROWSER_ENCODINGS
            )
    return measured


def _reply(client: Client, article: Article, parent_id: int) -> None:
    # Encoded as a browser sends a form without files (the test client's default is multipart).
    response = client.post(
        reverse("comment_create", args=[article.slug]),
        # A new text each time: the same text twice from one author is refused as a duplicate.
        urlencode(
            {"parent": parent_id, "title": "Benchmark reply", "body": f"A **reply** {uuid4()}."}
        ),
        content_type="application/x-www-form-urlencoded",
    )
    if response.status_code != 302:
        raise RuntimeError(f"posting a reply answered {response.status_code}")


def _replier(client: Client, article: Article, rng: random.Random):
    parents = list(Comment.objects.filter(article=article).values_list("pk", flat=True))
    return lambda: _reply(client, article, rng.choice(parents))


def posting(articles: dict[int, Article], *, posts: int, warmup: int, rng) -> dict[int, dict]:
    """For each size: replies posted through the real view (form, lock, insert, redirect) to
    random comments, one size after the other in each round.

    With the session and the user read from the cache, as a site with Redis reads them
    (ACCOUNT_CACHE_SECONDS; here the process's own memory stands in for Redis, as it does for
    the rate-limit counters)."""
    client = Client()
    with override_settings(ACCOUNT_CACHE_SECONDS=300):
        client.force_login(make_users(1, prefix="poster")[0])
        calls = {size: _replier(client, article, rng) for size, article in articles.items()}
        timings = _interleaved(calls, runs=posts, warmup=warmup)
        queries = {size: _queries(calls[size]) for size in articles}
    return {
        size: {
            "posts": posts,
            "median_ms": _ms(median(timings[size])),
            "min_ms": _ms(min(timings[size])),
            "queries": queries[size],
        }
        for size in articles
    }


def _vote(client: Client, comment_id: int) -> None:
    # As forum.js sends it: the form, asking for the new totals as JSON.
    response = client.post(
        reverse("comment_vote"),
        f"up={comment_id}",
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="application/json",
    )
    if response.status_code != 200:
        raise RuntimeError(f"casting a vote answered {response.status_code}")


def _voter(client: Client, article: Article, rng: random.Random):
    comments = list(Comment.objects.filter(article=article).values_list("pk", flat=True))
    return lambda: _vote(client, rng.choice(comments))


def voting(articles: dict[int, Article], *, votes: int, warmup: int, rng) -> dict[int, dict]:
    """For each size: up votes (or, on a comment voted before, their withdrawal) cast through
    the real view on random comments, one size after the other in each round."""
    client = Client()
    client.force_login(make_users(1, prefix="voter")[0])
    calls = {size: _voter(client, article, rng) for size, article in articles.items()}
    timings = _interleaved(calls, runs=votes, warmup=warmup)
    return {
        size: {
            "votes": votes,
            "median_ms": _ms(median(timings[size])),
            "min_ms": _ms(min(timings[size])),
            "queries": _queries(calls[size]),
        }
        for size in articles
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
