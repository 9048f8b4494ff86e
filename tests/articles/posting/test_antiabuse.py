import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone

from articles.models import AuditLogEntry, Comment, UserSanction
from articles.posting import insert, services
from articles.posting.wordmatch import find_listed_word, fold
from tests.factories import make_article, make_comment, make_user, set_word_lists

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]


@pytest.mark.parametrize(
    ("text", "words", "found"),
    [
        ("You are an IDIOT!", ["idiot"], "idiot"),
        ("a classic move", ["ass"], None),  # whole words only
        ("buy cheap pills now", ["cheap", "cheap pills"], "cheap pills"),
        ("c++ is fine", ["c++"], "c++"),
        ("nothing here", [], None),
        ("blank entries", ["", "  "], None),
    ],
)
def test_listed_words_are_found_as_whole_words_in_any_case(text, words, found):
    assert find_listed_word(fold(text), words) == found


def test_a_blocked_word_in_the_title_refuses_the_post(article, user):
    set_word_lists(blocked=["scam"])
    with pytest.raises(ValidationError, match="“scam” is not allowed"):
        services.comment_post(article=article, parent=None, author=user, title="Scam", body="x")
    assert not Comment.objects.exists()


def test_duplicates_are_per_author_and_within_the_window(article, user):
    make_comment(article, author=user, body="Same words")
    make_comment(article, body="Same words")  # another author may say it too
    with pytest.raises(ValidationError, match="same text"):
        make_comment(article, author=user, body="Same words")
    with override_settings(COMMENT_DUPLICATE_WINDOW_MINUTES=0):
        make_comment(article, author=user, body="Same words")
    assert Comment.objects.count() == 3


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("kind", "starts", "ends", "lifted", "in_force"),
    [
        ("suspension", -HOUR, HOUR, False, True),
        ("suspension", -2 * HOUR, -HOUR, False, False),  # over
        ("suspension", HOUR, 2 * HOUR, False, False),  # not yet
        ("suspension", -HOUR, HOUR, True, False),
        ("ban", -HOUR, None, False, True),
        ("ban", -HOUR, None, True, False),
    ],
)
def test_the_posting_function_sees_a_sanction_exactly_when_it_is_in_force(
    article, user, moderator, kind, starts, ends, lifted, in_force
):
    # The posting function asks in SQL what UserSanctionQuerySet.active() asks through the ORM.
    now = timezone.now()
    UserSanction.objects.create(
        user=user,
        kind=kind,
        reason="r",
        created_by=moderator,
        starts_at=now + starts,
        ends_at=ends and now + ends,
        lifted_at=now if lifted else None,
    )
    posted = _insert(article.pk, user)
    assert (posted.refusal == "sanctioned") is in_force
    assert UserSanction.objects.in_force_for(user.pk).exists() is in_force


def _insert(article_id, author, body="x"):
    return insert.comment_insert(
        article_id=article_id,
        parent_id=None,
        author_id=author.pk,
        title="",
        body=body,
        body_html=f"<p>{body}</p>",
        folded=fold(body),
    )


def test_the_posting_function_names_a_missing_article_closed(user):
    assert _insert(0, user).refusal == "closed"


@override_settings(MODERATION_HOLD_FIRST_COMMENTS=3)
def test_the_posting_function_holds_a_new_accounts_first_comments(article, user):
    posted = [_insert(article.pk, user, body=f"number {n}") for n in range(5)]
    assert [p.state for p in posted] == ["pending"] * 3 + ["visible"] * 2
    assert {p.hold_reason for p in posted[:3]} == {
        "New account: its first 3 comments are reviewed."
    }
    held = AuditLogEntry.objects.filter(action=AuditLogEntry.Action.HOLD, target_user=user)
    assert sorted(held.values_list("comment_id", flat=True)) == [p.comment_id for p in posted[:3]]


def test_a_deleted_comment_may_be_posted_again(article, user):
    first = make_comment(article, author=user, body="Take two")
    services.comment_delete(comment=first, user=user)
    again = make_comment(article, author=user, body="Take two")
    assert again.is_visible and Comment.objects.count() == 2


@override_settings(MODERATION_HOLD_FIRST_COMMENTS=1)
def test_a_held_comment_is_logged_with_its_reason(article, user):
    set_word_lists(watched=["link"])
    comment = make_comment(article, author=user, body="a link")
    assert comment.state == Comment.State.PENDING
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.comment, entry.target_user) == (
        "hold",
        None,
        comment,
        user,
    )
    assert entry.reason == "Contains the watched word “link”."
    make_comment(article, author=user, body="plain")  # no longer new: published
    assert Comment.objects.visible().count() == 1


@override_settings(MODERATION_HOLD_FIRST_COMMENTS=1)
def test_the_new_account_hold_names_its_reason(article, user):
    make_comment(article, author=user)
    assert AuditLogEntry.objects.get().reason == "New account: its first 1 comments are reviewed."


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_stores_the_text_once():
    article = make_article()
    author = make_user()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.comment_post(article=article, parent=None, author=author, body="Twice?")
            outcomes.append("posted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["posted", "refused"]
    assert Comment.objects.count() == 1
