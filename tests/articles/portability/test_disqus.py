"""The Disqus reader: threads, posts, states, messy records and hostile XML (no database)."""

import io
from datetime import UTC, datetime

import pytest

from articles.portability import disqus
from articles.portability.records import ImportFormatError, ImportReport
from tests.articles.portability.conftest import SAMPLES

HEAD = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
)


def read(data: bytes, report=None):
    return list(disqus.parse(io.BytesIO(data), report or ImportReport()))


def test_the_sample_gives_each_thread_its_own_posts():
    report = ImportReport()
    chips, open_source = read((SAMPLES / "disqus-sample.xml").read_bytes(), report)
    assert (chips.original_id, chips.slug, chips.title) == (
        "5001",
        "chips-get-faster",
        "Chips get faster again",
    )
    assert chips.body == "A new generation of chips is out."
    assert chips.published_at == datetime(2014, 5, 28, 9, tzinfo=UTC)
    assert (chips.comments_open, open_source.comments_open) == (True, False)
    assert [c.original_id for c in chips.comments] == [
        "7001",
        "7002",
        "7003",
        "7004",
        "7001",
        "7006",
    ]
    assert [(c.original_id, c.state) for c in open_source.comments][-2:] == [
        ("7009", "deleted"),
        ("7010", "removed"),
    ]
    first = chips.comments[0]
    assert (first.author_name, first.body_format) == ("Ann Archer", "html")
    assert chips.comments[1].author_name == "bob"  # no name: the username
    assert chips.comments[1].parent_id == "7003"
    problems = {(p.kind, p.record) for p in report.problems}
    assert problems == {
        ("unknown_thread", "comment '7005'"),
        ("bad_date", "comment '7006'"),
    }


def test_posts_of_a_thread_defined_after_them_are_kept():
    data = HEAD + (
        b'<post dsq:id="1"><message>hi</message><createdAt>2020-01-01T00:00:00Z</createdAt>'
        b'<thread dsq:id="9"/></post>\n'
        b'<thread dsq:id="9"><title>Late</title><createdAt>2020-01-01T00:00:00Z</createdAt>'
        b"</thread>\n</disqus>\n"
    )
    (thread,) = read(data)
    assert [c.original_id for c in thread.comments] == ["1"]


def test_spooled_posts_come_back_in_file_order_across_buffer_flushes(monkeypatch):
    monkeypatch.setattr(disqus._Spool, "BUFFER", 3)
    posts = b"".join(
        b'<post dsq:id="%d"><message>m</message><createdAt>2020-01-01T00:00:00Z</createdAt>'
        b'<thread dsq:id="%d"/></post>\n' % (n, n % 2)
        for n in range(10)
    )
    threads = b"".join(
        b'<thread dsq:id="%d"><title>T%d</title></thread>\n' % (n, n) for n in range(2)
    )
    even, odd = read(HEAD + threads + posts + b"</disqus>\n")
    assert [c.original_id for c in even.comments] == ["0", "2", "4", "6", "8"]
    assert [c.original_id for c in odd.comments] == ["1", "3", "5", "7", "9"]


def test_exact_states_from_the_forums_own_exports_win():
    data = HEAD.replace(b'internals">', b'internals" xmlns:forum="urn:x-forum:archive:1">') + (
        b'<thread dsq:id="1"><title>T</title></thread>'
        b'<post dsq:id="2"><isDeleted>true</isDeleted><forum:state>hidden</forum:state>'
        b'<forum:title>A title</forum:title><thread dsq:id="1"/></post>'
        b'<post dsq:id="3"><isApproved>false</isApproved><thread dsq:id="1"/></post>'
        b"</disqus>"
    )
    report = ImportReport()
    (thread,) = read(data, report)
    assert [(c.state, c.title) for c in thread.comments] == [("hidden", "A title"), ("pending", "")]
    # No createdAt on the thread: reported, and the importer uses the time of the import.
    assert {p.kind for p in report.problems} == {"bad_date"}


def test_a_thread_without_an_id_is_known_by_its_link():
    data = HEAD + b"<thread><link>https://x.example/a/b-c/</link><title>T</title></thread></disqus>"
    report = ImportReport()
    (thread,) = read(data, report)
    assert (thread.original_id, thread.slug) == ("https://x.example/a/b-c/", "b-c")
    assert "missing_id" in {p.kind for p in report.problems}


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (HEAD + b'<thread dsq:id="1">\n<title>T</title>\n', 5, "premature end"),
        (HEAD + b'<thread dsq:id="1"><title>T</titel></thread></disqus>', 3, "mismatch"),
        (HEAD + b"<thread>\n<title>caf\xe9</title></thread></disqus>", 4, "encoding"),
        (b"", None, ""),
    ],
)
def test_malformed_xml_names_the_line(data, line, reason):
    with pytest.raises(ImportFormatError) as error:
        read(data)
    if line is not None:
        assert error.value.line == line
    assert reason.lower() in error.value.reason.lower()


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        b'<?xml version="1.0"?>\n'
        b'<!DOCTYPE disqus [<!ENTITY x SYSTEM "file://' + str(secret).encode() + b'">]>\n'
        b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        b'<thread dsq:id="1"><title>&x;</title></thread></disqus>'
    )
    with pytest.raises(ImportFormatError) as error:
        read(data)
    assert "DOCTYPE" in str(error.value)
    assert "TOP-SECRET" not in str(error.value)


def test_an_entity_bomb_is_refused_without_expanding_it():
    levels = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    data = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE disqus [<!ENTITY l0 "lol">{levels}]>\n'
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        '<thread dsq:id="1"><title>&l9;</title></thread></disqus>'
    ).encode()
    with pytest.raises(ImportFormatError):
        read(data)
