"""The page a thread is on (where a post lands): counted on the order's index, it says what the
plain count over every thread says."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Comment, PinnedComment
from articles.threads import selectors
from articles.threads.viewer import ANONYMOUS, Viewer
from tests.factories import make_comment, make_moderator, make_realistic_thread, make_user

pytestmark = pytest.mark.django_db

INDEXED = sorted(selectors._INDEXED_ROOT_KEYS)


@pytest.fixture
def threads(article, settings):
    settings.THREAD_PAGE_SIZE = 2
    poster = make_user()
    roots = [make_comment(article) for _ in range(8)]
    for index, root in enumerate(roots):
        Comment.objects.filter(pk=root.pk).update(upvotes=index % 3, downvotes=index % 2)
    make_comment(article, parent=roots[1])
    make_comment(article, parent=roots[3])  # shown for this reply once hidden
    Comment.objects.filter(pk__in=[roots[2].pk, roots[3].pk]).update(state=Comment.State.HIDDEN)
    pending = make_comment(article, author=poster)
    Comment.objects.filter(pk=pending.pk).update(state=Comment.State.PENDING)
    PinnedComment.objects.create(article=article, comment=roots[5], pinned_by=make_moderator())
    return [*Comment.objects.filter(article=article, parent=None)], poster


@pytest.mark.parametrize("sort", INDEXED)
def test_the_indexed_count_agrees_with_the_plain_one(threads, sort, monkeypatch):
    roots, poster = threads
    viewers = [ANONYMOUS, Viewer(poster.pk, False), Viewer(make_moderator().pk, True)]
    found = {
        (root.pk, viewer): selectors.thread_page_number(root, sort=sort, viewer=viewer)
        for root in roots
        for viewer in viewers
    }
    monkeypatch.setattr(selectors, "_INDEXED_ROOT_KEYS", {})
    plain = {
        (root.pk, viewer): selectors.thread_page_number(root, sort=sort, viewer=viewer)
        for root in roots
        for viewer in viewers
    }
    assert found == plain
    assert len(set(plain.values())) > 1  # the thread spreads over pages


@pytest.mark.parametrize("sort", INDEXED)
def test_the_count_reads_its_orders_index_alone(article, sort):
    comments = make_realistic_thread(article, 3_000)  # with votes, as the benchmark's
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_comment")
    with CaptureQueriesContext(connection) as queries:
        selectors.thread_page_number(comments[len(comments) // 2], sort=sort)
    index = {"best": "comment_roots_best_idx", "top": "comment_roots_top_idx"}.get(
        sort, "comment_article_roots_idx"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {queries[0]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Only Scan using {index} on articles_comment r" in plan
