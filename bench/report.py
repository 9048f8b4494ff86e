"""The benchmark's verdict and its printed table."""

from bench.calibrate import multiple

# The targets on a 2-core machine, server-side medians.
TARGET_WHOLE_MS = {1_000: 30, 10_000: 120}
TARGET_CACHED_MS = {10_000: 5}  # the whole thread served from the page cache
TARGET_WIRE_BYTES = 120  # gzipped bytes a comment, the whole 10,000-comment thread
TARGET_FIRST_PAGE_MS = {10_000: 30}
TARGET_MAX_QUERIES = 8
TARGET_POST_MS = 5  # issue 18: a reply through the view, at every thread size
TARGET_POST_GROWTH = 1.5
TARGET_VOTE_MS = 5
TARGET_BEST_VS_OLDEST = 1.2
# --scale: the large site's pages against the small one's, and the import of the large one.
TARGET_SCALE_RATIO = 1.3
TARGET_IMPORT_SECONDS = 120
TARGET_IMPORT_MB = 500


def targets(sizes: list[dict], concurrent: dict) -> list[dict]:
    """Each of the issue's targets that these sizes can judge: value, limit, met."""
    by_size = {entry["comments"]: entry for entry in sizes}
    verdicts = []

    def target(name, value, limit, met):
        verdicts.append({"name": name, "value": value, "limit": limit, "met": bool(met)})

    for size, limit in TARGET_WHOLE_MS.items():
        if size in by_size:
            value = by_size[size]["pages"]["whole_thread"]["median_ms"]
            target(f"whole thread, {size:,} comments (ms)", value, f"≤ {limit}", value <= limit)
    for size, limit in TARGET_CACHED_MS.items():
        if size in by_size:
            value = by_size[size]["pages"]["whole_thread_cached"]["median_ms"]
            name = f"whole thread cached, {size:,} comments (ms)"
            target(name, value, f"≤ {limit}", value <= limit)
            wire = round(by_size[size]["pages"]["whole_thread"]["gzip_bytes"] / size, 1)
            target(
                f"whole thread gzipped, {size:,} comments (bytes a comment)",
                wire,
                f"≤ {TARGET_WIRE_BYTES}",
                wire <= TARGET_WIRE_BYTES,
            )
    for size, limit in TARGET_FIRST_PAGE_MS.items():
        if size in by_size:
            value = by_size[size]["pages"]["first_page"]["median_ms"]
            target(f"first page, {size:,} comments (ms)", value, f"≤ {limit}", value <= limit)
    for kind in ("whole_thread", "first_page", "permalink"):
        counts = sorted({entry["pages"][kind]["queries"] for entry in sizes})
        target(
            f"{kind.replace('_', ' ')}: queries at every size",
            counts,
            f"the same at every size, ≤ {TARGET_MAX_QUERIES}",
            len(counts) == 1 and counts[0] <= TARGET_MAX_QUERIES,
        )
    posts = [entry["post_reply"]["median_ms"] for entry in sizes]
    slowest = max(posts)
    target(
        "posting a reply, slowest size (ms)",
        slowest,
        f"≤ {TARGET_POST_MS}",
        slowest <= TARGET_POST_MS,
    )
    growth = round(posts[-1] / posts[0], 2)
    target(
        "posting, largest size vs smallest",
        growth,
        f"≤ {TARGET_POST_GROWTH} times",
        growth <= TARGET_POST_GROWTH,
    )
    votes = [entry["cast_vote"]["median_ms"] for entry in sizes]
    target(
        "casting a vote, slowest size (ms)",
        max(votes),
        f"≤ {TARGET_VOTE_MS}",
        max(votes) <= TARGET_VOTE_MS,
    )
    largest = sizes[-1]["pages"]
    ratio = round(
        largest["whole_thread"]["median_ms"] / largest["whole_thread_oldest"]["median_ms"], 2
    )
    target(
        f"whole thread in Best vs Oldest, {sizes[-1]['comments']:,} comments",
        ratio,
        f"≤ {TARGET_BEST_VS_OLDEST} times",
        ratio <= TARGET_BEST_VS_OLDEST,
    )
    target(
        "concurrent posters: errors, lost replies, tree valid",
        [concurrent["errors"], concurrent["lost"], concurrent["tree_valid"]],
        "[0, 0, True]",
        concurrent["errors"] == 0 and concurrent["lost"] == 0 and concurrent["tree_valid"],
    )
    return verdicts


