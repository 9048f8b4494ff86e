"""import_article with the JSON, Disqus and WXR formats: policies, idempotence, errors."""

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.management.commands.bench_import import write_disqus_export
from articles.models import Article, Comment
from articles.portability import read_articles
from articles.portability.records import ImportReport
from articles.portability.store import archive_import
from tests.factories import make_article, make_comment
from tests.treecheck import assert_trees_valid

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "articles" / "sample_data"
DISQUS = SAMPLES / "disqus-sample.xml"
WXR = SAMPLES / "wxr-sample.xml"
JSON = SAMPLES / "archive-sample.json"


def run(path, *options):
    out = io.StringIO()
    call_command("import_article", str(path), *options, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Article.objects.order_by("pk").values()),
        list(Comment.objects.order_by("pk").values()),
    )


def by_key(article):
    return {c.import_key: c for c in Comment.objects.filter(article=article)}


def test_disqus_sample_follows_every_policy(client):
    out = run(DISQUS)

    chips = Article.objects.get(import_source="disqus", import_id="5001")
    assert (chips.slug, chips.title) == ("chips-get-faster", "Chips get faster again")
    assert chips.published_at == datetime(2014, 5, 28, 9, tzinfo=UTC)
    comments = by_key(chips)
    assert set(comments) == {f"disqus:{n}" for n in (7001, 7002, 7003, 7004, 7006)}
    # A reply listed before its parent is nested under it all the same.
    assert comments["disqus:7002"].parent == comments["disqus:7003"]
    assert comments["disqus:7003"].parent == comments["disqus:7001"]
    # An orphan reply is attached at the top level.
    assert comments["disqus:7004"].parent is None
    # Duplicates keep the first; HTML is sanitised; an odd date takes the parent's time.
    assert "Benchmarks" in comments["disqus:7001"].body_html
    mallory = comments["disqus:7006"]
    assert "<script" not in mallory.body_html and "onclick" not in mallory.body_html
    assert "javascript:" not in mallory.body_html
    assert mallory.created_at == comments["disqus:7001"].created_at
    assert comments["disqus:7002"].author_name == "bob"

    open_source = Article.objects.get(import_id="5002")
    assert open_source.comments_open is False
    states = {c.import_key: c.state for c in Comment.objects.filter(article=open_source)}
    assert states["disqus:7009"] == "deleted"
    assert states["disqus:7010"] == "removed"
    cycle = by_key(open_source)
    assert cycle["disqus:7007"].parent is None
    assert cycle["disqus:7008"].parent == cycle["disqus:7007"]
    assert Comment.objects.count() == 10
    assert_trees_valid()

    for kind in ("unknown_thread", "orphan_reply", "duplicate_id", "cycle", "missing_id"):
        assert kind in out
    assert "line 69: comment '7005'" in out
    page = client.get(chips.get_absolute_url())
    assert "Imported from Disqus" in page.content.decode()


def test_wxr_sample_follows_every_policy():
    out = run(WXR)

    post = Article.objects.get(import_source="wxr", import_id="https://blog.example.org/?p=101")
    assert (post.slug, post.summary, post.topic_names) == (
        "why-postgresql",
        "A migration story.",
        ["Databases"],
    )
    comments = by_key(post)
    assert comments["wxr:13"].parent == comments["wxr:12"]
    assert comments["wxr:12"].parent == comments["wxr:11"]
    assert comments["wxr:14"].parent is None  # orphan
    assert "wxr:15" not in comments  # pingback
    assert comments["wxr:11"].body_html == "<p>Great write-up.<br>\nThanks!</p>"
    assert "<img" not in comments["wxr:12"].body_html
    assert {k: c.state for k, c in comments.items() if k in ("wxr:12", "wxr:14", "wxr:16")} == {
        "wxr:12": "pending",
        "wxr:14": "removed",
        "wxr:16": "deleted",
    }
    assert comments["wxr:17"].state == "pending"  # unknown state
    assert Article.objects.filter(slug="about", comments_open=False).exists()
    assert not Article.objects.filter(title__in=["Unfinished draft", "logo.png"]).exists()
    assert_trees_valid()
    assert "not_an_article (2)" in out
    assert "Unfinished draft" in out


