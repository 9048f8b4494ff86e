"""How moderated comments render: tombstones keep replies in place, the rest disappear."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.moderation import services as moderation
from articles.posting import services
from articles.threads import selectors
from articles.threads.viewer import Viewer
from tests.factories import make_article, make_comment, make_realistic_thread, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

State = Comment.State


class _Nesting(HTMLParser):
    # Follows the nesting of list and details elements, failing on any tag closed out of order,
    # and records the comment element each comment element sits in.
    TRACKED = {"li", "ol", "ul", "details"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.parents = {}

    def handle_starttag(self, tag, attrs):
        if tag not in self.TRACKED:
            return
        attributes = dict(attrs)
        comment_id = None
        if tag == "li" and (attributes.get("id") or "").startswith("comment-"):
            comment_id = int(attributes["id"].removeprefix("comment-"))
            enclosing = [pk for _, pk in self.stack if pk is not None]
            self.parents[comment_id] = enclosing[-1] if enclosing else None
        self.stack.append((tag, comment_id))

    def handle_endtag(self, tag):
        if tag not in self.TRACKED:
            return
        assert self.stack, f"</{tag}> closes nothing"
        opened, _ = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>"


def page_tree(html):
    """{comment id: id of the comment element it is nested in}, checking the HTML nests."""
    parser = _Nesting()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], f"unclosed: {parser.stack}"
    return parser.parents


def with_states(comments, state):
    Comment.objects.filter(pk__in=[comment.pk for comment in comments]).update(state=state)


def with_state(comment, state):
    Comment.objects.filter(pk=comment.pk).update(state=state)
    comment.state = state
    return comment


def article_html(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("state", "tombstone"),
    [
        (State.HIDDEN, "[hidden by a moderator]"),
        (State.REMOVED, "[removed by a moderator]"),
        (State.DELETED, "[deleted by its author]"),
        (State.PENDING, "[awaiting review]"),
    ],
)
def test_a_moderated_comment_with_replies_is_a_tombstone_that_keeps_them_in_place(
    client, article, state, tombstone
):
    root = make_comment(article, title="Root", body="root text")
    target = make_comment(article, parent=root, title="Secret title", body="secret text")
    reply = make_comment(article, parent=target, body="the reply")
    after = make_comment(article, parent=root, body="after")
    with_state(target, state)

    html = article_html(client, article)

    assert page_tree(html) == {
        root.pk: None,
        target.pk: root.pk,
        reply.pk: target.pk,
        after.pk: root.pk,
    }
    assert tombstone in html
    assert "secret text" not in html and "Secret title" not in html
    assert target.author.username not in html
    assert "the reply" in html
    assert "3 comments" in html  # the tombstone is not counted


@pytest.mark.parametrize("state", [State.HIDDEN, State.REMOVED, State.DELETED, State.PENDING])
def test_a_moderated_comment_without_replies_disappears(client, article, state):
    root = make_comment(article)
    gone = make_comment(article, parent=root, body="gone text")
    with_state(gone, state)
    html = article_html(client, article)
    assert page_tree(html) == {root.pk: None}
    assert "gone text" not in html


def test_a_whole_moderated_branch_disappears_and_its_parent_closes_properly(
    client, article, moderator
):
    # The parent's only replies are all dropped: it must render as a leaf, not open a list.
    first = make_comment(article)
    branch = make_comment(article, parent=first)
    make_comment(article, parent=make_comment(article, parent=branch))
    second = make_comment(article)
    moderation.comment_branch_hide(comment=branch, moderator=moderator)

    html = article_html(client, article)

    assert page_tree(html) == {first.pk: None, second.pk: None}
    assert "repl" not in html.split(f'id="comment-{first.pk}"')[1].split("</summary>")[0]


def test_tombstones_in_the_middle_and_at_the_end_of_a_thread_nest_correctly(client, article):
    # root
    #   a (removed)          <- tombstone in the middle
    #     a1 (deleted)       <- tombstone
    #       a1x              <- shown
    #     a2 (hidden)        <- dropped, no replies
    #   b
    #     b1 (hidden)        <- dropped subtree
    #       b1x (removed)
    #   c (deleted)          <- tombstone at the end of the thread
    #     c1
    #       c1x (hidden)     <- dropped at the very end
    # second root (removed), no replies  <- dropped last
    root = make_comment(article)
    a = make_comment(article, parent=root)
    a1 = make_comment(article, parent=a)
    a1x = make_comment(article, parent=a1)
    a2 = make_comment(article, parent=a)
    b = make_comment(article, parent=root)
    b1 = make_comment(article, parent=b)
    b1x = make_comment(article, parent=b1)
    c = make_comment(article, parent=root)
    c1 = make_comment(article, parent=c)
    c1x = make_comment(article, parent=c1)
    last = make_comment(article)
    for comment, state in [
        (a, State.REMOVED),
        (a1, State.DELETED),
        (a2, State.HIDDEN),
        (b1, State.HIDDEN),
        (b1x, State.REMOVED),
        (c, State.DELETED),
        (c1x, State.HIDDEN),
        (last, State.REMOVED),
    ]:
        with_state(comment, state)

    html = article_html(client, article)

    assert page_tree(html) == {
        root.pk: None,
        a.pk: root.pk,
        a1.pk: a.pk,
        a1x.pk: a1.pk,
        b.pk: root.pk,
        c.pk: root.pk,
        c1.pk: c.pk,
    }
    assert html.count('class="comment tombstone"') == 3
    page = selectors.thread_page(article)
    assert (page.total, page.threads) == (4, 1)  # the removed second thread shows nothing
    assert [c.replies for c in page.comments] == [3, 1, 1, 0, 0, 1, 0]


def test_reply_counts_count_only_what_is_shown(client, article):
    root = make_comment(article)
    make_comment(article, parent=root)
    with_state(make_comment(article, parent=root), State.HIDDEN)
    html = article_html(client, article)
    assert "1 reply" in html and "2 replies" not in html


def test_the_author_sees_their_own_pending_comment_with_a_notice(client, article, user):
    root = make_comment(article)
    pending = with_state(
        make_comment(article, parent=root, author=user, body="mine"), State.PENDING
    )

    client.force_login(user)
    own_view = article_html(client, article)
    assert "awaits review by a moderator" in own_view and "mine" in own_view
    assert page_tree(own_view) == {root.pk: None, pending.pk: root.pk}
    assert "[awaiting review]" not in own_view
    assert reverse("comment_reply", args=[pending.pk]) not in own_view  # nobody replies to it
    assert reverse("comment_reply", args=[root.pk]) in own_view

    client.force_login(make_user())
    other_view = article_html(client, article)
    assert "mine" not in other_view and "awaits review" not in other_view
    assert page_tree(other_view) == {root.pk: None}


def test_a_moderator_sees_every_comment_with_its_state_and_tools(client, article, moderator):
    root = make_comment(article, body="root text")
    removed = with_state(make_comment(article, parent=root, body="removed text"), State.REMOVED)
    pending = with_state(make_comment(article, body="pending text"), State.PENDING)
    client.force_login(moderator)

    html = article_html(client, article)

    assert page_tree(html) == {root.pk: None, removed.pk: root.pk, pending.pk: None}
    assert "[removed by a moderator]" in html and "removed text" in html
    assert "[awaiting review]" in html and "pending text" in html
    assert html.count('class="comment moderated"') == 2
    for held in (removed, pending):
        assert reverse("comment_reply", args=[held.pk]) not in html
    assert reverse("comment_reply", args=[root.pk]) in html
    # One "Moderate" link per comment, carrying what the form needs; without JavaScript it
    # opens the comment in the admin. The form itself is on the page once.
    admin_url = reverse("admin:articles_comment_change", args=[root.pk])
    assert (
        f'<a class="mod-open" href="{admin_url}" data-comment="{root.pk}" data-state="visible"'
        f' data-author="{root.author_id}" data-branch data-pin="pin">Moderate</a>'
    ) in html
    assert f'data-comment="{removed.pk}" data-state="removed"' in html
    assert f'data-comment="{pending.pk}" data-state="pending"' in html
    assert html.count('id="mod-form-template"') == 1
    assert html.count('name="reason"') == 2  # the template's and the thread lock's
    assert reverse("moderation_article_lock", args=[article.slug]) in html


def test_readers_get_no_moderation_tools_and_only_a_report_link(client, article, user):
    others = make_comment(article)
    own = make_comment(article, author=user)
    anonymous_html = article_html(client, article)
    client.force_login(user)
    html = article_html(client, article)

    for page in (anonymous_html, html):
        assert "/moderation/" not in page and "mod-" not in page
    assert reverse("comment_report", args=[others.pk]) in html
    assert reverse("comment_report", args=[own.pk]) not in html
    assert reverse("comment_report", args=[others.pk]) not in anonymous_html
    assert reverse("comment_edit", args=[own.pk]) in html
    assert reverse("comment_delete", args=[own.pk]) in html
    assert reverse("comment_edit", args=[others.pk]) not in html
    assert reverse("comment_delete", args=[others.pk]) not in html


def test_the_edit_link_goes_when_the_edit_window_closes(client, article, user):
    comment = make_comment(article, author=user)
    client.force_login(user)
    assert reverse("comment_edit", args=[comment.pk]) in article_html(client, article)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    html = article_html(client, article)
    assert reverse("comment_edit", args=[comment.pk]) not in html
    assert reverse("comment_delete", args=[comment.pk]) in html


def test_an_edited_comment_says_so(client, article, user):
    comment = make_comment(article, author=user, body="first")
    assert 'class="edited"' not in article_html(client, article)
    services.comment_edit(comment=comment, editor=user, title="", body="second")
    html = article_html(client, article)
    assert 'class="edited">edited<' in html and "second" in html and "first" not in html


def test_a_sanctioned_reader_is_told_why_instead_of_the_form(client, article, user, moderator):
    moderation.user_suspend(user=user, moderator=moderator, days=2, reason="Too many insults")
    client.force_login(user)
    html = article_html(client, article)
    assert "Your account is suspended until" in html and "Too many insults" in html
    assert 'name="body"' not in html


@pytest.mark.parametrize("size", [10, 500])
@pytest.mark.parametrize("who", ["anonymous", "reader", "moderator", "sanctioned"])
@pytest.mark.parametrize("query", ["", "?page=all", "?sort=replies"])
def test_article_page_query_count_stays_flat_whoever_reads_and_however_much_is_moderated(
    client, size, who, query, moderator, django_assert_max_num_queries
):
    article = make_article()
    comments = make_realistic_thread(article, size)
    author = make_user(password=None)
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(author=author)
    with_states(comments[1::7], State.HIDDEN)
    with_states(comments[3::11], State.PENDING)
    with_states(comments[5::13], State.DELETED)
    viewer = {"moderator": moderator, "anonymous": None}.get(who, author)
    if who == "sanctioned":
        viewer = make_user(password=None)
        moderation.user_ban(user=viewer, moderator=moderator, reason="x")
    if viewer is not None:
        client.force_login(viewer)
    # Signed in: the session, the user, the article (with what the viewer may do), the visit
    # (with the bell), the discussion. Anonymous: the article and the discussion.
    with django_assert_max_num_queries(5 if viewer else 2):
        response = client.get(article.get_absolute_url() + query)
    html = response.content.decode()
    page_tree(html)
    shown = len(re.findall(r'id="comment-(\d+)"', html))
    within_cap = article.comments.filter(level__lt=settings.THREAD_MAX_DEPTH).count()
    if query == "?page=all":
        assert shown == within_cap if who == "moderator" else 0 < shown < within_cap


# The permalink page


def test_permalink_of_a_hidden_comment_shows_only_its_tombstone(client, article, moderator):
    root = make_comment(article, title="Root title", body="root text")
    hidden = make_comment(article, parent=root, title="Hidden title", body="hidden text")
    reply = make_comment(article, parent=hidden, body="reply text")
    moderation.comment_hide(comment=hidden, moderator=moderator)
    moderation.comment_remove(comment=root, moderator=moderator)

    html = client.get(reverse("comment_detail", args=[hidden.pk])).content.decode()

    assert "[hidden by a moderator]" in html and "reply text" in html
    assert "[removed by a moderator]" in html  # the ancestor, in the context
    for secret in ("Hidden title", "hidden text", "Root title", "root text"):
        assert secret not in html
    assert page_tree(html) == {hidden.pk: None, reply.pk: hidden.pk}


def test_permalink_of_a_removed_comment_without_replies_still_answers(client, article, moderator):
    gone = make_comment(article, body="gone text")
    moderation.comment_remove(comment=gone, moderator=moderator)
    response = client.get(reverse("comment_detail", args=[gone.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "[removed by a moderator]" in html and "gone text" not in html


def test_moderators_see_the_text_on_the_permalink_too(client, article, moderator):
    hidden = make_comment(article, body="hidden text")
    moderation.comment_hide(comment=hidden, moderator=moderator)
    client.force_login(moderator)
    html = client.get(reverse("comment_detail", args=[hidden.pk])).content.decode()
    assert "[hidden by a moderator]" in html and "hidden text" in html
    assert 'id="mod-form-template"' in html and 'data-state="hidden"' in html


def test_a_moderated_comment_cannot_be_replied_to(signed_in, article, moderator):
    hidden = make_comment(article)
    moderation.comment_hide(comment=hidden, moderator=moderator)
    assert signed_in.get(reverse("comment_reply", args=[hidden.pk])).status_code == 404
    response = signed_in.post(
        reverse("comment_create", args=[article.slug]), {"parent": hidden.pk, "body": "hi"}
    )
    assert response.status_code == 400
    assert "only reply to a comment that is shown" in response.content.decode()
    assert Comment.objects.count() == 1


# Paging, the depth cap, imports and the cache


def five_threads(article, moderator):
    """Five top-level threads, moderated in every way that matters to paging and nesting.

    one:   root, a hidden reply with a shown reply (tombstone mid-thread), a last reply
    two:   a removed root with a shown reply (tombstone at the top)
    three: a hidden root and a hidden reply (nothing to show: no place on a page)
    four:  root, a last reply deleted with a shown reply (tombstone at the end)
    five:  root, a hidden branch (dropped whole)
    """
    one = make_comment(article, body="one")
    one_a = make_comment(article, parent=one)
    one_a1 = make_comment(article, parent=one_a)
    one_b = make_comment(article, parent=one)
    two = make_comment(article, body="two")
    two_a = make_comment(article, parent=two)
    three = make_comment(article, body="three")
    make_comment(article, parent=three)
    four = make_comment(article, body="four")
    four_a = make_comment(article, parent=four)
    four_a1 = make_comment(article, parent=four_a)
    five = make_comment(article, body="five")
    branch = make_comment(article, parent=five)
    make_comment(article, parent=branch)
    with_state(one_a, State.HIDDEN)
    with_state(two, State.REMOVED)
    moderation.comment_branch_hide(comment=three, moderator=moderator)
    with_state(four_a, State.DELETED)
    moderation.comment_branch_hide(comment=branch, moderator=moderator)
    shown = {
        one.pk: None,
        one_a.pk: one.pk,
        one_a1.pk: one_a.pk,
        one_b.pk: one.pk,
        two.pk: None,
        two_a.pk: two.pk,
        four.pk: None,
        four_a.pk: four.pk,
        four_a1.pk: four_a.pk,
        five.pk: None,
    }
    return {"shown": shown, "three": three, "five": five}


def test_paged_and_whole_views_nest_tombstones_and_leave_no_empty_slot(
    client, article, moderator, settings
):
    settings.THREAD_PAGE_SIZE = 2
    threads = five_threads(article, moderator)
    url = article.get_absolute_url()

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    whole = client.get(url + "?page=all").content.decode()

    assert page_tree(first) | page_tree(second) == threads["shown"]
    assert page_tree(whole) == threads["shown"]
    assert len(set(page_tree(first)) & set(page_tree(second))) == 0
    assert "Threads 3&ndash;4 of 4" in second and 'rel="next"' not in second
    assert client.get(url + "?page=3").status_code == 404  # the all-hidden thread is no page
    assert "7 comments" in whole  # visible ones: tombstones and hidden comments not counted
    assert "three" not in whole

    client.force_login(moderator)
    moderated = client.get(url + "?page=all").content.decode()
    assert threads["three"].pk in page_tree(moderated)  # moderators see every thread
    assert "7 comments" in moderated
    assert client.get(url + "?page=3").status_code == 200


def test_the_page_of_a_thread_counts_the_threads_the_reader_is_shown(article, moderator, settings):
    settings.THREAD_PAGE_SIZE = 2
    five = five_threads(article, moderator)["five"]
    for sort in selectors.THREAD_SORTS:
        assert selectors.thread_page_number(five, sort=sort) in (1, 2)
    assert selectors.thread_page_number(five) == 2  # the fourth thread readers see
    as_moderator = Viewer(moderator.pk, may_moderate=True)
    assert selectors.thread_page_number(five, viewer=as_moderator) == 3
    # Most replies: visible comments count, so five (one visible) comes last for readers.
    assert selectors.thread_page_number(five, sort="replies") == 2
    page = selectors.thread_page(article, sort="replies", number=None)
    assert [c.pk for c in page.comments if c.level == 0][-1] == five.pk


def test_the_depth_cap_keeps_tombstones_whose_replies_continue_on_their_own_page(
    client, article, moderator, settings
):
    settings.THREAD_MAX_DEPTH = 3
    root = make_comment(article)
    chain = [root]
    for _ in range(4):
        chain.append(make_comment(article, parent=chain[-1]))
    _, first, at_cap, below, deepest = chain
    with_state(at_cap, State.HIDDEN)
    with_state(first, State.DELETED)

    html = article_html(client, article)

    assert page_tree(html) == {root.pk: None, first.pk: root.pk, at_cap.pk: first.pk}
    assert html.count('class="comment tombstone"') == 2
    permalink = reverse("comment_detail", args=[at_cap.pk])
    assert f'<a href="{permalink}">Continue this thread' in html
    assert "2 replies" in html  # past the cap, both counted
    continued = client.get(permalink).content.decode()
    assert page_tree(continued) == {at_cap.pk: None, below.pk: at_cap.pk, deepest.pk: below.pk}

    # Past the cap nothing is read: a hidden comment there is kept in case its replies show,
    # and its own page then shows only its tombstone.
    with_state(below, State.HIDDEN)
    with_state(deepest, State.HIDDEN)
    assert page_tree(article_html(client, article)) == page_tree(html)
    assert page_tree(client.get(permalink).content.decode()) == {at_cap.pk: None}


def test_imported_comments_keep_their_states_and_become_tombstones(client, article):
    author = make_user(password=None)
    rows = [
        {"author_id": author.pk, "body": f"imported {n}", "body_html": f"<p>imported {n}</p>"}
        for n in range(4)
    ]
    rows[0]["state"] = State.REMOVED  # removed at the source, with a reply
    rows[3]["state"] = State.DELETED  # deleted at the source, no reply
    rows[0]["import_key"] = "disqus:1"
    ids = services.comment_bulk_insert(article=article, rows=rows, parent_indexes=[None, 0, 1, 1])

    html = article_html(client, article)

    assert page_tree(html) == {ids[0]: None, ids[1]: ids[0], ids[2]: ids[1]}
    assert "[removed by a moderator]" in html and "imported 0" not in html
    assert "Imported from Disqus" not in html  # a tombstone names nothing of its comment
    assert "imported 3" not in html and "2 comments" in html


def test_the_authors_own_pending_thread_is_theirs_to_see_and_their_post_lands_on_it(
    client, article, user, settings
):
    settings.THREAD_PAGE_SIZE = 1
    make_comment(article, author=make_user(password=None))
    settings.MODERATION_HOLD_FIRST_COMMENTS = 1
    client.force_login(user)

    response = client.post(
        reverse("comment_create", args=[article.slug]), {"body": "my first words"}
    )

    pending = Comment.objects.get(body="my first words")
    assert pending.state == State.PENDING
    assert response["Location"] == f"{article.get_absolute_url()}?page=2#comment-{pending.pk}"
    own_page = client.get(response["Location"]).content.decode()
    assert "my first words" in own_page and "awaits review by a moderator" in own_page
    assert "1 comment" in own_page  # the heading counts visible comments only
    client.logout()
    assert client.get(article.get_absolute_url() + "?page=2").status_code == 404


def test_the_cached_page_of_anonymous_readers_holds_no_one_s_own_parts(
    client, article, user, moderator, settings
):
    settings.THREAD_CACHE_SECONDS = 60
    others = make_comment(article, body="someone else's")
    own = make_comment(article, author=user, body="mine")
    held = with_state(make_comment(article, author=user, body="held back"), State.PENDING)
    url = article.get_absolute_url()
    anonymous = client.get(url).content.decode()  # now cached

    client.force_login(user)
    reader = client.get(url).content.decode()
    client.force_login(moderator)
    moderating = client.get(url).content.decode()
    client.logout()
    again = client.get(url).content.decode()

    assert again == anonymous
    for marker in ("mod-open", "/report/", "/edit/", "/delete/", "held back", "awaits review"):
        assert marker not in anonymous
    assert reverse("comment_report", args=[others.pk]) in reader
    assert reverse("comment_edit", args=[own.pk]) in reader and "held back" in reader
    assert f'data-comment="{held.pk}" data-state="pending"' in moderating


@pytest.mark.parametrize("size", [10, 500])
@pytest.mark.parametrize("who", ["anonymous", "reader", "moderator"])
def test_permalink_query_count_stays_flat(
    client, size, who, moderator, django_assert_max_num_queries
):
    article = make_article()
    comments = make_realistic_thread(article, size)
    with_states(comments[1::5], State.REMOVED)
    root = max((c for c in comments if c.parent_id is None), key=lambda c: c.rght)
    deep = max(comments, key=lambda c: c.level)
    if who != "anonymous":
        client.force_login(moderator if who == "moderator" else make_user(password=None))
    # The session, the user, and the bell with the follow and mute buttons.
    signed_in = 3 if who != "anonymous" else 0
    # The comment (with what the reader may do), its ancestors, its replies, and the number of
    # the article's page that holds it (none past the depth cap: its parent's page holds it).
    for comment in (root, deep):
        with django_assert_max_num_queries(signed_in + 4):
            response = client.get(reverse("comment_detail", args=[comment.pk]))
        page_tree(response.content.decode())
