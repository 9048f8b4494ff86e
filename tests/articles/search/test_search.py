"""Search: ranking, filters, what is never found, safe snippets, bad queries, queries."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment, SearchDocument
from articles.posting import services
from tests.factories import make_article, make_bulk_thread, make_comment, make_moderator, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _search(client, status=200, **params):
    response = client.get(reverse("search"), params)
    assert response.status_code == status, response.content[:500]
    return response


def _titles(response):
    return [result.title for result in response.context["page"].object_list]


def _set_state(comment, state):
    Comment.objects.filter(pk=comment.pk).update(state=state)


def test_results_are_ranked_a_title_match_before_a_passing_mention(client):
    article = make_article(title="Mainframes are back", body="A story about servers.")
    make_comment(article, title="Unrelated", body="Something about mainframes in passing.")
    make_comment(article, title="Mainframe memories", body="My first mainframe was huge.")
    response = _search(client, q="mainframe")
    assert _titles(response) == ["Mainframe memories", "Mainframes are back", "Unrelated"]
    assert response.context["page"].paginator.count == 3


def test_a_common_word_is_ranked_among_its_newest_matches_only(client, monkeypatch):
    """Ranking is bounded: only the newest MAX_RESULTS matches are ranked (and counted), so a
    best match older than them is not listed, whatever the size of the site."""
    from articles.search import selectors

    monkeypatch.setattr(selectors, "MAX_RESULTS", 3)
    article = make_article(title="Elsewhere", body="Nothing to see.")
    make_comment(article, title="Kernel kernel kernel", body="The kernel, the kernel.")
    for n in range(3):
        make_comment(article, title=f"Later {n}", body=f"A passing kernel mention {n}.")
    make_comment(article, title="Latest kernel", body="One more kernel.")
    response = _search(client, q="kernel")
    assert _titles(response) == ["Latest kernel", "Later 2", "Later 1"]
    assert response.context["page"].paginator.more


def test_a_comment_links_to_its_permalink_and_names_its_article(client):
    article = make_article(title="Chips")
    comment = make_comment(article, title="Fast silicon", body="Silicon is fast.")
    html = _search(client, q="silicon").content.decode()
    assert f'href="{comment.get_absolute_url()}"' in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert f"Comment by {comment.author.get_username()}" in html


def test_filters_kind_topic_and_author(client):
    hardware = make_article(title="Quantum hardware", topics=["Hardware"])
    policy = make_article(title="Quantum policy", topics=["Policy"])
    ann, bob = make_user("ann"), make_user("bob")
    make_comment(hardware, author=ann, title="Ann on quantum", body="Quantum is near.")
    make_comment(policy, author=bob, title="Bob on quantum", body="Quantum is far.")

    assert set(_titles(_search(client, q="quantum", kind="articles"))) == {
        "Quantum hardware",
        "Quantum policy",
    }
    assert set(_titles(_search(client, q="quantum", kind="comments"))) == {
        "Ann on quantum",
        "Bob on quantum",
    }
    assert set(_titles(_search(client, q="quantum", topic="hardware"))) == {
        "Quantum hardware",
        "Ann on quantum",
    }
    assert _titles(_search(client, q="quantum", author="bob")) == ["Bob on quantum"]
    assert _titles(_search(client, q="quantum", author="bob", topic="hardware")) == []


def test_results_are_paged_and_the_pager_keeps_the_search(client, settings):
    article = make_article(title="Paging")
    author = make_user()
    for i in range(23):
        make_comment(article, author=author, title=f"Turbine {i}", body=f"Wind turbine {i}.")
    first = _search(client, q="turbine", kind="comments")
    assert len(_titles(first)) == 20 and first.context["page"].paginator.count == 23
    assert "?q=turbine&amp;kind=comments&amp;page=2" in first.content.decode()
    second = _search(client, q="turbine", kind="comments", page="2")
    assert len(_titles(second)) == 3
    assert set(_titles(first)).isdisjoint(_titles(second))


@pytest.mark.parametrize("state", ["pending", "hidden", "removed", "deleted"])
def test_comments_readers_do_not_see_are_never_found_not_even_by_moderators(client, state):
    article = make_article(title="States")
    comment = make_comment(article, title="Secret zeppelin", body="Zeppelin.")
    _set_state(comment, state)
    assert _titles(_search(client, q="zeppelin")) == []
    client.force_login(make_moderator())
    assert _titles(_search(client, q="zeppelin")) == []
    _set_state(comment, "visible")
    assert _titles(_search(client, q="zeppelin")) == ["Secret zeppelin"]


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.WITHDRAWN, Article.Status.SCHEDULED]
)
def test_articles_not_published_and_their_comments_are_never_found(client, status):
    article = make_article(title="Hovercraft news")
    make_comment(article, title="Hovercraft comment", body="Hovercraft.")
    later = timezone.now() + timedelta(days=1)
    Article.objects.filter(pk=article.pk).update(status=status, published_at=later)
    assert _titles(_search(client, q="hovercraft")) == []
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1)
    )
    assert len(_titles(_search(client, q="hovercraft"))) == 2  # its time has come


def test_a_snippet_escapes_the_text_and_marks_only_the_matched_words(client):
    article = make_article(title="Safety")
    make_comment(
        article,
        title="About <b>tags</b>",
        body="Never run <script>alert('walrus')</script> from a walrus & <img src=x onerror=1>.",
    )
    response = _search(client, q="walrus")
    html = response.content.decode()
    results = html[html.index('class="search-results"') :]
    assert "<script" not in results and "<img" not in results and "<b>" not in results
    assert "&lt;b&gt;tags&lt;/b&gt;" in results  # the title, as text
    snippet = re.search(r'<p class="snippet">(.*?)</p>', results, re.S).group(1)
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0
    assert "<mark>walrus</mark>" in snippet


def test_highlight_keeps_marks_balanced_and_escapes_everything_else():
    from articles.search.selectors import highlight

    assert (
        highlight("a \x02b\x03 <i>&amp; \x02c") == "a <mark>b</mark> &lt;i&gt;&amp; <mark>c</mark>"
    )
    assert highlight("\x03x\x02\x02y\x03\x03") == "x<mark>y</mark>"


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a word or two to search for."),
        ("?!…%&*()", "punctuation alone finds nothing"),
        ("x" * 2000, "A search is at most 200 characters"),
    ],
)
def test_bad_queries_get_the_form_with_a_reason(client, q, message):
    response = _search(client, status=400, q=q)
    assert message in response.content.decode()
    assert response.context["page"] is None


def test_an_unknown_topic_is_a_form_error_and_no_q_is_the_empty_form(client):
    assert "Select a valid choice" in _search(client, 400, q="x", topic="nope").content.decode()
    response = _search(client)
    assert response.context["page"] is None and b"errorlist" not in response.content


def test_query_syntax_never_errs(client):
    make_article(title="Syntax")
    for q in ['"unclosed', "a & | ! b", "-word", "or or", "'; DROP TABLE x; --", "a\\b", "pre:*"]:
        _search(client, q=q)
    assert _titles(_search(client, q="the")) == []  # only a stop word: nothing, no error


def test_the_vector_follows_an_edit(client):
    author = make_user()
    comment = make_comment(make_article(), author=author, title="Draft", body="About otters.")
    services.comment_edit(comment=comment, editor=author, title="Final", body="About beavers.")
    assert _titles(_search(client, q="otters")) == []
    assert _titles(_search(client, q="beavers")) == ["Final"]


def test_the_vector_follows_an_article_correction(client):
    article = make_article(title="Old heading")
    article.title = "New heading about llamas"
    article.save()
    assert _titles(_search(client, q="llamas")) == ["New heading about llamas"]
    assert SearchDocument.objects.filter(article=article, comment=None).count() == 1


def test_imported_comments_are_found(client):
    article = make_article(title="Imported")
    make_bulk_thread(article, [None, 0, 1])  # COPY, as the importer writes
    assert sorted(_titles(_search(client, q="bulk"))) == ["b0", "b1", "b2"]
    assert SearchDocument.objects.exclude(comment=None).count() == 3


def test_a_deleted_comment_row_takes_its_document_along(db):
    from django.db import connection

    comment = make_comment(make_article())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_comment WHERE id = %s", [comment.pk])
    assert not SearchDocument.objects.filter(comment_id=comment.pk).exists()


def test_search_reads_a_constant_number_of_queries(client, django_assert_num_queries):
    article = make_article(title="Queries about kites")
    for _ in range(5):
        make_comment(article, body="Kites fly.")
    # The topic choices, the count and the page, however many results.
    with django_assert_num_queries(3):
        _search(client, q="kites")


def test_search_is_rate_limited_per_address(client, settings):
    settings.SEARCH_RATE_PER_IP = "2/m"
    _search(client, q="one")
    _search(client, q="two")
    response = _search(client, 429, q="three")
    assert "Please wait" in response.content.decode() and response["Retry-After"]


def test_every_page_has_a_search_box_in_its_header(client):
    html = client.get(reverse("home")).content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert f'action="{reverse("search")}"' in header and 'name="q"' in header


def test_search_reindex_stores_another_configuration(db, client):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    make_comment(make_article(title="Reindex"), title="Running", body="Runners running.")
    assert _titles(_search(client, q="run")) == ["Running"]  # english stems
    call_command("search_reindex", "--config", "simple")
    assert _titles(_search(client, q="run")) == []  # simple does not
    assert _titles(_search(client, q="running")) == ["Running"]
    with pytest.raises(CommandError):
        call_command("search_reindex", "--config", "klingon")
    call_command("search_reindex", "--config", "english")
    assert _titles(_search(client, q="run")) == ["Running"]


def test_an_import_into_a_draft_is_found_once_published_and_not_once_withdrawn(client):
    article = make_article(title="Imported draft", status=Article.Status.DRAFT)
    make_bulk_thread(article, [None, 0])
    assert _titles(_search(client, q="bulk")) == []
    article.status = Article.Status.PUBLISHED
    article.save()
    assert sorted(_titles(_search(client, q="bulk"))) == ["b0", "b1"]
    article.status = Article.Status.WITHDRAWN
    article.save()
    assert _titles(_search(client, q="bulk")) == []


def test_moderation_of_a_branch_hides_and_restores_it_in_search(client, moderator):
    from articles.moderation import services as moderation

    article = make_article(title="Branch")
    root = make_comment(article, title="Root narwhal", body="Narwhal.")
    make_comment(article, parent=root, title="Reply narwhal", body="Narwhal too.")
    moderation.comment_branch_hide(comment=root, moderator=moderator, reason="")
    assert _titles(_search(client, q="narwhal")) == []
    moderation.comment_branch_restore(comment=root, moderator=moderator, reason="")
    assert sorted(_titles(_search(client, q="narwhal"))) == ["Reply narwhal", "Root narwhal"]


def test_comments_imported_by_the_command_are_found_and_updated_by_a_reimport(client, tmp_path):
    from django.core.management import call_command

    def found(q):
        return _search(client, q=q).context["page"].paginator.count

    sample = tmp_path / "export.xml"
    sample.write_text((ROOT / "articles/sample_data/disqus-sample.xml").read_text())
    call_command("import_article", str(sample), stdout=io.StringIO())
    before = found("benchmarks")
    assert before >= 1 and found("axolotls") == 0
    sample.write_text(sample.read_text().replace("Benchmarks are", "Axolotls are"))
    call_command("import_article", str(sample), stdout=io.StringIO())  # a newer export
    assert found("axolotls") == 1 and found("benchmarks") == before - 1


def test_while_the_rate_limit_cache_fails_searches_are_answered(client, monkeypatch):
    from articles.search import views
    from forum.cache import CacheUnavailable

    def failing(*args, **kwargs):
        raise CacheUnavailable("Redis is down")

    monkeypatch.setattr(views, "get_usage", failing)
    make_comment(make_article(), title="Still here", body="Platypus.")
    assert _titles(_search(client, q="platypus")) == ["Still here"]


def test_a_published_article_is_found_whatever_its_date(client):
    make_article(title="Dated tomorrow", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Undated", published_at=None)
    assert sorted(_titles(_search(client, q="dated or undated"))) == ["Dated tomorrow", "Undated"]


def test_a_word_found_everywhere_is_counted_up_to_the_cap(client, monkeypatch):
    from articles.search import selectors

    monkeypatch.setattr(selectors, "MAX_RESULTS", 3)
    article = make_article(title="Cap")
    make_bulk_thread(article, [None] * 5)
    response = _search(client, q="bulk")
    assert response.context["page"].paginator.count == 3
    assert "More than 3 results" in response.content.decode()
    assert len(_titles(response)) == 3
    fewer = _search(client, q="b0")
    assert fewer.context["page"].paginator.count == 1 and "1 result<" in fewer.content.decode()
