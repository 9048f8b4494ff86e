"""Dates tell the truth on the seed article (the ZDNet sample, which has none); its topics link."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Comment

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "articles" / "sample_data" / "ibm-servers-zdnet.txt"


@pytest.fixture
def seed():
    call_command("import_article", str(SAMPLE), "--source-name", "ZDNet", stdout=io.StringIO())
    return Article.objects.get()


def test_the_seed_article_shows_no_fake_date(client, seed):
    assert seed.published_at is None
    html = client.get(seed.get_absolute_url()).content.decode()
    article, discussion = html.split('id="comments"')
    assert 'class="published"' not in article
    today = timezone.localdate()
    assert html.count("Imported from ZDNet on") == 1
    assert f'datetime="{today:%Y-%m-%d}' in article  # the import's own date, said as such
    assert "Imported from a text archive" not in discussion
    # Its comments have no time either: none is shown rather than the import's.
    assert Comment.objects.filter(time_unknown=False).count() == 0
    assert '<time datetime=""></time>' in discussion
    assert f"{today:%Y}" not in discussion.split("</h2>", 1)[1].split("<template")[0]


def test_the_seed_articles_topics_link_to_topic_pages(client, seed):
    html = client.get(seed.get_absolute_url()).content.decode()
    assert '<a href="/topics/security/" rel="tag">Security</a>' in html
    assert '<a href="/topics/servers/" rel="tag">Servers</a>' in html
    topic_page = client.get("/topics/security/").content.decode()
    assert seed.get_absolute_url() in topic_page


def test_imports_are_published_unless_draft_is_given(client):
    out = io.StringIO()
    call_command("import_article", str(SAMPLE), "--draft", stdout=out)
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404
    # Importing again updates nothing of what the editors decide.
    call_command("import_article", str(SAMPLE), stdout=io.StringIO())
    assert Article.objects.get().status == Article.Status.DRAFT


def test_the_front_page_does_not_take_the_import_time_for_activity(client, seed):
    row = client.get("/").content.decode()
    assert "last-comment" not in row and "13 comments" in row


def test_an_archive_without_a_site_name_is_named_once_by_its_kind(client):
    disqus = SAMPLE.with_name("disqus-sample.xml")
    call_command("import_article", str(disqus), stdout=io.StringIO())
    chips = Article.objects.get(slug="chips-get-faster")
    html = client.get(chips.get_absolute_url()).content.decode()
    assert html.count("Imported from Disqus") == 1
