import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from articles.models import Comment
from articles.moderation import services as moderation
from articles.posting import services
from tests.factories import make_article, make_comment, make_user
from tests.treecheck import assert_trees_valid

pytestmark = pytest.mark.django_db


def test_top_level_comments_get_their_own_trees(article, user):
    first = make_comment(article, author=user)
    second = make_comment(article, author=user)
    assert first.tree_id != second.tree_id
    assert (first.lft, first.rght, first.level) == (1, 2, 0)
    assert_trees_valid()


def test_reply_at_any_depth_nests_under_its_parent(article, user):
    node = make_comment(article, author=user)
    chain = [node]
    for _ in range(12):
        node = make_comment(article, parent=node, author=user)
        chain.append(node)
    node.refresh_from_db()
    assert node.level == 12
    assert [c.pk for c in node.get_ancestors()] == [c.pk for c in chain[:-1]]
    assert_trees_valid()


def test_replies_become_the_last_reply_of_their_parent_and_later_comments_make_room(article, user):
    root = make_comment(article, author=user)
    first, second = (make_comment(article, parent=root, author=user) for _ in range(2))
    under_first = make_comment(article, parent=first, author=user)  # inside, before `second`
    third = make_comment(article, parent=root, author=user)
    assert [c.pk for c in root.get_children()] == [first.pk, second.pk, third.pk]
    order = Comment.objects.filter(tree_id=root.tree_id).order_by("lft")
    assert [c.pk for c in order] == [root.pk, first.pk, under_first.pk, second.pk, third.pk]
    assert [(c.lft, c.rght, c.level) for c in order] == [
        (1, 10, 0),
        (2, 5, 1),
        (3, 4, 2),
        (6, 7, 1),
        (8, 9, 1),
    ]
    assert_trees_valid()


def test_body_is_rendered_and_sanitised_once_when_written(article, user):
    comment = services.comment_post(
        article=article,
        parent=None,
        author=user,
        body="**bold** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    assert "<strong>bold</strong>" in comment.body_html
    assert "<script>" not in comment.body_html
    assert 'href="javascript' not in comment.body_html
    assert Comment.objects.get(pk=comment.pk).body_html == comment.body_html


@pytest.mark.parametrize(
    ("body", "title", "message"),
    [
        ("   ", "", "Write something"),
        ("x" * 10_001, "", "limited to 10,000 characters"),
        ("fine", "t" * 201, "limited to 200 characters"),
    ],
)
def test_invalid_comments_are_refused_and_nothing_is_stored(article, user, body, title, message):
    with pytest.raises(ValidationError) as error:
        services.comment_post(article=article, parent=None, author=user, body=body, title=title)
    assert message in str(error.value)
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_article_is_refused(article, user):
    other = make_comment(make_article(), author=user)
    with pytest.raises(ValidationError, match="same article"):
        services.comment_post(article=article, parent=other, author=user, body="hi")
    assert Comment.objects.count() == 1


def test_a_reply_to_a_comment_hidden_since_it_was_read_is_refused(article, user, moderator):
    parent = make_comment(article)
    as_read_by_the_view = Comment.objects.get(pk=parent.pk)
    moderation.comment_hide(comment=parent, moderator=moderator)
    with pytest.raises(ValidationError, match="only reply to a comment that is shown"):
        services.comment_post(
            article=article, parent=as_read_by_the_view, author=user, body="Too late"
        )
    assert not Comment.objects.filter(body="Too late").exists()


def test_closed_article_refuses_comments(user):
    closed = make_article(comments_open=False)
    with pytest.raises(ValidationError, match="closed"):
        services.comment_post(article=closed, parent=None, author=user, body="hi")
    assert not Comment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_into_one_thread_lose_nothing_and_keep_the_tree_valid():
    article = make_article()
    user = make_user()
    root = make_comment(article, author=user)
    targets = [root] + [make_comment(article, parent=root, author=user) for _ in range(3)]
    workers, per_worker = 8, 10
    # One author per worker: posts by the same author are serialised on purpose (duplicate
    # check), which would keep the thread's lock from ever being contended.
    authors = [make_user() for _ in range(workers)]
    errors = []
    barrier = threading.Barrier(workers)

    def post_replies(worker):
        try:
            barrier.wait()
            for i in range(per_worker):
                parent = targets[(worker + i) % len(targets)]
                services.comment_post(
                    article=article, parent=parent, author=authors[worker], body=f"w{worker} r{i}"
                )
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=post_replies, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Comment.objects.count() == len(targets) + workers * per_worker
    root.refresh_from_db()
    assert root.get_descendant_count() == len(targets) - 1 + workers * per_worker
    assert_trees_valid()


def test_bulk_insert_numbers_whole_trees(article, user):
    parents = [None, 0, 1, 1, 0, None, 5]
    rows = [{"author_id": user.pk, "body": f"b{i}", "body_html": f"<p>b{i}</p>"} for i in parents]
    ids = services.comment_bulk_insert(article=article, rows=rows, parent_indexes=parents)
    stored = Comment.objects.in_bulk(ids)
    comments = [stored[pk] for pk in ids]
    assert [stored[c.pk].parent_id for c in comments[1:5]] == [c.pk for c in comments[0:2]] + [
        comments[1].pk,
        comments[0].pk,
    ]
    assert (stored[comments[0].pk].lft, stored[comments[0].pk].rght) == (1, 10)
    assert stored[comments[0].pk].tree_id != stored[comments[5].pk].tree_id
    assert_trees_valid()


def test_bulk_insert_fills_a_column_some_rows_leave_out_with_its_default(article, user):
    rows = [{"author_id": user.pk, "body": f"b{i}", "body_html": f"<p>b{i}</p>"} for i in range(3)]
    rows[1]["state"] = Comment.State.REMOVED
    ids = services.comment_bulk_insert(article=article, rows=rows, parent_indexes=[None, 0, 1])
    stored = Comment.objects.in_bulk(ids)
    assert [stored[pk].state for pk in ids] == ["visible", "removed", "visible"]


@pytest.mark.parametrize(
    ("parents", "count", "message"),
    [
        ([None, 0, None, 1], 4, "does not follow its parent"),  # 1's tree was already closed
        ([None, 2, None], 3, "comes before its parent"),
        ([0], 1, "comes before its parent"),
        ([None, None], 3, "differ in length"),
    ],
)
def test_bulk_insert_refuses_what_is_not_a_pre_order_walk(article, user, parents, count, message):
    rows = [{"author_id": user.pk, "body": "b", "body_html": "<p>b</p>"} for _ in range(count)]
    with pytest.raises(ValueError, match=message):
        services.comment_bulk_insert(article=article, rows=rows, parent_indexes=parents)
    assert not Comment.objects.exists()
