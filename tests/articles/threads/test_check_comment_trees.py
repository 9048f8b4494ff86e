import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from articles.models import Comment
from articles.threads.integrity import tree_problems
from articles.threads.locks import lock_comment_tree
from tests.factories import make_article, make_comment, make_thread
from tests.treecheck import assert_trees_valid

pytestmark = pytest.mark.django_db


def tree_values(*tree_ids):
    return list(
        Comment.objects.filter(tree_id__in=tree_ids)
        .order_by("pk")
        .values_list("pk", "parent_id", "tree_id", "lft", "rght", "level")
    )


def check(*args):
    call_command("check_comment_trees", *map(str, args))


# Checking


def test_valid_trees_pass_and_say_how_many(article, capsys):
    make_thread(article, 12)
    check()
    trees = Comment.objects.values("tree_id").distinct().count()
    assert capsys.readouterr().out == f"All {trees} comment trees are valid (12 comments).\n"


def test_each_broken_tree_is_named_with_its_problems_and_the_exit_is_non_zero(article, capsys):
    first, second, fine = (make_comment(article) for _ in range(3))
    for root in (first, second, fine):
        make_comment(article, parent=root)
    Comment.objects.filter(parent=first).update(rght=40)
    Comment.objects.filter(parent=second).update(level=3)

    with pytest.raises(CommandError) as error:
        check()

    assert str(error.value) == (
        f"2 broken comment tree(s): {first.tree_id}, {second.tree_id}. "
        "Repair one with: manage.py check_comment_trees --repair TREE_ID"
    )
    err = capsys.readouterr().err
    assert f"Tree {first.tree_id} (article {article.slug}, top comment {first.pk}) is broken" in err
    assert "not exactly 1..2n" in err and "level is not its parent's level + 1" in err
    assert f"Tree {fine.tree_id} " not in err


def test_only_the_named_trees_are_checked(article, capsys):
    broken, fine = make_comment(article), make_comment(article)
    make_comment(article, parent=broken)
    Comment.objects.filter(parent=broken).update(level=7)
    check(fine.tree_id)
    assert "All 1 comment trees are valid (1 comments)." in capsys.readouterr().out
    with pytest.raises(CommandError):
        check(broken.tree_id)


def test_a_tree_that_does_not_exist_is_named_and_the_exit_is_2(article, capsys):
    fine = make_comment(article)
    with pytest.raises(CommandError) as error:
        check(fine.tree_id, 99999, 99998)
    assert error.value.returncode == 2
    assert str(error.value) == "No such comment tree: 99998, 99999 (no comment has that tree_id)."
    assert "valid" not in capsys.readouterr().out


def test_a_tree_with_many_problems_lists_the_first_few(article, capsys):
    root = make_comment(article)
    for _ in range(8):
        make_comment(article, parent=root)
    Comment.objects.filter(parent=root).update(level=4)
    with pytest.raises(CommandError):
        check()
    err = capsys.readouterr().err
    assert err.count("level is not its parent's level + 1") == 5
    assert "… and 3 more" in err


# Repairing


def test_repair_restores_a_scrambled_tree_exactly(article, capsys):
    make_thread(article, 40)
    tree_id = Comment.objects.filter(parent=None).order_by("-rght").first().tree_id
    before = tree_values(tree_id)
    # What a race without the lock leaves behind: two replies given the same place.
    Comment.objects.filter(tree_id=tree_id, parent__isnull=False).update(lft=5, rght=6, level=1)
    assert tree_problems()

    check("--repair", tree_id)

    assert tree_values(tree_id) == before
    out = capsys.readouterr().out
    assert f"Rebuilt tree(s) {tree_id} from parent links: {len(before)} comments" in out
    assert_trees_valid()


def test_repair_moves_a_reply_filed_under_the_wrong_tree_back_to_its_parent(article):
    root, other = make_comment(article), make_comment(article)
    reply = make_comment(article, parent=root)
    make_comment(article, parent=other)
    before = tree_values(root.tree_id, other.tree_id)
    Comment.objects.filter(pk=reply.pk).update(tree_id=other.tree_id, lft=5, rght=6)

    check("--repair", other.tree_id)

    assert tree_values(root.tree_id, other.tree_id) == before
    assert_trees_valid()


