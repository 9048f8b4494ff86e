"""Each member's figures (visible comments, their net score), kept by the comment table's
triggers whatever path writes: posting, moderation, votes, bulk import, deletes; what a profile
shows from them; and their check and repair."""

import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles.accounts.selectors import public_profile
from articles.models import Article, Comment, MemberFigures
from articles.moderation import services as moderation
from articles.posting.services import comment_delete, comment_post
from articles.votes.selectors import member_figure_problems
from articles.votes.services import DOWN, UP, vote_cast
from tests.factories import (
    make_article,
    make_bulk_thread,
    make_comment,
    make_moderator,
    make_user,
    make_votes,
)

pytestmark = pytest.mark.django_db


def figures(user):
    row = MemberFigures.objects.filter(user=user).first()
    return (row.comment_count, row.karma) if row else (0, 0)


def test_posting_and_votes_count_and_withdrawn_votes_take_back():
    member, article = make_user(), make_article()
    assert figures(member) == (0, 0)
    comment = make_comment(article, author=member)
    make_comment(article, author=member, parent=comment)
    assert figures(member) == (2, 0)
    make_votes(comment, up=3, down=1)
    assert figures(member) == (2, 2)
    voter = make_user(password=None)
    vote_cast(comment_id=comment.pk, voter=voter, value=UP)
    assert figures(member) == (2, 3)
    vote_cast(comment_id=comment.pk, voter=voter, value=DOWN)  # replaces the up vote
    assert figures(member) == (2, 1)
    vote_cast(comment_id=comment.pk, voter=voter, value=DOWN)  # withdraws it
    assert figures(member) == (2, 2)


def test_hiding_restoring_and_deleting_take_back_and_give_back_count_and_score():
    member, article = make_user(), make_article()
    kept, hidden = make_comment(article, author=member), make_comment(article, author=member)
    make_votes(kept, up=1)
    make_votes(hidden, up=4)
    assert figures(member) == (2, 5)
    moderator = make_moderator()
    moderation.comment_hide(comment=hidden, moderator=moderator, reason="rude")
    assert figures(member) == (1, 1)
    moderation.comment_restore(comment=hidden, moderator=moderator)
    assert figures(member) == (2, 5)
    comment_delete(comment=hidden, user=member)
    assert figures(member) == (1, 1)


def test_bulk_inserts_count_every_author_and_raw_deletes_take_back():
    member, other, article = make_user(), make_user(), make_article()
    make_bulk_thread(article, [None, 0, 1, None], author=member)
    make_bulk_thread(article, [None, 0], author=other)
    assert (figures(member), figures(other)) == ((4, 0), (2, 0))
    # Imported comments without an account count for nobody.
    Comment.objects.filter(author=other).update(author=None)
    assert figures(other) == (0, 0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_comment WHERE article_id = %s", [article.pk])
    assert figures(member) == (0, 0)


def test_a_profile_leaves_out_comments_on_articles_not_public():
    member = make_user()
    shown, withdrawn = make_article(), make_article()
    make_votes(make_comment(shown, author=member), up=2)
    make_votes(make_comment(withdrawn, author=member), up=5)
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)
    profile = public_profile(member.username)
    assert (profile.comment_count, profile.karma) == (1, 2)
    assert figures(member) == (2, 7)


def test_the_checker_finds_and_repairs_wrong_member_figures():
    member, article = make_user(), make_article()
    make_votes(make_comment(article, author=member), up=2)
    MemberFigures.objects.filter(user=member).update(comment_count=9, karma=-4)
    lost = make_user()
    make_comment(article, author=lost)
    MemberFigures.objects.filter(user=lost).delete()
    with pytest.raises(CommandError, match="2 member"):
        call_command("check_vote_counts", stderr=io.StringIO())
    out = io.StringIO()
    call_command("check_vote_counts", "--repair", stdout=out)
    assert "karma of 2 member(s)" in out.getvalue()
    assert (figures(member), figures(lost)) == ((1, 2), (1, 0))


@pytest.mark.django_db(transaction=True)
def test_votes_posts_and_moderation_at_once_keep_the_figures_right_without_deadlock():
    member, article, moderator = make_user(), make_article(), make_moderator()
    comments = [make_comment(article, author=member) for _ in range(6)]
    make_votes(comments[3], up=2)
    voters = [make_user(password=None) for _ in range(4)]
    failures = []
    start = threading.Barrier(len(voters) + 2)

    def run(work):
        try:
            start.wait()
            work()
        except Exception as error:  # reported by the assertion below
            failures.append(repr(error))
        finally:
            connection.close()

    def votes(voter):
        # On the comments a post shifts (its parent, and those after it), not on those hidden.
        for comment in comments[:3]:
            vote_cast(comment_id=comment.pk, voter=voter, value=UP)

    def posts():
        for number in range(10):
            comment_post(article=article, parent=comments[0], author=member, body=f"Reply {number}")

    def moderates():
        for comment in comments[3:] * 2:
            moderation.comment_hide(comment=comment, moderator=moderator, reason="rude")
            moderation.comment_restore(comment=comment, moderator=moderator)

    works = [lambda v=v: votes(v) for v in voters] + [posts, moderates]
    threads = [threading.Thread(target=run, args=[work]) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert member_figure_problems() == []
    assert figures(member) == (16, 14)  # 4 voters on 3 comments, 2 votes before
