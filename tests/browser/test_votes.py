"""Voting in a real browser: in place with JavaScript, by a plain form post without it."""

import pytest
from playwright.sync_api import expect

from articles.models import Comment, Vote
from tests.factories import PASSWORD, make_article, make_bulk_thread, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_vote_withdraw_and_switch_in_place(page):
    article = make_article()
    (comment,) = make_bulk_thread(article, [None])
    reader = make_user()
    sign_in(page, reader)
    page.goto(article.get_absolute_url())
    box = page.locator(f"#comment-{comment.pk}")
    score = box.locator(":scope > details > summary .score")
    up, down = box.locator(".vote [name=up]"), box.locator(".vote [name=down]")
    expect(score).to_have_text("0 points")

    up.click()
    expect(score).to_have_text("1 point")
    expect(up).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith(article.get_absolute_url())  # in place, not a new page
    down.click()
    expect(score).to_have_text("-1 points")
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    down.click()  # withdrawn
    expect(score).to_have_text("0 points")
    expect(down).to_have_attribute("aria-pressed", "false")
    assert not Vote.objects.filter(comment=comment).exists()

    up.click()
    expect(score).to_have_text("1 point")
    page.reload()  # stored, and marked as the reader's own
    expect(box.locator(".vote [name=up]")).to_have_attribute("aria-pressed", "true")


def test_vote_without_javascript_returns_to_the_comment(browser, live_server):
    article = make_article()
    (comment,) = make_bulk_thread(article, [None])
    reader = make_user()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, reader)
    page.goto(article.get_absolute_url())
    page.locator(f"#comment-{comment.pk} .vote [name=up]").click()
    page.wait_for_url(f"**#comment-{comment.pk}")
    box = page.locator(f"#comment-{comment.pk}")
    assert box.locator(":scope > details > summary .score").inner_text() == "1 point"
    assert box.locator(".vote [name=up]").get_attribute("aria-pressed") == "true"
    page.locator(f"#comment-{comment.pk} .vote [name=up]").click()  # withdraw
    page.wait_for_url(f"**#comment-{comment.pk}")
    assert box.locator(":scope > details > summary .score").inner_text() == "0 points"
    assert not Vote.objects.exists()
    context.close()


def test_a_low_score_comment_starts_collapsed(page):
    article = make_article()
    root, reply, other = make_bulk_thread(article, [None, 0, None])
    Comment.objects.filter(pk=root.pk).update(downvotes=9)
    page.goto(article.get_absolute_url())
    summary = page.locator(f"#comment-{root.pk} > details > summary")
    expect(summary).to_contain_text("comment score below threshold")
    assert not page.locator(f"#comment-{reply.pk}").is_visible()
    assert page.locator(f"#comment-{other.pk}").is_visible()
    summary.click()
    assert page.locator(f"#comment-{reply.pk}").is_visible()
    assert not summary.locator(".low-score").is_visible()