def test_repair_gives_a_second_top_level_comment_its_own_tree(article, capsys):
    first, second = make_comment(article), make_comment(article)
    reply = make_comment(article, parent=second)
    Comment.objects.filter(pk__in=[second.pk, reply.pk]).update(tree_id=first.tree_id)

    check("--repair", first.tree_id)

    second.refresh_from_db()
    reply.refresh_from_db()
    assert second.tree_id not in (first.tree_id, reply.pk) and reply.tree_id == second.tree_id
    assert (second.lft, second.rght, reply.lft, reply.rght) == (1, 4, 2, 3)
    assert f"Rebuilt tree(s) {first.tree_id}, {second.tree_id}" in capsys.readouterr().out
    assert_trees_valid()


def test_repair_refuses_a_loop_of_parent_links_and_changes_nothing(article):
    root = make_comment(article)
    upper = make_comment(article, parent=root)
    lower = make_comment(article, parent=upper)
    Comment.objects.filter(pk=upper.pk).update(parent=lower, level=9)
    before = tree_values(root.tree_id)

    with pytest.raises(CommandError) as error:
        check("--repair", root.tree_id)

    assert f"Comments {upper.pk}, {lower.pk} have no top-level comment above them" in str(
        error.value
    )
    assert tree_values(root.tree_id) == before


def test_repair_refuses_a_tree_that_is_all_loop(article):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    Comment.objects.filter(pk=root.pk).update(parent=reply)

    with pytest.raises(CommandError, match=f"Comments {root.pk}, {reply.pk} have no top-level"):
        check("--repair", root.tree_id)


def test_repair_refuses_a_reply_on_another_article_and_changes_nothing(article):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    Comment.objects.filter(pk=reply.pk).update(article=make_article(), level=4)
    before = tree_values(root.tree_id)

    with pytest.raises(CommandError) as error:
        check("--repair", root.tree_id)

    assert "nothing was changed" in str(error.value) and "on another article" in str(error.value)
    assert tree_values(root.tree_id) == before


def test_repair_of_a_valid_tree_changes_nothing(article, capsys):
    root = make_comment(article)
    make_comment(article, parent=root)
    check("--repair", root.tree_id)
    assert capsys.readouterr().out == f"Tree {root.tree_id} is valid; nothing to repair.\n"


def test_repair_of_an_unknown_tree_is_an_error(db):
    with pytest.raises(CommandError, match="There is no comment tree 424242"):
        check("--repair", 424242)


def test_a_repaired_tree_takes_new_replies(article, user):
    root = make_comment(article)
    replies = [make_comment(article, parent=root) for _ in range(3)]
    Comment.objects.filter(tree_id=root.tree_id).update(lft=1, rght=2)
    check("--repair", root.tree_id)
    make_comment(article, parent=Comment.objects.get(pk=replies[1].pk), author=user)
    assert_trees_valid()


@pytest.mark.django_db(transaction=True)
def test_repair_waits_for_the_trees_lock():
    article = make_article()
    root = make_comment(article)
    make_comment(article, parent=root)
    Comment.objects.filter(parent=root).update(level=5)
    outcome = []

    def repair():
        try:
            check("--repair", root.tree_id)
            outcome.append("repaired")
        finally:
            connection.close()

    with transaction.atomic():
        lock_comment_tree(root.tree_id)  # a poster in the middle of writing to this tree
        worker = threading.Thread(target=repair)
        worker.start()
        assert wait_for_advisory_lock_waiter(root.tree_id), "the repair did not wait for the lock"
        assert outcome == [] and tree_problems()  # nothing written while the lock is held
    worker.join(timeout=30)
    assert outcome == ["repaired"]
    assert_trees_valid()


def wait_for_advisory_lock_waiter(tree_id, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND objid = %s AND pid <> pg_backend_pid()",
                [tree_id],
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False
