"""The tree policies, on small hand-made threads (no database)."""

from datetime import UTC, datetime

from articles.portability.records import ImportReport, SourceArticle, SourceComment
from articles.portability.tree import comment_key, resolve_thread

T0 = datetime(2020, 1, 1, tzinfo=UTC)


def comment(original_id, parent_id="", *, line=None, body=None, created_at=T0, parent_index=None):
    return SourceComment(
        source="disqus",
        original_id=original_id,
        author_name="Ann",
        created_at=created_at,
        state="visible",
        title="",
        body=body or f"text of {original_id}",
        body_format="html",
        line=line,
        parent_id=parent_id,
        parent_index=parent_index,
    )


def resolve(*comments, existing=(), ids_expected=True):
    article = SourceArticle(
        source="disqus",
        original_id="a",
        title="A",
        published_at=T0,
        comments=list(comments),
        comment_ids_expected=ids_expected,
    )
    report = ImportReport()
    resolved = resolve_thread(article, existing_keys=set(existing), report=report)
    return resolved, report


def shape(resolved):
    """(id, parent id, depth) in the order the importer will write them."""
    return [
        (
            item.comment.original_id,
            resolved[item.parent].comment.original_id if item.parent is not None else None,
            item.depth,
        )
        for item in resolved
    ]


def kinds(report):
    return sorted((p.kind, p.record) for p in report.problems)


def test_a_clean_thread_comes_out_in_pre_order():
    resolved, report = resolve(comment("1"), comment("2", "1"), comment("3"), comment("4", "2"))
    assert shape(resolved) == [("1", None, 0), ("2", "1", 1), ("4", "2", 2), ("3", None, 0)]
    assert [item.key for item in resolved] == ["disqus:1", "disqus:2", "disqus:4", "disqus:3"]
    assert report.problems == []


def test_a_parent_later_in_the_file_still_gets_its_reply():
    resolved, report = resolve(comment("2", "1", line=3), comment("1", line=9))
    assert shape(resolved) == [("1", None, 0), ("2", "1", 1)]
    assert kinds(report) == [("parent_after_reply", "comment '2'")]
    assert report.problems[0].line == 3


def test_an_orphan_reply_goes_to_the_top_level():
    resolved, report = resolve(comment("1"), comment("2", "404"))
    assert shape(resolved) == [("1", None, 0), ("2", None, 0)]
    assert kinds(report) == [("orphan_reply", "comment '2'")]


def test_a_reply_to_a_comment_imported_before_goes_under_it():
    resolved, report = resolve(comment("5", "1"), existing={"disqus:1"})
    assert resolved[0].parent is None
    assert resolved[0].existing_parent_key == "disqus:1"
    assert report.problems == []


def test_a_cycle_is_broken_at_its_earliest_comment():
    resolved, report = resolve(
        comment("child", "a"), comment("a", "b"), comment("b", "a"), comment("top")
    )
    # Replies keep the file order: "child" is listed before "b".
    assert shape(resolved) == [("top", None, 0), ("a", None, 0), ("child", "a", 1), ("b", "a", 1)]
    assert ("cycle", "comment 'a'") in kinds(report)


def test_a_comment_that_is_its_own_parent_is_a_cycle():
    resolved, report = resolve(comment("1", "1"))
    assert shape(resolved) == [("1", None, 0)]
    assert kinds(report) == [("cycle", "comment '1'")]


def test_duplicates_keep_the_first_and_their_replies_follow_it():
    resolved, report = resolve(
        comment("1", body="first"),
        comment("1", body="second", line=7),
        comment("2", parent_index=1),
    )
    assert shape(resolved) == [("1", None, 0), ("2", "1", 1)]
    assert resolved[0].comment.body == "first"
    assert kinds(report) == [("duplicate_id", "comment '1'")]
    assert report.problems[0].line == 7


def test_comments_without_ids_get_stable_keys_and_are_reported():
    first, report = resolve(comment(""), comment(""), comment("", parent_index=0))
    again, _ = resolve(comment(""), comment(""), comment("", parent_index=0))
    keys = [item.key for item in first]
    assert keys == [item.key for item in again]
    assert len(set(keys)) == 3  # identical siblings are told apart by a counter
    assert [p.kind for p in report.problems] == ["missing_id"] * 3


def test_formats_without_ids_report_nothing():
    _, report = resolve(comment(""), ids_expected=False)
    assert report.problems == []


def test_an_unreadable_time_takes_the_parents_or_the_articles():
    later = datetime(2021, 5, 5, tzinfo=UTC)
    resolved, _ = resolve(
        comment("1", created_at=later),
        comment("2", "1", created_at=None),
        comment("3", created_at=None),
    )
    assert [item.created_at for item in resolved] == [later, later, T0]


def test_very_long_ids_are_hashed_to_fit():
    key = comment_key("disqus", "x" * 500)
    assert len(key) <= 200
    assert key == comment_key("disqus", "x" * 500)
    assert key != comment_key("disqus", "x" * 499)
