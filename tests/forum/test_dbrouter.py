"""Read replicas (issue 17, point 6): anonymous page reads, the hand-written thread queries
included, go to a replica; writers, signed-in readers, transactions and a reader who just wrote
read the primary."""

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.dbrouter import WROTE_COOKIE, ReadYourWritesMiddleware, read_alias
from tests.factories import PASSWORD, make_article, make_comment, make_user

REPLICA = "replica1"
# A replica alias as DATABASE_REPLICA_URLS makes it, registered before the test databases are set
# up: a second connection to the test database (a replica without lag). Unused unless a test
# names it in READ_REPLICA_ALIASES.
if REPLICA not in connections.settings:
    _primary = django_settings.DATABASES["default"]
    connections.settings[REPLICA] = connections.configure_settings(
        {"default": {**_primary}, REPLICA: {**_primary, "TEST": {"MIRROR": "default"}}}
    )[REPLICA]


@pytest.fixture
def replica(settings):
    settings.READ_REPLICA_ALIASES = [REPLICA]
    yield REPLICA
    connections[REPLICA].close()


def _alias_seen_by(request) -> str:
    seen = {}

    def view(request):
        seen["alias"] = read_alias()
        from django.http import HttpResponse

        return HttpResponse("ok")

    ReadYourWritesMiddleware(view)(request)
    return seen["alias"]


def test_who_reads_where(replica, settings):
    factory = RequestFactory()
    assert _alias_seen_by(factory.get("/articles/x/")) == REPLICA
    assert _alias_seen_by(factory.post("/articles/x/comments/")) == "default"
    signed_in = factory.get("/articles/x/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    assert _alias_seen_by(signed_in) == "default"


def test_a_writer_is_pinned_to_the_primary_for_a_while(replica, settings):
    def view(request):
        from django.http import HttpResponse

        return HttpResponse(status=302)

    response = ReadYourWritesMiddleware(view)(RequestFactory().post("/x/"))
    cookie = response.cookies[WROTE_COOKIE]
    assert int(cookie["max-age"]) == settings.READ_YOUR_WRITES_SECONDS
    after = RequestFactory().get("/articles/x/")
    after.COOKIES[WROTE_COOKIE] = cookie.value
    assert _alias_seen_by(after) == "default"
    forged = RequestFactory().get("/articles/x/")
    forged.COOKIES[WROTE_COOKIE] = "1"
    assert _alias_seen_by(forged) == REPLICA


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_an_anonymous_article_page_reads_the_replica_thread_queries_included(replica):
    article = make_article()
    make_comment(article, title="Read from the replica")
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as secondary,
    ):
        response = Client().get(article.get_absolute_url())
    assert "Read from the replica" in response.content.decode()
    assert len(secondary) == 2  # the article, and the discussion (hand-written SQL)
    assert len(primary) == 0


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_reader_who_just_signed_in_and_posted_reads_the_primary(replica):
    article = make_article()
    make_user("writer")
    client = Client()
    client.post(reverse("login"), {"login": "writer", "password": PASSWORD})
    with CaptureQueriesContext(connections[REPLICA]) as secondary:
        client.post(reverse("comment_create", args=[article.slug]), {"body": "Mine"})
        assert "Mine" in client.get(article.get_absolute_url()).content.decode()
    assert len(secondary) == 0


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(replica):
    from forum.dbrouter import _READ_FROM

    token = _READ_FROM.set(REPLICA)
    try:
        with transaction.atomic():
            assert read_alias() == "default"
    finally:
        _READ_FROM.reset(token)
