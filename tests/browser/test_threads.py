"""Big threads in a real browser: collapsing, "load more", indentation."""

import itertools

import pytest
from playwright.sync_api import expect

from tests.factories import make_article, make_bulk_thread

pytestmark = pytest.mark.django_db(transaction=True)


def test_collapse_and_expand_a_subtree_without_losing_it(page):
    article = make_article()
    root, reply, deeper, other = make_bulk_thread(article, [None, 0, 1, 0])
    page.goto(article.get_absolute_url())
    summary = page.locator(f"#comment-{root.pk} > details > summary")
    assert page.locator(f"#comment-{deeper.pk}").is_visible()
    assert summary.inner_text().endswith("3 replies")

    summary.click()
    assert not page.locator(f"#comment-{reply.pk}").is_visible()
    assert not page.locator(f"#comment-{deeper.pk}").is_visible()
    assert summary.inner_text().endswith("3 replies hidden")

    summary.click()
    assert page.locator(f"#comment-{deeper.pk}").is_visible()
    assert page.locator(f"#comment-{other.pk}").is_visible()
    assert summary.inner_text().endswith("3 replies")


def test_load_more_appends_the_next_threads_in_place(page, settings):
    settings.THREAD_PAGE_SIZE = 2
    article = make_article()
    parents = [None, 0, None, None, 3, None, None]
    comments = make_bulk_thread(article, parents)
    roots = [c for c, parent in zip(comments, parents, strict=True) if parent is None]
    page.goto(article.get_absolute_url())
    top_level = page.locator("#comments ol.thread > li.comment")
    assert top_level.count() == 2

    page.get_by_role("link", name="Load more comments").click()
    # Polled by Playwright, not by a script string: the page's CSP forbids eval.
    expect(top_level).to_have_count(4)
    assert page.url.endswith(article.get_absolute_url())  # appended, not navigated
    assert page.locator(f"#comments ol.thread > #comment-{roots[3].pk}").count() == 1
    assert page.locator(f"#comment-{comments[4].pk}").is_visible()  # with its replies

    page.get_by_role("link", name="Load more comments").click()
    expect(top_level).to_have_count(5)
    assert page.get_by_role("link", name="Load more comments").count() == 0
    assert [int(i.split("-")[1]) for i in top_level.evaluate_all("els => els.map(e => e.id)")] == [
        r.pk for r in roots
    ]


def test_load_more_without_javascript_is_a_link_to_the_next_page(browser, live_server, settings):
    settings.THREAD_PAGE_SIZE = 2
    article = make_article()
    make_bulk_thread(article, [None, None, None])
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Load more comments").click()
    page.wait_for_url("**?page=2")
    assert page.locator("#comments ol.thread > li.comment").count() == 1
    context.close()


def test_indentation_stops_growing_past_depth_8(page):
    article = make_article()
    chain = make_bulk_thread(article, [None, *range(9)])  # levels 0..9
    page.goto(article.get_absolute_url())
    x = [page.locator(f"#comment-{c.pk}").bounding_box()["x"] for c in chain]
    assert all(deeper > shallower for shallower, deeper in itertools.pairwise(x[:9]))
    assert x[9] == x[8]
