"""``python -m bench --scale``: the same pages on a site of a million comments and on one of
ten thousand, built by the same generator (bench/generate.py ``make_site``) through the bulk
import path. Imported once Django is set up (bench/run.py); README "Benchmark" explains."""

import contextlib
import functools
import gc
import math
import random
import resource
import time
from pathlib import Path

from django.db import connection, connections
from django.test import Client
from django.urls import NoReverseMatch, reverse

from articles.models import Comment
from bench import measure
from bench.generate import make_site

# Pages whose time may not grow with the site (README): each is judged against the small site.
# The article pages are the probe article's, the same on both sites.
JUDGED = (
    "home",
    "home_active",
    "home_discussed",
    "topic",
    "first_page",
    "whole_thread",
    "permalink_deep",
    "profile",
    "search",
    "post_reply",
)
# Shown for what they cost, not judged: the largest article grows with the site (a thousand
# comments on the small one, a hundred thousand on the large one), and so do these pages.
UNJUDGED = (
    "first_page_largest",
    "whole_thread_largest",
    "permalink_deep_largest",
    "post_reply_largest",
)
# Measured apart from the others (see measure_sites).
HEAVY = ("whole_thread_largest",)
TABLES = ("articles_comment", "articles_article", "auth_user", "articles_threadversion")


def build(comments: int, *, probe: int) -> dict:
    """Generate the site (with a probe article of ``probe`` comments), then VACUUM ANALYZE it
    (what autovacuum would have done before anyone reads it); its facts and what the import
    cost."""
    started = time.perf_counter()
    site = make_site(comments, probe=probe)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    site["import"] = {
        "seconds": round(imported, 1),
        "comments_per_second": round(comments / imported),
        "vacuum_analyze_seconds": round(time.perf_counter() - started, 1),
        # The peak of this process so far: the larger site is built last, so its own.
        "python_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "postgresql_peak_mb": _server_peak_mb(),
    }
    return site


def _server_peak_mb() -> int | None:
    # The peak memory of the server process serving this connection (VmHWM), when the server
    # runs on this machine and its /proc entry is readable; else None.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return None


def database_sizes() -> dict:
    """The database's size, and each big table's (with its indexes and TOAST) and its indexes',
    in MB."""
    mb = 1024 * 1024
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        sizes = {"database_mb": round(cursor.fetchone()[0] / mb, 1), "tables": {}}
        for table in TABLES:
            cursor.execute(
                "SELECT pg_total_relation_size(%s), pg_relation_size(%s), pg_indexes_size(%s)",
                [table, table, table],
            )
            total, heap, indexes = cursor.fetchone()
            sizes["tables"][table] = {
                "total_mb": round(total / mb, 1),
                "table_mb": round(heap / mb, 1),
                "indexes_mb": round(indexes / mb, 1),
            }
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass ORDER BY 2 DESC",
            [TABLES[0]],
        )
        sizes["comment_indexes_mb"] = {name: round(size / mb, 1) for name, size in cursor}
    return sizes


def _deepest_comment(article) -> Comment:
    return Comment.objects.filter(article=article).order_by("-level", "id").first()


def urls(site: dict) -> dict[str, str]:
    """Each measured page's URL on ``site``; search only where the site has a search page."""
    largest, probe = site["largest"].get_absolute_url(), site["probe"].get_absolute_url()
    home = reverse("home")
    deepest = {name: _deepest_comment(site[name]).pk for name in ("probe", "largest")}
    pages = {
        "home": home,
        "home_active": f"{home}?tab=active",
        "home_discussed": f"{home}?tab=discussed",
        "topic": site["topic"].get_absolute_url(),
        "first_page": probe,
        "first_page_largest": largest,
        "whole_thread": f"{probe}?page=all",
        "whole_thread_largest": f"{largest}?page=all",
        "permalink_deep": reverse("comment_detail", args=[deepest["probe"]]),
        "permalink_deep_largest": reverse("comment_detail", args=[deepest["largest"]]),
        "profile": reverse("user_profile", args=[site["busiest_user"].get_username()]),
    }
    with contextlib.suppress(NoReverseMatch):  # no search page (yet): nothing to measure
        pages["search"] = f"{reverse('search')}?q=server+security"
    return pages


def use_database(name: str) -> None:
    """Point the default connection at database ``name`` (a new connection on next use)."""
    connections.close_all()
    connection.settings_dict["NAME"] = name


def measure_sites(sites: list[tuple[str, dict]], *, runs: int, posts: int) -> list[dict]:
    """For each (database, site): every page's median time, queries and bytes as an anonymous
    reader, then replies posted into the probe and the largest article (after the pages:
    posting changes them).

    The sites are measured in blocks, small, large, large, small, each block on one connection
    with its own warm-up: a machine getting busier or quieter during the run then weighs on
    both sites alike, where measuring one site after the other put all of it on one.
    """
    client = Client()
    pages = []
    for database, site in sites:
        use_database(database)
        pages.append(urls(site))
    timings = [{name: [] for name in site_pages} for site_pages in pages]
    per_block = math.ceil(runs / 2)
    for index in [*range(len(sites)), *reversed(range(len(sites)))]:
        use_database(sites[index][0])
        light = {name: url for name, url in pages[index].items() if name not in HEAVY}
        for name, measured in _timed(client, light, runs=per_block, warmup=2).items():
            timings[index][name] += measured
    # Apart, after the others: the Python process that has just built a page of 86 MB is
    # slower for a while (its memory freed, its collector busy), and in the same rounds that
    # doubled the time of the pages measured next.
    for index, (database, _) in enumerate(sites):
        use_database(database)
        heavy = {name: url for name, url in pages[index].items() if name in HEAVY}
        for name, measured in _timed(client, heavy, runs=runs, warmup=1).items():
            timings[index][name] += measured
    results = []
    for index, (database, site) in enumerate(sites):
        use_database(database)
        figures = {
            name: measure._page_figures(client, url, timings[index][name])
            for name, url in pages[index].items()
        }
        posted = measure.posting(
            {name: site[name] for name in ("probe", "largest")},
            posts=posts,
            warmup=3,
            rng=random.Random(5),
        )
        figures["post_reply"], figures["post_reply_largest"] = posted["probe"], posted["largest"]
        results.append(figures)
    return results


def _timed(client, pages: dict[str, str], *, runs: int, warmup: int) -> dict[str, list]:
    calls = {name: functools.partial(measure._get, client, url) for name, url in pages.items()}
    timings = measure._interleaved(calls, runs=runs, warmup=warmup)
    gc.collect()
    return timings


def ratios(small: dict, large: dict) -> dict[str, dict]:
    """For each page measured on both sites: the large site's time as a multiple of the small
    one's, and both query counts."""
    compared = {}
    for name, figures in large["pages"].items():
        if name not in small["pages"]:
            continue
        before = small["pages"][name]
        compared[name] = {
            "time": round(figures["median_ms"] / before["median_ms"], 2),
            "queries": [before["queries"], figures["queries"]],
            "judged": name in JUDGED,
        }
    return compared
