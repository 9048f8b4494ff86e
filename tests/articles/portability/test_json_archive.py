"""The JSON archive reader: structure, policies and errors with line numbers (no database)."""

import io
import json
from datetime import UTC, datetime

import pytest

from articles.portability import json_archive, jsonstream
from articles.portability.records import ImportFormatError, ImportReport
from tests.articles.portability.conftest import SAMPLES


def read(data: bytes, report=None):
    return list(json_archive.parse(io.BytesIO(data), report or ImportReport()))


def archive(*articles, **header) -> bytes:
    document = {"format": "forum-archive", "version": 1, **header, "articles": list(articles)}
    return json.dumps(document, indent=1).encode()


def test_the_sample_reads_as_nested_comments_in_document_order():
    report = ImportReport()
    articles = read((SAMPLES / "archive-sample.json").read_bytes(), report)
    first, second = articles
    assert (first.source, first.original_id, first.slug) == (
        "json",
        "chips-2014",
        "chips-get-faster",
    )
    assert first.topics == ["Hardware", "Chips"]
    assert first.published_at == datetime(2014, 5, 28, 9, tzinfo=UTC)
    ids = [(c.source, c.original_id, c.parent_index) for c in first.comments]
    assert ids == [
        ("json", "c1", None),
        ("json", "c2", 0),
        ("disqus", "7001", 1),
        ("json", "", None),
        ("json", "c1", None),
        ("json", "c3", None),
    ]
    assert [c.state for c in first.comments] == [
        "visible",
        "visible",
        "pending",
        "hidden",
        "visible",
        "pending",
    ]
    assert first.comments[1].created_at == datetime(2014, 5, 28, 9, 30, tzinfo=UTC)
    assert (second.comments, second.comments_open) == ([], False)
    assert sorted(p.kind for p in report.problems) == ["bad_date", "unknown_state"]


def test_articles_are_read_one_at_a_time_across_small_reads(monkeypatch):
    monkeypatch.setattr(jsonstream, "_CHUNK", 5)
    articles = [
        {"id": str(n), "title": f"T{n}", "comments": [{"id": "x", "body": "é"}]} for n in range(30)
    ]
    stream = json_archive.parse(io.BytesIO(archive(*articles)), ImportReport())
    first = next(stream)
    assert first.title == "T0"
    assert [a.title for a in stream] == [f"T{n}" for n in range(1, 30)]


def test_deep_reply_chains_are_flattened_without_recursion():
    node = top = {"id": "0", "body": "x"}
    for n in range(1, 150):
        node["replies"] = [{"id": str(n), "body": "x"}]
        node = node["replies"][0]
    (article,) = read(archive({"id": "a", "title": "T", "comments": [top]}))
    assert [c.parent_index for c in article.comments[:3]] == [None, 0, 1]
    assert article.comments[-1].parent_index == 148


def test_replies_nest_deeper_than_the_decoder_could_go():
    depth = 5000
    comments = '{"body": "x", "replies": [' * depth + "]}" * depth
    data = (
        '{"format": "forum-archive", "version": 1, "articles": [\n'
        f'{{"title": "T", "comments": [{comments}]}}]}}'
    ).encode()
    (article,) = read(data)
    assert len(article.comments) == depth
    assert article.comments[-1].parent_index == depth - 2


def test_any_other_value_nested_too_deeply_is_an_error():
    data = (
        '{"format": "forum-archive", "version": 1, "articles": [\n'
        '{"title": "T",\n "extra": ' + "[" * 100_000 + "]" * 100_000 + "}]}"
    ).encode()
    with pytest.raises(ImportFormatError) as error:
        read(data)
    assert (error.value.line, error.value.reason) == (3, "value nested too deeply")


def test_every_comment_is_reported_at_its_own_line():
    data = b"""{"format": "forum-archive", "version": 1, "articles": [
 {"id": "a", "title": "T",
  "comments": [
   {"id": "c1", "created_at": "yesterday",
    "replies": [
     {"id": "c2", "state": "odd", "created_at": "2014-05-28T10:00:00Z"}, "not a comment"]}
  ]}
]}"""
    report = ImportReport()
    with pytest.raises(ImportFormatError) as error:
        read(data, report)
    assert error.value.line == 4  # the comment holding the string
    assert [(p.kind, p.line) for p in report.problems] == [("bad_date", 4), ("unknown_state", 6)]
    (article,) = read(data.replace(b', "not a comment"', b""))
    assert [c.line for c in article.comments] == [4, 6]


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b'{"format": "forum-archive", "version": 1,\n "articles": [\n {"title": "x"', 3, "Expect"),
        (
            b'{"format": "forum-archive", "version": 1, "articles": [\n{"title": "a\xff"}]}',
            2,
            "UTF-8",
        ),
        (b'{"format": "forum-archive",\n"version": 1,\n"articles": [{"title": "x"} {}]}', 3, "','"),
        (b"[1, 2]", 1, "expected a JSON object"),
        (b'{"format": "other", "version": 1, "articles": []}', 1, "not a forum archive"),
        (b'{"format": "forum-archive", "version": 7, "articles": []}', 1, "version 7"),
        (b'{"format": "forum-archive", "version": 1}', 1, 'no "articles"'),
        (archive({"id": "a"}), 5, 'non-empty "title"'),
        (archive({"title": "T", "comments": {"a": 1}}), 5, "must be lists"),
        (archive({"title": "T", "comments": [{"body": "x", "format": "rtf"}]}), 8, "format"),
        (archive({"title": "T", "source": "Not Valid!"}), 5, "source"),
        (archive({"title": "T", "topics": "one"}), 5, "topics"),
        (archive({"title": 3.5}), 5, "must be a string"),
        (archive() + b"trailing", 5, "unexpected data"),
        (archive({"title": "T", "topics": ["A\ud800"]}), 5, '"topics" holds a lone UTF-16'),
        (archive({"title": "T", "comments": [{"body": "\udfff"}]}), 8, '"body" holds a lone'),
    ],
)
def test_unreadable_archives_name_the_line_and_the_reason(data, line, reason):
    with pytest.raises(ImportFormatError) as error:
        read(data)
    assert error.value.line == line
    assert reason in error.value.reason


def test_a_bom_and_an_empty_article_list_are_fine():
    assert read(b"\xef\xbb\xbf" + archive()) == []


def test_nul_characters_are_dropped():
    (article,) = read(
        archive(
            {"title": "T", "topics": ["A\u0000B"], "comments": [{"id": "1", "body": "a\u0000b"}]}
        )
    )
    assert article.topics == ["AB"]
    assert article.comments[0].body == "ab"


def test_a_surrogate_pair_is_one_character():
    (article,) = read(archive({"title": "T", "comments": [{"body": "\ud83d\ude00"}]}))
    assert article.comments[0].body == "\U0001f600"
