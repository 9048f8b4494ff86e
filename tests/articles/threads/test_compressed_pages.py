"""Anonymous pages are shared bytes: cached as sent, compressed as the reader accepts, and never
a signed-in reader's page or one that carries a secret (BREACH)."""

import gzip
import json
import pickle

import brotli
import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import make_comment

pytestmark = pytest.mark.django_db

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


@pytest.fixture
def thread_cache(settings):
    settings.THREAD_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def thread(article):
    root = make_comment(article, title="Root of it all", body="A *first* comment.")
    make_comment(article, parent=root, body="A reply.")
    return article


def _stored_pages() -> dict[str, object]:
    # The in-process cache the tests run with keeps pickles; Redis keeps the same.
    return {
        key: pickle.loads(value)  # noqa: S301 (our own test cache)
        for key, value in cache._cache.items()
        if ":thread:" in key
    }


@pytest.mark.parametrize("cached", [True, False], ids=["cache on", "cache off"])
@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_an_anonymous_page_is_compressed_and_decodes_to_the_page(
    client, thread, settings, encoding, cached
):
    settings.THREAD_CACHE_SECONDS = 60 if cached else 0
    cache.clear()
    url = thread.get_absolute_url()
    plain = client.get(url)
    response = client.get(url, headers={"accept-encoding": f"{encoding}, identity;q=0.1"})
    assert response["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert not plain.has_header("Content-Encoding")
    assert response["Content-Type"] == plain["Content-Type"] == "text/html; charset=utf-8"
    assert DECODE[encoding](response.content) == plain.content
    assert b"Root of it all" in plain.content


def test_without_an_acceptable_encoding_the_page_is_sent_as_it_is(client, thread, thread_cache):
    url = thread.get_absolute_url()
    for header in ("br;q=0, gzip;q=0", "identity;q=0", "zstd"):
        response = client.get(url, headers={"accept-encoding": header})
        assert not response.has_header("Content-Encoding")
        assert b"Root of it all" in response.content


def test_the_anonymous_page_carries_no_secret_and_sets_no_cookie(client, thread, thread_cache):
    response = client.get(thread.get_absolute_url(), headers={"accept-encoding": "gzip"})
    page = gzip.decompress(response.content)
    assert b"csrfmiddlewaretoken" not in page
    assert not response.cookies


def test_signed_in_pages_are_never_compressed(signed_in, thread, thread_cache):
    response = signed_in.get(thread.get_absolute_url(), headers={"accept-encoding": "gzip, br"})
    assert not response.has_header("Content-Encoding")
    assert b"csrfmiddlewaretoken" in response.content  # the reason: BREACH


def test_a_pending_message_makes_the_page_the_readers_own(client, thread, thread_cache):
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Signed out, bye.")])
    url = thread.get_absolute_url()
    response = client.get(url, headers={"accept-encoding": "gzip"})
    assert not response.has_header("Content-Encoding")
    assert b"Signed out, bye." in response.content
    assert not _stored_pages()  # not cached with the message in it
    shared = client.get(url, headers={"accept-encoding": "gzip"})  # the message was shown
    assert b"Signed out, bye." not in gzip.decompress(shared.content)


def test_the_cache_keeps_each_encoding_as_the_bytes_sent(
    client, thread, thread_cache, django_assert_num_queries
):
    url = thread.get_absolute_url()
    gzipped = client.get(url, headers={"accept-encoding": "gzip"}).content
    stored = _stored_pages()
    assert sorted(key.rsplit(":", 1)[1] for key in stored) == ["gzip", "identity"]
    assert all(type(copy) is bytes for copy in stored.values())
    assert gzipped in stored.values()
    with django_assert_num_queries(1):  # the article, with its thread version
        again = client.get(url, headers={"accept-encoding": "gzip"})
    assert again.content == gzipped
    with django_assert_num_queries(1):  # brotli made from the stored page, not rendered again
        br = client.get(url, headers={"accept-encoding": "br"})
    assert brotli.decompress(br.content) == gzip.decompress(gzipped)
    assert len(_stored_pages()) == 3


def test_a_write_retires_the_compressed_copies(client, thread, thread_cache):
    url = thread.get_absolute_url()
    for encoding in ("gzip", "br"):
        client.get(url, headers={"accept-encoding": encoding})
    make_comment(thread, title="Brand new")
    for encoding, decode in DECODE.items():
        page = decode(client.get(url, headers={"accept-encoding": encoding}).content)
        assert b"Brand new" in page


def test_only_the_pages_own_address_is_cached(client, thread, thread_cache):
    # The page names its address in its log-in link: another query string is another page.
    response = client.get(
        thread.get_absolute_url() + "?utm_source=mail", headers={"accept-encoding": "gzip"}
    )
    assert b"utm_source" in gzip.decompress(response.content)
    assert not _stored_pages()
    client.get(thread.get_absolute_url() + "?sort=oldest", headers={"accept-encoding": "gzip"})
    assert len(_stored_pages()) == 2


def test_query_counts_stay(client, user, thread, thread_cache, django_assert_num_queries):
    url = thread.get_absolute_url()
    with django_assert_num_queries(2):  # the article, the thread
        client.get(url, headers={"accept-encoding": "br"})
    signed_in = Client()
    signed_in.force_login(user)
    signed_in.get(url)
    with django_assert_num_queries(5):  # session, user, article, visit (and bell), thread
        signed_in.get(url, headers={"accept-encoding": "br"})


def test_comments_json_is_compressed_for_anonymous_readers(signed_in, thread, settings):
    settings.THREAD_CACHE_SECONDS = 60
    cache.clear()
    url = reverse("comments_json", kwargs={"slug": thread.slug})
    reader = Client()
    plain = reader.get(url)
    gzipped = reader.get(url, headers={"accept-encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in gzipped["Vary"]
    assert gzip.decompress(gzipped.content) == plain.content
    assert json.loads(plain.content)["articles"][0]["slug"] == thread.slug
    assert gzipped["ETag"] != plain["ETag"]  # another representation
    not_modified = reader.get(
        url, headers={"accept-encoding": "gzip", "if-none-match": gzipped["ETag"]}
    )
    assert not_modified.status_code == 304
    mine = signed_in.get(url, headers={"accept-encoding": "gzip"})
    assert not mine.has_header("Content-Encoding")
    cache.clear()
