"""The main pages on a phone (390 px) and a desktop (1280 px): a full-page screenshot of each for
a person to look at, and no page wider than the screen (no sideways scrolling)."""

import pytest

from articles.models import Comment
from bench.generate import make_discussion
from tests.browser.helpers import LONG_URL, deepest, log_in, page_width, sample_article
from tests.factories import make_comment, make_moderator, make_report, make_user

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)


@pytest.fixture
def shoot(new_page, artifacts):
    """Load ``url`` at each width (signed in as ``username`` if given), save a full-page
    screenshot as NAME-WIDTH.png and check nothing is wider than the viewport."""
    folder = artifacts / "screenshots"
    folder.mkdir(exist_ok=True)

    def shoot(name, url, username=None):
        pages = {}
        for width in WIDTHS:
            page = new_page(width=width)
            if username:
                log_in(page, username)
            page.goto(url)
            # A 1,000-comment page is a picture of about 11 MB: give it time on a busy machine.
            page.screenshot(path=folder / f"{name}-{width}.png", full_page=True, timeout=90_000)
            scroll_width, inner_width = page_width(page)
            assert scroll_width <= inner_width, f"{name} at {width} px is {scroll_width} px wide"
            pages[width] = page
        return pages

    return shoot


def test_sample_article_with_a_long_url_and_quoted_code(shoot):
    article = sample_article()
    first = Comment.objects.filter(article=article).order_by("tree_id", "lft").first()
    make_comment(article, parent=first, title="See the report", body=f"The source: {LONG_URL}")
    make_comment(
        article,
        parent=first,
        title=LONG_URL[:200],
        body=f"> {LONG_URL} was quoted\n\nRun `{LONG_URL}` or:\n\n```\ncurl {LONG_URL}\n```",
    )
    shoot("sample-article", article.get_absolute_url())


def test_a_thousand_comments_ten_deep_and_the_deepest_permalink(shoot):
    article = make_discussion(1000, seed=15)
    comment = deepest(article)
    assert Comment.objects.filter(article=article).count() == 1000
    assert comment.level == 10
    pages = shoot("thousand-comments", article.get_absolute_url())
    nine_deep = "li.comment" + " ol.replies > li.comment" * 9
    assert pages[390].locator(nine_deep).count() > 0  # the first page holds deep threads
    pages = shoot("deep-permalink", comment.get_absolute_url())
    # Deep on a phone, the text keeps most of the width rather than a word per line.
    phone = pages[390]
    body = phone.locator(f"#comment-{comment.pk} > details > .body").bounding_box()
    assert body["width"] >= 250, f"the deepest comment's text is {body['width']} px wide"


def test_a_deep_thread_keeps_readable_width_on_a_phone(new_page):
    article = sample_article()
    chain = [make_comment(article, title="level 0", body="Level zero")]
    for level in range(1, 10):
        chain.append(
            make_comment(article, parent=chain[-1], title=f"level {level}", body=f"At {level}")
        )
    page = new_page(width=390)
    page.goto(article.get_absolute_url())
    widths = [
        page.locator(f"#comment-{c.pk} > details > .body").bounding_box()["width"] for c in chain
    ]
    assert min(widths) >= 250, widths  # indented a little, and only a few levels
    assert widths[0] > widths[1] > widths[2]  # the first levels still show they nest
    scroll_width, inner_width = page_width(page)
    assert scroll_width <= inner_width


def test_moderation_queue(shoot):
    article = sample_article()
    make_moderator(username="queuemod")
    held = make_comment(article, title="Held", body=f"Buy now at {LONG_URL}")
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.PENDING)
    reported = Comment.objects.filter(article=article, level__gt=0).first()
    make_report(reported, reporter=make_user(), reason="spam", text=f"Spam, see {LONG_URL}"[:400])
    pages = shoot("moderation-queue", "/moderation/", username="queuemod")
    assert pages[390].locator(".queue-item").count() == 2


def test_search_results_with_the_filters(shoot):
    sample_article()
    pages = shoot("search", f"/search/?q=servers+{LONG_URL[:150]}+or+ibm")
    assert pages[390].locator(".search-result mark").count() > 0
