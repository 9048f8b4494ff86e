import pytest

from articles.integrity import tree_problems
from articles.models import Comment
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
