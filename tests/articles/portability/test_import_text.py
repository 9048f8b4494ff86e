"""Tests for the plain-text article/comment-thread parser (no Django, no database)."""

import pickle
from pathlib import Path

import pytest

from articles.portability.records import ImportReport, SourceArticle, SourceComment
from articles.portability.text import (
    ImportFormatError,
    looks_like_signature,
    parse_article,
    parse_bytes,
)

SAMPLE = Path(__file__).resolve().parents[3] / "articles" / "sample_data" / "ibm-servers-zdnet.txt"
TITLE = "Chinese govt urging banks to remove IBM servers: Report"

# Line numbers in the sample, for building malformed variants of it.
SUMMARY_LINE = 5
TOPICS_HEADER_LINE = 7
TOPICS_FOOTER_LINE = 35
BYLINE_LINE = 38
LOGIN_LINE = 43
FIRST_BULLET_LINE = 44

# (bullet line, depth, parent index, title, author) of every comment, in document order.
EXPECTED_TREE = [
    (44, 0, None, "lol", None),
    (47, 0, None, "Sounds like a way to prop up a slowing economy", None),
    (50, 1, 1, "Heaven forbid...", None),
    (53, 2, 2, "Not saying anything either way", None),
    (56, 0, None, "Sounds like China and Obama use the same tactics....", None),
    (59, 1, 4, "Sounds more like a political venting for you", None),
    (62, 0, None, "Go China", None),
    (66, 0, None, "it's not all that funny!", None),
    (69, 0, None, "Yet another variation...", None),
    (
        72,
        0,
        None,
        "RE: Chinese govt urging banks to remove IBM servers",
        "Rabid Howler Monkey",
    ),
    (76, 1, 9, "The Party does have some leverage", "John L. Ries"),
    (80, 0, None, "Chinese government re - IBM.", None),
    (83, 0, None, "Can You Really Blame Them?", None),
]


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def article(sample_text: str) -> SourceArticle:
    return parse_article(sample_text)


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def replace_line(text: str, number: int, *new_lines: str) -> str:
    """Replace 1-based line ``number`` of ``text`` by ``new_lines`` (none deletes it)."""
    lines = lines_of(text)
    lines[number - 1 : number] = list(new_lines)
    return "\n".join(lines)


def comment(article: SourceArticle, title: str) -> SourceComment:
    (found,) = [c for c in article.comments if c.title == title]
    return found


def depth(article: SourceArticle, c: SourceComment) -> int:
    """How many ancestors ``c`` has: the records name a parent by its position."""
    levels = 0
    while c.parent_index is not None:
        c, levels = article.comments[c.parent_index], levels + 1
    return levels


def assert_format_error(text: str, line: int | None, reason_part: str) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as info:
        parse_article(text)
    error = info.value
    assert error.line == line, str(error)
    assert reason_part in error.reason, str(error)
    return error


# --- the real sample ------------------------------------------------------------------------------


def test_sample_is_the_expected_file(sample_text: str) -> None:
    # The project's copy of the seed: LF endings, no trailing newline, 86 lines.
    assert "\r" not in sample_text
    assert not sample_text.endswith("\n")
    assert len(lines_of(sample_text)) == 86
    assert lines_of(sample_text)[LOGIN_LINE - 1] == "Log in or register to join the discussion"


def test_article_header(article: SourceArticle) -> None:
    assert article.title == TITLE
    assert article.summary == (
        "The Chinese government is urging its domestic banks to replace high-end IBM servers "
        "with locally-manufactured servers in the wake of the US-Chinese hacking scandal, "
        "according to a report by Bloomberg."
    )
    assert article.topics == ["Security", "Servers"]


def test_article_body_and_byline(article: SourceArticle) -> None:
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 13
    assert paragraphs[0].startswith("China's banks are being urged by the country's government")
    assert paragraphs[-1] == "At the time of writing, IBM had not responded ZDNet's queries."
    assert "clients\u2019 systems" in paragraphs[4]  # the non-ASCII apostrophe survives
    assert all("\n" not in p and p == p.strip() for p in paragraphs)
    assert "Topics:" not in article.body
    assert article.byline == (
        "Leon covers enterprise technology and start-ups from ZDNet's Sydney newsroom."
    )
    # Site boilerplate belongs to neither the body nor the byline.
    for text in (article.body, article.byline):
        assert "Kick off your day" not in text
        assert "Log in or register" not in text


