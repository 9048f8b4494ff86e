"""A member's account as a person uses it, in a real Chromium: forgetting the password, changing
the address, downloading their data, and leaving with the threads keeping their shape."""

import json

import pytest

from articles.models import Comment
from tests.browser.mailbox import follow_mailed_link
from tests.factories import PASSWORD, make_article, make_comment, make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-brand-new-passphrase-99"


def log_in(page, login, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_forget_the_password_reset_it_from_the_mailed_link_and_log_in(page):
    user = make_user("forgetful")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.fill("input[name=email]", user.email)
    page.get_by_role("button", name="Reset My Password").click()
    page.get_by_text("is on its way").wait_for()

    follow_mailed_link(page, user.email, "/accounts/password/reset/key/")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_load_state()

    log_in(page, "forgetful", NEW_PASSWORD)
    assert page.locator(".who").inner_text() == "Signed in as forgetful"


def test_change_the_address_which_replaces_the_old_once_verified(page):
    user = make_user("mover")
    log_in(page, "mover")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Change your e-mail address").click()
    page.fill("input[name=email]", "moved@example.com")
    page.get_by_role("button", name="Change Email").click()

    follow_mailed_link(page, "moved@example.com", "/accounts/confirm-email/")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    page.goto("/accounts/email/")
    assert "moved@example.com" in page.content()
    assert user.email not in page.content()


def test_download_my_data(page):
    user = make_user("keeper")
    make_comment(make_article(), author=user, body="Something I said")
    log_in(page, "keeper")
    page.goto("/accounts/settings/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())  # noqa: SIM115
    assert data["account"]["username"] == "keeper"
    assert [c["body"] for c in data["comments"]] == ["Something I said"]


@pytest.mark.usefixtures("trees_stay_valid")
def test_delete_the_account_and_the_thread_keeps_its_shape(page):
    user = make_user("leaving")
    article = make_article()
    top = make_comment(article, author=user, body="My opening")
    reply = make_comment(article, parent=top, body="An answer")
    make_comment(article, parent=reply, author=user, body="My rejoinder")
    log_in(page, "leaving")
    page.goto(article.get_absolute_url())
    before = page.locator("li.comment").evaluate_all("els => els.map(e => e.id)")

    page.goto("/accounts/settings/")
    page.get_by_role("link", name="Delete my account…").click()
    page.fill("#id_password", PASSWORD)
    page.get_by_label("Keep the text of my comments").check()
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("Your account was deleted").wait_for()

    page.goto(article.get_absolute_url())
    assert page.locator("li.comment").evaluate_all("els => els.map(e => e.id)") == before
    assert page.locator(f"#comment-{top.pk} .by").first.inner_text() == "[deleted account]"
    assert "My rejoinder" in page.content()
    assert Comment.objects.filter(author_name="[deleted account]").count() == 2
    assert page.locator(".site-header").get_by_role("link", name="Log in").is_visible()
