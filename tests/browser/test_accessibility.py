"""axe-core (through axe-playwright-python, which bundles it) on every kind of page, in the light
and the dark scheme: any violation of impact "serious" or "critical" fails the test. Each run's
full list of violations is saved as JSON under the artifacts folder (conftest.artifacts)."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Comment
from tests.browser.helpers import log_in, sample_article
from tests.factories import make_comment, make_moderator, make_report, make_user

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
FAILING_IMPACTS = {"serious", "critical"}


def _reply_page(scene):
    return f"/comments/{scene['comment'].pk}/reply/"


PAGES = {
    # name: (the path, given the scene; who is signed in; what shows it is the right page)
    "home": (lambda scene: "/", None, ".article-list"),
    "article": (lambda scene: scene["article"].get_absolute_url(), None, ".thread .comment"),
    "article-signed-in": (
        lambda scene: scene["article"].get_absolute_url(),
        "axereader",
        ".thread .comment .actions a[rel=nofollow]",  # the report links
    ),
    "article-moderator": (
        lambda scene: scene["article"].get_absolute_url(),
        "axemod",
        ".comment.moderated .mod-open",  # the held comment, with the tools
    ),
    "permalink": (lambda scene: scene["deep"].get_absolute_url(), None, ".ancestors"),
    "reply": (_reply_page, "axereader", "form.comment-form textarea"),
    "signup": (lambda scene: "/accounts/signup/", None, "#id_password2"),
    "login": (lambda scene: "/accounts/login/", None, "#id_password"),
    "moderation-queue": (lambda scene: "/moderation/", "axemod", ".queue-item form.mod-tools"),
    "admin-comments": (lambda scene: "/admin/articles/comment/", "axemod", "#result_list"),
    "search": (lambda scene: "/search/?q=servers", None, ".search-results mark"),
}


@pytest.fixture
def scene(db):
    """The sample article with a quote and code, a held and a reported comment, a reader and a
    moderator."""
    article = sample_article()
    make_user(username="axereader")
    make_moderator(username="axemod")
    comment = make_comment(
        article, title="Quoted", body="> What they said\n\nRun `bin/test`:\n\n```\nbin/test -q\n```"
    )
    held = make_comment(article, parent=comment, title="Held", body="Waiting for review")
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.PENDING)
    make_report(comment, reason="spam", text="Looks like an advert")
    deep = Comment.objects.filter(article=article).order_by("-level").first()
    return {"article": article, "comment": comment, "deep": deep}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(new_page, scene, artifacts, name, scheme):
    path, username, expected = PAGES[name]
    # The site's CSP allows only its own scripts: axe is injected with the CSP bypassed, in this
    # test's own browser context.
    page = new_page(color_scheme=scheme, bypass_csp=True)
    if username:
        log_in(page, username)
    response = page.goto(path(scene))
    assert response.ok, response.status
    assert page.locator(expected).count() > 0, f"{name}: nothing matches {expected}"
    # No rule is switched off, not even for Django's admin: it passes as it is.
    results = AXE.run(page, options={"resultTypes": ["violations"]})

    folder = artifacts / "axe"
    folder.mkdir(exist_ok=True)
    violations = results.response["violations"]
    (folder / f"{name}-{scheme}.json").write_text(json.dumps(violations, indent=2))
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -- "
        + "; ".join(node["html"][:160] for node in v["nodes"][:5])
        for v in failing
    )


def test_the_check_finds_a_planted_violation(new_page, scene):
    """The wiring works: a page with a button that has no name does fail the check."""
    page = new_page(bypass_csp=True)
    page.goto(scene["article"].get_absolute_url())
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    violations = AXE.run(page).response["violations"]
    assert [(v["id"], v["impact"]) for v in violations] == [("button-name", "critical")]
