"""The client's address behind a proxy (issue 16, point 3): a missing, malformed or listed
header never makes a 500, and a list is read from the right, the configured hops away."""

import logging

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from articles.models import Comment
from forum import clientip
from tests.factories import PASSWORD, make_user

BEHIND_A_PROXY = override_settings(CLIENT_IP_META_KEY="HTTP_X_REAL_IP")


@pytest.fixture(autouse=True)
def _warn_again():
    # Each test starts as if the last warning were long ago.
    clientip._last_warning = -clientip.WARNING_INTERVAL_SECONDS
    yield


def ip_of(header=None, remote="10.0.0.1", **extra):
    meta = {"REMOTE_ADDR": remote, **extra}
    if header is not None:
        meta["HTTP_X_REAL_IP"] = header
    return clientip.client_ip(RequestFactory().get("/", **meta))


@BEHIND_A_PROXY
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("192.0.2.7", "192.0.2.7"),
        (" 192.0.2.7 ", "192.0.2.7"),
        ("2001:DB8::1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("192.0.2.7:5555", "192.0.2.7"),
        (None, "10.0.0.1"),
        ("", "10.0.0.1"),
        ("not-an-ip", "10.0.0.1"),
        ("192.0.2.999", "10.0.0.1"),
        ("fe80::1%eth0", "10.0.0.1"),
        ("1.2.3.4/8", "10.0.0.1"),
        ("1.2.3.4, 5.6.7.8", "5.6.7.8"),  # the entry our one proxy wrote
        ("forged, 5.6.7.8", "5.6.7.8"),
        ("1.2.3.4, junk", "10.0.0.1"),
    ],
)
def test_the_address_is_the_header_or_else_remote_addr(header, expected):
    assert ip_of(header) == expected


@override_settings(CLIENT_IP_META_KEY="HTTP_X_FORWARDED_FOR", RATELIMIT_TRUSTED_PROXIES=2)
def test_with_two_proxies_the_second_entry_from_the_right_is_the_client():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 10.1.1.1")
    assert clientip.client_ip(request) == "1.2.3.4"
    short = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.9")
    assert clientip.client_ip(short) == "10.0.0.9"  # fewer hops than proxies: not trusted


def test_without_a_configured_header_remote_addr_is_used_and_headers_ignored():
    assert ip_of("192.0.2.7") == "10.0.0.1"
    assert ip_of(remote="") == clientip.UNKNOWN_ADDRESS


@BEHIND_A_PROXY
def test_a_bad_header_is_logged_once_a_minute(caplog, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(clientip.time, "monotonic", lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="forum.clientip"):
        ip_of("not-an-ip")
        ip_of(None)
        now[0] += 59
        ip_of("x")
        now[0] += 2
        ip_of(None)
    assert len(caplog.records) == 2
    assert "HTTP_X_REAL_IP" in caplog.records[0].getMessage()
    assert "'not-an-ip'" in caplog.records[0].getMessage()
    assert "missing" in caplog.records[1].getMessage()


@BEHIND_A_PROXY
@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "not-an-ip", "1.2.3.4, 5.6.7.8", "::::", "\u0661.2.3.4"])
def test_login_and_posting_never_fail_whatever_the_header(article, header):
    user = make_user()
    client = Client()
    meta = {} if header is None else {"HTTP_X_REAL_IP": header}
    response = client.post(reverse("login"), {"login": user.username, "password": PASSWORD}, **meta)
    assert response.status_code == 302
    response = client.post(
        reverse("comment_create", args=[article.slug]), {"body": "Still here"}, **meta
    )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Still here").exists()
