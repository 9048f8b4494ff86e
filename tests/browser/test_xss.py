"""Attack payloads posted as comments in a real Chromium: no script may run.

Scripts are caught three ways: a dialog opening (alert/confirm/prompt), a global the payloads set
(window.__xss), and the Content-Security-Policy reporting something it had to block, which means
the payload reached the page and only the second line of defence stopped it.
"""

import pytest
from django.urls import reverse

from articles.models import Comment
from tests.factories import PASSWORD, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = [
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    "<svg onload=\"window.__xss = 'svg'\"><circle r=5></circle></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss = 'mathml'\">",
    "<details open ontoggle=\"window.__xss = 'details'\">x</details>",
    "<iframe src=\"javascript:window.parent.__xss = 'iframe'\"></iframe>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<<script>script>alert('broken')<</script>/script>",
    "[click me](javascript:window.__xss='link')",
    "[click me](JaVaScRiPt:alert('casing'))",
    "[click me](&#106;avascript:alert('entity'))",
    "[click me](vbscript:msgbox('vb'))",
    "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert('autolink')>",
    "<a href=\"javascript&colon;alert('colon')\">x</a>",
    "**bold** <b onmouseover=alert('hover')>hover</b>",
]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

FINDINGS = """() => ({
  xss: window.__xss ?? null,
  csp: window.__cspViolations,
  handlers: [...document.querySelectorAll("*")].flatMap((element) =>
    [...element.attributes]
      .filter((attribute) => attribute.name.startsWith("on"))
      .map((attribute) => `${element.tagName} ${attribute.name}`)),
  links: [...document.querySelectorAll(".comment .body a")]
    .map((link) => link.protocol)
    .filter((protocol) => !["http:", "https:", "mailto:"].includes(protocol)),
})"""


def test_payloads_posted_as_comments_never_run(page, settings):
    settings.COMMENT_RATE_PER_USER = "100/m"  # one attacker posts every payload in a row
    article = make_article(title="Hostile thread")
    make_user("attacker")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH)

    page.goto(reverse("login"))
    page.fill("#id_login", "attacker")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    for number, payload in enumerate(PAYLOADS):
        page.goto(article.get_absolute_url())
        form = page.locator("#comments > form.comment-form")
        form.locator("input[name=title]").fill(f"\"><script>alert('title {number}')</script>")
        form.locator("textarea").fill(payload)
        form.get_by_role("button", name="Post comment").click()
        page.wait_for_url("**#comment-*")
    first = Comment.objects.order_by("pk").first()
    page.goto(article.get_absolute_url())
    page.locator(f"#comment-{first.pk} .reply-link").first.click()  # the inline reply, via JS
    reply_form = page.locator("form.reply-form")
    # Not word for word: the same text twice from one author is refused as a duplicate.
    reply_form.locator("textarea").fill(f"Again: {PAYLOADS[1]}")
    reply_form.get_by_role("button", name="Post reply").click()
    page.wait_for_url("**#comment-*")

    assert Comment.objects.count() == len(PAYLOADS) + 1
    pages = [article.get_absolute_url()] + [
        reverse("comment_detail", args=[pk]) for pk in Comment.objects.values_list("pk", flat=True)
    ]
    for url in pages:
        page.goto(url)
        page.wait_for_load_state("load")
        findings = page.evaluate(FINDINGS)
        assert findings == {"xss": None, "csp": [], "handlers": [], "links": []}, url
    assert dialogs == []
