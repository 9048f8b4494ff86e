"""The admin site as the Moderators group uses it."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from articles.models import Article, AuditLogEntry, Comment, CommentReport
from articles.moderation import selectors
from articles.moderation import services as moderation
from articles.posting import services
from tests.factories import make_article, make_comment, make_moderator, make_report, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

State = Comment.State
COMMENTS = reverse("admin:articles_comment_changelist")
ARTICLES = reverse("admin:articles_article_changelist")


def listed(response):
    return [obj.pk for obj in response.context["cl"].result_list]


def run_action(client, url, action, objects, reason=""):
    return client.post(
        url,
        {"action": action, "reason": reason, ACTION_CHECKBOX_NAME: [o.pk for o in objects]},
        follow=True,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# The comment list


def test_comment_list_shows_thread_position_article_author_state_reports(as_moderator):
    article = make_article(title="The Article")
    root = make_comment(article, title="Root", author=make_user(username="alice"))
    reply = make_comment(article, parent=root, title="Reply")
    make_report(reply)
    make_report(reply)

    response = as_moderator.get(COMMENTS)

    assert response.status_code == 200
    assert listed(response) == [root.pk, reply.pk]  # thread order
    html = response.content.decode()
    assert "· ↳ Reply" in html  # indented by depth
    assert "The Article" in html and "alice" in html
    assert "Open reports" in html and '<td class="field-open_reports">2</td>' in html
    assert "Visible" in html and '<td class="field-depth">1</td>' in html


def test_comment_list_query_count_does_not_grow_with_the_page(
    as_moderator, django_assert_max_num_queries
):
    article = make_article()
    for _ in range(3):
        make_comment(article)
    with django_assert_max_num_queries(20) as small:
        as_moderator.get(COMMENTS)
    for _ in range(30):
        make_report(make_comment(make_article()))
    with django_assert_max_num_queries(len(small.captured_queries)):
        as_moderator.get(COMMENTS)


def test_comment_filters(as_moderator):
    article, other_article = make_article(), make_article()
    alice = make_user()
    shown = make_comment(article, author=alice)
    hidden = make_comment(article)
    Comment.objects.filter(pk=hidden.pk).update(state=State.HIDDEN)
    reported = make_comment(other_article)
    make_report(reported)
    closed = make_comment(other_article)
    make_report(closed)
    moderation.comment_approve(comment=closed, moderator=make_moderator())

    def pks(**query):
        return set(listed(as_moderator.get(COMMENTS, query)))

    assert pks(state__exact="hidden") == {hidden.pk}
    assert pks(reported="open") == {reported.pk}
    assert pks(reported="any") == {reported.pk, closed.pk}
    assert pks(reported="no") == {shown.pk, hidden.pk}
    assert pks(article__id__exact=other_article.pk) == {reported.pk, closed.pk}
    assert pks(author__id__exact=alice.pk) == {shown.pk}


def test_comment_search_covers_title_body_and_author(as_moderator, article):
    by_title = make_comment(article, title="Kangaroo facts")
    by_body = make_comment(article, body="I saw a kangaroo")
    by_author = make_comment(article, author=make_user(username="kangaroo_fan"))
    make_comment(article, body="unrelated")
    response = as_moderator.get(COMMENTS, {"q": "kangaroo"})
    assert set(listed(response)) == {by_title.pk, by_body.pk, by_author.pk}


# Bulk actions


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", State.PENDING, State.VISIBLE),
        ("hide", State.VISIBLE, State.HIDDEN),
        ("remove", State.VISIBLE, State.REMOVED),
        ("restore", State.HIDDEN, State.VISIBLE),
    ],
)
def test_bulk_actions_change_states_with_a_logged_reason(
    as_moderator, moderator, article, action, before, after
):
    comments = [make_comment(article) for _ in range(3)]
    Comment.objects.filter(pk__in=[c.pk for c in comments[:2]]).update(state=before)

    response = run_action(as_moderator, COMMENTS, action, comments[:2], reason="Cleanup")

    assert response.status_code == 200
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in comments[:2]]).values_list("state", flat=True)
    ) == {after}
    assert Comment.objects.get(pk=comments[2].pk).state == State.VISIBLE
    log = AuditLogEntry.objects.all()
    assert {(e.action, e.actor, e.reason) for e in log} == {(action, moderator, "Cleanup")}
    assert sorted(e.comment_id for e in log) == sorted(c.pk for c in comments[:2])
    assert any(": 2." in m for m in messages_of(response))


def test_a_bulk_action_reports_the_comments_it_could_not_change(as_moderator, article):
    visible = make_comment(article)
    hidden = make_comment(article)
    Comment.objects.filter(pk=hidden.pk).update(state=State.HIDDEN)
    response = run_action(as_moderator, COMMENTS, "restore", [visible, hidden])
    assert "Restored: 1." in messages_of(response)
    assert any(
        f"{visible.pk}: Cannot restore comment: it is visible." in m for m in messages_of(response)
    )


def test_hide_branch_action_hides_comments_with_all_their_replies(as_moderator, article):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    deep = make_comment(article, parent=reply)
    other = make_comment(article)
    run_action(as_moderator, COMMENTS, "hide_branch", [reply], reason="Flame war")
    states = dict(Comment.objects.values_list("pk", "state"))
    assert states == {
        root.pk: State.VISIBLE,
        reply.pk: State.HIDDEN,
        deep.pk: State.HIDDEN,
        other.pk: State.VISIBLE,
    }
    assert AuditLogEntry.objects.get().action == "hide_branch"


# The comment page


def test_comment_page_shows_ancestors_replies_versions_reports_and_log(as_moderator, moderator):
    article = make_article()
    author = make_user()
    root = make_comment(article, title="Grandparent")
    parent = make_comment(article, parent=root, title="Parent")
    comment = make_comment(article, parent=parent, author=author, body="First version")
    make_comment(article, parent=comment, title="A reply")
    services.comment_edit(comment=comment, editor=author, title="", body="Second version")
    make_report(comment, reason="other", text="Misleading")
    moderation.comment_hide(comment=comment, moderator=moderator, reason="Checking")

    response = as_moderator.get(reverse("admin:articles_comment_change", args=[comment.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    context = html[html.index("In its thread") :]
    assert context.index("Grandparent") < context.index("Parent") < context.index("this comment")
    assert "A reply" in html and "Replies (1)" in html
    assert "Earlier versions (1)" in html and "First version" in html
    assert "Misleading" in html and "closed by" in html
    assert "Hide comment: Checking" in html
    assert 'name="_save"' not in html  # nothing is edited in place


def test_restore_from_the_comment_page(as_moderator, moderator, article):
    comment = make_comment(article)
    moderation.comment_hide(comment=comment, moderator=moderator)
    url = reverse("admin:articles_comment_change", args=[comment.pk])
    response = as_moderator.post(
        url,
        {
            "CHANGE_FORM-action": "restore",
            "CHANGE_FORM-reason": "Was fine",
            ACTION_CHECKBOX_NAME: comment.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE
    assert AuditLogEntry.objects.filter(action="restore").get().reason == "Was fine"


# Articles are the editors' to write (tests/articles/newsroom/test_admin.py).
@pytest.mark.parametrize("model", ["comment", "auditlogentry", "commentreport", "usersanction"])
def test_nothing_is_added_edited_or_deleted_through_the_admin(client, model):
    superuser = make_user(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    article = make_article()
    comment = make_comment(article)
    report = make_report(comment)
    sanction = moderation.user_suspend(user=make_user(), moderator=superuser, days=1, reason="x")
    obj = {
        "comment": comment,
        "article": article,
        "auditlogentry": AuditLogEntry.objects.get(),
        "commentreport": report,
        "usersanction": sanction,
    }[model]
    before = (Comment.objects.count(), AuditLogEntry.objects.count(), Article.objects.count())

    assert client.get(reverse(f"admin:articles_{model}_add")).status_code == 403
    delete = reverse(f"admin:articles_{model}_delete", args=[obj.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse(f"admin:articles_{model}_change", args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"reason": "rewritten", "_save": "Save"}).status_code == 403

    assert (
        Comment.objects.count(),
        AuditLogEntry.objects.count(),
        Article.objects.count(),
    ) == before
    assert AuditLogEntry.objects.get().reason == "x"


# Articles


def test_article_list_counts_comments_by_state_in_one_query(
    as_moderator, django_assert_max_num_queries
):
    article = make_article(title="Counted")
    make_comment(article)
    make_comment(article)
    pending = make_comment(article)
    Comment.objects.filter(pk=pending.pk).update(state=State.PENDING)
    removed = make_comment(article)
    Comment.objects.filter(pk=removed.pk).update(state=State.REMOVED)
    with django_assert_max_num_queries(20) as few:
        response = as_moderator.get(ARTICLES)
    row = response.context["cl"].result_list[0]
    assert (row.visible_count, row.pending_count, row.moderated_count) == (2, 1, 1)
    for _ in range(10):
        make_comment(make_article())
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_moderator.get(ARTICLES)


def test_article_search_and_filters(as_moderator):
    wanted = make_article(title="Mainframes are back")
    locked = make_article(title="Something else", comments_open=False)
    assert listed(as_moderator.get(ARTICLES, {"q": "mainframes"})) == [wanted.pk]
    assert listed(as_moderator.get(ARTICLES, {"comments_open__exact": "0"})) == [locked.pk]


def test_lock_and_unlock_articles_from_the_admin(as_moderator, moderator):
    first, second = make_article(), make_article()
    run_action(as_moderator, ARTICLES, "lock_comments", [first, second], reason="Spam wave")
    assert not Article.objects.filter(comments_open=True).exists()
    run_action(as_moderator, ARTICLES, "unlock_comments", [first])
    assert list(Article.objects.filter(comments_open=True)) == [first]
    log = list(AuditLogEntry.objects.order_by("id").values_list("action", "reason"))
    assert log == [("lock", "Spam wave"), ("lock", "Spam wave"), ("unlock", "")]


# The records moderators read


def test_moderators_read_the_audit_log_reports_and_sanctions(as_moderator, moderator, article):
    comment = make_comment(article)
    make_report(comment, reason="abuse")
    moderation.comment_hide(comment=comment, moderator=moderator, reason="Rude")
    moderation.user_suspend(
        user=make_user(username="mallory"), moderator=moderator, days=1, reason="Spam"
    )

    log = as_moderator.get(reverse("admin:articles_auditlogentry_changelist")).content.decode()
    assert "Rude" in log and "Suspend user" in log
    assert reverse("admin:articles_comment_change", args=[comment.pk]) in log
    reports = as_moderator.get(reverse("admin:articles_commentreport_changelist"))
    assert listed(reports) == [CommentReport.objects.get().pk]
    sanctions = as_moderator.get(reverse("admin:articles_usersanction_changelist")).content.decode()
    assert "mallory" in sanctions and "/moderation/users/" in sanctions


def test_audit_log_can_be_filtered_by_action_and_searched(as_moderator, moderator, article):
    moderation.comment_hide(comment=make_comment(article), moderator=moderator, reason="alpha")
    moderation.article_lock(article=article, moderator=moderator, reason="beta")
    url = reverse("admin:articles_auditlogentry_changelist")
    assert [
        e.action for e in as_moderator.get(url, {"action__exact": "lock"}).context["cl"].result_list
    ] == ["lock"]
    assert [e.reason for e in as_moderator.get(url, {"q": "alpha"}).context["cl"].result_list] == [
        "alpha"
    ]


def test_a_big_branch_shows_its_first_replies_only(as_moderator, article, monkeypatch):
    monkeypatch.setattr(selectors, "REVIEW_REPLIES_SHOWN", 2)
    root = make_comment(article)
    for n in range(3):
        make_comment(article, parent=root, title=f"reply {n}")
    html = as_moderator.get(reverse("admin:articles_comment_change", args=[root.pk])).content
    html = html.decode()
    assert "Replies (3, the first 2 shown)" in html
    assert "reply 1" in html and "reply 2" not in html