def test_json_sample_keeps_sources_formats_and_states():
    Article.objects.create(title="Taken", slug="chips-get-faster", body="b")
    out = run(JSON)

    article = Article.objects.get(import_source="json", import_id="chips-2014")
    assert article.slug == "chips-get-faster-2"  # the slug was taken
    assert (article.source_name, article.topic_names) == ("Example News", ["Hardware", "Chips"])
    comments = by_key(article)
    c1, c2, c3 = comments["json:c1"], comments["json:c2"], comments["disqus:7001"]
    assert (c2.parent, c3.parent) == (c1, c2)
    assert c1.body_format == "markdown" and "<strong>out</strong>" in c1.body_html
    assert c2.body_html == "<p>Plain text reply.<br>\nTwo lines.</p>"
    assert c3.state == "pending" and "<script" not in c3.body_html
    assert c3.created_at == datetime(2014, 5, 28, 12, tzinfo=UTC)
    assert comments["json:c3"].state == "pending"
    assert c1.body.startswith("Benchmarks")  # the duplicate "c1" was skipped
    assert "slug_taken" in out
    assert_trees_valid()


@pytest.mark.parametrize("path", [DISQUS, WXR, JSON], ids=lambda p: p.name)
def test_importing_the_same_file_again_changes_nothing(path):
    run(path)
    before = snapshot()

    out = run(path)

    assert snapshot() == before
    assert "Articles: 0 new, 0 updated" in out
    assert "Comments: 0 new, 0 updated" in out
    assert "Imported “" not in out


def test_a_newer_disqus_export_adds_what_is_new_and_updates_changed_text(tmp_path):
    run(DISQUS)
    original = DISQUS.read_text(encoding="utf-8")
    newer = original.replace("I am the parent, written earlier", "I am the parent, edited").replace(
        "</disqus>",
        """<post dsq:id="7100"><message>Late reply to an old comment</message>
        <createdAt>2014-07-01T00:00:00Z</createdAt><author><name>Zed</name></author>
        <thread dsq:id="5001"/><parent dsq:id="7002"/></post>
        <post dsq:id="7101"><message>A new thread</message>
        <createdAt>2014-07-02T00:00:00Z</createdAt><thread dsq:id="5001"/></post>
        <post dsq:id="7102"><message>Its reply</message>
        <createdAt>2014-07-03T00:00:00Z</createdAt><thread dsq:id="5001"/>
        <parent dsq:id="7101"/></post>
        </disqus>""",
    )
    path = tmp_path / "newer.xml"
    path.write_text(newer, encoding="utf-8")
    moderated = Comment.objects.get(import_key="disqus:7001")
    moderated.state = Comment.State.HIDDEN
    moderated.save()

    out = run(path)

    assert "Comments: 3 new, 1 updated" in out
    assert "Updated “Chips get faster again”: 3 new comments, 5 already present, 1 updated" in out
    assert Comment.objects.count() == 13
    chips = by_key(Article.objects.get(import_id="5001"))
    assert "edited" in chips["disqus:7003"].body_html
    assert chips["disqus:7100"].parent == chips["disqus:7002"]
    assert chips["disqus:7100"].level == 3
    assert chips["disqus:7102"].parent == chips["disqus:7101"]
    assert chips["disqus:7001"].state == "hidden"  # local moderation is never overwritten
    assert_trees_valid()
    assert "Comments: 0 new, 0 updated" in run(path)


def test_a_newer_json_export_updates_the_article_text(tmp_path):
    run(JSON)
    document = json.loads(JSON.read_text())
    document["articles"][0]["body"] = "A corrected body."
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(document))

    out = run(path)

    assert "Updated “Chips get faster again”" in out
    assert Article.objects.get(import_id="chips-2014").body == "A corrected body."


def test_a_time_outside_the_years_1_to_9999_in_utc_is_a_bad_date(tmp_path, client):
    path = tmp_path / "dates.json"
    early = "0001-01-01T00:00:00+05:00"
    comment = {"id": "c1", "created_at": early, "body": "x"}
    path.write_text(
        json.dumps(
            {
                "format": "forum-archive",
                "version": 1,
                "articles": [
                    {"id": "d1", "title": "Dates", "published_at": early, "comments": [comment]}
                ],
            }
        )
    )

    out = run(path)

    assert out.count(f"{early!r}") == 2
    assert "bad_date (2)" in out
    article = Article.objects.get()
    assert article.published_at is None  # no date rather than the import's
    assert Comment.objects.get().created_at.year == timezone.now().year
    assert client.get("/").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200
    call_command("export_article", stdout=io.StringIO())


