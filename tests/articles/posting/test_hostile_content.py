"""Hostile text in every field a stranger controls, read back from the rendered pages.

test_markdown.py attacks the sanitiser itself; this checks that every other way text reaches a
page (titles, author names, article fields, imported threads) is escaped or sanitised too. Pages
are judged by parsing them, as a browser would, against the same pages with harmless content.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article, Comment
from articles.portability import store
from articles.portability.records import ImportReport, SourceArticle, SourceComment
from articles.posting.markdown import ALLOWED_TAGS
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "articles" / "sample_data" / "ibm-servers-zdnet.txt"
TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)>'
NAME = '"><svg onload=alert("name")>'
BODY = '<script>alert("body")</script><iframe src="javascript:alert(1)"></iframe>'
MARKDOWN = '[click](javascript:alert(1)) <img src=x onerror=alert(1)> <a href="vbscript:x">v</a>'
SAFE_SCHEMES = {None, "http", "https", "mailto"}


class Page(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.scripts, self.text = set(), [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))

    def handle_data(self, data):
        self.text.append(data)


def scheme(url):
    url = "".join(url.split()).lower()  # browsers drop whitespace and control characters
    head = url.split(":", 1)[0] if ":" in url else None
    return None if head is None or "/" in head else head


def problems(html, site_tags):
    page = Page(html)
    found = [f"<{tag}>" for tag in page.tags - site_tags]
    for tag, name, value in page.attributes:
        if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
            found.append(f"<{tag} {name}>")
        if name in ("href", "src", "action") and scheme(value) not in SAFE_SCHEMES:
            found.append(f"<{tag} {name}={value!r}>")
    if page.scripts != ["/static/js/forum.js"]:
        found.append(f"scripts {page.scripts}")
    return found


def pages_of(client, article, comment):
    return {
        "home": client.get(reverse("home")),
        "article": client.get(article.get_absolute_url()),
        "permalink": client.get(reverse("comment_detail", args=[comment.pk])),
        "reply page": client.get(reverse("comment_reply", args=[comment.pk])),
    }


@pytest.fixture
def site_tags(db):
    """The tags the site's pages use with harmless content, plus what comments may contain."""
    reader = Client()
    reader.force_login(make_user(password=None))
    article = make_article()
    root = make_comment(article)
    make_comment(article, parent=root)
    tags = set(ALLOWED_TAGS)
    for response in pages_of(reader, article, root).values():
        tags |= Page(response.content.decode()).tags
    return tags


def test_hostile_titles_names_and_articles_are_escaped_on_every_page(site_tags):
    article = make_article(
        title=TITLE,
        summary=BODY,
        body=f"{BODY}\n\n{TITLE}",
        topics=[TITLE],
        byline=NAME,
        source_name=NAME,
        source_url="javascript:alert(1)",
    )
    # Usernames pass no validator when an account is made outside the sign-up form.
    author = make_user(username=NAME, password=None)
    root = make_comment(article, author=author, title=TITLE, body=MARKDOWN)
    reply = make_comment(article, parent=root, author=author, title=NAME, body=BODY)
    reader = Client()
    reader.force_login(author)

    for name, response in pages_of(reader, article, reply).items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert problems(html, site_tags) == [], name
    article_page = Page(reader.get(article.get_absolute_url()).content.decode())
    shown = "".join(article_page.text)
    assert TITLE in shown and NAME in shown  # escaped and visible, not silently dropped


def test_a_javascript_source_link_is_not_rendered_as_a_link(client):
    article = make_article(source_name="Example", source_url="javascript:alert(1)")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:" not in html and "Source: Example" in html
    Article.objects.filter(pk=article.pk).update(source_url="https://news.example/a")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="https://news.example/a"' in html


def test_an_imported_thread_with_html_everywhere_is_escaped(site_tags):
    def comment(title, body, author_name, parent_index, line):
        return SourceComment(
            source="text",
            original_id="",
            author_name=author_name,
            created_at=None,
            state="visible",
            title=title,
            body=body,
            body_format="text",
            line=line,
            parent_index=parent_index,
        )

    source = SourceArticle(
        source="text",
        original_id="",
        title=TITLE,
        summary=BODY,
        topics=[NAME],
        body=BODY,
        byline=NAME,
        comments=[
            comment(TITLE, BODY, NAME, None, 1),
            comment(NAME, MARKDOWN, "", 0, 5),
        ],
        comment_ids_expected=False,
    )
    outcome = store.article_store(source=source, report=ImportReport(), dry_run=False)
    article = outcome.article
    reply = Comment.objects.get(article=article, level=1)

    for name, response in pages_of(Client(), article, reply).items():
        if name != "reply page":  # needs a login; the same content is on the others
            assert problems(response.content.decode(), site_tags) == [], name
    assert "<script>" not in reply.body_html and "&lt;a href" in reply.body_html


def test_the_import_command_escapes_html_in_the_file(tmp_path, site_tags):
    source = SAMPLE.read_text()
    hostile = (
        source.replace("Chinese govt urging banks to remove IBM servers: Report", TITLE, 2)
        .replace("  • lol", f"  • {NAME}")
        .replace("...we try to do that in the USA.", BODY)
    )
    path = tmp_path / "hostile.txt"
    path.write_text(hostile)
    call_command("import_article", str(path), format="text")  # its title starts with "<"
    article = Article.objects.get(title=TITLE)
    comment = Comment.objects.get(title=NAME)

    for name, response in pages_of(Client(), article, comment).items():
        if name != "reply page":
            assert problems(response.content.decode(), site_tags) == [], name
