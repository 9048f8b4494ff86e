"""The benchmark's verdict and its printed table."""

# The targets on a 2-core machine, server-side medians.
TARGET_WHOLE_MS = {1_000: 30, 10_000: 120}
TARGET_CACHED_MS = {10_000: 5}  # the whole thread served from the page cache
TARGET_WIRE_BYTES = 120  # gzipped bytes a comment, the whole 10,000-comment thread
TARGET_FIRST_PAGE_MS = {10_000: 30}
TARGET_MAX_QUERIES = 8
TARGET_POST_MS = 10
TARGET_POST_GROWTH = 1.5
TARGET_VOTE_MS = 5
TARGET_BEST_VS_OLDEST = 1.2


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
    lines.append("")
    for t in results["targets"]:
        lines.append(
            f"{'met   ' if t['met'] else 'MISSED'} {t['name']}: {t['value']} (target {t['limit']})"
        )
    return "\n".join(lines)
