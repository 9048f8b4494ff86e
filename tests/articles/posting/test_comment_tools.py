"""Authors editing and deleting their comments; readers reporting comments."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment, CommentReport, CommentRevision
from articles.moderation import services as moderation
from tests.factories import make_article, make_comment, make_trusted_reader

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

State = Comment.State


def anchor(comment):
    return f"{comment.article.get_absolute_url()}#comment-{comment.pk}"


# Editing


def test_edit_page_shows_the_current_text(signed_in, article, user):
    comment = make_comment(article, author=user, title="My title", body="My body")
    response = signed_in.get(reverse("comment_edit", args=[comment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="My title"' in html and "My body</textarea>" in html
    assert "first 15 minutes" in html


def test_editing_saves_and_lands_on_the_comment(signed_in, article, user):
    comment = make_comment(article, author=user, body="Before")
    response = signed_in.post(
        reverse("comment_edit", args=[comment.pk]), {"title": "T", "body": "After *all*"}
    )
    assert response.status_code == 302 and response["Location"] == anchor(comment)
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.body == "After *all*" and stored.edited_at is not None
    assert CommentRevision.objects.get().body == "Before"


@pytest.mark.parametrize(
    ("data", "message"),
    [({"body": ""}, "Write something before posting."), ({"body": "x" * 10_001}, "at most")],
)
def test_bad_edits_show_the_form_again(signed_in, article, user, data, message):
    comment = make_comment(article, author=user, body="Before")
    response = signed_in.post(reverse("comment_edit", args=[comment.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "Before"


def test_editing_after_the_window_is_refused_with_the_reason(signed_in, article, user):
    comment = make_comment(article, author=user, body="Before")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    response = signed_in.post(reverse("comment_edit", args=[comment.pk]), {"body": "After"})
    assert response.status_code == 400
    assert "can only be edited in the first 15 minutes" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "Before"


def test_the_edit_page_after_the_window_shows_the_reason_not_the_form(signed_in, article, user):
    comment = make_comment(article, author=user, body="Before")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    response = signed_in.get(reverse("comment_edit", args=[comment.pk]))
    html = response.content.decode()
    assert "can only be edited in the first 15 minutes" in html
    assert "<textarea" not in html and ">Save</button>" not in html
    assert f'href="{article.get_absolute_url()}#comment-{comment.pk}"' in html


def test_the_edit_page_of_a_deleted_comment_says_so(signed_in, article, user):
    comment = make_comment(article, author=user)
    Comment.objects.filter(pk=comment.pk).update(state=Comment.State.DELETED)
    html = signed_in.get(reverse("comment_edit", args=[comment.pk])).content.decode()
    assert "This comment can no longer be edited." in html
    assert "<textarea" not in html


def test_a_user_cannot_edit_or_delete_another_users_comment(signed_in, article):
    comment = make_comment(article, body="Not yours")
    for name in ("comment_edit", "comment_delete"):
        url = reverse(name, args=[comment.pk])
        assert signed_in.get(url).status_code == 403
        assert signed_in.post(url, {"body": "Hijacked"}).status_code == 403
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.body, stored.state) == ("Not yours", State.VISIBLE)
    assert not CommentRevision.objects.exists()


def test_edit_and_delete_need_login(client, article):
    comment = make_comment(article)
    for name in ("comment_edit", "comment_delete", "comment_report"):
        response = client.post(reverse(name, args=[comment.pk]), {"body": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE


# Deleting


def test_delete_asks_first_then_leaves_a_tombstone_for_the_replies(signed_in, client, user):
    article = make_article()
    comment = make_comment(article, author=user, body="regrettable")
    reply = make_comment(article, parent=comment, body="a reply")
    page = signed_in.get(reverse("comment_delete", args=[comment.pk]))
    assert page.status_code == 200 and "Delete your comment?" in page.content.decode()
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE

    response = signed_in.post(reverse("comment_delete", args=[comment.pk]))

    assert response.status_code == 302 and response["Location"] == anchor(comment)
    assert Comment.objects.get(pk=comment.pk).state == State.DELETED
    html = client.get(article.get_absolute_url()).content.decode()
    assert "[deleted by its author]" in html and "regrettable" not in html
    assert f'id="comment-{reply.pk}"' in html


def test_deleting_twice_says_so(signed_in, article, user):
    comment = make_comment(article, author=user)
    signed_in.post(reverse("comment_delete", args=[comment.pk]))
    response = signed_in.post(reverse("comment_delete", args=[comment.pk]), follow=True)
    assert "already deleted" in response.content.decode()


# Reporting


def test_report_page_and_sending_a_report(signed_in, article, user):
    comment = make_comment(article, body="Questionable")
    page = signed_in.get(reverse("comment_report", args=[comment.pk]))
    assert page.status_code == 200
    assert "Questionable" in page.content.decode() and "Off-topic" in page.content.decode()

    response = signed_in.post(
        reverse("comment_report", args=[comment.pk]), {"reason": "other", "text": "Doxxing"}
    )

    assert response.status_code == 302 and response["Location"] == anchor(comment)
    report = CommentReport.objects.get()
    assert (report.comment, report.reporter, report.reason, report.text) == (
        comment,
        user,
        "other",
        "Doxxing",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"reason": "other"}, "Say what is wrong with this comment."),
        ({"reason": "made-up"}, "Select a valid choice."),
    ],
)
def test_bad_reports_show_the_form_again(signed_in, article, data, message):
    comment = make_comment(article)
    response = signed_in.post(reverse("comment_report", args=[comment.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CommentReport.objects.exists()


def test_a_second_report_by_the_same_reader_is_refused(signed_in, article):
    comment = make_comment(article)
    url = reverse("comment_report", args=[comment.pk])
    signed_in.post(url, {"reason": "spam"})
    response = signed_in.post(url, {"reason": "abuse"})
    assert response.status_code == 400
    assert "You have already reported this comment" in response.content.decode()
    assert CommentReport.objects.count() == 1


def test_a_reader_who_reported_sees_one_clear_state_and_no_form(signed_in, article):
    comment = make_comment(article)
    url = reverse("comment_report", args=[comment.pk])
    signed_in.post(url, {"reason": "spam"})
    html = signed_in.get(url).content.decode()
    assert "You have already reported this comment: a moderator will look at it." in html
    assert 'name="reason"' not in html and "Send the report" not in html


def test_reports_from_enough_readers_hold_the_comment(client, article, settings):
    settings.MODERATION_AUTO_HIDE_REPORTS = 2
    comment = make_comment(article, body="Spammy")
    for _ in range(2):
        client.force_login(make_trusted_reader(article))
        client.post(reverse("comment_report", args=[comment.pk]), {"reason": "spam"})
    assert Comment.objects.get(pk=comment.pk).state == State.PENDING
    client.logout()
    assert "Spammy" not in client.get(article.get_absolute_url()).content.decode()


def test_a_hidden_comment_cannot_be_reported(signed_in, article, moderator):
    comment = make_comment(article)
    moderation.comment_hide(comment=comment, moderator=moderator)
    assert signed_in.get(reverse("comment_report", args=[comment.pk])).status_code == 404
    assert signed_in.post(reverse("comment_report", args=[comment.pk])).status_code == 404


def test_a_suspended_reader_cannot_report_and_sees_why(signed_in, article, user, moderator):
    comment = make_comment(article)
    moderation.user_suspend(user=user, moderator=moderator, days=1, reason="Calm down")
    response = signed_in.post(reverse("comment_report", args=[comment.pk]), {"reason": "spam"})
    assert response.status_code == 400
    assert "Your account is suspended until" in response.content.decode()
    assert not CommentReport.objects.exists()