def table(results: dict) -> str:
    """One table of every figure, then the targets."""
    lines = [
        "comments │ whole thread, Best  │ first page          │ permalink           │ "
        "post reply  │ cast vote   │ whole, cached │ whole, Oldest │ whole: B/comment",
        "         │     ms  queries  KB │     ms  queries  KB │     ms  queries  KB │ "
        "   ms  q    │    ms  q    │     ms        │     ms        │    raw   gzip",
        "─" * 163,
    ]
    for entry in results["sizes"]:
        cells = []
        for kind in ("whole_thread", "first_page", "permalink"):
            p = entry["pages"][kind]
            cells.append(f"{p['median_ms']:7.1f} {p['queries']:5d} {p['bytes'] / 1024:7.0f}")
        post, vote = entry["post_reply"], entry["cast_vote"]
        cached = entry["pages"]["whole_thread_cached"]["median_ms"]
        oldest = entry["pages"]["whole_thread_oldest"]["median_ms"]
        whole, size = entry["pages"]["whole_thread"], entry["comments"]
        lines.append(
            f"{size:8,d} │ {cells[0]} │ {cells[1]} │ {cells[2]} │ "
            f"{post['median_ms']:5.1f} {post['queries']:2d}    │ "
            f"{vote['median_ms']:5.1f} {vote['queries']:2d}    │ {cached:6.1f}        │ "
            f"{oldest:6.1f}        │ {whole['bytes'] / size:6.0f} {whole['gzip_bytes'] / size:6.0f}"
        )
    c = results["concurrent_posting"]
    lines += [
        "",
        f"concurrent posting: {c['replies']} replies from {c['clients']} clients into one thread"
        f" of {c['thread_size_before']:,} comments: {c['seconds']:.2f} s"
        f" ({c['replies_per_second']:.0f}/s), errors {c['errors']}, lost {c['lost']},"
        f" tree {'valid' if c['tree_valid'] else 'BROKEN'}",
    ]
    for run in results["gunicorn"]:
        lines.append(
            f"gunicorn, {run['workers']} workers, cache {run['cache']}: {run['path']}"
            f" ({run['comments']:,} comments, first page), {run['connections']} connections,"
            f" {run['seconds']:.0f} s: {run['requests_per_second']:.0f} requests/s,"
            f" p50 {run['p50_ms']} ms, p99 {run['p99_ms']} ms, errors {run['errors']}"
        )
    lines += ["", *_calibrated(results), "", *_verdicts(results["targets"])]
    return "\n".join(lines)


def _verdicts(verdicts: list[dict]) -> list[str]:
    return [
        f"{'met   ' if t['met'] else 'MISSED'} {t['name']}: {t['value']} (target {t['limit']})"
        for t in verdicts
    ]


def calibration_lines(calibration: dict) -> list[str]:
    """The calibration loop's time and the load average, at the start and the end of a run."""
    start, end = calibration["start"], calibration["end"]
    return [
        f"calibration loop: {start['ms']:.0f} ms at the start, {end['ms']:.0f} ms at the end"
        f" (runs {start['runs_ms']}, {end['runs_ms']}); load average {start['load_average']}"
        f" at the start, {end['load_average']} at the end",
    ]


