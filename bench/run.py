"""Run the benchmark: generate threads of each size in a throwaway database, measure, print one
table, write JSON. ``python -m bench --help`` lists the options; README "Benchmark" explains."""

import argparse
import json
import os
import random
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench import calibrate, report

ROOT = Path(__file__).resolve().parent.parent


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",")})
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are whole numbers, e.g. 100,1000,10000") from None
    if not sizes or sizes[0] < 10:
        raise argparse.ArgumentTypeError("each size must be at least 10 comments")
    return sizes


def _site_size(text: str) -> int:
    try:
        size = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError("a whole number of comments, e.g. 1000000") from None
    if size < 1_000:
        raise argparse.ArgumentTypeError("a site needs at least 1,000 comments")
    return size


def _arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure article pages, permalinks and posting on generated threads.",
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run (fewer runs)")
    parser.add_argument("--sizes", type=_sizes, help="thread sizes (default 100,1000,10000)")
    parser.add_argument("--runs", type=int, help="timed runs per page after 2 warm-ups")
    parser.add_argument("--posts", type=int, help="timed replies per thread size")
    parser.add_argument("--load-seconds", type=float, help="length of each gunicorn run")
    parser.add_argument(
        "--search-comments",
        type=int,
        help="comments to generate and search (default 100,000; 0: no search measurement)",
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench-results" / "latest.json", help="JSON file"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the largest whole thread"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="measure a whole site of --scale-comments comments against a small one instead",
    )
    parser.add_argument(
        "--scale-comments",
        type=_site_size,
        default=1_000_000,
        help="comments of the large site (default 1,000,000)",
    )
    parser.add_argument(
        "--scale-base",
        type=_site_size,
        help="comments of the small site (default 10,000, at most a tenth of the large one)",
    )
    args = parser.parse_args(argv)
    if args.scale:
        args.scale_base = args.scale_base or max(1_000, min(10_000, args.scale_comments // 10))
        if args.scale_base >= args.scale_comments:
            parser.error("--scale-base must be smaller than --scale-comments")
        if args.quick:
            parser.error("--quick and --scale do not go together")
    defaults = (
        {
            "sizes": [100, 1_000],
            "runs": 3,
            "posts": 5,
            "load_seconds": 2.0,
            "search_comments": 2_000,
        }
        if args.quick
        else {
            "sizes": [100, 1_000, 10_000],
            "runs": 9,
            "posts": 25,
            "load_seconds": 10.0,
            "search_comments": 100_000,
        }
    )
    if args.scale:
        defaults |= {"runs": 5, "posts": 15}
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.runs < 1 or args.posts < 1 or args.load_seconds <= 0 or args.search_comments < 0:
        parser.error(
            "--runs and --posts must be at least 1, --load-seconds more than 0,"
            " --search-comments at least 0"
        )
    return args


def _configure_django():
    # Measure the code, not a development setup: no debug re-reads, no manifest to collect,
    # and the thread cache off unless a measurement turns it on.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "forum.settings",
            "FORUM_MODE": "development",
            "DEBUG": "false",
            "STATIC_MANIFEST": "false",
            "THREAD_CACHE_SECONDS": "0",
            # Connections as a web process has them (JIT off), but without its statement
            # timeout: a 100,000-comment thread may take longer than that on a busy machine.
            "FORUM_PROCESS": "web",
            "DATABASE_STATEMENT_TIMEOUT_MS": "0",
            # Posting is measured, not the posting limits: one account posts them all.
            "COMMENT_RATE_PER_USER": "1000000/m",
            "COMMENT_RATE_PER_IP": "1000000/m",
            "COMMENT_VOTE_RATE_PER_USER": "1000000/m",
            "COMMENT_VOTE_RATE_PER_IP": "1000000/m",
            "SEARCH_RATE_PER_IP": "1000000/m",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


@contextmanager
def _throwaway_database(label: str = "bench"):
    """A new database on the server DATABASE_URL points at, named after its database
    (``<name>_<label>_<pid>``), dropped afterwards."""
    from django.db import connection, connections

    name = f"{connection.settings_dict['NAME']}_{label}_{os.getpid()}"
    connection.settings_dict["TEST"]["NAME"] = name
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection.settings_dict
    finally:
        connections.close_all()
        # Another database may have been in use since (--scale keeps two): drop this one.
        connection.settings_dict["NAME"] = name
        connection.creation.destroy_test_db(original, verbosity=0)


def _database_url(db: dict) -> str:
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or ""
    if host.startswith("/"):  # a socket folder (the embedded server)
        return f"postgres://{user}{password}@/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host or 'localhost'}{port}/{db['NAME']}"


def _redis_url() -> str | None:
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


def _gunicorn_runs(article, size: int, db: dict, args) -> list[dict]:
    from bench.load import generate_load, gunicorn

    workers = len(os.sched_getaffinity(0))
    env = {"DATABASE_URL": _database_url(db), "WEB_CONCURRENCY": str(workers)}
    redis_url = _redis_url()
    variants = [("off", {"THREAD_CACHE_SECONDS": "0"})]
    cached = {"THREAD_CACHE_SECONDS": "600"}
    if redis_url:  # a prefix of its own: never serve or clobber a real site's keys
        cached |= {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex}"}
    variants.append(("on, " + ("Redis" if redis_url else "per-process memory"), cached))
    runs = []
    for label, extra in variants:
        log = args.output.parent / "gunicorn.log"
        with gunicorn(env={**env, **extra}, workers=workers, log=log) as base_url:
            generate_load(base_url, article.get_absolute_url(), seconds=1, connections=2)
            result = generate_load(
                base_url,
                article.get_absolute_url(),
                seconds=args.load_seconds,
                connections=8 if not args.quick else 4,
            )
        runs.append({"cache": label, "workers": workers, "comments": size, **result})
        if redis_url and "CACHE_KEY_PREFIX" in extra:
            _forget_redis_keys(redis_url, extra["CACHE_KEY_PREFIX"])
    return runs


def _forget_redis_keys(url: str, prefix: str):
    import redis

    server = redis.Redis.from_url(url)
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


def _search(args, article, rng) -> dict | None:
    # After posting was measured: the corpus grows the comment table the pages read.
    if not args.search_comments:
        return None
    from bench import search

    return search.run(
        comments=args.search_comments, article=article, runs=args.runs, posts=args.posts, rng=rng
    )


def _scale(args) -> int:
    """Build the small site and the large one, each in its own database, measure both, print
    the comparison. Exit 1 if a site could not be built or measured (an exception)."""
    from bench import scale
    from bench.generate import LARGEST_SHARE, PROBE_SIZE

    started = time.perf_counter()
    calibration = calibrate.calibrate()
    # The probe article's pages are compared: the same article on both sites.
    probe = min(PROBE_SIZE, args.scale_base // LARGEST_SHARE)
    entries, sites = [], []
    with ExitStack() as databases:
        for comments in (args.scale_base, args.scale_comments):
            database = databases.enter_context(_throwaway_database(f"scale{comments}"))["NAME"]
            print(f"building a site of {comments:,} comments…", file=sys.stderr)
            site = scale.build(comments, probe=probe)
            print(f"built in {site['import']['seconds']:.1f} s", file=sys.stderr)
            entries.append(
                {
                    "comments": comments,
                    "articles": site["articles"],
                    "users": site["users"],
                    "import": site["import"],
                    "sizes": scale.database_sizes(),
                }
            )
            sites.append((database, site))
        measured = scale.measure_sites(sites, runs=args.runs, posts=args.posts)
        for entry, pages in zip(entries, measured, strict=True):
            entry["pages"] = pages
    results = {
        "benchmark": "forum: scale",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "calibration": {"start": calibration, "end": calibrate.calibrate()},
        "sites": entries,
        "ratios": scale.ratios(*entries),
    }
    results["targets"] = report.scale_targets(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(report.scale_table(results))
    print(f"\n{results['seconds']:.0f} s; results in {args.output}")
    return 0


def main(argv=None) -> int:
    """Run everything; exit 1 if concurrent posting lost or broke anything."""
    args = _arguments(argv)
    _configure_django()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.scale:
        return _scale(args)
    from bench import measure

    calibration = calibrate.calibrate()
    started = time.perf_counter()
    rng = random.Random(5)
    with _throwaway_database() as db:
        environment = measure.environment()  # before our own work loads the machine
        articles, generated = {}, {}
        for size in args.sizes:
            articles[size], generated[size] = measure.generate(size)
            print(f"generated {size:,} comments in {generated[size]:.1f} s", file=sys.stderr)
        pages = measure.pages(articles, runs=args.runs, warmup=2)
        if args.profile:
            largest = args.sizes[-1]
            with measure.profiled():
                measure.pages({largest: articles[largest]}, runs=1, warmup=0)
        # Voting and posting change the threads, so they come after every page was measured.
        voting = measure.voting(articles, votes=args.posts, warmup=3, rng=rng)
        posting = measure.posting(articles, posts=args.posts, warmup=3, rng=rng)
        searched = _search(args, articles[args.sizes[-1]], rng)
        sizes = [
            {
                "comments": size,
                "threads": articles[size].comments.filter(parent=None).count(),
                "generate_seconds": round(generated[size], 2),
                "pages": pages[size],
                "post_reply": posting[size],
                "cast_vote": voting[size],
            }
            for size in args.sizes
        ]
        # The concurrency and load runs use the 1,000-comment thread (or the nearest size).
        load_size = min(args.sizes, key=lambda size: abs(size - 1_000))
        load_article = articles[load_size]
        concurrent = measure.concurrent_posting(
            load_article, clients=8, replies=200 if not args.quick else 40
        )
        results = {
            "benchmark": "forum: huge threads",
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": args.quick,
            "runs": args.runs,
            "environment": environment,
            "calibration": {"start": calibration},
            "sizes": sizes,
            "concurrent_posting": concurrent,
            "gunicorn": _gunicorn_runs(load_article, load_size, db, args),
            "search": searched,
        }
    results["calibration"]["end"] = calibrate.calibrate()
    results["targets"] = report.targets(sizes, concurrent) + (searched or {}).get("targets", [])
    results["seconds"] = round(time.perf_counter() - started, 1)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(report.table(results))
    if searched:
        from bench import search

        print(search.table(searched))
    print(f"\n{results['seconds']:.0f} s on {environment['cpus']} CPUs; results in {args.output}")
    intact = concurrent["errors"] == 0 and concurrent["lost"] == 0 and concurrent["tree_valid"]
    return 0 if intact else 1