def test_comment_tree(article: SourceArticle) -> None:
    actual = [
        (c.line, depth(article, c), c.parent_index, c.title, c.author_name or None)
        for c in article.comments
    ]
    assert actual == EXPECTED_TREE
    assert len(article.comments) == 13
    assert sum(depth(article, c) == 0 for c in article.comments) == 9
    deepest = max(article.comments, key=lambda c: depth(article, c))
    assert (deepest.title, depth(article, deepest)) == ("Not saying anything either way", 2)


def test_parents_precede_children_one_level_up(article: SourceArticle) -> None:
    for index, c in enumerate(article.comments):
        if depth(article, c) == 0:
            assert c.parent_index is None
        else:
            assert c.parent_index is not None
            assert c.parent_index < index
            assert depth(article, article.comments[c.parent_index]) == depth(article, c) - 1


def test_signatures_are_stripped_from_bodies(article: SourceArticle) -> None:
    re_comment = comment(article, "RE: Chinese govt urging banks to remove IBM servers")
    assert re_comment.author_name == "Rabid Howler Monkey"
    assert re_comment.body == (
        "Yeah, like that's going to fly. C-level managers of capitalist enterprises, even in "
        "communist countries, don't like spending money unless they have to (or it involves "
        "adding to their stock options)."
    )
    party = comment(article, "The Party does have some leverage")
    assert party.author_name == "John L. Ries"
    assert party.body == (
        "In a communist dictatorship, bad things tend to happen to those who don't cooperate "
        "with the authorities; even if no laws are broken."
    )
    for c in article.comments:
        assert "Rabid Howler Monkey" not in c.body
        assert "John L. Ries" not in c.body


def test_single_line_bodies(article: SourceArticle) -> None:
    assert comment(article, "lol").body == (
        'so that would be IBM servers that are "made in China" I presume?'
    )
    assert comment(article, "Sounds like a way to prop up a slowing economy").body == (
        "Force people to buy inward."
    )
    assert comment(article, "Heaven forbid...").body == "...we try to do that in the USA."
    assert comment(article, "Yet another variation...").body == (
        "On mutual kicking out of diplomats."
    )


def test_go_china_keeps_its_two_lines(article: SourceArticle) -> None:
    go_china = comment(article, "Go China")
    lines = go_china.body.split("\n")
    assert len(lines) == 2
    assert lines[0].startswith("We in the west have been wary of goods from China")
    assert lines[1] == (
        "I am hoping they do try to use their own designed and manufactured systems and I want "
        "to see what happens. Will it work, will it flop, will hilarity ensue?"
    )
    assert go_china.author_name == ""


def test_last_comment_runs_to_end_of_file(article: SourceArticle) -> None:
    last = article.comments[-1]
    lines = last.body.split("\n")
    assert len(lines) == 2
    assert lines[1].endswith("it's time to real them in....")
    assert last.author_name == ""


def test_body_lines_carry_no_indentation(article: SourceArticle) -> None:
    for c in article.comments:
        for line in c.body.split("\n"):
            assert line == line.strip()


# --- accepted variations --------------------------------------------------------------------------


def test_windows_line_endings(sample_text: str, article: SourceArticle) -> None:
    assert parse_article(sample_text.replace("\n", "\r\n")) == article
    assert parse_article(sample_text.replace("\n", "\r\n") + "\r\n") == article


def test_windows_line_endings_from_file(
    sample_text: str, article: SourceArticle, tmp_path: Path
) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(sample_text.replace("\n", "\r\n").encode("utf-8"))
    assert parse_bytes(path.read_bytes()) == article


def test_trailing_newlines_and_bom(sample_text: str, article: SourceArticle) -> None:
    assert parse_article(sample_text + "\n") == article
    assert parse_article(sample_text + "\n\n\n") == article
    assert parse_article("\ufeff" + sample_text) == article


def test_line_numbers_survive_crlf(sample_text: str) -> None:
    text = replace_line(sample_text, 50, "        • Heaven forbid...").replace("\n", "\r\n")
    assert_format_error(text, 50, "skips a level")


