"""Reports (issue 16, point 2): limited per account and per address; only readers in good
standing make a comment wait for review; a moderator dismissing reports can mark a reporter
unreliable; the queue shows who reported and their record."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import AuditLogEntry, Comment, CommentReport, UnreliableReporter
from articles.moderation import services as moderation
from tests.factories import make_comment, make_report, make_trusted_reader, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

State = Comment.State


def state_of(comment):
    return Comment.objects.get(pk=comment.pk).state


@override_settings(MODERATION_AUTO_HIDE_REPORTS=3)
def test_three_fresh_accounts_do_not_hide_a_comment(article):
    comment = make_comment(article)
    for _ in range(3):
        make_report(comment, make_user())
    assert state_of(comment) == State.VISIBLE
    for _ in range(2):
        make_report(comment, make_trusted_reader(article))
    assert state_of(comment) == State.VISIBLE
    make_report(comment, make_trusted_reader(article))
    assert state_of(comment) == State.PENDING


def young(reader):
    reader.date_joined = timezone.now() - timedelta(days=1)
    reader.save()


def without_visible_comments(reader):
    Comment.objects.filter(author=reader).update(state=State.HIDDEN)


def suspended(reader):
    moderation.user_suspend(
        user=reader, moderator=make_trusted_reader(), days=1, reason="calm down"
    )


def unreliable(reader):
    UnreliableReporter.objects.create(user=reader, marked_by=make_user())


@override_settings(MODERATION_AUTO_HIDE_REPORTS=2, REPORT_MIN_ACCOUNT_AGE=3)
@pytest.mark.parametrize("spoil", [young, without_visible_comments, suspended, unreliable])
def test_a_reporter_not_in_good_standing_does_not_count(article, spoil):
    comment = make_comment(article)
    make_report(comment, make_trusted_reader(article))
    doubtful = make_trusted_reader(article)
    spoil(doubtful)
    if spoil is suspended:  # a suspended reader cannot report: their standing still counts
        CommentReport.objects.create(comment=comment, reporter=doubtful, reason="spam")
        make_report(comment, make_user())  # a fresh account's report triggers the count
    else:
        make_report(comment, doubtful)
    assert state_of(comment) == State.VISIBLE
    make_report(comment, make_trusted_reader(article))
    assert state_of(comment) == State.PENDING


def report(client, comment, **meta):
    return client.post(reverse("comment_report", args=[comment.pk]), {"reason": "spam"}, **meta)


@override_settings(REPORT_RATE="3/h", REPORT_RATE_PER_IP="100/h")
def test_one_account_can_only_file_so_many_reports(client, article):
    comments = [make_comment(article) for _ in range(5)]
    client.force_login(make_user())
    assert [report(client, c).status_code for c in comments[:3]] == [302, 302, 302]
    response = report(client, comments[3])
    assert response.status_code == 429
    assert "You have sent many reports in a short time." in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert CommentReport.objects.count() == 3


@override_settings(REPORT_RATE="100/h", REPORT_RATE_PER_IP="2/h")
def test_one_address_can_only_file_so_many_reports(article):
    comment = make_comment(article)
    codes = []
    for address in ("192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2"):
        client = Client(REMOTE_ADDR=address)
        client.force_login(make_user())
        codes.append(report(client, comment).status_code)
    assert codes == [302, 302, 429, 302]
    assert CommentReport.objects.count() == 3


@override_settings(REPORT_RATE="2/h", REPORT_RATE_PER_IP="100/h")
def test_a_refused_report_shows_the_refusal_under_the_limit_and_429_over_it(signed_in, article):
    comment = make_comment(article)
    assert report(signed_in, comment).status_code == 302
    again = report(signed_in, comment)  # already reported: the one clear state, no form
    assert again.status_code == 400
    assert "You have already reported this comment" in again.content.decode()
    assert 'name="reason"' not in again.content.decode()
    assert report(signed_in, comment).status_code == 429  # every report sent counts
    assert CommentReport.objects.count() == 1


def test_reading_the_report_form_is_not_counted(signed_in, article, settings):
    settings.REPORT_RATE = "1/h"
    comment = make_comment(article)
    for _ in range(3):
        assert signed_in.get(reverse("comment_report", args=[comment.pk])).status_code == 200
    assert report(signed_in, comment).status_code == 302


@override_settings(MODERATION_AUTO_HIDE_REPORTS=2)
def test_dismissing_reports_can_mark_reporters_unreliable(as_moderator, moderator, article):
    comment = make_comment(article, body="Fair comment")
    liar, honest = make_trusted_reader(article), make_trusted_reader(article)
    bystander = make_trusted_reader(article)  # reported nothing here: cannot be marked from it
    make_report(comment, liar)
    queue = reverse("moderation_queue")
    html = as_moderator.get(queue).content.decode()
    assert f'name="unreliable_reporters" value="{liar.pk}"' in html
    response = as_moderator.post(
        reverse("moderation_comment_approve", args=[comment.pk]),
        {"reason": "nothing wrong", "unreliable_reporters": [liar.pk, bystander.pk], "next": queue},
    )
    assert response.status_code == 302
    assert list(UnreliableReporter.objects.values_list("user", "marked_by")) == [
        (liar.pk, moderator.pk)
    ]
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.UNRELIABLE)
    assert (entry.actor, entry.target_user, entry.comment) == (moderator, liar, comment)
    # The liar's reports no longer count: with theirs and one other, the comment stays shown.
    other = make_comment(article)
    make_report(other, liar)
    make_report(other, honest)
    assert state_of(other) == State.VISIBLE
    make_report(other, bystander)
    assert state_of(other) == State.PENDING


def test_the_queue_shows_who_reported_and_their_record(as_moderator, article):
    comment = make_comment(article)
    trusted, fresh = make_trusted_reader(article), make_user("newcomer")
    make_report(comment, trusted)
    make_report(comment, fresh)
    html = as_moderator.get(reverse("moderation_queue")).content.decode()
    assert reverse("moderation_user", args=[trusted.pk]) in html
    assert "newcomer</a>:" in html
    assert "0 visible comments, 1 report filed" in html
    assert "1 visible comment, 1 report filed" in html
    assert html.count("does not count") == 1
    assert html.count("counts towards holding") == 1


def test_report_text_loses_control_characters(article):
    comment = make_comment(article)
    stored = make_report(comment, make_user(), reason="other", text="look\x1b[2J here\x07")
    assert stored.text == "look[2J here"


def test_a_mark_can_be_undone_from_the_users_page(as_moderator, moderator, article):
    reader = make_trusted_reader(article)
    UnreliableReporter.objects.create(user=reader, marked_by=moderator)
    page = reverse("moderation_user", args=[reader.pk])
    assert "Count their reports again" in as_moderator.get(page).content.decode()
    url = reverse("moderation_user_trust_reports", args=[reader.pk])
    assert as_moderator.post(url, {"reason": "fair after all"}).status_code == 302
    assert not UnreliableReporter.objects.exists()
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.RELIABLE)
    assert (entry.actor, entry.target_user, entry.reason) == (moderator, reader, "fair after all")
    as_moderator.post(url)  # nothing to undo: said, and nothing logged
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.RELIABLE).count() == 1
    assert "Count their reports again" not in as_moderator.get(page).content.decode()
