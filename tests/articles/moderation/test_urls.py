"""Walk the whole URLconf: no moderation endpoint may be open to readers or answer GET to act."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles.models import AuditLogEntry, Comment, WordList
from articles.moderation import services as moderation
from tests.factories import make_article, make_comment, make_moderator, make_report, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

# The moderation pages that answer GET; every other moderation endpoint acts, by POST only.
PAGES = {"moderation_queue", "moderation_user"}


def walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def all_routes():
    return list(walk(get_resolver().url_patterns))


def moderation_routes():
    return [
        (route, pattern)
        for route, pattern in all_routes()
        if route.startswith("moderation/")
        or pattern.callback.__module__ == "articles.moderation.views"
    ]


def admin_routes():
    # The admin's pages for this app's models (regex catch-alls have no fixed address).
    return [
        (route, pattern)
        for route, pattern in all_routes()
        if route.startswith("admin/articles/") and "^" not in route and "(?P" not in route
    ]


@pytest.fixture
def world(db):
    """One of everything the moderation URLs point at."""
    comment = make_comment(make_article(topics=["Walks"]))
    member = make_user()
    sanction = moderation.user_suspend(
        user=member, moderator=make_moderator(), days=1, reason="for the walk"
    )
    report = make_report(comment)
    return {
        "comment": comment,
        "member": member,
        "sanction": sanction,
        # The admin's object pages, by model.
        "admin": {
            "article": comment.article_id,
            "comment": comment.pk,
            "auditlogentry": AuditLogEntry.objects.get().pk,
            "commentreport": report.pk,
            "usersanction": sanction.pk,
            "topic": comment.article.topics.get().pk,
            "wordlist": WordList.Kind.BLOCKED,
        },
    }


def address(route, world):
    values = {"slug": world["comment"].article.slug}
    if "/users/" in route:
        values["pk"] = str(world["member"].pk)
    elif "/sanctions/" in route:
        values["pk"] = str(world["sanction"].pk)
    else:
        values["pk"] = str(world["comment"].pk)
    if route.startswith("admin/"):
        values["object_id"] = str(world["admin"][route.split("/")[2]])
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)


def snapshot():
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "state")),
        AuditLogEntry.objects.count(),
        list(Comment.objects.values_list("article__comments_open", flat=True)),
        list(WordList.objects.order_by("kind").values_list("version", flat=True)),
    )


def test_the_walk_finds_the_moderation_endpoints():
    names = {pattern.name for _, pattern in moderation_routes()}
    assert names > PAGES
    assert len(names) >= 13
    assert len(admin_routes()) >= 10


def test_every_moderation_view_is_behind_the_one_guard():
    for route, pattern in moderation_routes():
        assert getattr(pattern.callback, "moderator_required", False), route


def own_method(pattern):
    """The one method a moderation endpoint answers: GET for its pages, POST for actions."""
    return "get" if pattern.name in PAGES else "post"


def test_anonymous_users_are_sent_to_log_in_and_nothing_changes(client, world):
    before = snapshot()
    for route, pattern in moderation_routes():
        url = address(route, world)
        response = getattr(client, own_method(pattern))(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse(settings.LOGIN_URL)), url
        # The other method is refused before anyone is asked to log in.
        other = client.post if own_method(pattern) == "get" else client.get
        assert other(url).status_code == 405, url
    for route, _ in admin_routes():
        url = address(route, world)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url
    assert snapshot() == before


@pytest.mark.parametrize("staff", [False, True])
def test_ordinary_users_are_refused_and_nothing_changes(client, world, staff):
    client.force_login(make_user(is_staff=staff))
    before = snapshot()
    for route, pattern in moderation_routes():
        url = address(route, world)
        method = getattr(client, own_method(pattern))
        assert method(url, {"reason": "x", "days": 1}).status_code == 403, url
    for route, _ in admin_routes():
        url = address(route, world)
        response = client.post(url, {"action": "hide", "_selected_action": world["comment"].pk})
        if staff and response.status_code == 302:  # <id>/ only redirects to <id>/change/
            assert response["Location"] == f"{url}change/"
            response = client.get(response["Location"])
        # Non-staff are sent to the admin's log-in page; staff without permissions get 403.
        assert response.status_code == (403 if staff else 302), url
    assert snapshot() == before


def test_actions_refuse_get_even_for_moderators(client, world):
    client.force_login(make_moderator())
    before = snapshot()
    for route, pattern in moderation_routes():
        url = address(route, world)
        expected = 200 if pattern.name in PAGES else 405
        assert client.get(url).status_code == expected, url
    assert snapshot() == before


def test_other_pages_of_the_site_stay_open_to_readers(client, world):
    # The walk's other half: reading pages are not caught by the guard.
    for name in ("home", "health"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(world["comment"].article.get_absolute_url()).status_code == 200
    assert client.get(world["comment"].get_absolute_url()).status_code == 200