def test_article_without_comments(sample_text: str, article: SourceArticle) -> None:
    lines = lines_of(sample_text)
    for cut in (
        LOGIN_LINE,  # ends with the "Log in" line
        LOGIN_LINE - 1,  # ends before it
        BYLINE_LINE,  # ends with the byline
        TOPICS_FOOTER_LINE,  # ends with the closing Topics line: no byline either
    ):
        parsed = parse_article("\n".join(lines[:cut]) + "\n")
        assert parsed.comments == []
        assert parsed.title == article.title
        assert parsed.body == article.body
        assert parsed.byline == (article.byline if cut >= BYLINE_LINE else "")


def test_thread_starts_at_first_bullet_without_login_line(
    sample_text: str, article: SourceArticle
) -> None:
    # Drop the "Log in" line: the thread then starts at the first bullet.
    text = replace_line(sample_text, LOGIN_LINE)
    parsed = parse_article(text)
    assert [c.title for c in parsed.comments] == [c.title for c in article.comments]
    assert parsed.comments[0].line == FIRST_BULLET_LINE - 1
    assert parsed.byline == article.byline


def test_repeated_title_is_optional(sample_text: str, article: SourceArticle) -> None:
    text = replace_line(sample_text, 3)
    parsed = parse_article(text)
    assert (parsed.title, parsed.summary, parsed.body) == (
        article.title,
        article.summary,
        article.body,
    )


def test_comment_paragraphs_are_separated_by_a_blank_line(sample_text: str) -> None:
    # Split "Go China" (lines 64-65) into two paragraphs and sign it.
    lines = lines_of(sample_text)
    text = replace_line(sample_text, 65, "", lines[64], "    Jane Doe")
    parsed = parse_article(text)
    go_china = comment(parsed, "Go China")
    first, second = go_china.body.split("\n\n")
    assert first == lines[63].strip()
    assert second == lines[64].strip()
    assert go_china.author_name == "Jane Doe"
    # The comment after it is unaffected.
    assert comment(parsed, "it's not all that funny!").line == 68


def test_signature_in_its_own_paragraph(sample_text: str) -> None:
    text = replace_line(sample_text, 82, lines_of(sample_text)[81], "", "    Mary-Jane O'Brien")
    parsed = parse_article(text)
    c = comment(parsed, "Chinese government re - IBM.")
    assert c.author_name == "Mary-Jane O'Brien"
    assert c.body == lines_of(sample_text)[81].strip()  # no dangling paragraph break


def test_single_line_body_is_never_a_signature(sample_text: str) -> None:
    text = replace_line(sample_text, 46, "    Rabid Howler Monkey")
    c = parse_article(text).comments[0]
    assert c.body == "Rabid Howler Monkey"
    assert c.author_name == ""


def test_extra_blank_lines_between_comments(sample_text: str, article: SourceArticle) -> None:
    text = replace_line(sample_text, 46, lines_of(sample_text)[45], "", "")
    parsed = parse_article(text)
    assert [c.body for c in parsed.comments] == [c.body for c in article.comments]


@pytest.mark.parametrize(
    "line",
    [
        "Rabid Howler Monkey",
        "John L. Ries",
        "Leon",
        "Mary-Jane O'Brien",
        "Jos\u00e9 \u00c1lvarez",
        "J. R. R. Tolkien",
    ],
)
def test_looks_like_signature(line: str) -> None:
    assert looks_like_signature(line)


@pytest.mark.parametrize(
    "line",
    [
        "On mutual kicking out of diplomats.",
        "...we try to do that in the USA.",
        "Force people to buy inward.",
        "Remembering that mistrust between super powers is how wars start..",
        "Go China!",
        "Yes, Sir",
        "Thanks Bob:",
        "IBM",  # an acronym, not a name
        "Five Words Are Too Many",
        "Abcdefghijklmnopqrstu Vwxyzabcdefghijklmnopq",  # over 40 characters
        "R2 D2",
        "john smith",
        "",
    ],
)
def test_does_not_look_like_signature(line: str) -> None:
    assert not looks_like_signature(line)


# --- malformed input ------------------------------------------------------------------------------


