"""Casting, switching and withdrawing votes; who may vote; pins; the totals checker."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article, AuditLogEntry, Comment, PinnedComment, UserSanction, Vote
from articles.moderation import services as moderation
from articles.votes import selectors, services
from articles.votes.services import DOWN, UP
from tests.factories import make_comment, make_user, make_votes

pytestmark = pytest.mark.django_db


def totals(comment):
    comment.refresh_from_db()
    return comment.upvotes, comment.downvotes


def test_up_again_withdraws_and_down_replaces(article, user):
    comment = make_comment(article)
    assert services.vote_cast(comment_id=comment.pk, voter=user, value=UP) == (1, 0, UP)
    assert totals(comment) == (1, 0)
    assert services.vote_cast(comment_id=comment.pk, voter=user, value=DOWN) == (0, 1, DOWN)
    assert Vote.objects.get(comment=comment, voter=user).value == DOWN
    assert services.vote_cast(comment_id=comment.pk, voter=user, value=DOWN) == (0, 0, 0)
    assert not Vote.objects.filter(comment=comment).exists()
    assert totals(comment) == (0, 0)


def test_votes_from_many_readers_add_up(article):
    comment = make_comment(article)
    result = make_votes(comment, up=3, down=2)
    assert (result.upvotes, result.downvotes, result.score) == (3, 2, 1)
    assert totals(comment) == (3, 2)


def test_the_vote_is_one_update_of_the_totals(article, user, django_assert_max_num_queries):
    comment = make_comment(article)
    # The checks, then one statement for the vote row and the totals; and the
    # savepoint the test's own transaction adds around them.
    with django_assert_max_num_queries(4) as captured:
        services.vote_cast(comment_id=comment.pk, voter=user, value=UP)
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2
    # The totals are added to, in SQL: never a value computed in Python from an earlier read.
    assert f"UPDATE {Comment._meta.db_table} c SET" in statements[1]
    assert "upvotes = c.upvotes + " in statements[1]


def test_no_vote_on_ones_own_comment(article, user):
    comment = make_comment(article, author=user)
    with pytest.raises(ValidationError, match="your own comment"):
        services.vote_cast(comment_id=comment.pk, voter=user, value=UP)
    assert totals(comment) == (0, 0)


def test_no_vote_on_a_hidden_comment(article, user, moderator):
    comment = make_comment(article)
    moderation.comment_hide(comment=comment, moderator=moderator)
    with pytest.raises(ValidationError, match="shown"):
        services.vote_cast(comment_id=comment.pk, voter=user, value=UP)


def test_no_vote_in_a_locked_thread(article, user):
    comment = make_comment(article)
    article.comments_open = False
    article.save()
    with pytest.raises(ValidationError, match="locked"):
        services.vote_cast(comment_id=comment.pk, voter=user, value=UP)


@pytest.mark.parametrize("closing", ["policy", "auto", "withdrawn"])
def test_no_vote_where_the_article_takes_no_comments(article, user, settings, closing):
    # Votes follow Article.accepts_comments, as posting does: closed by the editors, past the
    # automatic close, or no longer public.
    comment = make_comment(article)
    if closing == "policy":
        article.comment_policy = Article.CommentPolicy.CLOSED
    elif closing == "auto":
        settings.COMMENTS_CLOSE_AFTER_DAYS = 3
        article.comment_policy = Article.CommentPolicy.AUTO
        article.published_at = timezone.now() - timedelta(days=4)
    else:
        article.status = Article.Status.WITHDRAWN
    article.save()
    assert not article.accepts_comments
    with pytest.raises(ValidationError, match="closed"):
        services.vote_cast(comment_id=comment.pk, voter=user, value=UP)


def test_no_vote_while_suspended(article, user, moderator):
    comment = make_comment(article)
    moderation.user_suspend(user=user, moderator=moderator, days=3, reason="spam")
    with pytest.raises(ValidationError, match="suspended"):
        services.vote_cast(comment_id=comment.pk, voter=user, value=UP)


def test_a_lifted_or_ended_sanction_no_longer_stops_votes(article, user, moderator):
    comment = make_comment(article)
    sanction = moderation.user_suspend(user=user, moderator=moderator, days=3, reason="spam")
    moderation.user_sanction_lift(sanction=sanction, moderator=moderator)
    assert services.vote_cast(comment_id=comment.pk, voter=user, value=UP).vote == UP
    ended = moderation.user_suspend(user=user, moderator=moderator, days=3, reason="again")
    UserSanction.objects.filter(pk=ended.pk).update(
        starts_at=timezone.now() - timedelta(days=5), ends_at=timezone.now() - timedelta(days=2)
    )
    assert services.vote_cast(comment_id=comment.pk, voter=user, value=UP).vote == 0


def test_no_downvotes_when_they_are_off(article, user, settings):
    settings.COMMENT_DOWNVOTES = False
    comment = make_comment(article)
    with pytest.raises(ValidationError):
        services.vote_cast(comment_id=comment.pk, voter=user, value=DOWN)
    assert services.vote_cast(comment_id=comment.pk, voter=user, value=UP).vote == UP


def test_an_inactive_user_cannot_vote(article):
    comment = make_comment(article)
    with pytest.raises(ValidationError):
        services.vote_cast(comment_id=comment.pk, voter=make_user(is_active=False), value=UP)


def test_checker_finds_and_repairs_wrong_totals(article, capsys):
    right, wrong = make_comment(article), make_comment(article)
    make_votes(right, up=2, down=1)
    make_votes(wrong, up=1)
    Comment.objects.filter(pk=wrong.pk).update(upvotes=7, downvotes=3)
    assert selectors.vote_total_problems() == [(wrong.pk, 7, 3, 1, 0)]
    with pytest.raises(CommandError, match="1 comment"):
        call_command("check_vote_counts")
    call_command("check_vote_counts", "--repair")
    assert "match" in capsys.readouterr().out
    assert totals(wrong) == (1, 0)
    assert totals(right) == (2, 1)
    assert selectors.vote_total_problems() == []


def test_pin_one_top_level_comment_per_article_audited(article, moderator):
    first, second = make_comment(article), make_comment(article)
    services.comment_pin(comment=first, moderator=moderator, reason="answers the question")
    services.comment_pin(comment=second, moderator=moderator)
    assert PinnedComment.objects.get(article=article).comment == second
    services.comment_unpin(comment=second, moderator=moderator)
    assert not PinnedComment.objects.exists()
    actions = list(
        AuditLogEntry.objects.filter(article_id=article.pk)
        .order_by("id")
        .values_list("action", "comment_id")
    )
    assert actions[-3:] == [("pin", first.pk), ("pin", second.pk), ("unpin", second.pk)]


def test_only_moderators_pin_and_only_top_level_shown_comments(article, moderator, user):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    with pytest.raises(ValidationError, match="moderators"):
        services.comment_pin(comment=root, moderator=user)
    with pytest.raises(ValidationError, match="top-level"):
        services.comment_pin(comment=reply, moderator=moderator)
    with pytest.raises(ValidationError, match="not pinned"):
        services.comment_unpin(comment=root, moderator=moderator)


def test_an_account_must_verify_its_address_before_voting(article, client):
    comment = make_comment(article)
    unverified = make_user(verified=False)
    with pytest.raises(ValidationError, match="Confirm your e-mail address first"):
        services.vote_cast(comment_id=comment.pk, voter=unverified, value=UP)
    assert not Vote.objects.exists()
    client.force_login(unverified)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="vote' not in html  # no buttons it could only be refused with
