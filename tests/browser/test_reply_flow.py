from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Comment
from tests.browser.helpers import log_in, sample_article
from tests.browser.mailbox import follow_mailed_link
from tests.factories import PASSWORD, make_user

SAMPLE = Path(__file__).resolve().parents[2] / "articles" / "sample_data" / "ibm-servers-zdnet.txt"

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_verify_the_address_and_reply_inline_to_the_deepest_comment(page):
    call_command("import_article", str(SAMPLE))
    target = Comment.objects.get(title="Not saying anything either way")

    page.goto("/")
    page.get_by_role("link", name="Chinese govt urging banks to remove IBM servers: Report").click()
    page.locator("#comments").get_by_role("link", name="register").click()
    page.fill("#id_username", "browserreader")
    page.fill("#id_email", "browserreader@example.com")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/articles/chinese-govt-urging-banks-to-remove-ibm-servers-report/")
    # Signed in, but posting waits for the address: the page says so.
    assert page.locator(".notice.unverified").is_visible()

    follow_mailed_link(page, "browserreader@example.com", "/accounts/confirm-email/")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    page.goto(target.article.get_absolute_url())

    comment = page.locator(f"#comment-{target.pk}")
    comment.locator(".reply-link").first.click()
    form = comment.locator("form.reply-form")
    form.locator("textarea").fill("A reply from a **real** browser.")
    form.get_by_role("button", name="Post reply").click()

    reply = Comment.objects.get(body="A reply from a **real** browser.")
    page.wait_for_url(f"**#comment-{reply.pk}")
    nested = page.locator(f"#comment-{target.pk} > details > ol.replies > #comment-{reply.pk}")
    assert nested.locator("strong").inner_text() == "real"
    assert reply.parent_id == target.pk and reply.author.username == "browserreader"


def test_reply_link_without_javascript_opens_the_reply_page(browser, live_server):
    call_command("import_article", str(SAMPLE))
    target = Comment.objects.get(title="Heaven forbid...")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/signup/")
    page.fill("#id_username", "nojsreader")
    page.fill("#id_email", "nojsreader@example.com")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Create account").click()
    follow_mailed_link(page, "nojsreader@example.com", "/accounts/confirm-email/")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    page.goto(target.article.get_absolute_url())

    page.locator(f"#comment-{target.pk} .reply-link").first.click()
    page.wait_for_url(f"**/comments/{target.pk}/reply/")
    page.fill("textarea[name=body]", "Posted without JavaScript.")
    page.get_by_role("button", name="Post reply").click()

    reply = Comment.objects.get(body="Posted without JavaScript.")
    page.wait_for_url(f"**#comment-{reply.pk}")
    assert reply.parent_id == target.pk
    context.close()


def test_live_preview_and_quote_in_the_inline_reply_form(page):
    article = sample_article()
    target = Comment.objects.get(title="Heaven forbid...")
    reader = make_user()
    log_in(page, reader.username)
    page.goto(article.get_absolute_url())

    comment = page.locator(f"#comment-{target.pk}")
    comment.locator(".reply-link").first.click()
    form = comment.locator("form.reply-form")
    form.get_by_role("button", name="Quote").click()
    quoted = form.locator("textarea").input_value()
    first_line = target.body.strip().splitlines()[0]
    assert quoted.startswith(f"> {first_line[:20]}")

    form.locator("textarea").fill("Live **preview** of https://example.com")
    preview = form.locator(".preview")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "preview"
    assert preview.locator("a").get_attribute("href") == "https://example.com"
    assert "Preview: not posted yet." in preview.inner_text()
    assert not Comment.objects.filter(body__contains="Live").exists()


def test_preview_without_javascript_shows_the_text_then_posts_it(browser, live_server):
    article = sample_article()
    reader = make_user()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, reader.username)
    page.goto(article.get_absolute_url())
    form = page.locator("form.comment-form").first
    form.locator("textarea").fill("Checked *before* posting.")
    form.get_by_role("button", name="Preview").click()
    assert page.locator(".preview em").inner_text() == "before"
    assert not Comment.objects.filter(body="Checked *before* posting.").exists()
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#comment-*")
    assert Comment.objects.filter(body="Checked *before* posting.").exists()
    context.close()
