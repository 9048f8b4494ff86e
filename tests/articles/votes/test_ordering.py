"""Best, Top and the older orders of a voted thread, top level and among siblings; pins."""

import pytest

from articles.models import Comment
from articles.threads import selectors
from articles.threads.ranking import wilson_lower_bound
from articles.votes import services
from tests.factories import make_bulk_thread, make_realistic_thread

pytestmark = pytest.mark.django_db


def scored(comment, up, down):
    # The page reads only the totals: set them as votes would have left them.
    Comment.objects.filter(pk=comment.pk).update(upvotes=up, downvotes=down)


@pytest.fixture
def voted(article):
    """Roots A..E and A's replies a1 (with a reply a1x), a2, a3, scored so that Best (Wilson
    lower bound), Top (net) and Oldest all differ."""
    a, a1, a1x, a2, a3, b, c, d, e = make_bulk_thread(
        article, [None, 0, 1, 0, 0, None, None, None, None]
    )
    for comment, up, down in [
        (b, 1, 0),  # Wilson .378, net 1
        (c, 20, 15),  # Wilson .463, net 5
        (d, 4, 0),  # Wilson .709, net 4
        (e, 0, 1),  # Wilson 0 (ties with A: A is older), net -1
        (a2, 10, 6),  # Wilson .465, net 4
        (a3, 3, 0),  # Wilson .646, net 3
    ]:
        scored(comment, up, down)
    return {"a": a, "a1": a1, "a1x": a1x, "a2": a2, "a3": a3, "b": b, "c": c, "d": d, "e": e}


def names(article, voted, sort, **page):
    by_pk = {comment.pk: name for name, comment in voted.items()}
    shown = selectors.thread_page(article, sort=sort, **page).comments
    return [by_pk[comment.pk] for comment in shown]


def test_best_top_and_oldest_differ_top_level_and_among_siblings(article, voted):
    assert names(article, voted, "best") == ["d", "c", "b", "a", "a3", "a2", "a1", "a1x", "e"]
    assert names(article, voted, "top") == ["c", "d", "b", "a", "a2", "a3", "a1", "a1x", "e"]
    assert names(article, voted, "oldest") == ["a", "a1", "a1x", "a2", "a3", "b", "c", "d", "e"]
    assert selectors.DEFAULT_SORT == "best"


def test_the_whole_discussion_and_its_pages_agree(article, voted, settings):
    whole = names(article, voted, "best", number=None)
    settings.THREAD_PAGE_SIZE = 2
    paged = [name for n in (1, 2, 3) for name in names(article, voted, "best", number=n)]
    assert paged == whole
    for sort in ("best", "top"):
        for comment in voted.values():
            number = selectors.thread_page_number(comment, sort=sort)
            on_page = selectors.thread_page(article, sort=sort, number=number).comments
            assert comment.pk in [shown.pk for shown in on_page], (sort, comment.pk)


def test_without_votes_best_reads_exactly_like_oldest(article):
    make_realistic_thread(article, 300)
    best = selectors.thread_page(article, sort="best", number=None).comments
    oldest = selectors.thread_page(article, sort="oldest", number=None).comments
    assert [c.pk for c in best] == [c.pk for c in oldest]


@pytest.mark.parametrize("sort", list(selectors.THREAD_SORTS))
def test_the_pinned_thread_comes_first_in_every_order(article, voted, moderator, sort, settings):
    settings.THREAD_PAGE_SIZE = 2
    services.comment_pin(comment=voted["e"], moderator=moderator)
    for number in (1, None):
        shown = selectors.thread_page(article, sort=sort, number=number).comments
        assert shown[0].pk == voted["e"].pk
        assert shown[0].pinned
        assert not any(comment.pinned for comment in shown[1:])
    assert selectors.thread_page_number(voted["e"], sort=sort) == 1


def test_permalink_pages_rank_replies_too(article, voted):
    thread = selectors.subthread_for_comment(voted["a"])
    by_pk = {comment.pk: name for name, comment in voted.items()}
    assert [by_pk[c.pk] for c in thread.comments] == ["a", "a3", "a2", "a1", "a1x"]


def test_sql_and_python_wilson_agree(article, voted):
    from django.db import connection

    from articles.threads.ranking import wilson_sql

    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(  # constant SQL; the article id is a parameter
            f"SELECT c.upvotes, c.downvotes, {wilson_sql('c')} FROM {table} c"  # noqa: S608
            " WHERE c.article_id = %s",
            [article.pk],
        )
        for up, down, bound in cursor.fetchall():
            assert bound == wilson_lower_bound(up, down)
