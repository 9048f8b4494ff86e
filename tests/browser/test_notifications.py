"""Notifications in a real Chromium: bob replies to alice and mentions carol; both see the bell,
open their notifications and land on the comment; alice's mail unsubscribes in one click without
logging in; a muted user's reply tells no one."""

import re

import pytest
from django.core import mail

from articles.models import Comment, Notification, Profile
from articles.notifications import services
from tests.browser.helpers import log_in
from tests.browser.mailbox import mailed_link
from tests.factories import make_article, make_comment, make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_reply_and_mention_notify_in_the_site_and_by_mail(new_page, live_server, settings):
    settings.SITE_URL = live_server.url  # the links in mail
    alice, _, carol, dave = (make_user(name) for name in ("alice", "bob", "carol", "dave"))
    article = make_article(title="Servers in the news")
    top = make_comment(article, author=alice, body="My first take")

    bob_page = new_page()
    log_in(bob_page, "bob")
    bob_page.goto(article.get_absolute_url())
    comment = bob_page.locator(f"#comment-{top.pk}")
    comment.locator(".reply-link").first.click()
    form = comment.locator("form.reply-form")
    form.locator("textarea").fill("I disagree, and so does @carol.")
    form.get_by_role("button", name="Post reply").click()
    reply = Comment.objects.get(body="I disagree, and so does @carol.")
    bob_page.wait_for_url(f"**#comment-{reply.pk}")
    assert bob_page.locator(f"#comment-{reply.pk} a[href='/users/carol/']").inner_text() == "@carol"

    for reader, reason in ((alice, "replied to your comment"), (carol, "mentioned you")):
        page = new_page()
        log_in(page, reader.username)
        assert page.locator(".bell-count").inner_text() == "1"
        page.locator(".bell").click()
        page.get_by_role("button", name=re.compile(f"bob {reason}")).click()
        page.wait_for_url(f"**#comment-{reply.pk}")
        assert page.locator(f"#comment-{reply.pk}").is_visible()
        assert page.locator(".bell-count").inner_text() == "0"

    # alice's mail: the RFC 8058 headers, and a link that works without logging in.
    link = mailed_link(alice.email, "/notifications/unsubscribe/")
    [message] = [m for m in mail.outbox if alice.email in m.to]
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stranger = new_page()
    stranger.goto(link)
    assert Profile.objects.get(user=alice).notification_email == "immediately"  # GET: nothing
    stranger.get_by_role("button", name="Unsubscribe").click()
    assert "you will no longer get" in stranger.locator("#unsubscribed").inner_text()
    assert Profile.objects.get(user=alice).notification_email == "never"

    # Muted: dave's reply mentioning carol tells neither alice nor carol.
    services.mute_set(user=alice, on=True, muted_user=dave)
    services.mute_set(user=carol, on=True, muted_user=dave)
    muted = make_comment(article, parent=top, author=dave, body="Listen to me, @carol")
    assert not Notification.objects.filter(comment=muted).exists()


def test_new_comments_since_the_last_visit_are_marked_and_jumped_to(page):
    from datetime import timedelta

    from articles.models import ArticleVisit

    reader = make_user("reader")
    article = make_article(title="Long discussion")
    old = make_comment(article, body="Said long ago")
    Comment.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=2))
    log_in(page, "reader")
    page.goto(article.get_absolute_url())
    assert page.locator(".new-badge").count() == 0
    ArticleVisit.objects.filter(user=reader).update(
        seen_at=ArticleVisit.objects.get(user=reader).seen_at - timedelta(hours=1)
    )
    fresh = [make_comment(article, parent=old, body=f"Fresh {n}") for n in range(2)]

    page.goto(article.get_absolute_url())
    assert page.locator(".new-badge").count() == 2
    assert page.locator(f"#comment-{old.pk} > details > summary .new-badge").count() == 0
    jump = page.locator("a.next-new")
    assert jump.inner_text() == "Next new comment (2 new) \u2193"
    jump.click()
    page.wait_for_url(f"**#comment-{fresh[0].pk}")
    jump.click()
    page.wait_for_url(f"**#comment-{fresh[1].pk}")
    # Times read as relative, the absolute time kept as the title.
    time = page.locator(f"#comment-{old.pk} > details > summary time")
    assert time.inner_text() == "2 days ago"
    assert time.get_attribute("title")