def test_error_message_format() -> None:
    error = ImportFormatError(42, "indentation skips a level (expected at most depth 1, found 3)")
    assert str(error) == "line 42: indentation skips a level (expected at most depth 1, found 3)"
    assert isinstance(error, ValueError)
    assert str(ImportFormatError(None, "something")) == "something"
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own data
    assert (copy.line, copy.reason) == (error.line, error.reason)


@pytest.mark.parametrize("text", ["", "\n", "   \n\n  \t\n", "\r\n\r\n"])
def test_empty_file(text: str) -> None:
    assert_format_error(text, 1, "empty")


def test_empty_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(path.read_bytes())
    assert info.value.line == 1


def test_missing_title(sample_text: str) -> None:
    error = assert_format_error("\n" + sample_text, 1, "missing title")
    assert str(error) == "line 1: missing title (the first line is blank)"


def test_indented_title(sample_text: str) -> None:
    assert_format_error("  " + sample_text, 1, "title must not be indented")


def test_not_utf8(sample_text: str, tmp_path: Path) -> None:
    data = sample_text.encode("utf-8")
    lines = data.split(b"\n")
    lines[45] = lines[45].replace(b"IBM", b"IB\xff")  # line 46
    path = tmp_path / "latin.txt"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(path.read_bytes())
    assert info.value.line == 46
    assert "not valid UTF-8" in info.value.reason
    assert str(info.value).startswith("line 46: not valid UTF-8 (byte 0xff")
    assert isinstance(info.value.__cause__, UnicodeDecodeError)


def test_latin1_on_first_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 title\n".encode("latin-1"))
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(path.read_bytes())
    assert info.value.line == 1


def test_missing_summary(sample_text: str) -> None:
    text = replace_line(sample_text, SUMMARY_LINE, "The Chinese government is urging ...")
    assert_format_error(text, SUMMARY_LINE, "'Summary:'")


def test_empty_summary(sample_text: str) -> None:
    text = replace_line(sample_text, SUMMARY_LINE, "Summary:   ")
    assert_format_error(text, SUMMARY_LINE, "summary is empty")


def test_file_ends_in_header() -> None:
    assert_format_error(f"{TITLE}\n\n{TITLE}\n", 3, "ends before the 'Summary:' line")


def test_missing_topics_header(sample_text: str) -> None:
    text = replace_line(sample_text, TOPICS_HEADER_LINE)
    # The first body paragraph (now line 8) is where "TOPICS:" was expected.
    assert_format_error(text, TOPICS_HEADER_LINE + 1, "'TOPICS:'")


@pytest.mark.parametrize("topics", ["TOPICS: Security,, Servers", "TOPICS:", "TOPICS: ,"])
def test_empty_topic(sample_text: str, topics: str) -> None:
    text = replace_line(sample_text, TOPICS_HEADER_LINE, topics)
    assert_format_error(text, TOPICS_HEADER_LINE, "empty topic")


def test_duplicate_topic(sample_text: str) -> None:
    text = replace_line(sample_text, TOPICS_HEADER_LINE, "TOPICS: Security, Servers, Security")
    assert_format_error(text, TOPICS_HEADER_LINE, "topic listed twice: Security")


def test_closing_topics_must_match(sample_text: str) -> None:
    text = replace_line(sample_text, TOPICS_FOOTER_LINE, "Topics: Security")
    assert_format_error(text, TOPICS_FOOTER_LINE, "differ")


def test_missing_closing_topics_line(sample_text: str) -> None:
    # Without it the article body runs into the indented comment thread.
    text = replace_line(sample_text, TOPICS_FOOTER_LINE)
    assert_format_error(text, FIRST_BULLET_LINE - 1, "closing 'Topics:' line missing")


def test_file_ends_in_article_body(sample_text: str) -> None:
    text = "\n".join(lines_of(sample_text)[:33])
    assert_format_error(text, 33, "ends before the closing 'Topics:' line")


def test_empty_article_body() -> None:
    text = f"{TITLE}\n\nSummary: s\n\nTOPICS: A\n\nTopics: A\n"
    assert_format_error(text, 7, "article body is empty")


