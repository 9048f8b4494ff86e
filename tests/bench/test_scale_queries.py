"""The scale benchmark's pages cost the same queries on a small site and on one ten times
larger, built by the same generator: no page's query count grows with the site."""

from uuid import uuid4

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import scale
from bench.generate import make_site
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def page_queries(client, site) -> dict[str, int]:
    counts = {}
    for name, url in scale.urls(site).items():
        client.get(url)  # what a first request reads once (word lists, settings) is not counted
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(captured)
    return counts


def reply_queries(site) -> int:
    client = Client()
    client.force_login(make_user())
    article = site["largest"]
    parent = article.comments.order_by("-level", "id").first()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("comment_create", args=[article.slug]),
            {"parent": parent.pk, "title": "", "body": f"A reply {uuid4()}"},
        )
    assert response.status_code == 302
    return len(captured)


def test_every_page_costs_the_same_queries_on_a_site_ten_times_larger(client):
    small = make_site(200, probe=20, seed=1)
    before = page_queries(client, small) | {"post_reply": reply_queries(small)}
    large = make_site(2_000, probe=20, seed=2)
    after = page_queries(client, large) | {"post_reply": reply_queries(large)}

    assert after == before
    assert set(before) >= set(scale.JUDGED) - {"search"}
    # The budgets the front page, topic pages, article pages and profiles are held to.
    assert (before["home"], before["home_active"], before["home_discussed"]) == (2, 2, 2)
    assert (before["topic"], before["first_page"], before["whole_thread"]) == (3, 2, 2)
    assert before["profile"] == 3