def test_dry_run_reports_and_writes_nothing():
    existing = make_article()
    make_comment(existing)
    before = snapshot()

    out = run(DISQUS, "--dry-run")

    assert snapshot() == before
    assert "Would import “Chips get faster again”: 5 new comments" in out
    assert "Dry run: nothing was written." in out
    run(DISQUS)
    assert "Already imported “Chips get faster again”: 0 new comments" in run(DISQUS, "--dry-run")


def test_an_article_that_gets_new_comments_is_updated_not_already_imported(tmp_path):
    run(JSON)
    document = json.loads(JSON.read_text())
    document["articles"][0]["comments"].append({"id": "late", "body": "A late comment."})
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(document))

    assert "Would update “Chips get faster again”: 1 new comments" in run(path, "--dry-run")
    out = run(path)

    assert "Updated “Chips get faster again”: 1 new comments" in out
    assert "Articles: 0 new, 0 updated, 2 unchanged. Comments: 1 new" in out


def test_the_report_file_lists_every_record_as_json(tmp_path):
    report = tmp_path / "report.json"
    run(WXR, "--report", str(report))
    document = json.loads(report.read_text())
    assert document["error"] is None
    assert document["totals"]["comments_new"] == 9
    kinds = {(p["kind"], p["line"]) for p in document["problems"]}
    assert ("orphan_reply", 63) in kinds
    assert ("not_a_comment", 71) in kinds
    assert document["problem_counts"]["not_an_article"] == 2


def test_the_totals_are_counts_even_for_a_single_article(tmp_path):
    report = tmp_path / "report.json"
    out = run(SAMPLES / "ibm-servers-zdnet.txt", "--report", str(report))
    assert "Articles: 1 new, 0 updated, 0 unchanged." in out
    totals = json.loads(report.read_text())["totals"]
    assert [type(count) for count in totals.values()] == [int] * 6


def test_long_problem_lists_are_cut_on_the_terminal_but_not_in_the_report(tmp_path):
    posts = "".join(
        f'<post dsq:id="{n}"><message>x</message><thread dsq:id="nowhere"/></post>'
        for n in range(25)
    )
    path = tmp_path / "many.xml"
    path.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        f"{posts}</disqus>"
    )
    report = tmp_path / "r.json"
    out = run(path, "--report", str(report))
    assert "unknown_thread (25)" in out
    assert "… and 5 more" in out
    problems = json.loads(report.read_text())["problems"]
    assert len([p for p in problems if p["kind"] == "unknown_thread"]) == 25


def line_of(data: bytes, marker: bytes) -> str:
    return f"line {data[: data.index(marker)].count(b'\n') + 1}"


_TRUNCATED_WXR = WXR.read_bytes()[: WXR.read_bytes().index(b"<title>Unfinished draft") + 10]
_MALFORMED_DISQUS = DISQUS.read_bytes().replace(b"</message>", b"</mesage>", 1)
_LATIN_1_DISQUS = DISQUS.read_bytes().replace(b"Newsroom", b"Newsr\xf6om")
BAD_INPUTS = {
    "truncated-json": (
        "bad.json",
        b'{"format": "forum-archive", "version": 1, "articles": [\n'
        b'{"id": "1", "title": "Stored first", "comments": [{"id": "a", "body": "x"}]},\n'
        b'{"id": "2", "title": "Cut',
        "line 3",
    ),
    # The first post was stored before the parser reached the cut: rolled back.
    "truncated-wxr": ("bad.xml", _TRUNCATED_WXR, f"line {_TRUNCATED_WXR.count(b'\n') + 1}"),
    "malformed-disqus": ("bad.xml", _MALFORMED_DISQUS, line_of(_MALFORMED_DISQUS, b"</mesage>")),
    "latin-1-disqus": ("bad.xml", _LATIN_1_DISQUS, line_of(_LATIN_1_DISQUS, b"Newsr\xf6om")),
    "lone-surrogate-json": (
        "bad.json",
        b'{"format": "forum-archive", "version": 1, "articles": [\n'
        b'{"id": "1", "title": "T", "comments": [{"id": "a", "body": "bad \\ud800 here"}]}]}',
        'line 2: "body" holds a lone UTF-16 surrogate',
    ),
    "unknown-xml": ("bad.xml", b'<?xml version="1.0"?>\n<feed/>', "unknown format"),
    "empty-text": ("bad.txt", b"", "line 1"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=str)
def test_bad_input_exits_non_zero_naming_file_and_line_and_changes_nothing(tmp_path, case):
    name, data, expected = BAD_INPUTS[case]
    make_comment(make_article())
    before = snapshot()
    path = tmp_path / name
    path.write_bytes(data)

    with pytest.raises(CommandError) as error:
        run(path)

    assert error.value.returncode == 1
    assert str(path) in str(error.value)
    assert expected in str(error.value)
    assert snapshot() == before


def test_an_unreadable_file_fails_a_dry_run_too(tmp_path):
    name, data, expected = BAD_INPUTS["lone-surrogate-json"]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError, match=expected):
        run(path, "--dry-run")


