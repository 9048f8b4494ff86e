"""Every HTML page carries the security headers, in development and in production mode.

Production mode is loaded from forum/settings.py itself with the production environment, and its
security settings applied over the test settings, so what is tested is what production runs.
"""

import runpy
import secrets
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from articles.moderation import services as moderation
from tests.factories import (
    PASSWORD,
    make_article,
    make_comment,
    make_moderator,
    make_report,
    make_user,
)
from tests.urlwalk import endpoints

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "forum" / "settings.py"
_SECURITY_SETTINGS = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "X_FRAME_OPTIONS", "MIDDLEWARE")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def production_security_settings():
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FORUM_MODE", "production")
        env.setenv("SECRET_KEY", secrets.token_urlsafe(60))
        env.setenv("ALLOWED_HOSTS", "forum.example")
        env.setenv("EMAIL_URL", "smtp+tls://forum:secret@mail.example:587")
        env.setenv("DEFAULT_FROM_EMAIL", "forum@forum.example")
        values = runpy.run_path(str(SETTINGS_FILE))
    return {name: value for name, value in values.items() if name.startswith(_SECURITY_SETTINGS)}


@pytest.fixture(params=["development", "production"])
def mode(request, production_security_settings):
    if request.param == "development":
        yield request.param
    else:
        with override_settings(**production_security_settings):
            yield request.param


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


