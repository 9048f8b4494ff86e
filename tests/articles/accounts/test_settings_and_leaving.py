"""The settings page (e-mail, password, preferences) and leaving: download my data, delete my
account with the comments kept in place under "[deleted account]"."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from articles.models import AccountSession, AuditLogEntry, Comment, CommentRevision, Profile
from articles.moderation import services as moderation
from articles.posting import services as posting
from tests.factories import PASSWORD, make_article, make_comment, make_moderator, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(send):
        with django_capture_on_commit_callbacks(execute=True):
            return send()

    return run


def test_the_settings_page_links_email_and_password_and_saves_preferences(signed_in, user):
    page = signed_in.get(reverse("account_settings")).content.decode()
    assert reverse("account_email") in page and reverse("account_change_password") in page

    response = signed_in.post(
        reverse("account_settings"), {"thread_order": "newest", "notification_email": "daily"}
    )

    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.thread_order, profile.notification_email) == ("newest", "daily")
    bad = signed_in.post(reverse("account_settings"), {"thread_order": "sideways"})
    assert bad.status_code == 400


def test_a_new_address_replaces_the_old_one_only_once_verified(signed_in, user, committed):
    old = user.email
    committed(
        lambda: signed_in.post(
            reverse("account_email"), {"action_add": "", "email": "new@example.com"}
        )
    )
    assert EmailAddress.objects.get(email=old).primary
    (message,) = [m for m in mail.outbox if m.to == ["new@example.com"]]
    link = re.search(r"https?://testserver(\S+)", message.body)[1]

    committed(lambda: signed_in.post(link))

    addresses = EmailAddress.objects.filter(user=user)
    assert [(a.email, a.verified, a.primary) for a in addresses] == [
        ("new@example.com", True, True)
    ]


def test_download_my_data_gives_the_account_and_every_comment_in_any_state(signed_in, user):
    article = make_article()
    shown = make_comment(article, author=user, body="Shown")
    hidden = make_comment(article, author=user, body="Hidden")
    moderation.comment_hide(comment=hidden, moderator=make_moderator(), reason="rude")
    make_comment(article, body="Someone else's")

    response = signed_in.post(reverse("account_download"))

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="forum-data-')
    data = json.loads(response.content)
    assert data["account"]["username"] == user.username
    assert data["account"]["email_addresses"][0]["email"] == user.email
    assert [(c["id"], c["body"], c["state"]) for c in data["comments"]] == [
        (shown.pk, "Shown", "visible"),
        (hidden.pk, "Hidden", "hidden"),
    ]
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.ACCOUNT_EXPORT)
    assert entry.target_user == user and entry.details == {"comments": 2}
    assert signed_in.get(reverse("account_download")).status_code == 405


def tree_of(article):
    return list(
        Comment.objects.filter(article=article)
        .order_by("tree_id", "lft")
        .values_list("pk", "parent_id", "tree_id", "lft", "rght", "level")
    )


def delete_account(client, comments="keep", password=PASSWORD):
    return client.post(reverse("account_delete"), {"password": password, "comments": comments})


def test_deleting_needs_the_password(signed_in, user):
    response = delete_account(signed_in, password="not-it")
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert get_user_model().objects.get(pk=user.pk).is_active


@pytest.mark.usefixtures("trees_stay_valid")
def test_deleting_keeps_the_comments_in_place_under_deleted_account(signed_in, user):
    article = make_article()
    mine = make_comment(article, author=user, body="My words")
    reply = make_comment(article, parent=mine, body="A reply")
    make_comment(article, parent=reply, author=user, body="My answer")
    before = tree_of(article)
    other_session = Client()
    other_session.force_login(user)

    response = delete_account(signed_in, comments="keep")

    assert response.status_code == 302
    assert tree_of(article) == before
    kept = Comment.objects.get(pk=mine.pk)
    assert (kept.author_id, kept.author_name, kept.body) == (None, "[deleted account]", "My words")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert page.count('<span class="by">[deleted account]</span>') == 2
    assert user.username not in page
    gone = get_user_model().objects.get(pk=user.pk)
    assert not gone.is_active and not gone.has_usable_password()
    assert gone.username == f"deleted:{user.pk}" and gone.email == ""
    assert not EmailAddress.objects.filter(user=gone).exists()
    assert not AccountSession.objects.filter(user_id=user.pk).exists()
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.ACCOUNT_DELETE)
    assert entry.details == {"comments": 2, "text_kept": True}


@pytest.mark.usefixtures("trees_stay_valid")
def test_deleting_with_text_removed_leaves_tombstones_and_no_earlier_versions(signed_in, user):
    article = make_article()
    mine = make_comment(article, author=user, body="My words")
    posting.comment_edit(comment=mine, editor=user, title="", body="My edited words")
    reply = make_comment(article, parent=mine, body="A reply")
    before = tree_of(article)

    delete_account(signed_in, comments="remove")

    assert tree_of(article) == before
    removed = Comment.objects.get(pk=mine.pk)
    assert (removed.state, removed.body, removed.body_html) == ("deleted", "", "")
    assert not CommentRevision.objects.filter(comment=mine).exists()
    assert Comment.objects.get(pk=reply.pk).body == "A reply"
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "My edited words" not in page and "A reply" in page


def test_a_deleted_account_cannot_log_in_under_its_old_name_or_address(client, db):
    user = make_user("leaver")
    client.force_login(user)
    delete_account(client)
    for login in ("leaver", user.email):
        again = Client()
        again.post(reverse("login"), {"login": login, "password": PASSWORD})
        assert "_auth_user_id" not in again.session
