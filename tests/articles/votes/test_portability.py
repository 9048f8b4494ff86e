"""Scores in and out: the JSON archive both ways, Disqus likes/dislikes, WordPress karma."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Comment, ImportedScore
from articles.votes.selectors import vote_total_problems
from articles.votes.services import UP, vote_cast
from tests.factories import make_article, make_comment, make_user, make_votes

pytestmark = pytest.mark.django_db

DISQUS = b"""<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><id>t</id><link>https://example.com/liked</link><title>Liked</title>
    <message>Text.</message><createdAt>2014-05-28T09:00:00Z</createdAt></thread>
  <post dsq:id="10"><message>Liked a lot</message><createdAt>2014-05-28T10:00:00Z</createdAt>
    <author><name>Ann</name></author><thread dsq:id="1"/><likes>7</likes><dislikes>2</dislikes>
  </post>
  <post dsq:id="11"><message>No counts</message><createdAt>2014-05-28T11:00:00Z</createdAt>
    <author><name>Bob</name></author><thread dsq:id="1"/><likes>lots</likes></post>
</disqus>
"""

WXR = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Blog</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Karma</title><guid>https://blog.example.com/?p=1</guid>
  <content:encoded>Body.</content:encoded><wp:post_id>1</wp:post_id>
  <wp:post_date_gmt>2014-05-28 09:00:00</wp:post_date_gmt><wp:post_name>karma</wp:post_name>
  <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  <wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author>Cleo</wp:comment_author>
    <wp:comment_date_gmt>2014-05-28 10:00:00</wp:comment_date_gmt>
    <wp:comment_content>Down voted</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
    <wp:comment_karma>-3</wp:comment_karma><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item></channel></rss>
"""


def import_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    call_command("import_article", str(path), stdout=io.StringIO())


def test_disqus_likes_and_dislikes_become_the_totals(tmp_path):
    import_file(tmp_path, "disqus.xml", DISQUS)
    liked = Comment.objects.get(import_key="disqus:10")
    assert (liked.upvotes, liked.downvotes) == (7, 2)
    assert ImportedScore.objects.get(comment=liked).upvotes == 7
    plain = Comment.objects.get(import_key="disqus:11")
    assert (plain.upvotes, plain.downvotes) == (0, 0)
    assert not ImportedScore.objects.filter(comment=plain).exists()
    # The checker counts the imported votes in, and a local vote on top of them.
    vote_cast(comment_id=liked.pk, voter=make_user(password=None), value=UP)
    assert vote_total_problems() == []
    call_command("check_vote_counts", "--repair", stdout=io.StringIO())
    liked.refresh_from_db()
    assert (liked.upvotes, liked.downvotes) == (8, 2)


def test_wordpress_karma_is_net_votes(tmp_path):
    import_file(tmp_path, "blog.xml", WXR)
    comment = Comment.objects.get(import_key="wxr:5")
    assert (comment.upvotes, comment.downvotes) == (0, 3)
    assert vote_total_problems() == []


def test_the_json_archive_carries_scores_both_ways(tmp_path):
    article = make_article(slug="scored")
    comment = make_comment(article)
    make_votes(comment, up=4, down=1)
    path = tmp_path / "archive.json"
    call_command("export_article", "--format", "json", "-o", str(path), stderr=io.StringIO())
    (document,) = json.loads(path.read_text())["articles"]
    (exported,) = document["comments"]
    assert (exported["upvotes"], exported["downvotes"]) == (4, 1)

    # Imported as another site's archive: the scores come with the comments.
    document["source"], document["id"], document["slug"] = "json", "elsewhere", "elsewhere"
    for node in document["comments"]:
        node["source"], node["id"] = "json", "c1"
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "forum-archive", "version": 1, "articles": [document]}))
    call_command("import_article", str(other), stdout=io.StringIO())
    imported = Comment.objects.get(import_key="json:c1")
    assert (imported.upvotes, imported.downvotes) == (4, 1)
    assert vote_total_problems() == []


def test_a_bad_vote_count_in_an_archive_is_refused(tmp_path):
    archive = {
        "format": "forum-archive",
        "version": 1,
        "articles": [
            {
                "source": "json",
                "id": "a",
                "title": "T",
                "comments": [{"id": "c", "body": "x", "upvotes": -2}],
            }
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(archive))
    with pytest.raises(CommandError, match="upvotes"):
        call_command("import_article", str(path), stdout=io.StringIO())
    assert not Comment.objects.exists()
