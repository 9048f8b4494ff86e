import pytest

from articles.models import AuditLogEntry, Comment
from tests.factories import PASSWORD, make_article, make_comment, make_moderator

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("trees_stay_valid"),
]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_moderator_hides_a_comment_in_the_page_then_restores_it_from_the_admin(
    page, browser, live_server
):
    from playwright.sync_api import expect

    article = make_article(title="Browser moderation")
    rude = make_comment(article, title="Rude remark", body="Something rude")
    reply = make_comment(article, parent=rude, title="A fair reply", body="Let us keep it civil")
    make_moderator(username="modbrowser")
    log_in(page, "modbrowser")

    # Hide it with the in-page tools, reading the discussion newest first.
    page.goto(article.get_absolute_url() + "?sort=newest")
    page.locator(f"#comment-{rude.pk} > details > .mod-tools .mod-open").click()
    tools = page.locator(f"#comment-{rude.pk} > details > form.mod-form")
    expect(tools.get_by_role("button")).to_have_text(
        ["Hide", "Remove", "Pin", "Hide branch", "Restore branch", "Cancel"]
    )
    expect(tools.locator(".mod-author")).to_have_attribute(
        "href", f"/moderation/users/{rude.author_id}/"
    )
    tools.get_by_placeholder("Reason (optional)").fill("Insulting")
    tools.get_by_role("button", name="Hide", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("Comment hidden.")
    assert page.url.endswith(f"?sort=newest#comment-{rude.pk}")  # back where the moderator was
    label = page.locator(f"#comment-{rude.pk} > details > summary .tombstone-label")
    expect(label).to_have_text("[hidden by a moderator]")
    nested = page.locator(f"#comment-{rude.pk} > details > ol.replies > #comment-{reply.pk}")
    expect(nested).to_contain_text("Let us keep it civil")
    # Opened again, the form offers what a hidden comment allows.
    page.locator(f"#comment-{rude.pk} > details > .mod-tools .mod-open").click()
    expect(tools.get_by_role("button")).to_have_text(
        ["Remove", "Restore", "Hide branch", "Restore branch", "Cancel"]
    )
    tools.get_by_role("button", name="Cancel").click()
    expect(tools).to_have_count(0)

    # A reader sees the tombstone without the text, and the reply in its place.
    reader = browser.new_context(base_url=live_server.url)
    reader_page = reader.new_page()
    reader_page.goto(article.get_absolute_url())
    expect(reader_page.locator(f"#comment-{rude.pk} > details > summary")).to_have_text(
        "[hidden by a moderator] 1 reply", use_inner_text=True
    )
    expect(
        reader_page.locator(f"#comment-{rude.pk} > details > ol.replies > #comment-{reply.pk}")
    ).to_contain_text("Let us keep it civil")
    assert "Something rude" not in reader_page.content()
    reader.close()

    # Restore it from the admin.
    page.goto("/admin/articles/comment/?state__exact=hidden")
    page.locator(f'input[name="_selected_action"][value="{rude.pk}"]').check()
    page.select_option('select[name="action"]', "restore")
    page.fill('input[name="reason"]', "On reflection, fine")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("Restored: 1.")

    page.goto(article.get_absolute_url())
    expect(page.locator(f"#comment-{rude.pk} > details > div.body")).to_have_text("Something rude")
    expect(page.locator(f"#comment-{rude.pk} .tombstone-label")).to_have_count(0)
    assert Comment.objects.get(pk=rude.pk).state == Comment.State.VISIBLE
    log = list(AuditLogEntry.objects.order_by("id").values_list("action", "reason"))
    assert log == [("hide", "Insulting"), ("restore", "On reflection, fine")]


def test_a_destructive_action_asks_in_a_dialog_and_does_nothing_when_declined(page):
    from playwright.sync_api import expect

    article = make_article(title="Browser confirmation")
    spam = make_comment(article, title="Spam", body="Buy now")
    make_moderator(username="modconfirm")
    log_in(page, "modconfirm")
    page.goto(article.get_absolute_url())
    tools = page.locator(f"#comment-{spam.pk} > details > form.mod-form")

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator(f"#comment-{spam.pk} > details > .mod-tools .mod-open").click()
    tools.get_by_role("button", name="Remove").click()
    assert questions == ["Remove this comment for breaking the rules?"]
    assert Comment.objects.get(pk=spam.pk).state == Comment.State.VISIBLE

    page.once("dialog", lambda dialog: dialog.accept())
    tools.get_by_role("button", name="Remove").click()
    expect(page.locator(".messages")).to_contain_text("Comment removed.")
    assert Comment.objects.get(pk=spam.pk).state == Comment.State.REMOVED
