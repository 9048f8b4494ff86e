import pytest

from articles.portability import detect_format
from articles.portability.records import ImportFormatError
from tests.articles.portability.conftest import SAMPLES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("disqus-sample.xml", "disqus"),
        ("wxr-sample.xml", "wxr"),
        ("archive-sample.json", "json"),
        ("ibm-servers-zdnet.txt", "text"),
    ],
)
def test_each_sample_is_recognised_from_its_content(name, expected):
    assert detect_format((SAMPLES / name).read_bytes()[:65536]) == expected


def test_a_bom_and_whitespace_before_the_content_are_skipped():
    assert detect_format(b"\xef\xbb\xbf \n {}") == "json"


@pytest.mark.parametrize(
    "head", [b"<?xml version='1.0'?><feed/>", b"<rss version='2.0'><channel/></rss>", b"<"]
)
def test_other_xml_is_an_unknown_format(head):
    with pytest.raises(ImportFormatError, match="unknown format"):
        detect_format(head)


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE disqus [<!ENTITY a "x">]>\n<disqus/>',
        b'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://example.org/rss.dtd">\n<rss/>',
    ],
    ids=["internal-subset", "external"],
)
def test_a_doctype_is_refused_as_such(head):
    with pytest.raises(ImportFormatError, match="declares a DOCTYPE") as error:
        detect_format(head)
    assert error.value.line == 2
