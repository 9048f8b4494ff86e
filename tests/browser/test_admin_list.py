"""The admin's comment list as a moderator reads it at 1280 px."""

import pytest

from tests.browser.helpers import log_in
from tests.factories import make_article, make_comment, make_moderator, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_comment_list_is_readable_and_filters_by_a_typed_author(page, artifacts):
    article = make_article(title="Admin list")
    alice, bob = make_user(username="alice"), make_user(username="bob")
    parent = None
    for i in range(12):  # a deep chain: each reply's dots must not crowd out its text
        parent = make_comment(
            article, parent=parent, author=alice if i % 2 else bob, title=f"Point number {i}"
        )
    make_moderator(username="modlist")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "modlist")
    page.goto("/admin/articles/comment/")
    page.screenshot(path=str(artifacts / "admin-comment-list-1280.png"), full_page=True)

    cell = page.locator(".field-in_thread").last
    assert cell.bounding_box()["width"] >= 300  # not one word per line
    results = page.locator(".results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")  # every column in view
    assert "alice" not in page.locator("#changelist-filter").inner_text()  # no list of users

    page.fill("#author-filter", "alice")
    page.locator(".author-filter").get_by_role("button", name="Filter").click()
    page.wait_for_url("**author=alice**")
    authors = page.locator("td.field-author_name_or_user").all_inner_texts()
    assert authors and set(authors) == {"alice"} and len(authors) == 6
