"""What static/css/forum.css promises, checked in the computed styles of real pages."""

import pytest

from articles.models import Comment
from tests.browser.helpers import log_in, sample_article
from tests.factories import make_comment, make_moderator, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def style(locator, prop):
    return locator.evaluate("(el, prop) => getComputedStyle(el)[prop]", prop)


def luminance(css_color):
    """Relative luminance (0 black .. 1 white) of an "rgb(r, g, b)" computed colour."""
    channels = [int(part) / 255 for part in css_color[css_color.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def assert_highlighted(page, comment, others):
    body = style(page.locator("body"), "backgroundColor")
    for part in ("summary", ".body", ".actions"):
        target = page.locator(f"#comment-{comment.pk} > details > {part}")
        assert style(target, "backgroundColor") not in ("rgba(0, 0, 0, 0)", body)
        assert style(target, "borderLeftWidth") == "4px"
        for other in others:
            plain = page.locator(f"#comment-{other.pk} > details > {part}")
            assert style(plain, "backgroundColor") == "rgba(0, 0, 0, 0)"
            assert style(plain, "borderLeftWidth") == "0px"


def test_the_comment_landed_on_is_highlighted(new_page):
    article = sample_article()
    landed = make_comment(article, title="Landed here", body="The one linked to")
    other = make_comment(article, title="Not this one", body="Another")
    page = new_page()
    page.goto(f"{article.get_absolute_url()}#comment-{landed.pk}")
    assert_highlighted(page, landed, [other])
    assert page.locator(f"#comment-{landed.pk}").is_visible()


def test_a_new_comment_is_highlighted_after_posting(new_page):
    article = sample_article()
    make_user(username="poster")
    other = make_comment(article, title="Earlier", body="Already there")
    page = new_page(width=390)
    log_in(page, "poster")
    page.goto(article.get_absolute_url())
    form = page.locator("#comments > form.comment-form")
    form.locator("textarea").fill("Just posted")
    form.get_by_role("button", name="Post comment").click()
    posted = Comment.objects.get(body="Just posted")
    page.wait_for_url(f"**#comment-{posted.pk}")
    assert_highlighted(page, posted, [other])


def test_a_permalink_page_highlights_its_comment_not_the_replies(new_page):
    article = sample_article()
    parent = make_comment(article, title="Parent", body="Above")
    comment = make_comment(article, parent=parent, title="Linked", body="This one")
    reply = make_comment(article, parent=comment, title="Reply", body="Below")
    page = new_page()
    page.goto(comment.get_absolute_url())
    assert_highlighted(page, comment, [reply])


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(new_page):
    page = new_page(width=390)
    page.goto("/")
    link = page.get_by_role("link", name="Skip to content")
    box = link.bounding_box()
    assert box["y"] + box["height"] <= 0  # out of sight until focused
    page.keyboard.press("Tab")
    assert link.evaluate("el => el === document.activeElement")
    box = link.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 24  # shown on focus
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")
    assert page.evaluate("document.activeElement.id") == "content"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colour_scheme_follows_the_system(new_page, scheme):
    article = sample_article()
    page = new_page(color_scheme=scheme)
    page.goto(article.get_absolute_url())
    background = luminance(style(page.locator("body"), "backgroundColor"))
    text = luminance(style(page.locator("body"), "color"))
    header = luminance(style(page.locator(".site-header"), "backgroundColor"))
    if scheme == "dark":
        assert background < 0.05 and header < 0.05 and text > 0.6
    else:
        assert background > 0.9 and header > 0.9 and text < 0.05


def test_comment_tools_are_big_enough_to_tap_on_a_phone(new_page):
    article = sample_article()
    make_moderator(username="tapmod")
    comment = make_comment(article, title="Tap me", body="Tools below")
    page = new_page(width=390)
    log_in(page, "tapmod")
    page.goto(article.get_absolute_url())
    tools = page.locator(f"#comment-{comment.pk} > details").locator(
        "> summary, > .actions a, > .mod-tools a"
    )
    # The summary (collapses), permalink, profile, reply, report, moderate.
    assert tools.count() == 6
    page.locator(f"#comment-{comment.pk} > details > .mod-tools .mod-open").click()
    form = page.locator(f"#comment-{comment.pk} > details > form.mod-form")
    buttons = form.locator("button, a")
    assert buttons.count() >= 4
    page.locator(f"#comment-{comment.pk} .reply-link").click()
    reply = page.locator(f"#comment-{comment.pk} form.reply-form button")
    for group in (tools, buttons, reply):
        for i in range(group.count()):
            box = group.nth(i).bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, group.nth(i).inner_text()


def test_quotes_and_code_in_a_comment_are_set_apart(new_page):
    article = sample_article()
    comment = make_comment(
        article, body="> What they said\n\nRun `make test`, then:\n\n```\nbin/test -q\n```"
    )
    page = new_page()
    page.goto(article.get_absolute_url())
    body = page.locator(f"#comment-{comment.pk} > details > .body")
    quote, inline, block = (
        body.locator("blockquote"),
        body.locator("> p > code"),
        body.locator("pre"),
    )
    prose = body.locator("> p").first
    assert int(style(quote, "borderLeftWidth")[:-2]) >= 2
    assert style(quote, "color") != style(prose, "color")
    for code in (inline, block):
        assert "monospace" in style(code, "fontFamily")
        assert style(code, "backgroundColor") != "rgba(0, 0, 0, 0)"
    assert style(block, "whiteSpace") == "pre-wrap"  # wraps instead of scrolling sideways
