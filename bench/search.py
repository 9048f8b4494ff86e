"""Search at scale: ranked searches over a corpus of generated comments, and what keeping the
search vectors costs posting. Imported once Django is set up (bench/run.py)."""

import random
import time
from statistics import median
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment, SearchDocument, Topic
from articles.search.selectors import MAX_RESULTS, Criteria, search_page
from bench.generate import add_discussion, make_users
from bench.measure import _interleaved, _ms, _queries, _reply

TARGET_SEARCH_MS = 50
TARGET_POSTING_RATIO = 1.2
ARTICLES = 100
# Searches a reader might type: a common word, rarer ones, two words, a phrase, an exclusion,
# an "or", and the filters (comments only, one topic, one author).
SEARCHES = (
    {"q": "server"},
    {"q": "kubernetes"},
    {"q": "encryption backdoor"},
    {"q": '"supply chain"'},
    {"q": "linux -windows"},
    {"q": "cobol or fortran"},
    {"q": "mainframe", "kind": "comments"},
    {"q": "price", "topic": "topic-1"},
    {"q": "security", "author": "searcher7"},
)
# The trigger that writes a new comment's vector (migration 0014_search).
_VECTOR_TRIGGER = "articles_comment_search_insert"


def corpus(comments: int, *, articles: int = ARTICLES) -> float:
    """``comments`` generated comments spread over ``articles`` published articles under ten
    topics, written in bulk like an import (their vectors by the trigger, in the same COPY's
    statement); the seconds it took."""
    started = time.perf_counter()
    users = make_users(200, prefix="searcher")
    topics = [Topic.objects.create(name=f"Topic {i}", slug=f"topic-{i}") for i in range(10)]
    per_article, rest = divmod(comments, articles)
    now = timezone.now()
    for index in range(articles):
        article = Article.objects.create(
            title=f"Search corpus article {index}",
            slug=f"search-corpus-{index}",
            summary="Generated for the search benchmark.",
            body="Generated for the search benchmark.",
            published_at=now,
        )
        article.topics.add(topics[index % len(topics)])
        size = per_article + (index < rest)
        if size:
            add_discussion(article, size, seed=10_000 + index, users=users)
    with connection.cursor() as cursor:
        # What autovacuum would have done by the time anyone searches a grown forum.
        for model in (SearchDocument, Comment, Article):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return time.perf_counter() - started


def searching(*, runs: int, warmup: int) -> dict:
    """Each of ``SEARCHES`` through the real view as an anonymous reader: median time,
    queries and results; and the median of every search run."""
    client = Client()
    urls = {urlencode(search): f"{reverse('search')}?{urlencode(search)}" for search in SEARCHES}

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    timings = _interleaved(
        {key: (lambda url=url: get(url)) for key, url in urls.items()}, runs=runs, warmup=warmup
    )
    searches = {}
    for search in SEARCHES:
        key = urlencode(search)
        searches[key] = {
            "median_ms": _ms(median(timings[key])),
            "results": _found(search),
            "queries": _queries(lambda url=urls[key]: get(url)),
        }
    every = [timing for runs_of_one in timings.values() for timing in runs_of_one]
    return {
        "documents": SearchDocument.objects.count(),
        "median_ms": _ms(median(every)),
        "searches": searches,
    }


def _found(search: dict) -> int:
    criteria = Criteria(
        text=search["q"],
        kind=search.get("kind", "all"),
        topic=search.get("topic", ""),
        author=search.get("author", ""),
    )
    paginator = search_page(criteria).paginator
    return paginator.count + paginator.more  # MAX_RESULTS + 1: more than the page counts


def posting_cost(article: Article, *, posts: int, rng: random.Random) -> dict:
    """Replies through the real view with and without the trigger that writes their search
    vector, in alternating blocks (a replan after each switch is not timed), on the same
    machine at the same time: what keeping search current costs a post."""
    client = Client()
    client.force_login(make_users(1, prefix="searchposter")[0])
    parents = list(Comment.objects.filter(article=article).values_list("pk", flat=True))
    table = connection.ops.quote_name(Comment._meta.db_table)
    timings: dict[str, list[float]] = {"with": [], "without": []}
    block = 5
    try:
        for _ in range(max(1, posts // block)):
            for variant in ("without", "with"):
                action = "ENABLE" if variant == "with" else "DISABLE"
                with connection.cursor() as cursor:
                    cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {_VECTOR_TRIGGER}")
                _reply(client, article, rng.choice(parents))
                for _ in range(block):
                    started = time.perf_counter()
                    _reply(client, article, rng.choice(parents))
                    timings[variant].append(time.perf_counter() - started)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {_VECTOR_TRIGGER}")
    with_ms, without_ms = _ms(median(timings["with"])), _ms(median(timings["without"]))
    return {
        "posts": len(timings["with"]),
        "with_vector_ms": with_ms,
        "without_vector_ms": without_ms,
        "ratio": round(with_ms / without_ms, 2),
        "queries": _queries(lambda: _reply(client, article, rng.choice(parents))),
    }


def targets(results: dict) -> list[dict]:
    """The issue's search targets: median search time, posting with vectors vs without."""
    searched, posting = results["searching"], results["posting"]
    return [
        {
            "name": f"search over {results['comments']:,} comments, median (ms)",
            "value": searched["median_ms"],
            "limit": f"≤ {TARGET_SEARCH_MS}",
            "met": searched["median_ms"] <= TARGET_SEARCH_MS,
        },
        {
            "name": "posting with its search vector vs without",
            "value": posting["ratio"],
            "limit": f"≤ {TARGET_POSTING_RATIO} times",
            "met": posting["ratio"] <= TARGET_POSTING_RATIO,
        },
    ]


def table(results: dict) -> str:
    """The search figures, a line each."""
    searched, posting = results["searching"], results["posting"]
    lines = [
        f"search over {results['comments']:,} comments ({searched['documents']:,} documents,"
        f" generated in {results['generate_seconds']:.1f} s): median {searched['median_ms']} ms",
    ]
    for key, figures in searched["searches"].items():
        found = figures["results"]
        found = f"{found - 1:,}+" if found > MAX_RESULTS else f"{found:,}"
        lines.append(
            f"  {key}: {figures['median_ms']} ms, {found} results, {figures['queries']} queries"
        )
    lines.append(
        f"posting a reply with its search vector: {posting['with_vector_ms']} ms, without:"
        f" {posting['without_vector_ms']} ms ({posting['ratio']} times, {posting['posts']} posts"
        " each)"
    )
    return "\n".join(lines)


def run(*, comments: int, article: Article, runs: int, posts: int, rng) -> dict:
    """Generate the corpus, search it, compare posting; the figures and their targets."""
    generated = corpus(comments)
    results = {
        "comments": comments,
        "generate_seconds": round(generated, 2),
        "searching": searching(runs=runs, warmup=2),
        "posting": posting_cost(article, posts=posts, rng=rng),
    }
    results["targets"] = targets(results)
    return results
