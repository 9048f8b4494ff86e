"""Walk the whole URLconf and try every view the way an attacker would.

For every view that changes data (it accepts POST): an action (POST only) refuses GET; a POST
without a CSRF token is refused, even for the comment's author or a superuser; a visitor who is
not signed in is sent to log in; and an ordinary user cannot act on another user's comment or on
moderation (403 or 404, nothing changed). No GET changes data. Admin pages send everyone who is
not staff to the admin's login. A view that accepts any HTTP method, or a URL parameter the walker
cannot fill, fails the test: new URLs are checked the day they are added, without anyone listing
them. Exceptions are the two registries below, each entry with its reason.
"""

import pytest
from django.apps import apps
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Comment
from tests.factories import make_article, make_comment, make_user
from tests.urlwalk import endpoints

pytestmark = pytest.mark.django_db

# Views that change data yet serve visitors who are not signed in, and why that is right.
OPEN_TO_VISITORS = {
    "login": "signing in",
    "signup": "creating an account",
    "logout": "ends the caller's own session; harmless without one",
    "account_logout": "the same view as logout, under allauth's name",
    "account_reset_password": "asking for a reset e-mail",
    "account_reset_password_from_key": "following the link from that e-mail",
    "account_confirm_email": "following the verification link, signed in or not",
    "account_confirm_login_code": "a step of signing in (codes are off: it sends to log in)",
    "notification_unsubscribe": "the link in a mail: its signed key names the account, no login",
}

# Views that take a POST without a CSRF token, and why that is right. They must still change
# nothing for a forged request (checked below).
CSRF_EXEMPT = {
    "notification_unsubscribe": "mail clients POST it without a token (RFC 8058 one-click); the "
    "signed key is the proof, and a bad one changes nothing",
}

# Rows a GET may write, and why: the reader's own bookkeeping, like their session.
WRITTEN_BY_READING = {
    "articles.ArticleVisit": "when the reader last read an article, for its 'new' markers",
}

# Views every signed-in user may use on what other users wrote, and why that is right.
OPEN_TO_EVERY_USER = {
    "comment_create": "replying to anyone's comment is what a forum is for",
    "comment_report": "reporting someone else's comment to the moderators is what it is for",
    "account_change_password": "acts on the signed-in user's own account only",
    "account_set_password": "acts on the signed-in user's own account only",
    "account_email": "acts on the signed-in user's own addresses only",
    "account_reauthenticate": "confirms the signed-in user's own password",
    "account_request_reauthentication_code": "reauthenticates the signed-in user themselves",
    "account_confirm_reauthentication_code": "reauthenticates the signed-in user themselves",
    "account_settings": "the signed-in user's own preferences",
    "account_download": "the signed-in user's own data",
    "account_delete": "deletes the signed-in user's own account, after their password",
    "comment_vote": "voting on someone else's comment is what it is for (never on one's own)",
    "comment_preview": "renders the caller's own text and stores nothing",
    "notifications_read_all": "marks the signed-in user's own notifications read",
    "notification_watch": "follows or mutes for the signed-in user themselves",
}

# What an ordinary user sends when trying to act on someone else's comment: plausible fields for
# edits, deletions, reports and moderation decisions, so a view lacking its permission check
# would act on it.
PROBE_DATA = {
    "title": "taken over",
    "body": "taken over",
    "reason": "spam",
    "note": "taken over",
    "state": "hidden",
    "action": "hide",
    "decision": "remove",
}


@pytest.fixture
def world(db):
    """Someone's article and comments, an ordinary user, and a superuser."""
    article = make_article()
    owner = make_user(password=None)
    comment = make_comment(article, author=owner)
    make_comment(article, parent=comment, author=owner)
    values = {
        "slug": article.slug,
        "pk": comment.pk,
        "comment_pk": comment.pk,
        "comment_id": comment.pk,
        # The admin redirects non-staff before it looks anything up.
        "object_id": owner.pk,
        "id": owner.pk,
        "content_type_id": 1,
        "app_label": "auth",
        "url": "no-such-admin-page/",
        "uidb36": "1",
        "key": "no-such-key",
        "username": owner.username,
    }
    return {
        "values": values,
        "owner": owner,
        "ordinary": make_user(password=None),
        "superuser": make_user(password=None, is_staff=True, is_superuser=True),
    }


