"""Metrics at /metrics for operators only, and JSON logs with a request id (issue 17)."""

import json
import logging

import pytest
from django.urls import reverse

from articles.accounts.tasks import mail_send
from forum.requestid import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_metrics_are_closed_to_the_public(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_ALLOWED_NETWORKS = []
    settings.METRICS_TOKEN = "s3cret-token-for-the-scraper"
    assert client.get(reverse("metrics")).status_code == 404
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = client.get(
        reverse("metrics"), HTTP_AUTHORIZATION="Bearer s3cret-token-for-the-scraper"
    )
    assert response.status_code == 200


def test_metrics_count_requests_by_view_and_status_from_an_allowed_address(client, article):
    client.get(article.get_absolute_url())
    client.get("/no-such-page/")
    text = client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'forum_responses_total{status="200",view="article_detail"}' in text
    assert 'forum_responses_total{status="404",view="unresolved"}' in text
    assert 'forum_request_latency_seconds_count{method="GET",view="article_detail"}' in text


def test_metrics_report_the_depth_of_the_task_queue(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _ in range(3):  # queued in the database, not run: no worker here
        mail_send.enqueue(
            subject="s", body="t", html="<p>t</p>", from_email="f@example.com", to=["a@example.com"]
        )
    text = client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").content.decode()
    assert "forum_task_queue_depth 3.0" in text


def test_every_response_carries_a_request_id_and_a_proxy_id_is_kept(client, db):
    assert len(client.get(reverse("health"))["X-Request-ID"]) == 32
    given = client.get(reverse("health"), HTTP_X_REQUEST_ID="proxy-id-12345")
    assert given["X-Request-ID"] == "proxy-id-12345"
    forged = client.get(reverse("health"), HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert forged["X-Request-ID"] != "bad id\nwith newline"


def test_json_logs_are_one_object_a_line_with_the_request_id():
    record = logging.LogRecord("forum.x", logging.ERROR, __file__, 1, "failed %s", ("here",), None)
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed here" and entry["level"] == "ERROR"
    assert entry["request_id"] == "-"
