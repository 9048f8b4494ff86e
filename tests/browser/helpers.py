"""What several browser tests do: sign in through the real form, build the pages to look at."""

import io
from pathlib import Path

from django.core.management import call_command

from articles.models import Article, Comment
from tests.factories import PASSWORD

SAMPLE = Path(__file__).resolve().parents[2] / "articles" / "sample_data" / "ibm-servers-zdnet.txt"
# One unbroken word far wider than a phone: before overflow-wrap it made a 390 px page 974 px wide.
# No hyphen or space in it to break at.
LONG_URL = "https://example.org/track?session=" + "0f3a9c2e7b1d4a6f" * 12


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def sample_article() -> Article:
    """The sample article (articles/sample_data), imported as a person would."""
    call_command("import_article", str(SAMPLE), stdout=io.StringIO())
    return Article.objects.get()


def page_width(page) -> tuple[int, int]:
    """The document's scroll width and the viewport's width, in CSS pixels."""
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def deepest(article) -> Comment:
    return Comment.objects.filter(article=article).order_by("-level", "tree_id", "lft").first()
