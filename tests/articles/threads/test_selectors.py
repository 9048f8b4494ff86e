"""Thread pages as the selectors build them: which threads, in which order, on which page."""

import pytest

from articles.models import Comment
from articles.threads import selectors
from tests.factories import make_article, make_bulk_thread, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_page(settings):
    settings.THREAD_PAGE_SIZE = 2


def threads_with_replies(article, reply_counts):
    """One top-level thread per entry, each with that many direct replies; returns the roots."""
    parents = []
    for count in reply_counts:
        root = len(parents)
        parents += [None] + [root] * count
    comments = make_bulk_thread(article, parents)
    return [comment for comment, parent in zip(comments, parents, strict=True) if parent is None]


def roots_of(page):
    return [comment.pk for comment in page.comments if comment.level == 0]


def test_a_page_knows_its_place_among_all_threads(article, two_per_page):
    roots = threads_with_replies(article, [1, 0, 2, 0, 0])
    page = selectors.thread_page(article, number=2)
    assert roots_of(page) == [roots[2].pk, roots[3].pk]
    assert len(page) == 4  # the two threads, whole
    assert (page.threads, page.total) == (5, 8)
    assert (page.first_thread, page.last_thread, page.threads_after) == (3, 4, 1)
    assert page.has_next
    assert not selectors.thread_page(article, number=3).has_next
    assert not selectors.thread_page(article, number=None).has_next


@pytest.mark.parametrize("sort", ["oldest", "newest", "replies"])
def test_every_comment_is_on_the_page_its_number_says(article, two_per_page, sort):
    roots = threads_with_replies(article, [1, 3, 0, 3, 2, 0, 1])
    for comment in Comment.objects.filter(article=article):
        number = selectors.thread_page_number(comment, sort=sort)
        page = selectors.thread_page(article, sort=sort, number=number)
        assert comment.pk in [shown.pk for shown in page.comments], (sort, comment.pk)
    # Ties in "most replies" go to the older thread.
    replies_order = roots_of(selectors.thread_page(article, sort="replies", number=None))
    assert replies_order == [r.pk for r in (roots[1], roots[3], roots[4], roots[0], roots[6])] + [
        roots[2].pk,
        roots[5].pk,
    ]


def test_unknown_sort_names_mean_the_default():
    assert selectors.thread_sort("newest") == "newest"
    assert selectors.thread_sort("'; drop table") == selectors.DEFAULT_SORT
    assert selectors.thread_sort(None) == selectors.DEFAULT_SORT


def test_nesting_marks_follow_the_tree(article):
    # a; a.1; a.1.1; a.2; b
    make_bulk_thread(article, [None, 0, 1, 0, None])
    marks = [(c.level, c.opens, c.closers) for c in selectors.thread_page(article).comments]
    assert marks == [(0, True, 0), (1, True, 0), (2, False, 1), (1, False, 1), (0, False, 0)]


def test_a_comment_loaded_before_a_reply_moved_it_still_heads_its_own_subthread():
    """The permalink page loads the comment, then its subthread: a reply posted in between
    shifts the comment's bounds, and the stale ones left it out of its own page (a 500)."""
    article = make_article()
    top = make_comment(article)
    child = make_comment(article, parent=top)
    loaded = Comment.objects.select_related("article").get(pk=child.pk)
    reply = make_comment(article, parent=child)  # moves child's rght by 2

    comments = selectors.subthread_for_comment(loaded).comments
    assert [c.pk for c in comments] == [child.pk, reply.pk]
