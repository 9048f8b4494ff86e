"""export_article, and the round trip: export, import into an empty database, same forum."""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Comment
from tests.factories import make_article, make_comment, make_user
from tests.treecheck import assert_trees_valid

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "articles" / "sample_data"


def build_forum():
    """Articles of every origin, comments in every state, deep and wide, titled and not."""
    native = make_article(
        title="Native article",
        summary="Short <summary> & more",
        body="First paragraph.\nWith a second line.\n\nSecond paragraph.",
        topics=["Security", "Servers"],
        byline="By a reporter",
        source_name="Example News",
        source_url="https://news.example.com/native",
        published_at=datetime(2020, 2, 3, 4, 5, 6, 789000, tzinfo=UTC),
        comments_open=False,
    )
    # Comments can only be posted while the article is open.
    Article.objects.filter(pk=native.pk).update(comments_open=True)
    alice, bob = make_user("alice"), make_user("bob")
    root = make_comment(native, author=alice, title="Top", body="**Bold** and <tags>")
    node = root
    for depth in range(6):
        node = make_comment(native, parent=node, author=bob, body=f"depth {depth + 1}")
    make_comment(
        native, parent=root, author=alice, title="Sibling", body="a [link](https://example.org)"
    )
    others = [
        make_comment(native, author=bob, body=f"state {state}") for state in Comment.State.values
    ]
    for comment, state in zip(others, Comment.State.values, strict=True):
        Comment.objects.filter(pk=comment.pk).update(state=state)
    Article.objects.filter(pk=native.pk).update(comments_open=False)
    call_command("import_article", str(SAMPLES / "ibm-servers-zdnet.txt"), stdout=io.StringIO())
    call_command("import_article", str(SAMPLES / "disqus-sample.xml"), stdout=io.StringIO())
    call_command("import_article", str(SAMPLES / "wxr-sample.xml"), stdout=io.StringIO())


def picture(*, with_source_text):
    """Everything a reader sees, independent of ids."""
    articles = []
    for article in Article.objects.order_by("slug"):
        comments = list(Comment.objects.filter(article=article).order_by("tree_id", "lft"))
        position = {c.pk: i for i, c in enumerate(comments)}
        rows = [
            (
                c.level,
                position.get(c.parent_id),
                c.title,
                c.body_html,
                c.display_author,
                c.created_at,
                c.state,
                *((c.body, c.body_format) if with_source_text else ()),
            )
            for c in comments
        ]
        fields = ("slug", "title", "summary", "body", "topic_names", "byline", "source_name")
        more = ("source_url", "published_at", "comments_open")
        articles.append(([getattr(article, f) for f in fields + more], rows))
    return articles


def empty_the_forum():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_comment")
        cursor.execute("DELETE FROM articles_article_topics")
        cursor.execute("DELETE FROM articles_article")


@pytest.mark.parametrize("fmt", ["json", "disqus", "wxr"])
def test_export_then_import_into_an_empty_database_gives_the_same_forum(tmp_path, fmt):
    build_forum()
    # JSON keeps the text as written (Markdown, plain text); the XML formats carry HTML.
    before = picture(with_source_text=fmt == "json")
    path = tmp_path / f"export.{fmt}"
    call_command("export_article", "--format", fmt, "-o", str(path), stderr=io.StringIO())
    empty_the_forum()

    out = io.StringIO()
    call_command("import_article", str(path), stdout=out)

    assert picture(with_source_text=fmt == "json") == before
    assert_trees_valid()
    # And the export is itself idempotent to import.
    again = io.StringIO()
    call_command("import_article", str(path), stdout=again)
    assert "Comments: 0 new, 0 updated" in again.getvalue()