def test_nul_characters_in_topics_are_dropped_like_in_any_text(tmp_path):
    path = tmp_path / "nul.json"
    path.write_bytes(
        b'{"format": "forum-archive", "version": 1, "articles": [\n'
        b'{"id": "n1", "title": "Nul\\u0000 topics", "topics": ["A\\u0000B"]}]}'
    )
    run(path)
    article = Article.objects.get()
    assert (article.title, article.topic_names) == ("Nul topics", ["AB"])


@pytest.mark.parametrize(
    ("path", "fmt", "reason"),
    [
        (DISQUS, "json", "line 1"),
        (DISQUS, "wxr", "line 3: not a WordPress (WXR) export: the root element is <disqus>"),
        (WXR, "disqus", "not a Disqus export: the root element is <rss>, not <disqus>"),
    ],
    ids=["disqus-as-json", "disqus-as-wxr", "wxr-as-disqus"],
)
def test_the_wrong_format_option_is_an_error(path, fmt, reason):
    with pytest.raises(CommandError, match=re.escape(reason)) as error:
        run(path, "--format", fmt)
    assert error.value.returncode == 1
    assert not Article.objects.exists()


def test_a_failed_run_still_writes_its_report(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"format": "forum-archive", "version": 1, "articles": [{"title": ')
    report = tmp_path / "r.json"
    with pytest.raises(CommandError):
        run(path, "--report", str(report))
    document = json.loads(report.read_text())
    assert str(path) in document["error"]
    assert document["totals"] == {}


def test_an_unwritable_report_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot write the report"):
        run(JSON, "--report", str(tmp_path / "missing-folder" / "r.json"))


class InterruptOnWrite(io.StringIO):
    """A terminal on which someone presses Ctrl-C as the first article is reported."""

    def write(self, text):
        raise KeyboardInterrupt


@pytest.mark.django_db(transaction=True)
def test_an_interrupt_leaves_nothing_half_imported():
    with pytest.raises(CommandError) as error:
        call_command("import_article", str(JSON), stdout=InterruptOnWrite())
    assert error.value.returncode == 130
    assert "interrupted; nothing was imported" in str(error.value)
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_interrupt_after_several_articles_rolls_all_of_them_back():
    stored = []

    def interrupt_on_second(outcome):
        stored.append(outcome.title)
        if len(stored) == 2:
            raise KeyboardInterrupt

    report = ImportReport()
    with pytest.raises(KeyboardInterrupt), DISQUS.open("rb") as stream:
        archive_import(
            articles=read_articles(stream, fmt="auto", report=report),
            report=report,
            on_article=interrupt_on_second,
        )
    assert len(stored) == 2
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


def test_a_large_import_takes_a_few_queries_per_article(tmp_path, django_assert_max_num_queries):
    path = tmp_path / "big.xml"
    with path.open("wb") as out:
        write_disqus_export(out, comments=600, articles=3, seed=1)
    report = ImportReport()
    with django_assert_max_num_queries(40), path.open("rb") as stream:
        archive_import(articles=read_articles(stream, fmt="disqus", report=report), report=report)
    assert Comment.objects.count() == 600
    assert_trees_valid()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_progress_bar(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    out = run(DISQUS)
    assert "Importing" in terminal.getvalue()
    assert "Imported “Chips get faster again”" in out
    assert "\n\n" not in out
