import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Comment
from tests.treecheck import assert_trees_valid

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "articles" / "sample_data" / "ibm-servers-zdnet.txt"


def run_import(path, capsys):
    call_command("import_article", str(path))
    return capsys.readouterr().out


def test_sample_document_imports_as_the_exact_tree(capsys):
    out = run_import(SAMPLE, capsys)

    article = Article.objects.get()
    assert article.title == "Chinese govt urging banks to remove IBM servers: Report"
    assert article.topic_names == ["Security", "Servers"]
    assert "Kick off your day" not in article.body
    assert "Log in or register" not in article.body
    assert f"/articles/{article.slug}/" in out
    comments = list(Comment.objects.order_by("tree_id", "lft"))
    assert len(comments) == 13
    assert sum(c.level == 0 for c in comments) == 9
    deepest = max(comments, key=lambda c: c.level)
    assert (deepest.title, deepest.level) == ("Not saying anything either way", 2)
    assert deepest.parent.title == "Heaven forbid..."
    assert deepest.parent.parent.title == "Sounds like a way to prop up a slowing economy"
    signed = {c.title: c.author_name for c in comments if c.author_name}
    assert signed == {
        "RE: Chinese govt urging banks to remove IBM servers": "Rabid Howler Monkey",
        "The Party does have some leverage": "John L. Ries",
    }
    assert "Rabid Howler Monkey" not in Comment.objects.get(author_name="Rabid Howler Monkey").body
    assert_trees_valid()


def test_reimporting_the_same_file_changes_nothing(capsys):
    run_import(SAMPLE, capsys)
    before = list(Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght"))

    out = run_import(SAMPLE, capsys)

    assert "0 new comments, 13 already present" in out
    assert Article.objects.count() == 1
    assert list(Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght")) == (
        before
    )


def test_a_newer_copy_adds_only_the_new_comments(tmp_path, capsys):
    run_import(SAMPLE, capsys)
    text = SAMPLE.read_text(encoding="utf-8")
    anchor = '        just offering up another possible explanation beyond "they\'ll spy".\n'
    assert anchor in text
    newer = text.replace(anchor, anchor + "        • A late reply\n\n          Agreed.\n")
    path = tmp_path / "newer.txt"
    path.write_text(newer, encoding="utf-8")

    out = run_import(path, capsys)

    assert "1 new comments, 13 already present" in out
    late = Comment.objects.get(title="A late reply")
    assert late.parent.title == "Not saying anything either way"
    assert late.level == 3
    assert_trees_valid()


def test_an_article_of_another_source_with_the_same_slug_is_left_alone(capsys):
    slug = "chinese-govt-urging-banks-to-remove-ibm-servers-report"
    other = Article.objects.create(
        title="Other", slug=slug, body="Kept.", import_source="json", import_id="x1"
    )

    out = run_import(SAMPLE, capsys)

    assert "slug_taken" in out
    other.refresh_from_db()
    assert (other.title, other.body, other.comments.count()) == ("Other", "Kept.", 0)
    text = Article.objects.get(import_source="text")
    assert (text.slug, text.comments.count()) == (f"{slug}-2", 13)
    # Found again by the slug it was first stored under: no third copy.
    assert "0 new comments, 13 already present" in run_import(SAMPLE, capsys)
    assert Article.objects.count() == 2


def test_an_article_written_here_is_found_by_its_slug(capsys):
    written = Article.objects.create(
        title="Old title", slug="chinese-govt-urging-banks-to-remove-ibm-servers-report", body="b"
    )
    run_import(SAMPLE, capsys)
    assert Article.objects.get() == written
    assert written.comments.count() == 13


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "line 1"),
        (b"   \n\n", "line 1"),
        (b"Title\n\nSummary: s\n\nTOPICS: A\n\nBody\n\n\xff\xfe bad\n", "line 9"),
    ],
)
def test_malformed_files_fail_with_the_line_and_write_nothing(tmp_path, content, expected):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_article", str(path))
    assert str(path) in str(error.value)
    assert expected in str(error.value)
    assert not Article.objects.exists()


def test_indentation_that_skips_a_level_fails_and_writes_nothing(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    broken = text.replace("    • Heaven forbid...", "      • Heaven forbid...")
    lines = broken.splitlines()
    bad_line = next(i for i, line in enumerate(lines, 1) if "• Heaven forbid" in line)
    path = tmp_path / "skip.txt"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_article", str(path))
    assert f"line {bad_line}" in str(error.value)
    assert "skips a level" in str(error.value)
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_article", str(tmp_path / "nope.txt"))


def test_what_came_from_the_file_reaches_the_terminal_escaped(tmp_path, capsys):
    # A title that would clear the screen and retitle the window, and a comment id that would
    # too: the stored title is cleaned, and every record the command lists is escaped.
    archive = {
        "format": "forum-archive",
        "version": 1,
        "articles": [
            {
                "source": "json",
                "id": "esc",
                "title": "Clear \x1b[2J me \x1b]0;owned\x07",
                "body": "Body",
                "comments": [
                    {"id": "\x1b[2Jc1\u202e", "author": "Ann", "state": "???", "body": "Hi"}
                ],
            }
        ],
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(archive))
    out = run_import(path, capsys)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2Jc1\\u202e" in out
    assert Article.objects.get().title == "Clear [2J me ]0;owned"
