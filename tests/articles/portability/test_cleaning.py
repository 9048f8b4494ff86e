"""Imports apply the site's input policy: controls, bidi and zero-width characters, blank
comments, and bodies over the length limit (issue 16, points 7 and 8)."""

from datetime import UTC, datetime

import pytest

from articles.models import Comment
from articles.portability import store
from articles.portability.records import ImportReport, SourceArticle, SourceComment

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def comment(original_id, body, parent_id="", title="", author="Ann", body_format="markdown"):
    return SourceComment(
        source="json",
        original_id=original_id,
        author_name=author,
        created_at=WHEN,
        state="visible",
        title=title,
        body=body,
        body_format=body_format,
        line=int(original_id),
        parent_id=parent_id,
    )


def imported(*comments):
    source = SourceArticle(
        source="json",
        original_id="a1",
        title="Cleaning",
        published_at=WHEN,
        comments=list(comments),
    )
    report = ImportReport()
    article = store.article_store(source=source, report=report, dry_run=False).article
    return article, report


def test_controls_bidi_and_zero_width_characters_are_removed_as_on_the_site():
    imported(
        comment("1", "ring\x07 the\x1b[2J bell", title="Ti\u202etle\u200b", author="Bo\u202eb"),
        comment("2", "plain \u202etext\x07", body_format="text"),
        comment("3", "keep `\u202e` in code, not \u202ehere"),
    )
    stored = {c.import_key.split(":")[1]: c for c in Comment.objects.all()}
    assert stored["1"].body == "ring the[2J bell"
    assert (stored["1"].title, stored["1"].author_name) == ("Title", "Bob")
    assert stored["2"].body == "plain text"
    assert stored["3"].body == "keep `\u202e` in code, not here"
    assert "\x1b" not in stored["1"].body_html and "\x07" not in stored["1"].body_html


def test_a_blank_comment_is_skipped_and_its_reply_moves_up_to_its_parent():
    _, report = imported(
        comment("1", "The parent"),
        comment("2", "\u200b \u2800\u00ad", parent_id="1"),
        comment("3", "The reply", parent_id="2"),
    )
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["The parent", "The reply"]
    reply = Comment.objects.get(body="The reply")
    assert reply.parent.body == "The parent"
    assert [(p.kind, p.line) for p in report.problems] == [("blank_skipped", 2)]


def test_a_body_over_the_limit_is_cut_to_it_and_reported(settings):
    settings.COMMENT_MAX_LENGTH = 1000
    _, report = imported(comment("1", "x" * 5_000_000))
    assert len(Comment.objects.get().body) == 1000
    assert [(p.kind, p.action) for p in report.problems] == [
        ("truncated", "text cut to 1,000 characters")
    ]
