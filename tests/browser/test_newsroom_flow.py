"""An editor writes, previews, schedules, publishes, corrects and closes an article in the
admin; a reader then sees the correction and the closed thread."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import PASSWORD, make_comment, make_editor, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def save_and_continue(page):
    page.locator('input[name="_continue"]').click()
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 0, page.locator(".errorlist").all_inner_texts()


def test_an_editor_takes_an_article_from_draft_to_closed(page, browser, live_server):
    from playwright.sync_api import expect

    make_editor(username="editor")
    log_in(page, "editor")
    anonymous = browser.new_context(base_url=live_server.url).new_page()

    # Write a draft: the slug follows the title.
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("Robots Write The News")
    expect(page.locator("#id_slug")).to_have_value("robots-write-the-news")
    page.fill("#id_summary", "A newsroom experiment.")
    page.fill("#id_body", "## What happened\n\nThe robots wrote **everything**.")
    page.fill("#id_byline", "By the newsroom")
    expect(page.locator("#id_status")).to_have_value("draft")
    save_and_continue(page)
    article = Article.objects.get()
    url = article.get_absolute_url()

    # Preview it: editors see it with a banner, an anonymous reader gets 404.
    page.get_by_role("link", name="View on site").click()
    page.wait_for_url(f"**{url}")
    expect(page.locator(".banner")).to_contain_text("Draft: only editors see this page.")
    expect(page.locator(".article-body h2")).to_have_text("What happened")
    assert anonymous.goto(url).status == 404

    # Schedule it a minute ahead: not public yet, public once the clock passes the time.
    change = f"/admin/articles/article/{article.pk}/change/"
    page.goto(change)
    when = timezone.localtime() + timedelta(minutes=1)
    page.select_option("#id_status", "scheduled")
    page.fill("#id_published_at_0", when.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", when.strftime("%H:%M:%S"))
    save_and_continue(page)
    assert anonymous.goto(url).status == 404
    assert article not in Article.objects.published()
    assert article in Article.objects.published(now=when + timedelta(seconds=1))

    # Publish it now.
    page.select_option("#id_status", "published")
    page.fill("#id_published_at_0", "")
    page.fill("#id_published_at_1", "")
    save_and_continue(page)
    assert anonymous.goto(url).status == 200
    expect(page.locator("#id_slug")).to_have_count(0)  # the address is fixed now
    make_comment(Article.objects.get(), body="Said while it was open")

    # Correct it with a visible note; the earlier version is kept.
    page.fill("#id_body", "## What happened\n\nThe robots wrote *most* of it.")
    page.check("#id_visible_correction")
    save_and_continue(page)
    expect(page.locator(".inline-group")).to_contain_text("The robots wrote **everything**.")

    # Close its comments.
    page.select_option("#id_comment_policy", "closed")
    save_and_continue(page)

    # A reader sees the note, the thread, and no form.
    make_user(username="reader")
    reader = browser.new_context(base_url=live_server.url).new_page()
    log_in(reader, "reader")
    reader.goto(url)
    expect(reader.locator(".correction")).to_contain_text("Corrected")
    expect(reader.locator(".article-body")).to_contain_text("The robots wrote most of it.")
    expect(reader.locator("#comments")).to_contain_text("Said while it was open")
    expect(reader.locator("#comments")).to_contain_text("Comments on this article are closed.")
    expect(reader.locator("#comments textarea")).to_have_count(0)
    # Without JavaScript a reply link leads to the reply page, which says the same.
    reader.locator(".reply-link").first.click()
    expect(reader.locator("main")).to_contain_text("Comments on this article are closed.")
    expect(reader.locator("main textarea")).to_have_count(0)
