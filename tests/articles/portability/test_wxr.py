"""The WordPress WXR reader (no database)."""

import io
from datetime import UTC, datetime

import pytest

from articles.portability import wxr
from articles.portability.records import ImportFormatError, ImportReport
from tests.articles.portability.conftest import SAMPLES


def read(data: bytes, report=None):
    return list(wxr.parse(io.BytesIO(data), report or ImportReport()))


def test_the_sample_gives_published_posts_and_pages_with_their_comments():
    report = ImportReport()
    post, page = read((SAMPLES / "wxr-sample.xml").read_bytes(), report)
    assert (post.source, post.original_id, post.slug) == (
        "wxr",
        "https://blog.example.org/?p=101",
        "why-postgresql",
    )
    assert post.body == "We moved last spring.\nIt went well.\n\nLessons below."
    assert (post.summary, post.topics) == ("A migration story.", ["Databases"])
    assert post.published_at == datetime(2019, 3, 4, 8, tzinfo=UTC)
    assert post.source_url == "https://blog.example.org/2019/03/why-postgresql/"
    assert (page.title, page.comments_open, page.body) == (
        "About this blog",
        False,
        "We write about databases.",
    )
    comments = {c.original_id: c for c in post.comments}
    assert "15" not in comments  # the pingback
    assert comments["13"].parent_id == "12"
    assert comments["11"].parent_id == ""
    assert {cid: c.state for cid, c in comments.items() if cid} == {
        "11": "visible",
        "12": "pending",
        "13": "visible",
        "14": "removed",
        "16": "deleted",
        "17": "pending",
        "18": "visible",
        "19": "visible",
    }
    # The GMT date is zero: the local date stands in, and that is reported.
    assert comments["12"].created_at == datetime(2019, 3, 4, 11, tzinfo=UTC)
    kinds = sorted(p.kind for p in report.problems)
    assert kinds == [
        "bad_date",
        "not_a_comment",
        "not_an_article",
        "not_an_article",
        "unknown_state",
    ]


def test_older_wxr_versions_are_read_too():
    data = (
        b'<rss xmlns:wp="http://wordpress.org/export/1.0/"><channel><item><title>Old</title>'
        b"<guid>g1</guid><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        b"<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>hi"
        b"</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>"
        b"</item></channel></rss>"
    )
    (article,) = read(data)
    assert [(c.original_id, c.body) for c in article.comments] == [("1", "hi")]


def test_a_truncated_file_names_the_line():
    data = (SAMPLES / "wxr-sample.xml").read_bytes()[:3000]
    with pytest.raises(ImportFormatError) as error:
        read(data)
    assert error.value.line == data.count(b"\n") + 1
