import os
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Comment
from articles.portability import read_articles
from articles.portability.records import ImportReport
from articles.portability.store import archive_import
from articles.threads.integrity import tree_problems


class Command(BaseCommand):
    """Time a Disqus import of a generated export, then roll it back.

    Writes a Disqus export of ``--comments`` posts across ``--articles`` threads (a third
    top-level, the rest replies to an earlier post of the same thread, posts of all threads
    interleaved as in a real export) to a temporary file, imports it into the current database
    inside a transaction that is rolled back, and prints the time and the peak memory of the
    process. Nothing is left in the database. Other processes on the machine slow it down: read
    the CPU time next to the wall time.
    """

    help = "Benchmark importing a generated Disqus export (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--comments", type=int, default=100_000)
        parser.add_argument("--articles", type=int, default=100)
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument(
            "--check", action="store_true", help="also check the imported trees before rollback"
        )

    def handle(self, *args, comments, articles, seed, check, **options):
        with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as out:
            path = out.name
            write_disqus_export(out, comments=comments, articles=articles, seed=seed)
        size = os.path.getsize(path)
        self.stdout.write(
            f"Generated {path}: {comments:,} comments across {articles} articles, "
            f"{size / 2**20:.1f} MiB."
        )
        report = ImportReport()
        try:
            with transaction.atomic():
                started, cpu_started = time.perf_counter(), time.process_time()
                with open(path, "rb") as stream:
                    archive_import(
                        articles=read_articles(stream, fmt="disqus", report=report), report=report
                    )
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu_started
                stored = Comment.objects.count()
                problems = tree_problems() if check else None
                transaction.set_rollback(True)
        finally:
            os.unlink(path)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        self.stdout.write(
            f"Imported {report.totals['comments_new']:,} comments into "
            f"{report.totals['articles_new']} articles in {elapsed:.2f} s "
            f"({report.totals['comments_new'] / elapsed:,.0f} comments/s; {cpu:.2f} s of it "
            f"Python's CPU time, the rest PostgreSQL and waiting); "
            f"peak memory (max RSS of the process) {peak:.0f} MiB."
        )
        if problems is not None:
            self.stdout.write(f"Trees checked: {stored:,} comments, {len(problems)} broken trees.")
        self.stdout.write("Rolled back: the database is as it was.")


def write_disqus_export(out, *, comments: int, articles: int, seed: int) -> None:
    """A plausible Disqus export, written as a stream (memory does not grow with its size)."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    start = datetime(2015, 1, 1, tzinfo=UTC)
    out.write(
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
    )
    for thread in range(articles):
        created = (start + timedelta(days=thread)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.write(
            f'<thread dsq:id="{900_000 + thread}"><id>bench-{thread}</id><forum>bench</forum>'
            f"<link>https://bench.example.com/{thread}/bench-article-{thread}/</link>"
            f"<title>Benchmark article {thread}</title><message></message>"
            f"<createdAt>{created}</createdAt><isClosed>false</isClosed>"
            f"<isDeleted>false</isDeleted></thread>\n".encode()
        )
    posts_of: list[list[int]] = [[] for _ in range(articles)]
    words = [
        "the",
        "of",
        "chips",
        "servers",
        "open",
        "source",
        "thread",
        "reply",
        "bank",
        "price",
        "market",
        "law",
    ]
    for post in range(comments):
        thread = rng.randrange(articles)
        siblings = posts_of[thread]
        parent = ""
        if siblings and rng.random() < 2 / 3:
            parent = f'<parent dsq:id="{rng.choice(siblings[-50:])}"/>'
        siblings.append(post)
        text = " ".join(rng.choices(words, k=rng.randrange(10, 60)))
        created = (start + timedelta(seconds=30 * post)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.write(
            f'<post dsq:id="{post}"><id/><message><![CDATA[<p>{escape(text)}</p>]]></message>'
            f"<createdAt>{created}</createdAt><isDeleted>false</isDeleted>"
            f"<isSpam>false</isSpam><author><name>Reader {post % 997}</name>"
            f"<isAnonymous>false</isAnonymous><username>reader{post % 997}</username></author>"
            f'<thread dsq:id="{900_000 + thread}"/>{parent}</post>\n'.encode()
        )
    out.write(b"</disqus>\n")
