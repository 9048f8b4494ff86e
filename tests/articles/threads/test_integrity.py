import pytest

from articles.models import Comment
from articles.threads.integrity import tree_problems
from tests.factories import make_article, make_comment, make_thread

pytestmark = pytest.mark.django_db


def test_a_valid_forest_has_no_problems(article):
    make_thread(article, 30)
    assert tree_problems() == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rght": 99}, "not exactly 1..2n"),
        ({"level": 5}, "level is not its parent's level + 1"),
        ({"lft": 7, "rght": 8}, "not inside its parent"),
    ],
)
def test_each_kind_of_damage_is_named(article, change, message):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    Comment.objects.filter(pk=reply.pk).update(**change)
    problems = tree_problems()
    assert list(problems) == [root.tree_id]
    assert any(message in problem for problem in problems[root.tree_id])


def test_reply_on_another_article_is_named(article):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    Comment.objects.filter(pk=reply.pk).update(article=make_article())
    assert "on another article" in " ".join(tree_problems()[root.tree_id])


def test_two_roots_in_one_tree_are_named(article):
    first = make_comment(article)
    second = make_comment(article)
    Comment.objects.filter(pk=second.pk).update(tree_id=first.tree_id, lft=3, rght=4)
    assert "2 top-level comments" in " ".join(tree_problems()[first.tree_id])


def test_only_the_asked_trees_are_checked(article):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    Comment.objects.filter(pk=reply.pk).update(level=9)
    assert tree_problems(tree_ids=[root.tree_id + 1000]) == {}


def test_reply_nested_inside_a_sibling_of_its_parent_is_named(article):
    root = make_comment(article)
    first = make_comment(article, parent=root)
    second = make_comment(article, parent=root)
    # Bounds, levels and "inside its parent" all still hold; only the nesting lies: mptt would
    # now call the second reply a reply to the first.
    Comment.objects.filter(pk=first.pk).update(lft=2, rght=5)
    Comment.objects.filter(pk=second.pk).update(lft=3, rght=4)
    found = tree_problems()[root.tree_id]
    assert found == [
        f"comment {second.pk}: lft/rght place it under comment {first.pk}, "
        f"not under its parent {root.pk}"
    ]


def test_overlapping_siblings_are_named(article):
    root = make_comment(article)
    first = make_comment(article, parent=root)
    second = make_comment(article, parent=root)
    below_second = make_comment(article, parent=second)
    # root 1..8; first 2..5 and second 3..7 overlap, each is still inside the root.
    Comment.objects.filter(pk=first.pk).update(lft=2, rght=5)
    Comment.objects.filter(pk=second.pk).update(lft=3, rght=7)
    Comment.objects.filter(pk=below_second.pk).update(lft=4, rght=6)
    assert tree_problems()[root.tree_id] == [
        f"comment {second.pk}: lft/rght overlap comment {first.pk}'s"
    ]


def test_a_reply_filed_under_another_tree_is_named(article):
    root = make_comment(article)
    other = make_comment(article)
    reply = make_comment(article, parent=root)
    Comment.objects.filter(pk=reply.pk).update(tree_id=other.tree_id, lft=3, rght=4)
    problems = tree_problems()
    assert f"comment {reply.pk}: its parent is in another tree" in problems[other.tree_id]
    assert root.tree_id in problems  # the gap it left behind
