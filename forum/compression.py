"""Compressed responses for pages that carry no secret, and the ``Accept-Encoding`` they honour.

Only bodies that are the same for every reader may be compressed: a body holding a secret (a
CSRF token, anything of one reader's) beside text an attacker can inject would let the attacker
read the secret back from the compressed length (BREACH). So there is no compressing middleware:
the views that serve shared bodies (the anonymous thread pages, comments.json) compress them,
once per version of the page, and keep the compressed copies in the page cache.

Brotli (``br``) where the client takes it, else gzip, else the page as it is (``identity``).
"""

import gzip

import brotli
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

IDENTITY = "identity"
# Our preference when the client likes several equally: the smallest first.
ENCODINGS = ("br", "gzip")
_ALIASES = {"x-gzip": "gzip"}
# A cache miss pays one of them once per thread version: brotli's quality 5 takes ~13 ms a
# megabyte of HTML here, and browsers take brotli; gzip's level 9, ~20 ms, is left to other
# clients, and is 2% smaller than level 6.
BROTLI_QUALITY = 5
GZIP_LEVEL = 9


def _weight(value: str) -> float | None:
    try:
        weight = float(value)
    except ValueError:
        return None
    return weight if 0 <= weight <= 1 else None


def _weights(header: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        coding = coding.lower()
        if not coding:
            continue
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                weight = _weight(value.strip())
        if weight is None:  # a malformed q-value: the item means nothing
            continue
        coding = _ALIASES.get(coding, coding)
        weights[coding] = max(weight, weights.get(coding, 0.0))
    return weights


def negotiated_encoding(header: str | None) -> str:
    """The coding to send for an ``Accept-Encoding`` header (RFC 9110 12.5.3): the acceptable
    one (q above 0) with the highest q-value, ours first among equals, ``*`` standing for any
    coding the header does not name. The page as it is when the header names no coding of ours
    or names identity with a higher q-value, and also when nothing at all is acceptable
    (``identity;q=0``): a readable page rather than a 406."""
    if not header:
        return IDENTITY
    weights = _weights(header)
    star = weights.get("*")
    ranked = [
        (weight, -rank, coding)
        for rank, coding in enumerate(ENCODINGS)
        if (weight := weights.get(coding, star or 0.0)) > 0
    ]
    if not ranked:
        return IDENTITY
    weight, _, coding = max(ranked)
    # Unnamed, identity is acceptable but least preferred (unless "*;q=0" excludes it).
    return IDENTITY if weights.get(IDENTITY, 0.0) > weight else coding


def compress(body: bytes, encoding: str) -> bytes:
    """``body`` in ``encoding`` (one of ``ENCODINGS`` or ``IDENTITY``)."""
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    if encoding == "gzip":
        # mtime=0: the same page always compresses to the same bytes (and ETag).
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    return body


def encoded_response(body: bytes, encoding: str, content_type: str) -> HttpResponse:
    """A response of ``body``, already in ``encoding``, that caches in between keep apart from
    its other encodings."""
    response = HttpResponse(body, content_type=content_type)
    if encoding != IDENTITY:
        response["Content-Encoding"] = encoding
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
