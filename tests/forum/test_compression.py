"""Which encoding a client gets for its Accept-Encoding, and that it decodes to the same body."""

import gzip

import brotli
import pytest

from forum.compression import compress, encoded_response, negotiated_encoding


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "identity"),
        ("", "identity"),
        ("gzip, deflate, br, zstd", "br"),  # a browser: ours first among equals
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("GZip ; Q=0.5", "gzip"),
        ("br;q=0.5, gzip;q=0.8", "gzip"),  # the higher q-value wins
        ("br;q=0, gzip", "gzip"),  # q=0: not acceptable
        ("br;q=0.0, gzip;q=0.000", "identity"),
        ("*", "br"),
        ("*;q=0.5, br;q=0", "gzip"),  # * stands for the codings not named
        ("gzip;q=0.5, identity", "identity"),  # identity named with a higher q-value
        ("gzip;q=0.5, identity;q=0.5", "gzip"),
        ("identity;q=0", "identity"),  # nothing acceptable: the page as it is, not a 406
        ("*;q=0", "identity"),
        ("deflate, zstd", "identity"),  # none of ours
        ("gzip;q=2, br;q=abc", "identity"),  # malformed q-values count for nothing
        ("gzip;q=0.9, br;q=", "gzip"),
        (" , ;q=1, br", "br"),
    ],
)
def test_accept_encoding_q_values_are_honoured(header, expected):
    assert negotiated_encoding(header) == expected


@pytest.mark.parametrize(
    ("encoding", "decode"),
    [("br", brotli.decompress), ("gzip", gzip.decompress), ("identity", lambda body: body)],
)
def test_each_encoding_decodes_to_the_same_body(encoding, decode):
    body = "<p>Ünïcode and repetition</p>".encode() * 1000
    assert decode(compress(body, encoding)) == body


def test_gzip_copies_of_one_body_are_identical():
    # No timestamp in the gzip header: the same page always gives the same bytes and ETag.
    assert compress(b"page" * 100, "gzip") == compress(b"page" * 100, "gzip")


def test_an_encoded_response_names_its_encoding_and_varies_by_accept_encoding():
    response = encoded_response(compress(b"x" * 100, "gzip"), "gzip", "text/html")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    plain = encoded_response(b"x", "identity", "text/html")
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
