"""Word lists match what a reader sees (issue 16, point 1): every evasion the attack run found,
and more, through the real posting service; and the admin's edit applies to the next post."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from articles.models import AuditLogEntry, Comment, WordList
from articles.posting import services, wordlists
from articles.posting.wordmatch import find_listed_word, fold, visible_text
from tests.factories import make_comment, make_user, set_word_lists

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

BLOCKED = ["spamword", "buy pills"]

# Each is published as (or shows readers) a blocked word or phrase.
EVASIONS = {
    "character reference": "&#115;pamword",
    "hex character reference": "&#x73;pamword",
    "named reference inside": "spam&shy;word",
    "space as a reference": "buy&#32;pills",
    "double space": "buy  pills",
    "newline": "buy\npills",
    "blank line": "buy\n\npills",
    "tab": "buy\tpills",
    "no-break space": "buy\u00a0pills",
    "ideographic space": "buy\u3000pills",
    "soft hyphen": "spam\u00adword",
    "zero-width space": "spam\u200bword",
    "zero-width joiner": "spam\u200dword",
    "word joiner": "spam\u2060word",
    "byte order mark": "spam\ufeffword",
    "bidi override": "spam\u202eword",
    "combining grapheme joiner": "spam\u034fword",
    "markup inside": "**spam**word",
    "emphasis around letters": "s*pam*word",
    "code span": "`spamword`",
    "link text": "[spamword](https://example.com/)",
    "upper case": "SPAMWORD",
    "Cyrillic look-alikes": "\u0455\u0440\u0430mword",
    "Greek omicron": "spamw\u03bfrd",
    "full-width": "\uff53\uff50\uff41\uff4d\uff57\uff4f\uff52\uff44",
    "mathematical bold": "\U0001d42c\U0001d429\U0001d41a\U0001d426word",
    "accents": "sp\u00e0mw\u00f6rd",
    "zalgo": "s\u0336p\u0336a\u0336m\u0336word",
    "digits for letters": "spamw0rd",
    "in a list item": "- buy\n- pills",
    "in a quote": "> spamword",
    "in the middle of prose": "Hello, spamword!",
}


@pytest.mark.parametrize("body", EVASIONS.values(), ids=EVASIONS.keys())
def test_blocked_words_are_refused_however_they_are_written(article, user, body):
    set_word_lists(blocked=BLOCKED)
    with pytest.raises(ValidationError, match="is not allowed here"):
        services.comment_post(article=article, parent=None, author=user, body=body)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", EVASIONS.values(), ids=EVASIONS.keys())
def test_watched_words_hold_the_comment_however_they_are_written(article, user, body):
    set_word_lists(watched=BLOCKED)
    comment = services.comment_post(article=article, parent=None, author=user, body=body)
    assert comment.state == Comment.State.PENDING
    assert AuditLogEntry.objects.get().reason.startswith("Contains the watched word")


@pytest.mark.parametrize(
    "body",
    ["a spam word", "class action", "spamwords galore", "pills to buy"],
)
def test_other_text_is_published(article, user, body):
    set_word_lists(blocked=[*BLOCKED, "ass"])
    comment = services.comment_post(article=article, parent=None, author=user, body=body)
    assert comment.state == Comment.State.VISIBLE


def test_a_blocked_title_and_a_blocked_link_target_are_refused(article, user):
    set_word_lists(blocked=["spamword", "evil.example"])
    with pytest.raises(ValidationError, match="“spamword”"):
        services.comment_post(
            article=article, parent=None, author=user, title="\uff53pamword", body="x"
        )
    with pytest.raises(ValidationError, match=r"“evil\.example”"):
        services.comment_post(
            article=article, parent=None, author=user, body="[here](https://evil.example/x)"
        )


def test_the_listed_words_are_folded_too():
    text = fold("Buy pills")
    assert find_listed_word(text, ["BUY\u00a0 PILLS"]) == "BUY\u00a0 PILLS"
    assert find_listed_word(text, ["\u0432uy pills"]) is None  # a Cyrillic ve is not a b
    assert find_listed_word(fold("b\u0430d"), ["bad"]) == "bad"


def test_visible_text_separates_blocks_and_keeps_inline_markup_together():
    html = "<p>a<strong>b</strong>c</p><p>d<br>e</p><ul><li>f</li><li>g</li></ul>"
    assert visible_text(html).split() == ["abc", "d", "e", "f", "g"]


def test_an_edit_is_checked_like_a_post(article, user):
    comment = make_comment(article, author=user, body="Fine")
    set_word_lists(blocked=["spamword"])
    with pytest.raises(ValidationError, match="not allowed"):
        services.comment_edit(comment=comment, editor=user, title="", body="&#115;pamword")
    set_word_lists(blocked=[], watched=["spamword"])
    services.comment_edit(comment=comment, editor=user, title="", body="**spam**word")
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PENDING


def test_the_admins_edit_applies_to_the_next_post_without_a_restart(
    as_moderator, signed_in_reader, article, django_assert_max_num_queries
):
    post_url = reverse("comment_create", args=[article.slug])
    assert signed_in_reader.post(post_url, {"body": "one spamword"}).status_code == 302
    change = reverse("admin:articles_wordlist_change", args=[WordList.Kind.BLOCKED])
    assert as_moderator.get(change).status_code == 200
    response = as_moderator.post(change, {"words": "spamword\nother phrase"})
    assert response.status_code == 302
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.WORD_LIST)
    assert entry.details == {
        "list": "blocked",
        "added": ["other phrase", "spamword"],
        "removed": [],
    }
    # This process read the lists before the edit; the next post sees the edit all the same, in
    # the posting checks' own query.
    response = signed_in_reader.post(post_url, {"body": "two spamword"})
    assert response.status_code == 400
    assert "“spamword” is not allowed here." in response.content.decode()
    as_moderator.post(change, {"words": ""})
    # The first post after an edit calls the posting function again with the lists it brought
    # back: one statement more than any post (a new thread: session, user, article, posting
    # function with the page to land on).
    with django_assert_max_num_queries(5):
        response = signed_in_reader.post(post_url, {"body": "three spamword"})
    assert response.status_code == 302


def test_lists_not_changed_are_not_read_again(article, user):
    set_word_lists(blocked=["spamword"])
    make_comment(article, author=user, body="first")
    known = wordlists.known_version()
    make_comment(article, author=user, body="second")
    assert wordlists.known_version() == known
    assert wordlists.lists_at(known, None).blocked == ("spamword",)


def test_readers_cannot_open_the_word_lists(client, article):
    client.force_login(make_user(is_staff=True))
    change = reverse("admin:articles_wordlist_change", args=[WordList.Kind.BLOCKED])
    assert client.get(change).status_code == 403
    assert client.post(change, {"words": "x"}).status_code == 403
    assert WordList.objects.get(kind=WordList.Kind.BLOCKED).words == ""


@pytest.fixture
def signed_in_reader(db):
    client = Client()
    client.force_login(make_user())
    return client