def test_a_json_export_imports_next_to_its_originals_without_duplicates(tmp_path):
    call_command("import_article", str(SAMPLES / "disqus-sample.xml"), stdout=io.StringIO())
    path = tmp_path / "export.json"
    call_command("export_article", "-o", str(path), stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_article", str(path), stdout=out)
    assert "Articles: 0 new, 0 updated, 2 unchanged. Comments: 0 new, 0 updated" in out.getvalue()


def test_what_was_written_here_is_recognised_when_its_json_export_comes_back(tmp_path):
    call_command("import_article", str(SAMPLES / "disqus-sample.xml"), stdout=io.StringIO())
    imported = Comment.objects.get(import_key="disqus:7001")
    posted_reply = make_comment(imported.article, parent=imported, body="posted here")
    native = make_article()
    root = make_comment(native, body="root")
    make_comment(native, parent=root, body="reply")
    path = tmp_path / "export.json"
    call_command("export_article", "-o", str(path), stderr=io.StringIO())
    count = Comment.objects.count()
    Comment.objects.filter(pk=posted_reply.pk).update(body="edited since the export")

    out = io.StringIO()
    call_command("import_article", str(path), stdout=out)

    assert "Articles: 0 new, 0 updated, 3 unchanged. Comments: 0 new, 0 updated" in out.getvalue()
    assert (Article.objects.count(), Comment.objects.count()) == (3, count)
    # The text here is the newest: the archive never changes what was written here.
    assert Comment.objects.get(pk=posted_reply.pk).body == "edited since the export"

    document = json.loads(path.read_text())
    (thread,) = next(a for a in document["articles"] if a["slug"] == native.slug)["comments"]
    thread["replies"].append({"source": "disqus", "id": "9", "body": "a later reply"})
    path.write_text(json.dumps(document))
    call_command("import_article", str(path), stdout=io.StringIO())
    assert Comment.objects.get(import_key="disqus:9").parent == root
    assert_trees_valid()


def test_a_comment_numbered_like_one_posted_here_but_from_another_time_is_not_it(tmp_path):
    posted = make_comment(make_article(), body="posted here")
    path = tmp_path / "export.json"
    call_command("export_article", "-o", str(path), stderr=io.StringIO())
    document = json.loads(path.read_text())
    (comment,) = document["articles"][0]["comments"]
    comment.update(created_at="2001-01-01T00:00:00Z", body="another forum's")
    path.write_text(json.dumps(document))

    call_command("import_article", str(path), stdout=io.StringIO())

    assert Comment.objects.get(pk=posted.pk).body == "posted here"
    assert Comment.objects.get(import_key=f"forum:{posted.pk}").body == "another forum's"


def test_an_article_at_the_same_address_but_published_at_another_time_is_not_it(tmp_path):
    article = make_article(title="Written here")
    path = tmp_path / "export.json"
    call_command("export_article", "-o", str(path), stderr=io.StringIO())
    document = json.loads(path.read_text())
    document["articles"][0].update(published_at="2001-01-01T00:00:00Z", title="Another forum's")
    path.write_text(json.dumps(document))

    call_command("import_article", str(path), stdout=io.StringIO())

    article.refresh_from_db()
    assert (article.title, article.import_source) == ("Written here", "")
    assert Article.objects.get(import_source="forum").title == "Another forum's"


def test_chosen_articles_go_to_standard_output(capsys):
    keep = make_article(slug="keep-me")
    make_comment(keep, body="kept")
    make_article(slug="not-me")
    call_command("export_article", "keep-me")
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "forum-archive"
    assert [a["slug"] for a in document["articles"]] == ["keep-me"]
    assert document["articles"][0]["comments"][0]["body"] == "kept"


def test_xml_goes_to_standard_output_too(capsys):
    make_article(slug="one")
    call_command("export_article", "--format", "disqus")
    assert "<forum:slug>one</forum:slug>" in capsys.readouterr().out


def test_an_unknown_slug_is_an_error_and_writes_no_file(tmp_path):
    make_article(slug="real")
    path = tmp_path / "out.json"
    with pytest.raises(CommandError, match="no article with the slug ghost"):
        call_command("export_article", "real", "ghost", "-o", str(path))
    assert not path.exists()


def test_an_unwritable_destination_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="cannot write there"):
        call_command("export_article", "-o", str(tmp_path / "no-such-folder" / "out.json"))


def test_characters_xml_cannot_hold_are_left_out(tmp_path):
    article = make_article(title="Bell\x07 title")
    make_comment(article, body="ding\x07 dong")
    path = tmp_path / "out.xml"
    call_command("export_article", "--format", "wxr", "-o", str(path), stderr=io.StringIO())
    assert b"\x07" not in path.read_bytes()
    assert b"ding dong" in path.read_bytes()


def test_a_thread_too_deep_for_nested_json_suggests_a_flat_format(tmp_path):
    posts = "".join(
        f'<post dsq:id="{n}"><message>x</message><thread dsq:id="t"/>'
        + (f'<parent dsq:id="{n - 1}"/>' if n else "")
        + "</post>"
        for n in range(900)
    )
    source = tmp_path / "deep.xml"
    source.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        f'<thread dsq:id="t"><title>Deep</title></thread>{posts}</disqus>'
    )
    call_command("import_article", str(source), stdout=io.StringIO())
    target = tmp_path / "deep.json"
    with pytest.raises(CommandError, match="--format disqus"):
        call_command("export_article", "-o", str(target))
    assert list(tmp_path.iterdir()) == [source]
    call_command("export_article", "--format", "disqus", "-o", str(target), stderr=io.StringIO())
    assert target.exists()


def test_a_posted_comment_never_shares_its_json_id_with_an_imported_forum_comment(tmp_path):
    article = make_article()
    imported, posted = make_comment(article, body="from elsewhere"), make_comment(article)
    # An earlier import of another forum's archive stored this key: the posted one's pk.
    Comment.objects.filter(pk=imported.pk).update(import_key=f"forum:{posted.pk}")
    path = tmp_path / "export.json"
    call_command("export_article", "-o", str(path), stderr=io.StringIO())
    (document,) = json.loads(path.read_text())["articles"]
    ids = [(c["source"], c["id"]) for c in document["comments"]]
    assert ids == [("forum", str(posted.pk)), ("forum", f"forum-{posted.pk}")]
    empty_the_forum()

    out = io.StringIO()
    call_command("import_article", str(path), stdout=out)

    assert "duplicate_id" not in out.getvalue()
    bodies = Comment.objects.order_by("tree_id").values_list("body", flat=True)
    assert list(bodies) == ["from elsewhere", posted.body]