def test_two_byline_paragraphs(sample_text: str) -> None:
    # The first paragraph is the byline; the rest is dropped footer text (the import reports it).
    text = replace_line(sample_text, 39, "", "Another paragraph.", "")
    report = ImportReport()
    parsed = parse_article(text, report=report)
    assert parsed.byline.startswith("Leon covers")
    assert [(p.kind, p.line, p.record) for p in report.problems] == [
        ("footer_dropped", 40, "'Another paragraph.'")
    ]


def test_indented_text_before_the_thread(sample_text: str) -> None:
    # No "Log in" line: an indented non-bullet line after the byline.
    text = replace_line(sample_text, LOGIN_LINE, "  stray text")
    assert_format_error(text, LOGIN_LINE, "unexpected indented text")


def test_text_before_first_bullet(sample_text: str) -> None:
    text = replace_line(sample_text, LOGIN_LINE, lines_of(sample_text)[LOGIN_LINE - 1], "", "  hi")
    assert_format_error(text, LOGIN_LINE + 2, "text before the first comment")


def test_unindented_text_after_login_line(sample_text: str) -> None:
    text = replace_line(sample_text, FIRST_BULLET_LINE, "Not a comment")
    assert_format_error(text, FIRST_BULLET_LINE, "text before the first comment")


def test_indentation_skips_a_level(sample_text: str) -> None:
    # "Heaven forbid..." (line 50) moved from depth 1 to depth 3.
    text = replace_line(sample_text, 50, "        • Heaven forbid...")
    error = assert_format_error(text, 50, "indentation skips a level")
    assert str(error) == (
        "line 50: indentation skips a level (expected at most depth 1, found depth 3)"
    )


def test_first_comment_must_be_top_level(sample_text: str) -> None:
    text = replace_line(sample_text, FIRST_BULLET_LINE, "    • lol")
    error = assert_format_error(text, FIRST_BULLET_LINE, "indentation skips a level")
    assert "expected at most depth 0, found depth 1" in error.reason


@pytest.mark.parametrize("bullet", ["     • Heaven forbid...", "   • Heaven forbid..."])
def test_bullet_off_the_level_grid(sample_text: str, bullet: str) -> None:
    assert_format_error(replace_line(sample_text, 50, bullet), 50, "not a comment level")


def test_bullet_at_column_zero(sample_text: str) -> None:
    text = replace_line(sample_text, LOGIN_LINE)  # so the bullet starts the thread
    text = replace_line(text, FIRST_BULLET_LINE - 1, "• lol")
    assert_format_error(text, FIRST_BULLET_LINE - 1, "indented by 0 spaces")


@pytest.mark.parametrize("bullet", ["  •", "  •   "])
def test_empty_comment_title(sample_text: str, bullet: str) -> None:
    assert_format_error(replace_line(sample_text, 66, bullet), 66, "empty title")


@pytest.mark.parametrize("body", ["   so that", "      so that", "  so that", "so that"])
def test_body_line_with_wrong_indentation(sample_text: str, body: str) -> None:
    error = assert_format_error(replace_line(sample_text, 46, body), 46, "comment body indented")
    assert "expected 4" in error.reason


def test_reply_body_with_parent_indentation(sample_text: str) -> None:
    # Line 52 is the body of the depth-1 reply "Heaven forbid..." and needs 6 spaces, not 4.
    text = replace_line(sample_text, 52, "    ...we try to do that in the USA.")
    assert_format_error(text, 52, "expected 6 (two more than the bullet on line 50)")


def test_tab_in_indentation(sample_text: str) -> None:
    text = replace_line(sample_text, 46, "\tso that would be IBM servers")
    assert_format_error(text, 46, "spaces only")


def test_missing_blank_line_after_comment_title(sample_text: str) -> None:
    text = replace_line(sample_text, 45)
    assert_format_error(text, 45, "expected a blank line between the comment title and its body")


def test_comment_without_body(sample_text: str) -> None:
    text = replace_line(replace_line(sample_text, 46), 45)  # "lol" loses its blank line and body
    error = assert_format_error(text, FIRST_BULLET_LINE, "has no body")
    assert str(error) == "line 44: comment 'lol' has no body"


def test_last_comment_without_body(sample_text: str) -> None:
    text = "\n".join(lines_of(sample_text)[:84])  # up to the blank line after the last bullet
    assert_format_error(text, 83, "comment 'Can You Really Blame Them?' has no body")
