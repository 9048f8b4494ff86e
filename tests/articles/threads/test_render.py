"""The comment markup renderer: escaping, and a parts file it cannot read."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from articles.threads import render as thread_html
from articles.threads import selectors
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db


def test_user_text_is_escaped_and_braces_are_just_text(article):
    author = make_user(username="o'brien")
    make_comment(article, author=author, title='<img src=x onerror="alert(1)"> {pk} {0}')
    html = thread_html.render_thread(selectors.thread_page(article).comments)
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; {pk} {0}" in html
    assert "o&#x27;brien" in html


def test_no_comments_render_nothing():
    assert thread_html.render_thread([]) == ""


@pytest.mark.parametrize("field", ["{pk!r}", "{pk:>5}", "{c.pk}", "{0}"])
def test_a_parts_file_with_fields_it_cannot_fill_is_refused(tmp_path, monkeypatch, field):
    parts = tmp_path / "parts.html"
    parts.write_text(f"<!-- header -->\n<!-- part: comment -->\n<li>{field}</li>\n")
    monkeypatch.setattr(thread_html, "PARTS_FILE", parts)
    with pytest.raises(ImproperlyConfigured, match="part comment: bad field"):
        thread_html._read_parts()


def test_parts_are_reread_while_developing(article, settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    make_comment(article)
    original = thread_html.PARTS_FILE.read_text()
    edited = tmp_path / "parts.html"
    edited.write_text(original.replace('<li class="comment"', '<li class="comment edited"'))
    monkeypatch.setattr(thread_html, "PARTS_FILE", edited)
    assert 'class="comment edited"' in thread_html.render_thread(
        selectors.thread_page(article).comments
    )


def test_a_comment_without_a_title_has_no_heading_not_an_untitled_one(article):
    make_comment(article, body="Just text")
    html = thread_html.render_thread(selectors.thread_page(article).comments)
    assert "(untitled)" not in html
    assert 'class="title"' not in html  # not even an empty one, on thousands of comments
