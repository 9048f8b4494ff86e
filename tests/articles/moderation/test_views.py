"""The moderators' pages and in-page actions (access control: test_moderation_urls.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, AuditLogEntry, Comment, CommentReport, UserSanction
from articles.moderation import services as moderation
from tests.factories import make_comment, make_moderator, make_report, make_user, set_word_lists

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

State = Comment.State


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# In-page actions on comments


@pytest.mark.parametrize(
    ("url_name", "before", "after", "message"),
    [
        ("moderation_comment_hide", State.VISIBLE, State.HIDDEN, "Comment hidden."),
        ("moderation_comment_remove", State.VISIBLE, State.REMOVED, "Comment removed."),
        ("moderation_comment_restore", State.HIDDEN, State.VISIBLE, "Comment restored."),
        ("moderation_comment_approve", State.PENDING, State.VISIBLE, "Comment approved."),
    ],
)
def test_in_page_actions_change_the_state_log_the_reason_and_return_to_the_comment(
    as_moderator, article, moderator, url_name, before, after, message
):
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(state=before)
    next_url = f"{article.get_absolute_url()}#comment-{comment.pk}"

    response = as_moderator.post(
        reverse(url_name, args=[comment.pk]),
        {"reason": "Off-topic", "next": next_url, "confirmed": "yes"},
    )

    assert response.status_code == 302 and response["Location"] == next_url
    assert Comment.objects.get(pk=comment.pk).state == after
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.comment_id, entry.reason) == (moderator, comment.pk, "Off-topic")
    page = as_moderator.get(next_url)
    assert message in messages_of(page)


@pytest.mark.parametrize("reason", ["nul \x00 byte", "x" * 501])
def test_a_reason_that_cannot_be_stored_is_refused_with_a_message(as_moderator, article, reason):
    comment = make_comment(article)
    response = as_moderator.post(
        reverse("moderation_comment_hide", args=[comment.pk]), {"reason": reason}, follow=True
    )
    assert response.status_code == 200 and messages_of(response)
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE
    assert not AuditLogEntry.objects.exists()


def test_a_refused_action_says_why_and_changes_nothing(as_moderator, article):
    comment = make_comment(article)
    response = as_moderator.post(
        reverse("moderation_comment_restore", args=[comment.pk]), follow=True
    )
    assert "Cannot restore comment: it is visible." in messages_of(response)
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE
    assert not AuditLogEntry.objects.exists()


def test_without_a_safe_next_the_action_returns_to_the_comment(as_moderator, article):
    comment = make_comment(article)
    response = as_moderator.post(
        reverse("moderation_comment_hide", args=[comment.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"


def test_hide_and_restore_a_branch_in_the_page(as_moderator, article):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    deep = make_comment(article, parent=reply)

    response = as_moderator.post(
        reverse("moderation_branch_hide", args=[reply.pk]), {"confirmed": "yes"}, follow=True
    )
    assert "Hid 2 comments in this branch." in messages_of(response)
    assert set(Comment.objects.values_list("pk", "state")) == {
        (root.pk, State.VISIBLE),
        (reply.pk, State.HIDDEN),
        (deep.pk, State.HIDDEN),
    }

    response = as_moderator.post(reverse("moderation_branch_restore", args=[reply.pk]), follow=True)
    assert "Restored 2 comments." in messages_of(response)
    assert not Comment.objects.exclude(state=State.VISIBLE).exists()


def test_lock_and_unlock_the_thread_in_the_page(as_moderator, article):
    response = as_moderator.post(
        reverse("moderation_article_lock", args=[article.slug]), {"reason": "Heated"}, follow=True
    )
    assert "Thread locked." in messages_of(response)
    assert "Comments on this article are closed." in response.content.decode()
    assert reverse("moderation_article_unlock", args=[article.slug]) in response.content.decode()
    assert Article.objects.get(pk=article.pk).comments_open is False

    as_moderator.post(reverse("moderation_article_unlock", args=[article.slug]))
    assert Article.objects.get(pk=article.pk).comments_open is True
    assert list(AuditLogEntry.objects.order_by("id").values_list("action", "reason")) == [
        ("lock", "Heated"),
        ("unlock", ""),
    ]


def test_actions_on_unknown_objects_are_404(as_moderator, db):
    assert as_moderator.post(reverse("moderation_comment_hide", args=[999999])).status_code == 404
    assert as_moderator.post(reverse("moderation_article_lock", args=["nope"])).status_code == 404
    assert as_moderator.post(reverse("moderation_user_ban", args=[999999])).status_code == 404
    assert as_moderator.post(reverse("moderation_sanction_lift", args=[999999])).status_code == 404


def test_moderation_actions_need_the_csrf_token(article, moderator):
    comment = make_comment(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(reverse("moderation_comment_hide", args=[comment.pk]))
    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE


def test_a_superuser_may_moderate_without_the_group(client, article):
    admin = make_user(is_superuser=True, is_staff=True)
    comment = make_comment(article)
    client.force_login(admin)
    client.post(reverse("moderation_comment_hide", args=[comment.pk]))
    assert Comment.objects.get(pk=comment.pk).state == State.HIDDEN


# The queue


def test_queue_lists_pending_and_reported_comments_most_reported_first(as_moderator, article):
    parent = make_comment(article, title="The parent", body="parent context")
    once = make_comment(article, parent=parent, body="reported once")
    thrice = make_comment(article, body="reported thrice")
    pending = make_comment(article, body="held back")
    Comment.objects.filter(pk=pending.pk).update(state=State.PENDING)
    make_comment(article, body="nobody minds")
    make_report(once, reason="off_topic")
    for reason, text in [("spam", ""), ("abuse", ""), ("other", "Links to malware")]:
        make_report(thrice, reason=reason, text=text)
    resolved = make_comment(article, body="dealt with")
    make_report(resolved)
    moderation.comment_approve(comment=resolved, moderator=make_moderator())

    response = as_moderator.get(reverse("moderation_queue"))

    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].object_list] == [thrice.pk, once.pk, pending.pk]
    html = response.content.decode()
    assert "3 open reports" in html and "Links to malware" in html and "Off-topic" in html
    assert "parent context" in html  # the parent, for context
    assert "nobody minds" not in html and "dealt with" not in html
    assert reverse("moderation_comment_approve", args=[pending.pk]) in html
    assert f'value="{reverse("moderation_queue")}"' in html  # actions come back here


def test_queue_shows_why_a_comment_was_held(as_moderator, article, settings):
    set_word_lists(watched=["casino"])
    make_comment(article, body="Visit my casino")
    html = as_moderator.get(reverse("moderation_queue")).content.decode()
    assert "Contains the watched word “casino”." in html


def test_one_click_approve_from_the_queue_returns_to_the_queue(as_moderator, article):
    comment = make_comment(article)
    make_report(comment)
    queue_url = reverse("moderation_queue")
    response = as_moderator.post(
        reverse("moderation_comment_approve", args=[comment.pk]), {"next": queue_url}, follow=True
    )
    assert response.redirect_chain[-1][0] == queue_url
    assert "Nothing waits for a moderator." in response.content.decode()
    assert CommentReport.objects.get().resolved_at is not None


def test_queue_is_paginated_with_a_constant_number_of_queries(
    as_moderator, article, django_assert_max_num_queries
):
    author = make_user()
    for i in range(55):
        comment = make_comment(article, author=author, body=f"held {i}")
        Comment.objects.filter(pk=comment.pk).update(state=State.PENDING)
    # The session, the user, two permission queries, the count, the page, its open reports, and
    # the bell.
    with django_assert_max_num_queries(8):
        first = as_moderator.get(reverse("moderation_queue"))
    assert len(first.context["page"].object_list) == 50
    second = as_moderator.get(reverse("moderation_queue"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


# Users: suspend, ban, lift


def test_user_page_shows_comments_and_sanctions(as_moderator, article, moderator):
    member = make_user(username="troublemaker")
    make_comment(article, author=member, body="recent words")
    moderation.user_suspend(user=member, moderator=moderator, days=1, reason="Cool off")
    html = as_moderator.get(reverse("moderation_user", args=[member.pk])).content.decode()
    assert "troublemaker" in html and "recent words" in html and "1 visible" in html
    assert "Suspension in force until" in html and "Cool off" in html
    sanction = UserSanction.objects.get()
    assert reverse("moderation_sanction_lift", args=[sanction.pk]) in html


def test_suspend_a_user_from_their_page(as_moderator, moderator):
    member = make_user()
    response = as_moderator.post(
        reverse("moderation_user_suspend", args=[member.pk]), {"days": 3, "reason": "Insults"}
    )
    assert response.status_code == 302
    sanction = UserSanction.objects.get()
    assert (sanction.user, sanction.kind, sanction.created_by) == (member, "suspension", moderator)
    assert AuditLogEntry.objects.get().action == "suspend"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": 0, "reason": "x"}, "greater than or equal to 1"),
        ({"days": 3, "reason": ""}, "This field is required."),
    ],
)
def test_bad_suspensions_show_the_form_again(as_moderator, data, message):
    member = make_user()
    response = as_moderator.post(reverse("moderation_user_suspend", args=[member.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not UserSanction.objects.exists()


def test_a_moderator_cannot_be_suspended(as_moderator):
    other = make_moderator()
    response = as_moderator.post(
        reverse("moderation_user_suspend", args=[other.pk]), {"days": 1, "reason": "x"}
    )
    assert response.status_code == 400
    assert "Moderators cannot be suspended" in response.content.decode()


def test_ban_with_hidden_comments_then_lift(as_moderator, article):
    member = make_user()
    comment = make_comment(article, author=member)
    response = as_moderator.post(
        reverse("moderation_user_ban", args=[member.pk]),
        {"reason": "Spam bot", "hide_comments": "on", "confirmed": "yes"},
        follow=True,
    )
    assert "User banned." in messages_of(response)
    assert Comment.objects.get(pk=comment.pk).state == State.HIDDEN
    sanction = UserSanction.objects.get()

    response = as_moderator.post(
        reverse("moderation_sanction_lift", args=[sanction.pk]),
        {"reason": "Appeal accepted", "restore_comments": "on"},
        follow=True,
    )
    assert "Lifted; 1 comments brought back." in messages_of(response)
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE

    response = as_moderator.post(
        reverse("moderation_sanction_lift", args=[sanction.pk]), follow=True
    )
    assert "This ban has already ended." in messages_of(response)


def test_ban_needs_a_reason(as_moderator):
    member = make_user()
    response = as_moderator.post(
        reverse("moderation_user_ban", args=[member.pk]), {"confirmed": "yes"}
    )
    assert response.status_code == 400
    assert not UserSanction.objects.exists()


def test_lift_with_an_over_long_reason_is_refused(as_moderator, moderator):
    member = make_user()
    sanction = moderation.user_ban(user=member, moderator=moderator, reason="x")
    response = as_moderator.post(
        reverse("moderation_sanction_lift", args=[sanction.pk]), {"reason": "x" * 501}, follow=True
    )
    assert any("at most 500 characters" in m for m in messages_of(response))
    assert UserSanction.objects.active().exists()


@pytest.mark.parametrize(
    ("url_name", "question"),
    [
        ("moderation_comment_remove", "Remove this comment for breaking the rules?"),
        ("moderation_branch_hide", "Hide this comment and every reply below it?"),
    ],
)
def test_destructive_actions_ask_first_without_javascript(
    as_moderator, article, url_name, question
):
    comment = make_comment(article, body="Still here")
    next_url = f"{article.get_absolute_url()}#comment-{comment.pk}"
    url = reverse(url_name, args=[comment.pk])
    response = as_moderator.post(url, {"reason": "Spam", "next": next_url})
    html = response.content.decode()
    assert response.status_code == 200
    assert question in html and "Still here" in html
    assert '<input type="hidden" name="reason" value="Spam">' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'href="{next_url}">Cancel</a>' in html
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE
    assert not AuditLogEntry.objects.exists()

    confirmed = as_moderator.post(url, {"reason": "Spam", "next": next_url, "confirmed": "yes"})
    assert confirmed.status_code == 302
    assert Comment.objects.get(pk=comment.pk).state != State.VISIBLE


def test_a_ban_asks_first_without_javascript(as_moderator):
    member = make_user()
    url = reverse("moderation_user_ban", args=[member.pk])
    response = as_moderator.post(url, {"reason": "Spam bot"})
    assert "Ban this member until a moderator lifts it?" in response.content.decode()
    assert not UserSanction.objects.exists()
    as_moderator.post(url, {"reason": "Spam bot", "confirmed": "yes"})
    assert UserSanction.objects.filter(user=member).exists()


def test_destructive_buttons_look_destructive_and_carry_their_question(as_moderator, article):
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(state=State.PENDING)
    html = as_moderator.get(reverse("moderation_queue")).content.decode()
    assert 'class="danger" data-confirm="Remove this comment for breaking the rules?"' in html
    page = as_moderator.get(article.get_absolute_url()).content.decode()
    assert 'class="danger" data-confirm="Hide this comment and every reply below it?"' in page