def _calibrated(results: dict) -> list[str]:
    # Every median again, as a multiple of the calibration loop at the start of the run.
    unit = results["calibration"]["start"]
    lines = [
        *calibration_lines(results["calibration"]),
        "the medians as multiples of the calibration loop (figures of other runs and machines"
        " compare in these):",
        "comments │ whole   first   permalink  post    vote    cached  oldest",
    ]
    kinds = ("whole_thread", "first_page", "permalink")
    for entry in results["sizes"]:
        pages = entry["pages"]
        values = [pages[kind]["median_ms"] for kind in kinds]
        values += [entry["post_reply"]["median_ms"], entry["cast_vote"]["median_ms"]]
        values += [pages["whole_thread_cached"]["median_ms"]]
        values += [pages["whole_thread_oldest"]["median_ms"]]
        cells = " ".join(f"{multiple(value, unit):7.4f}" for value in values)
        lines.append(f"{entry['comments']:8,d} │ {cells}")
    return lines


def scale_targets(results: dict) -> list[dict]:
    """The scale targets: each judged page within TARGET_SCALE_RATIO of the small site's time
    with the same queries, and the large site's import time and memory."""
    verdicts = []
    for name, ratio in results["ratios"].items():
        if not ratio["judged"]:
            continue
        verdicts.append(
            {
                "name": f"{name}: large vs small site (time; queries)",
                "value": [ratio["time"], ratio["queries"]],
                "limit": f"≤ {TARGET_SCALE_RATIO} times, the same queries",
                "met": ratio["time"] <= TARGET_SCALE_RATIO and len(set(ratio["queries"])) == 1,
            }
        )
    large = results["sites"][-1]
    imported = large["import"]
    verdicts.append(
        {
            "name": f"import of {large['comments']:,} comments (s)",
            "value": imported["seconds"],
            "limit": f"≤ {TARGET_IMPORT_SECONDS}",
            "met": imported["seconds"] <= TARGET_IMPORT_SECONDS,
        }
    )
    verdicts.append(
        {
            "name": "peak memory of the import, Python process (MB)",
            "value": imported["python_peak_mb"],
            "limit": f"≤ {TARGET_IMPORT_MB}",
            "met": imported["python_peak_mb"] <= TARGET_IMPORT_MB,
        }
    )
    return verdicts


def scale_table(results: dict) -> str:
    """The scale run: each site's import and sizes, each page on both sites, the ratios."""
    small, large = results["sites"]
    lines = []
    for site in (small, large):
        imported, sizes = site["import"], site["sizes"]
        comments = sizes["tables"]["articles_comment"]
        lines.append(
            f"site of {site['comments']:,} comments, {site['articles']:,} articles,"
            f" {site['users']:,} users: imported in {imported['seconds']} s"
            f" ({imported['comments_per_second']:,}/s), VACUUM ANALYZE"
            f" {imported['vacuum_analyze_seconds']} s, peak memory {imported['python_peak_mb']} MB"
            f" (Python), {imported['postgresql_peak_mb'] or '?'} MB (PostgreSQL backend);"
            f" database {sizes['database_mb']} MB, comments {comments['total_mb']} MB"
            f" ({comments['table_mb']} MB table, {comments['indexes_mb']} MB indexes)"
        )
        indexes = ", ".join(f"{name} {mb}" for name, mb in sizes["comment_indexes_mb"].items())
        lines.append(f"  comment indexes (MB): {indexes}")
    lines += [
        "",
        f"page                  │ {small['comments']:>9,} comments          │"
        f" {large['comments']:>9,} comments          │ large ÷ small",
        "                      │      ms      /cal   q     KB │      ms      /cal   q     KB │"
        "  time",
        "─" * 112,
    ]
    unit = results["calibration"]["start"]
    for name, ratio in results["ratios"].items():
        cells = []
        for site in (small, large):
            page = site["pages"][name]
            kb = f"{page['bytes'] / 1024:6.0f}" if "bytes" in page else "     -"
            cells.append(
                f"{page['median_ms']:8.1f} {multiple(page['median_ms'], unit):9.4f}"
                f" {page['queries']:3d} {kb}"
            )
        note = "" if ratio["judged"] else "  (not judged: the article grows)"
        lines.append(f"{name:22}│ {cells[0]} │ {cells[1]} │ {ratio['time']:6.2f}{note}")
    lines += ["", *calibration_lines(results["calibration"]), "", *_verdicts(results["targets"])]
    return "\n".join(lines)
