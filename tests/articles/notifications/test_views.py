"""Notification pages: the bell, the list, opening and reading, watching, unsubscribing, and
the article page's "new" markers within its query budget."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import ArticleVisit, Comment, Follow, Mute, Notification, Profile
from articles.notifications.tokens import unsubscribe_token
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(people, talk, post):
    top = post(talk, author=people["alice"])
    reply = post(talk, parent=top, author=people["bob"], body="Answer for @carol")
    return reply


def test_the_bell_counts_unread_and_the_list_opens_the_comment(client, people, replied):
    client.force_login(people["alice"])
    home = client.get(reverse("home")).content.decode()
    assert '<span class="bell-count">1</span>' in home
    page = client.get(reverse("notification_list")).content.decode()
    assert "bob replied to your comment" in page and "Answer for" in page
    notification = Notification.objects.get(recipient=people["alice"])

    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{replied.pk}")
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert '<span class="bell-count">0</span>' in client.get(reverse("home")).content.decode()


def test_another_users_notification_is_not_found(client, people, replied):
    client.force_login(people["dave"])
    notification = Notification.objects.get(recipient=people["alice"])
    for name in ("notification_open", "notification_read"):
        assert client.post(reverse(name, args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_and_all_read(client, people, replied, talk, post):
    post(talk, parent=replied, author=people["dave"], body="@alice too")
    client.force_login(people["alice"])
    first = Notification.objects.filter(recipient=people["alice"]).first()
    client.post(reverse("notification_read", args=[first.pk]))
    assert Notification.objects.filter(recipient=people["alice"], read_at=None).count() == 1
    client.post(reverse("notifications_read_all"))
    assert not Notification.objects.filter(recipient=people["alice"], read_at=None).exists()


def test_the_list_pages_newest_first(client, people, talk, post, monkeypatch):
    from articles.notifications import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    top = post(talk, author=people["alice"])
    post(talk, parent=top, author=people["bob"], body="First answer")
    post(talk, parent=top, author=people["carol"], body="Second answer")
    client.force_login(people["alice"])
    first = client.get(reverse("notification_list")).content.decode()
    second = client.get(reverse("notification_list"), {"page": 2}).content.decode()
    assert "Second answer" in first and "First answer" in second
    assert "Page 1 of 2" in first and 'href="?page=2">Older' in first
    assert 'href="?page=1">← Newer' in second


def test_the_list_pages_and_refuses_visitors(client, people):
    assert client.get(reverse("notification_list")).status_code == 302
    client.force_login(people["alice"])
    assert client.get(reverse("notification_list"), {"page": "x"}).status_code == 200


def test_watch_follows_and_mutes_and_refuses_nonsense(client, people, talk):
    client.force_login(people["alice"])
    url = reverse("notification_watch")
    assert client.post(url, {"action": "follow", "article": talk.pk}).status_code == 302
    assert Follow.objects.filter(user=people["alice"], article=talk).exists()
    assert client.post(url, {"action": "follow", "user": people["bob"].pk}).status_code == 400
    assert client.post(url, {"action": "mute", "user": people["alice"].pk}).status_code == 400
    assert client.post(url, {"action": "mute", "article": 10**12}).status_code == 404
    assert client.post(url, {"action": "follow"}).status_code == 400


def test_a_comment_readers_do_not_see_cannot_be_followed_or_muted(client, people, talk):
    hidden = make_comment(talk, author=people["bob"])
    Comment.objects.filter(pk=hidden.pk).update(state=Comment.State.HIDDEN)
    client.force_login(people["alice"])
    url = reverse("notification_watch")
    for action in ("follow", "mute"):
        assert client.post(url, {"action": action, "comment": hidden.pk}).status_code == 404
    assert not Follow.objects.exists() and not Mute.objects.exists()


def test_notifications_of_a_withdrawn_article_are_neither_listed_counted_nor_mailed(
    client, people, talk, post
):
    from django.core import mail

    from articles.models import Article
    from articles.notifications.selectors import unread_count

    Profile.objects.filter(user=people["alice"]).update(notification_email="daily")
    top = post(talk, author=people["alice"])
    post(talk, parent=top, author=people["bob"], body="Secret answer")
    assert unread_count(people["alice"].pk) == 1
    Article.objects.filter(pk=talk.pk).update(status=Article.Status.WITHDRAWN)

    assert unread_count(people["alice"].pk) == 0
    client.force_login(people["alice"])
    assert "Secret answer" not in client.get(reverse("notification_list")).content.decode()
    call_command("send_notification_digests")
    assert mail.outbox == []


def test_watch_needs_a_csrf_token(people, talk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["alice"])
    response = client.post(reverse("notification_watch"), {"action": "follow", "article": talk.pk})
    assert response.status_code == 403
    assert not Follow.objects.exists()


def test_watching_is_rate_limited(client, people, talk, settings):
    settings.WATCH_RATE_PER_USER = "2/m"
    client.force_login(people["alice"])
    url = reverse("notification_watch")
    codes = [
        client.post(url, {"action": "follow", "article": talk.pk}).status_code for _ in range(3)
    ]
    assert codes == [302, 302, 429]


def test_unsubscribe_get_changes_nothing_post_stops_the_mail_without_login(people):
    client = Client(enforce_csrf_checks=True)  # a mail client sends no token
    url = reverse(
        "notification_unsubscribe", args=[unsubscribe_token(people["alice"].pk, "immediately")]
    )
    page = client.get(url).content.decode()
    assert "Stop mails about replies, mentions and what you follow?" in page
    assert Profile.objects.get(user=people["alice"]).notification_email == "immediately"

    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "you will no longer get mails about replies" in done.content.decode()
    assert Profile.objects.get(user=people["alice"]).notification_email == "never"
    assert "nothing changed" in client.post(url).content.decode()


def test_a_bad_or_forged_unsubscribe_key_is_refused(people):
    forged = unsubscribe_token(people["alice"].pk, "immediately")[:-3] + "xyz"
    for key in ("nonsense", forged):
        url = reverse("notification_unsubscribe", args=[key])
        assert Client().post(url).status_code == 400
    assert Profile.objects.get(user=people["alice"]).notification_email == "immediately"


def test_the_article_page_marks_new_comments_within_one_more_query(
    client, people, talk, post, django_assert_num_queries
):
    alice = people["alice"]
    old = post(talk, author=people["bob"], body="Old news")
    client.force_login(alice)
    client.get(talk.get_absolute_url())
    ArticleVisit.objects.filter(user=alice).update(
        seen_at=ArticleVisit.objects.get(user=alice).seen_at - timedelta(hours=1)
    )
    from articles.models import Comment

    Comment.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(hours=2))
    fresh = post(talk, author=people["carol"], body="Fresh news")

    # Session, user, article, the visit (with the bell, follow and mute), the discussion.
    with django_assert_num_queries(5):
        html = client.get(talk.get_absolute_url()).content.decode()
    marked = html.split(f'id="comment-{fresh.pk}"')[1].split("</summary>")[0]
    unmarked = html.split(f'id="comment-{old.pk}"')[1].split("</summary>")[0]
    assert 'class="new-badge"' in marked and 'class="new-badge"' not in unmarked
    assert 'class="next-new"' in html and "Follow this discussion" in html


def test_anonymous_pages_have_no_bell_nor_markers(client, talk, post, people):
    post(talk, author=people["bob"])
    html = client.get(talk.get_absolute_url()).content.decode()
    assert "bell" not in html and "new-badge" not in html


def test_the_settings_page_offers_the_mail_choices(client, people):
    client.force_login(people["alice"])
    page = client.get(reverse("account_settings")).content.decode()
    assert 'name="notification_email"' in page and "daily digest" in page


def test_a_member_is_muted_from_their_profile(client, people):
    client.force_login(people["alice"])
    url = reverse("user_profile", args=["dave"])
    assert "Mute: no notifications from them" in client.get(url).content.decode()
    client.post(
        reverse("notification_watch"), {"action": "mute", "user": people["dave"].pk, "next": url}
    )
    assert "Unmute" in client.get(url).content.decode()
    own = client.get(reverse("user_profile", args=["alice"])).content.decode()
    assert "Mute" not in own


def test_the_notification_list_costs_the_same_queries_however_long(
    client, people, talk, post, django_assert_max_num_queries
):
    top = post(talk, author=people["alice"])
    for _ in range(25):
        post(talk, parent=top, author=people["bob"])
    client.force_login(people["alice"])
    # Session, user, the count, the page (comments, authors, articles joined), the bell.
    with django_assert_max_num_queries(5):
        page = client.get(reverse("notification_list")).content.decode()
    assert page.count('class="notification unread"') == 20


def test_the_permalink_page_offers_follow_and_mute(client, people, talk, post):
    top = post(talk, author=people["bob"])
    client.force_login(people["alice"])
    page = client.get(reverse("comment_detail", args=[top.pk])).content.decode()
    for label in ("Follow replies to this comment", "Mute this thread", "Mute its author"):
        assert label in page