def snapshot():
    """Every row of every model but sessions: what "nothing changed" is measured against."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if not issubclass(model, AbstractBaseSession)
        and model._meta.label not in WRITTEN_BY_READING
    }


def signed_in(user, **client_options):
    client = Client(**client_options)
    client.force_login(user)
    return client


def attempt(send):
    """The response to ``send()`` and whether it changed data; whatever it changed is undone."""
    with transaction.atomic():
        before = snapshot()
        response = send()
        changed = snapshot() != before
        transaction.set_rollback(True)
    return response, changed


def violations_of(endpoint, world) -> list[str]:
    """What ``endpoint`` lets through that it must not, in words."""
    name, url = endpoint.name, endpoint.url
    if endpoint.admin:
        return _admin_violations(endpoint, world["ordinary"])
    if endpoint.kind == "any":
        return [
            f"{name}: accepts every HTTP method; decorate it with require_GET, require_POST "
            "or require_http_methods"
        ]
    found = []
    user = signed_in(world["ordinary"])
    if endpoint.kind in ("read", "form"):
        _, changed = attempt(lambda: user.get(url))
        if changed:
            found.append(f"{name}: GET changed data")
    if endpoint.kind == "read":
        return found

    if endpoint.kind == "write":
        response, _ = attempt(lambda: user.get(url))
        if response.status_code != 405:
            found.append(f"{name}: answered GET with {response.status_code}, not 405")

    # As the people a forged request would act for: the comment's author, and a superuser.
    for victim in ("owner", "superuser"):
        forger = signed_in(world[victim], enforce_csrf_checks=True)
        response, changed = attempt(lambda forger=forger: forger.post(url, PROBE_DATA))
        if changed or (response.status_code != 403 and name not in CSRF_EXEMPT):
            found.append(
                f"{name}: a POST without CSRF token was not refused (status {response.status_code})"
            )

    if name not in OPEN_TO_VISITORS:
        response, changed = attempt(lambda: Client().post(url, PROBE_DATA))
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith(reverse("login")):
            found.append(f"{name}: a visitor was not sent to log in ({response.status_code})")
        if changed:
            found.append(f"{name}: a visitor's POST changed data")

    if name not in OPEN_TO_VISITORS and name not in OPEN_TO_EVERY_USER:
        response, changed = attempt(lambda: user.post(url, PROBE_DATA))
        if response.status_code not in (403, 404) or changed:
            found.append(
                f"{name}: an ordinary user acting on another user's comment got "
                f"{response.status_code}{' and changed data' if changed else ''}, not 403/404"
            )
    return found


def _admin_violations(endpoint, ordinary) -> list[str]:
    if endpoint.name == "admin:login":
        client = Client(enforce_csrf_checks=True)
        response, _ = attempt(lambda: client.post(endpoint.url, PROBE_DATA))
        if response.status_code != 403:
            return [f"admin:login: POST without CSRF answered {response.status_code}"]
        return []
    found = []
    # Logging out of the admin sends a non-staff caller to the admin's index, which asks to log in.
    away = (reverse("admin:login"), reverse("admin:index"))
    for who, client in (("a visitor", Client()), ("an ordinary user", signed_in(ordinary))):
        for method in ("get", "post"):
            send = getattr(client, method)
            response, changed = attempt(
                lambda send=send, method=method: send(
                    endpoint.url, PROBE_DATA if method == "post" else {}
                )
            )
            sent_away = response.status_code == 302 and response["Location"].startswith(away)
            if not (sent_away or response.status_code == 404) or changed:
                found.append(
                    f"{endpoint.name}: {who}'s {method.upper()} got {response.status_code}"
                )
    return found


def test_every_view_refuses_what_it_must(world):
    found = endpoints(world["values"])
    assert {"comment_create", "home", "admin:index", "logout"} <= {e.name for e in found}

    violations = [v for endpoint in found for v in violations_of(endpoint, world)]

    assert violations == []


def test_an_unverified_account_posts_nothing_anywhere(world):
    """An account whose e-mail address is not verified may read and manage its own account, and
    no URL lets it add or change a comment."""
    unverified = signed_in(make_user(password=None, verified=False))
    probe = {**PROBE_DATA, "parent": world["values"]["pk"]}
    found = []
    for endpoint in endpoints(world["values"]):
        if endpoint.admin or endpoint.kind == "read":
            continue
        with transaction.atomic():
            before = list(Comment.objects.order_by("pk").values())
            response = unverified.post(endpoint.url, probe)
            if list(Comment.objects.order_by("pk").values()) != before:
                found.append(f"{endpoint.name}: changed comments ({response.status_code})")
            transaction.set_rollback(True)
    assert found == []


def test_the_registries_name_only_real_views(world):
    names = {endpoint.name for endpoint in endpoints(world["values"])}
    assert set(OPEN_TO_VISITORS) | set(OPEN_TO_EVERY_USER) <= names


@override_settings(ROOT_URLCONF="tests.forum.unguarded_urls")
def test_the_walker_catches_each_kind_of_unguarded_view(world):
    found = endpoints(world["values"], urlconf="tests.forum.unguarded_urls")

    violations = [v for endpoint in found for v in violations_of(endpoint, world)]

    assert sorted(violations) == sorted(
        [
            "any_method: accepts every HTTP method; decorate it with require_GET, require_POST "
            "or require_http_methods",
            "no_login: a visitor was not sent to log in (302)",
            "no_login: a visitor's POST changed data",
            "no_login: an ordinary user acting on another user's comment got 302 and changed "
            "data, not 403/404",
            "csrf_exempt: a POST without CSRF token was not refused (status 302)",
            "no_owner_check: an ordinary user acting on another user's comment got 302 and "
            "changed data, not 403/404",
            "acts_on_get: GET changed data",
            "get_served_outside: answered GET with 302, not 405",
            "reads_and_writes: GET changed data",
        ]
    )
