"""Input normalisation (issue 16, point 7): controls, bidirectional controls and invisible-only
text, on posting, editing and sign-up; the pure functions the importers will call."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Comment
from articles.posting import services, text_policy
from tests.factories import PASSWORD, make_comment

pytestmark = pytest.mark.django_db

ESC, BEL, RLO, PDF, ZWSP = "\x1b", "\x07", "\u202e", "\u202c", "\u200b"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (f"red {ESC}[31mtext{ESC}[0m{BEL}", "red [31mtext[0m"),
        ("tab\tand\nnewline kept", "tab\tand\nnewline kept"),
        ("windows\r\nline\rends", "windows\nline\nends"),
        ("nul\x00 and C1\x85\x9b controls", "nul and C1 controls"),
        (f"evil {RLO}txt.exe{PDF} here", "evil txt.exe here"),
        (f"code `a{RLO}b` keeps it, prose{RLO} not", f"code `a{RLO}b` keeps it, prose not"),
        (f"```\nx = '{RLO}'\n```\nafter{RLO}", f"```\nx = '{RLO}'\n```\nafter"),
        (f"prose{RLO}\n\n    indented{RLO} code", f"prose\n\n    indented{RLO} code"),
        (f"zero{ZWSP}width stays in bodies", f"zero{ZWSP}width stays in bodies"),
    ],
)
def test_bodies_lose_controls_and_bidi_outside_code(article, user, typed, stored):
    comment = services.comment_post(article=article, parent=None, author=user, body=typed)
    saved = Comment.objects.get(pk=comment.pk)
    assert saved.body == stored
    assert ESC not in saved.body_html and BEL not in saved.body_html


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (f"Hello{ESC}[2J{BEL}", "Hello[2J"),
        (f"Hi {RLO}gnp.exe", "Hi gnp.exe"),
        (f"zero{ZWSP}width\u2060 and\u00ad soft", "zerowidth and soft"),
        ("line\nbreak\ttab", "line break tab"),
        ("joiner \U0001f469\u200d\U0001f4bb kept \u2764\ufe0f", None),
    ],
)
def test_titles_lose_controls_bidi_and_zero_width(article, user, typed, stored):
    comment = services.comment_post(
        article=article, parent=None, author=user, body="x", title=typed
    )
    assert Comment.objects.get(pk=comment.pk).title == (stored or typed)


INVISIBLE_ONLY = [
    ZWSP * 3,
    "\u3164",  # Hangul filler
    "\u2800",  # braille blank
    f"{RLO}{PDF}\u00ad\u2060\ufeff",
    f" {ESC}{BEL} \n\t",
    "&#8203;&#x200b;",  # zero-width spaces as references, decoded by the renderer
    "&nbsp;",
]


@pytest.mark.parametrize("body", INVISIBLE_ONLY)
def test_a_comment_of_invisible_characters_is_refused(article, user, body):
    with pytest.raises(ValidationError) as raised:
        services.comment_post(article=article, parent=None, author=user, body=body)
    assert "body" in raised.value.message_dict
    assert not Comment.objects.exists()


@pytest.mark.parametrize("title", INVISIBLE_ONLY[:5])
def test_an_invisible_title_is_refused_and_an_empty_one_is_fine(article, user, title):
    with pytest.raises(ValidationError, match="This title shows nothing"):
        services.comment_post(article=article, parent=None, author=user, body="x", title=title)
    services.comment_post(article=article, parent=None, author=user, body="x", title="  ")


def test_an_edit_follows_the_same_policy(article, user):
    comment = make_comment(article, author=user)
    with pytest.raises(ValidationError):
        services.comment_edit(comment=comment, editor=user, title="", body=ZWSP)
    services.comment_edit(comment=comment, editor=user, title=f"T{RLO}", body=f"b{ESC}")
    saved = Comment.objects.get(pk=comment.pk)
    assert (saved.title, saved.body) == ("T", "b")


def test_the_web_form_says_what_is_wrong(signed_in, article):
    response = signed_in.post(reverse("comment_create", args=[article.slug]), {"body": ZWSP})
    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()


def test_both_previews_show_the_text_as_the_policy_stores_it(signed_in, article):
    body = "a\x1bb \u202eevil"
    live = signed_in.post(reverse("comment_preview"), {"body": body}).json()["html"]
    button = signed_in.post(
        reverse("comment_create", args=[article.slug]), {"body": body, "preview": "1"}
    ).content.decode()
    for html in (live, button):
        assert "<p>ab evil</p>" in html


def signup(client, name):
    return client.post(
        reverse("signup"),
        {
            "username": name,
            "email": "someone@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


@pytest.mark.parametrize("name", ["\u3164", "\u3164\u115f", ZWSP, f"{RLO}{ZWSP}"])
def test_a_name_that_shows_nothing_is_refused(client, name):
    response = signup(client, name)
    assert response.status_code == 400
    assert not get_user_model().objects.exists()


def test_names_lose_bidi_and_zero_width_characters_and_log_in_the_same(client):
    assert signup(client, f"ann{RLO}\u3164{ESC}").status_code == 302
    assert get_user_model().objects.get().username == "ann"
    client.logout()
    response = client.post(reverse("login"), {"login": f"ann{ZWSP}", "password": PASSWORD})
    assert response.status_code == 302


def test_the_policy_is_pure_functions_for_the_importers():
    assert text_policy.clean_line(f" A{RLO}\x1b b ") == "A b"
    assert text_policy.clean_body(f"a{RLO}\x07`{RLO}`") == f"a`{RLO}`"
    assert text_policy.is_blank(f"{ZWSP} \u3164") and not text_policy.is_blank("a")