def header_problems(response, production: bool) -> list[str]:
    found = []
    csp = csp_directives(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    if scripts is None or {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(scripts):
        found.append(f"script-src {scripts}")
    if csp.get("frame-ancestors") != ["'none'"]:
        found.append(f"frame-ancestors {csp.get('frame-ancestors')}")
    if csp.get("object-src") != ["'none'"]:
        found.append(f"object-src {csp.get('object-src')}")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for header, value in expected.items():
        if response.headers.get(header) != value:
            found.append(f"{header}: {response.headers.get(header)}")
    hsts = response.headers.get("Strict-Transport-Security", "")
    if production and not (
        "includeSubDomains" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000
    ):
        found.append(f"Strict-Transport-Security: {hsts!r}")
    return found


class _InlineCode(HTMLParser):
    """Collects what the policy would block: inline scripts, handlers, styles, foreign scripts."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=...>")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            if "src" not in attributes and attributes.get("type") != "application/json":
                self.found.append("inline <script>")
            elif "src" in attributes and not attributes["src"].startswith("/"):
                self.found.append(f"script from {attributes['src']}")


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def pages(db):
    """Every page of the site, found by walking the URLconf, as an ordinary user sees it."""
    article = make_article()
    author = make_user(password=None)
    comment = make_comment(article, author=author)
    make_comment(article, parent=comment, author=author)
    admin = make_user(password=None, is_staff=True, is_superuser=True)
    values = {
        "slug": article.slug,
        "pk": comment.pk,
        "comment_pk": comment.pk,
        "comment_id": comment.pk,
        "object_id": admin.pk,
        "id": admin.pk,
        "content_type_id": 1,
        "app_label": "auth",
        "url": "no-such-admin-page/",
        "uidb36": "1",
        "key": "no-such-key",
        "username": author.username,
    }
    found = [e for e in endpoints(values) if e.methods is None or "GET" in e.methods]
    return {"endpoints": found, "reader": author, "admin": admin, "slug": article.slug}


def test_every_page_sends_the_security_headers_and_no_inline_code(pages, mode):
    production = mode == "production"
    reader, admin = Client(), Client()
    reader.force_login(pages["reader"])
    admin.force_login(pages["admin"])
    problems = {}
    checked = 0
    for endpoint in pages["endpoints"]:
        client = admin if endpoint.admin else reader
        response = client.get(endpoint.url, secure=production)
        found = header_problems(response, production)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            checked += 1
            found += inline_code(response.content.decode())
        if found:
            problems[f"{endpoint.name} ({response.status_code})"] = found
    assert problems == {}
    assert checked >= 15  # the site's pages, the account pages and the admin's


def test_error_pages_send_the_security_headers(pages, mode):
    production = mode == "production"
    client = Client(enforce_csrf_checks=True)
    url = reverse("comment_create", args=[pages["slug"]])
    responses = {
        "404": client.get("/no-such-page/", secure=production),
        "403 csrf": client.post(reverse("login"), secure=production),
        "413": client.post(
            url,
            b"body=" + b"x" * 300_000,
            content_type="application/x-www-form-urlencoded",
            secure=production,
        ),
    }
    problems = {name: header_problems(r, production) for name, r in responses.items()}
    assert [r.status_code for r in responses.values()] == [404, 403, 413]
    assert problems == {"404": [], "403 csrf": [], "413": []}


def test_production_cookies_are_secure_http_only_and_same_site(
    client, production_security_settings
):
    make_user("kim")
    with override_settings(**production_security_settings):
        page = client.get(reverse("login"), secure=True)
        response = client.post(
            reverse("login"), {"login": "kim", "password": PASSWORD}, secure=True
        )
    assert response.status_code == 302
    for cookie in (page.cookies["csrftoken"], response.cookies["sessionid"]):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def test_development_cookies_are_http_only_too(client):
    make_user("lee")
    page = client.get(reverse("login"))
    response = client.post(reverse("login"), {"login": "lee", "password": PASSWORD})
    assert page.cookies["csrftoken"]["httponly"] is True
    assert response.cookies["sessionid"]["httponly"] is True


def test_production_redirects_plain_http_to_https(client, production_security_settings):
    with override_settings(**production_security_settings):
        response = client.get(reverse("home"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_moderation_and_authors_pages_have_no_inline_code_either(mode):
    # The walk above sees these pages as an ordinary reader (moderation answers 403); here each
    # is seen by whoever uses it, with something on it: tools, forms, queue items, sanctions.
    production = mode == "production"
    article = make_article()
    author = make_user()
    moderator = make_moderator()
    comment = make_comment(article, author=author)
    reply = make_comment(article, parent=comment)
    make_report(reply)
    moderation.comment_hide(comment=make_comment(article, parent=reply), moderator=moderator)
    member = make_user()
    moderation.user_suspend(user=member, moderator=moderator, days=1, reason="for the test")
    as_author, as_moderator, as_member = Client(), Client(), Client()
    as_author.force_login(author)
    as_moderator.force_login(moderator)
    as_member.force_login(member)
    post_url = reverse("comment_create", args=[article.slug])
    # Not the ``settings`` fixture: on leaving, it would bring back what ``mode`` applied.
    with override_settings(COMMENT_RATE_PER_USER="1/m"):
        as_author.post(post_url, {"body": "one"}, secure=production)
        too_many = as_author.post(post_url, {"body": "two"}, secure=production)
    pages = {
        "article, author": (as_author, article.get_absolute_url()),
        "edit": (as_author, reverse("comment_edit", args=[comment.pk])),
        "delete": (as_author, reverse("comment_delete", args=[comment.pk])),
        "report": (as_author, reverse("comment_report", args=[reply.pk])),
        "article, sanctioned": (as_member, article.get_absolute_url()),
        "article, moderator": (as_moderator, article.get_absolute_url()),
        "permalink, moderator": (as_moderator, reverse("comment_detail", args=[reply.pk])),
        "queue": (as_moderator, reverse("moderation_queue")),
        "member": (as_moderator, reverse("moderation_user", args=[member.pk])),
        "admin comment": (as_moderator, reverse("admin:articles_comment_change", args=[reply.pk])),
        "admin comments": (as_moderator, reverse("admin:articles_comment_changelist")),
        "admin audit log": (as_moderator, reverse("admin:articles_auditlogentry_changelist")),
    }
    responses = {name: client.get(url, secure=production) for name, (client, url) in pages.items()}
    responses["429"] = too_many
    statuses = {name: response.status_code for name, response in responses.items()}
    problems = {}
    for name, response in responses.items():
        found = header_problems(response, production) + inline_code(response.content.decode())
        if found:
            problems[name] = found

    assert set(statuses.values()) == {200, 429}
    assert problems == {}
