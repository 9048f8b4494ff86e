import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone

from articles.models import (
    Article,
    AuditLogEntry,
    Comment,
    CommentReport,
    CommentRevision,
    UserSanction,
)
from articles.moderation import reports
from articles.moderation import services as moderation
from articles.posting import services
from tests.factories import (
    make_article,
    make_comment,
    make_moderator,
    make_report,
    make_trusted_reader,
    make_user,
    set_word_lists,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

State = Comment.State
Action = AuditLogEntry.Action

DECISIONS = {
    Action.APPROVE: moderation.comment_approve,
    Action.HIDE: moderation.comment_hide,
    Action.REMOVE: moderation.comment_remove,
    Action.RESTORE: moderation.comment_restore,
}
# Every (decision, state before) pair, and the state after it, or None when it is refused.
TRANSITIONS = {
    (Action.APPROVE, State.PENDING): State.VISIBLE,
    (Action.APPROVE, State.VISIBLE): None,  # unless it has open reports: see below
    (Action.APPROVE, State.HIDDEN): None,
    (Action.APPROVE, State.REMOVED): None,
    (Action.APPROVE, State.DELETED): None,
    (Action.HIDE, State.VISIBLE): State.HIDDEN,
    (Action.HIDE, State.PENDING): State.HIDDEN,
    (Action.HIDE, State.HIDDEN): None,
    (Action.HIDE, State.REMOVED): None,
    (Action.HIDE, State.DELETED): None,
    (Action.REMOVE, State.VISIBLE): State.REMOVED,
    (Action.REMOVE, State.PENDING): State.REMOVED,
    (Action.REMOVE, State.HIDDEN): State.REMOVED,
    (Action.REMOVE, State.REMOVED): None,
    (Action.REMOVE, State.DELETED): None,
    (Action.RESTORE, State.HIDDEN): State.VISIBLE,
    (Action.RESTORE, State.REMOVED): State.VISIBLE,
    (Action.RESTORE, State.VISIBLE): None,
    (Action.RESTORE, State.PENDING): None,
    (Action.RESTORE, State.DELETED): None,
}


def with_state(comment, state):
    Comment.objects.filter(pk=comment.pk).update(state=state)
    comment.state = state
    return comment


@pytest.mark.parametrize(("action", "before"), list(TRANSITIONS))
def test_every_state_transition_is_applied_and_logged_or_refused(article, action, before):
    moderator = make_moderator()
    comment = with_state(make_comment(article), before)
    after = TRANSITIONS[action, before]

    if after is None:
        with pytest.raises(ValidationError, match="Cannot"):
            DECISIONS[action](comment=comment, moderator=moderator, reason="why")
        assert Comment.objects.get(pk=comment.pk).state == before
        assert not AuditLogEntry.objects.exists()
        return

    DECISIONS[action](comment=comment, moderator=moderator, reason="  why  ")
    assert Comment.objects.get(pk=comment.pk).state == after
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.action, entry.comment_id, entry.reason) == (
        moderator,
        action,
        comment.pk,
        "why",
    )
    assert entry.article_id == article.pk and entry.target_user_id == comment.author_id
    assert entry.details == {"from": before, "to": after}


def test_moderation_never_moves_a_comment_in_its_tree(article, moderator):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    make_comment(article, parent=reply)
    before = list(Comment.objects.order_by("pk").values_list("lft", "rght", "level", "tree_id"))
    moderation.comment_hide(comment=reply, moderator=moderator)
    moderation.comment_remove(comment=reply, moderator=moderator)
    moderation.comment_restore(comment=reply, moderator=moderator)
    moderation.comment_branch_hide(comment=root, moderator=moderator)
    after = list(Comment.objects.order_by("pk").values_list("lft", "rght", "level", "tree_id"))
    assert after == before


def test_a_decision_closes_the_comments_open_reports(article, moderator):
    comment = make_comment(article)
    make_report(comment)
    make_report(comment)
    moderation.comment_hide(comment=comment, moderator=moderator)
    assert not CommentReport.objects.filter(resolved_at__isnull=True).exists()
    assert set(CommentReport.objects.values_list("resolved_by", flat=True)) == {moderator.pk}


def test_approving_a_reported_visible_comment_keeps_it_and_closes_the_reports(article, moderator):
    comment = make_comment(article)
    make_report(comment)
    moderation.comment_approve(comment=comment, moderator=moderator)
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE
    assert CommentReport.objects.get().resolved_at is not None
    with pytest.raises(ValidationError, match="Cannot approve"):
        moderation.comment_approve(comment=comment, moderator=moderator)


def test_an_over_long_reason_is_refused_and_nothing_changes(article, moderator):
    comment = make_comment(article)
    with pytest.raises(ValidationError, match="under 500"):
        moderation.comment_hide(comment=comment, moderator=moderator, reason="x" * 501)
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE
    assert not AuditLogEntry.objects.exists()


# Branches


def make_branch(article):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    deep = make_comment(article, parent=reply)
    sibling = make_comment(article, parent=root)
    outside = make_comment(article)
    return root, reply, deep, sibling, outside


def states(*comments):
    found = dict(Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("pk", "state"))
    return [found[c.pk] for c in comments]


def test_hide_branch_hides_a_comment_and_all_its_replies_only(article, moderator):
    root, reply, deep, sibling, outside = make_branch(article)
    with_state(sibling, State.REMOVED)
    with_state(deep, State.PENDING)

    hidden = moderation.comment_branch_hide(comment=reply, moderator=moderator, reason="flame")

    assert hidden == 2
    assert states(root, reply, deep, sibling, outside) == [
        State.VISIBLE,
        State.HIDDEN,
        State.HIDDEN,
        State.REMOVED,
        State.VISIBLE,
    ]
    entry = AuditLogEntry.objects.get()
    assert entry.action == Action.HIDE_BRANCH and entry.reason == "flame"
    assert entry.details == {"comments": {str(reply.pk): "visible", str(deep.pk): "pending"}}


def test_restore_branch_brings_back_exactly_what_the_branch_hide_hid(article, moderator):
    root, reply, deep, sibling, outside = make_branch(article)
    with_state(deep, State.PENDING)
    with_state(sibling, State.HIDDEN)  # hidden on its own, before: stays hidden
    moderation.comment_branch_hide(comment=root, moderator=moderator)
    moderation.comment_remove(comment=reply, moderator=moderator)  # a later decision wins

    restored = moderation.comment_branch_restore(comment=root, moderator=moderator)

    assert restored == 2
    assert states(root, reply, deep, sibling, outside) == [
        State.VISIBLE,
        State.REMOVED,
        State.PENDING,
        State.HIDDEN,
        State.VISIBLE,
    ]
    entry = AuditLogEntry.objects.filter(action=Action.RESTORE_BRANCH).get()
    assert entry.details["comments"] == {str(root.pk): "visible", str(deep.pk): "pending"}
    with pytest.raises(ValidationError, match="still hidden"):
        moderation.comment_branch_restore(comment=root, moderator=moderator)


def test_restoring_a_branch_never_undoes_a_later_decision_to_hide_a_comment_again(
    article, moderator
):
    root, reply, deep, sibling, _ = make_branch(article)
    moderation.comment_branch_hide(comment=root, moderator=moderator)
    moderation.comment_restore(comment=reply, moderator=moderator)
    moderation.comment_hide(comment=reply, moderator=make_moderator(), reason="abuse")
    moderation.comment_restore(comment=sibling, moderator=moderator)
    moderation.comment_branch_hide(comment=sibling, moderator=moderator)  # a branch of its own

    moderation.comment_branch_restore(comment=root, moderator=moderator)
    assert states(root, reply, deep, sibling) == [
        State.VISIBLE,
        State.HIDDEN,
        State.VISIBLE,
        State.HIDDEN,
    ]
    # Restored once: a second restore replays nothing, whatever was hidden since.
    moderation.comment_hide(comment=deep, moderator=moderator, reason="spam")
    with pytest.raises(ValidationError, match="still hidden"):
        moderation.comment_branch_restore(comment=root, moderator=moderator)
    assert states(root, reply, deep, sibling) == [
        State.VISIBLE,
        State.HIDDEN,
        State.HIDDEN,
        State.HIDDEN,
    ]


def test_restoring_a_branch_leaves_what_a_later_branch_hide_hid_inside_it(article, moderator):
    root, reply, deep, _, _ = make_branch(article)
    moderation.comment_branch_hide(comment=root, moderator=moderator)
    moderation.comment_branch_restore(comment=root, moderator=moderator)
    # `deep` has no decision of its own since: only the later branch hide names it.
    moderation.comment_branch_hide(comment=reply, moderator=moderator, reason="flame war")

    with pytest.raises(ValidationError, match="still hidden"):
        moderation.comment_branch_restore(comment=root, moderator=moderator)
    assert states(root, reply, deep) == [State.VISIBLE, State.HIDDEN, State.HIDDEN]


def test_branch_actions_refuse_when_there_is_nothing_to_do(article, moderator):
    root = make_comment(article)
    with pytest.raises(ValidationError, match="never hidden"):
        moderation.comment_branch_restore(comment=root, moderator=moderator)
    with_state(root, State.REMOVED)
    with pytest.raises(ValidationError, match="nothing to hide"):
        moderation.comment_branch_hide(comment=root, moderator=moderator)
    assert not AuditLogEntry.objects.exists()


# Authors: edits and deletions


def test_author_edit_keeps_the_previous_version_and_marks_the_comment(article, user):
    comment = make_comment(article, author=user, title="Old title", body="Old *text*")
    edited = services.comment_edit(comment=comment, editor=user, title="New", body="New **x**")
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.title, stored.body) == ("New", "New **x**")
    assert "<strong>x</strong>" in stored.body_html
    assert stored.edited_at is not None and edited.edited_at == stored.edited_at
    revision = CommentRevision.objects.get()
    assert (revision.title, revision.body) == ("Old title", "Old *text*")
    assert "<em>text</em>" in revision.body_html
    assert revision.written_at == comment.created_at

    services.comment_edit(comment=stored, editor=user, title="Newer", body="Third")
    latest = CommentRevision.objects.order_by("-replaced_at", "-id").first()
    assert latest.body == "New **x**" and latest.written_at == stored.edited_at


def test_an_edit_that_changes_nothing_keeps_no_revision(article, user):
    comment = make_comment(article, author=user, body="Same")
    services.comment_edit(comment=comment, editor=user, title="", body="  Same ")
    assert not CommentRevision.objects.exists()
    assert Comment.objects.get(pk=comment.pk).edited_at is None


def test_edit_window_closes(article, user):
    comment = make_comment(article, author=user, body="Before")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(ValidationError, match="first 15 minutes"):
        services.comment_edit(comment=comment, editor=user, title="", body="After")
    with override_settings(COMMENT_EDIT_WINDOW_MINUTES=20):
        services.comment_edit(comment=comment, editor=user, title="", body="After")
    assert Comment.objects.get(pk=comment.pk).body == "After"


def test_nobody_edits_or_deletes_another_users_comment(article, user):
    comment = make_comment(article, body="Mine")
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, editor=user, title="", body="Yours now")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=user)
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.body, stored.state) == ("Mine", State.VISIBLE)


@pytest.mark.parametrize("state", [State.HIDDEN, State.REMOVED, State.DELETED])
def test_moderated_or_deleted_comments_cannot_be_edited_or_deleted(article, user, state):
    comment = with_state(make_comment(article, author=user, body="Mine"), state)
    with pytest.raises(ValidationError, match="can no longer be edited"):
        services.comment_edit(comment=comment, editor=user, title="", body="Changed")
    with pytest.raises(ValidationError, match="already deleted or under moderation"):
        services.comment_delete(comment=comment, user=user)
    assert Comment.objects.get(pk=comment.pk).state == state


def test_editing_on_a_locked_thread_is_refused(article, user, moderator):
    comment = make_comment(article, author=user)
    moderation.article_lock(article=article, moderator=moderator)
    with pytest.raises(ValidationError, match="closed"):
        services.comment_edit(comment=comment, editor=user, title="", body="Changed")


def test_an_edit_with_a_watched_word_goes_back_for_review(article, user):
    set_word_lists(watched=["crypto"])
    comment = make_comment(article, author=user, body="Fine")
    services.comment_edit(comment=comment, editor=user, title="", body="Buy CRYPTO now")
    assert Comment.objects.get(pk=comment.pk).state == State.PENDING
    entry = AuditLogEntry.objects.get()
    assert entry.action == Action.HOLD and entry.actor is None and "crypto" in entry.reason


def test_an_edit_with_a_blocked_word_is_refused(article, user):
    set_word_lists(blocked=["spamword"])
    comment = make_comment(article, author=user, body="Fine")
    with pytest.raises(ValidationError, match="“spamword” is not allowed"):
        services.comment_edit(comment=comment, editor=user, title="", body="a spamword")
    assert Comment.objects.get(pk=comment.pk).body == "Fine"


@pytest.mark.parametrize("state", [State.VISIBLE, State.PENDING])
def test_author_delete_is_soft_and_logged(article, user, state):
    comment = with_state(make_comment(article, author=user), state)
    services.comment_delete(comment=comment, user=user)
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.state == State.DELETED and stored.body  # the row and its text are kept
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_user) == (Action.DELETE, user, user)


# Reports


def test_a_reader_reports_a_comment_once(article, user):
    comment = make_comment(article)
    report = reports.comment_report(comment=comment, reporter=user, reason="abuse", text="  rude  ")
    assert (report.reason, report.text, report.resolved_at) == ("abuse", "rude", None)
    with pytest.raises(ValidationError, match="already reported"):
        reports.comment_report(comment=comment, reporter=user, reason="spam")
    assert CommentReport.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "text", "message"),
    [
        ("nonsense", "", "Choose why"),
        ("other", "  ", "Say what is wrong"),
        ("other", "x" * 501, "under 500"),
    ],
)
def test_bad_reports_are_refused(article, user, reason, text, message):
    comment = make_comment(article)
    with pytest.raises(ValidationError, match=message):
        reports.comment_report(comment=comment, reporter=user, reason=reason, text=text)
    assert not CommentReport.objects.exists()


def test_own_and_hidden_comments_cannot_be_reported(article, user, moderator):
    own = make_comment(article, author=user)
    with pytest.raises(ValidationError, match="your own"):
        reports.comment_report(comment=own, reporter=user, reason="spam")
    hidden = make_comment(article)
    moderation.comment_hide(comment=hidden, moderator=moderator)
    with pytest.raises(ValidationError, match="no longer shown"):
        reports.comment_report(comment=hidden, reporter=user, reason="spam")
    assert not CommentReport.objects.exists()


@override_settings(MODERATION_AUTO_HIDE_REPORTS=3)
def test_enough_reports_hold_a_comment_pending_review(article):
    comment = make_comment(article)
    make_report(comment, make_trusted_reader(article))
    make_report(comment, make_trusted_reader(article))
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE
    make_report(comment, make_trusted_reader(article))
    assert Comment.objects.get(pk=comment.pk).state == State.PENDING
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.reason) == (
        Action.AUTO_HIDE,
        None,
        "3 open reports from readers in good standing.",
    )


@override_settings(MODERATION_AUTO_HIDE_REPORTS=2)
def test_closed_reports_do_not_count_towards_auto_hide(article, moderator):
    comment = make_comment(article)
    make_report(comment, make_trusted_reader(article))
    moderation.comment_approve(comment=comment, moderator=moderator)
    make_report(comment, make_trusted_reader(article))
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE


@override_settings(MODERATION_AUTO_HIDE_REPORTS=0)
def test_auto_hide_can_be_turned_off(article):
    comment = make_comment(article)
    for _ in range(5):
        make_report(comment, make_trusted_reader(article))
    assert Comment.objects.get(pk=comment.pk).state == State.VISIBLE


# Threads


def test_lock_and_unlock_a_thread(article, moderator):
    moderation.article_lock(article=article, moderator=moderator, reason="flame war")
    assert Article.objects.get(pk=article.pk).comments_open is False
    with pytest.raises(ValidationError, match="already closed"):
        moderation.article_lock(article=article, moderator=moderator)
    moderation.article_unlock(article=article, moderator=moderator)
    assert Article.objects.get(pk=article.pk).comments_open is True
    with pytest.raises(ValidationError, match="already open"):
        moderation.article_unlock(article=article, moderator=moderator)
    log = list(AuditLogEntry.objects.order_by("id").values_list("action", "article", "reason"))
    assert log == [(Action.LOCK, article.pk, "flame war"), (Action.UNLOCK, article.pk, "")]


# Users


def test_suspension_lasts_its_days_and_is_logged(moderator):
    member = make_user()
    sanction = moderation.user_suspend(user=member, moderator=moderator, days=3, reason="Spam")
    assert sanction.kind == UserSanction.Kind.SUSPENSION
    assert timedelta(days=3) - (sanction.ends_at - timezone.now()) < timedelta(minutes=1)
    assert sanction.is_active
    assert "suspended until" in sanction.message and sanction.message.endswith(": Spam")
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.target_user, entry.reason) == (Action.SUSPEND, member, "Spam")
    with pytest.raises(ValidationError, match="already suspended"):
        moderation.user_suspend(user=member, moderator=moderator, days=1, reason="Again")


def test_an_expired_suspension_no_longer_applies(moderator):
    member = make_user()
    sanction = moderation.user_suspend(user=member, moderator=moderator, days=1, reason="x")
    UserSanction.objects.filter(pk=sanction.pk).update(ends_at=timezone.now())
    assert not UserSanction.objects.active().exists()
    moderation.user_suspend(user=member, moderator=moderator, days=1, reason="again")


@pytest.mark.parametrize(
    ("days", "reason", "message"),
    [(0, "x", "1 to 3650 days"), (3651, "x", "1 to 3650 days"), (1, "  ", "Say why")],
)
def test_bad_suspensions_are_refused(moderator, days, reason, message):
    member = make_user()
    with pytest.raises(ValidationError, match=message):
        moderation.user_suspend(user=member, moderator=moderator, days=days, reason=reason)
    assert not UserSanction.objects.exists() and not AuditLogEntry.objects.exists()


def test_moderators_cannot_be_sanctioned(moderator):
    other = make_moderator()
    with pytest.raises(ValidationError, match="Moderators cannot"):
        moderation.user_ban(user=other, moderator=moderator, reason="x")
    with pytest.raises(ValidationError, match="Moderators cannot"):
        moderation.user_suspend(user=moderator, moderator=moderator, days=1, reason="x")
    assert not UserSanction.objects.exists()


def test_a_ban_can_hide_all_the_users_comments_in_one_step(article, moderator):
    member = make_user()
    shown = make_comment(article, author=member)
    pending = with_state(make_comment(article, author=member), State.PENDING)
    removed = with_state(make_comment(article, author=member), State.REMOVED)
    other = make_comment(article)
    make_report(shown)

    sanction = moderation.user_ban(
        user=member, moderator=moderator, reason="Troll", hide_comments=True
    )

    assert sanction.ends_at is None and sanction.message == "Your account is banned: Troll"
    assert states(shown, pending, removed, other) == [
        State.HIDDEN,
        State.HIDDEN,
        State.REMOVED,
        State.VISIBLE,
    ]
    assert sanction.hidden_comments == {str(shown.pk): "visible", str(pending.pk): "pending"}
    assert CommentReport.objects.get().resolved_by == moderator
    assert AuditLogEntry.objects.get().details["hidden_comments"] == 2
    with pytest.raises(ValidationError, match="already banned"):
        moderation.user_ban(user=member, moderator=moderator, reason="again")


def test_a_ban_without_hiding_leaves_the_comments(article, moderator):
    member = make_user()
    shown = make_comment(article, author=member)
    moderation.user_ban(user=member, moderator=moderator, reason="Troll")
    assert states(shown) == [State.VISIBLE]


def test_lifting_a_ban_brings_back_the_comments_it_hid(article, moderator):
    member = make_user()
    shown = make_comment(article, author=member)
    pending = with_state(make_comment(article, author=member), State.PENDING)
    later = make_comment(article, author=member)
    sanction = moderation.user_ban(user=member, moderator=moderator, reason="x", hide_comments=True)
    moderation.comment_remove(comment=later, moderator=moderator)

    restored = moderation.user_sanction_lift(sanction=sanction, moderator=moderator, reason="ok")

    assert restored == 2
    assert states(shown, pending, later) == [State.VISIBLE, State.PENDING, State.REMOVED]
    sanction.refresh_from_db()
    assert sanction.lifted_by == moderator and not sanction.is_active
    entry = AuditLogEntry.objects.filter(action=Action.LIFT).get()
    assert entry.details == {"sanction": sanction.pk, "restored_comments": 2}
    with pytest.raises(ValidationError, match="already ended"):
        moderation.user_sanction_lift(sanction=sanction, moderator=moderator)


def test_lifting_a_ban_never_undoes_a_later_decision_to_hide_a_comment_again(article, moderator):
    member = make_user()
    doxxing, other = make_comment(article, author=member), make_comment(article, author=member)
    sanction = moderation.user_ban(user=member, moderator=moderator, reason="x", hide_comments=True)
    moderation.comment_restore(comment=doxxing, moderator=moderator)
    moderation.comment_hide(comment=doxxing, moderator=moderator, reason="doxxing")

    assert moderation.user_sanction_lift(sanction=sanction, moderator=moderator) == 1
    assert states(doxxing, other) == [State.HIDDEN, State.VISIBLE]


def test_lifting_can_leave_the_comments_hidden(article, moderator):
    member = make_user()
    shown = make_comment(article, author=member)
    sanction = moderation.user_ban(user=member, moderator=moderator, reason="x", hide_comments=True)
    moderation.user_sanction_lift(sanction=sanction, moderator=moderator, restore_comments=False)
    assert states(shown) == [State.HIDDEN]


def test_a_banned_user_cannot_post_edit_or_report_and_is_told_why(article, moderator):
    member = make_user()
    own = make_comment(article, author=member)
    other = make_comment(article)
    moderation.user_ban(user=member, moderator=moderator, reason="Spamming links")
    for attempt in (
        lambda: make_comment(article, author=member),
        lambda: services.comment_edit(comment=own, editor=member, title="", body="new"),
        lambda: reports.comment_report(comment=other, reporter=member, reason="spam"),
    ):
        with pytest.raises(ValidationError, match="Your account is banned: Spamming links"):
            attempt()
    assert Comment.objects.count() == 2 and not CommentReport.objects.exists()
    # Deleting one's own comment is still allowed.
    services.comment_delete(comment=own, user=member)


def test_a_suspended_user_may_write_again_when_it_is_lifted(article, moderator):
    member = make_user()
    sanction = moderation.user_suspend(user=member, moderator=moderator, days=7, reason="Cool")
    with pytest.raises(ValidationError, match="suspended until"):
        make_comment(article, author=member)
    moderation.user_sanction_lift(sanction=sanction, moderator=moderator)
    make_comment(article, author=member)


# The audit log itself


def test_audit_log_rows_cannot_be_changed_or_deleted(article, moderator):
    moderation.comment_hide(comment=make_comment(article), moderator=moderator)
    entry = AuditLogEntry.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(ValueError, match="cannot be changed"):
        entry.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        entry.delete()
    assert AuditLogEntry.objects.get().reason == ""


@pytest.mark.django_db(transaction=True)
def test_two_moderators_banning_at_once_leave_one_ban():
    member, moderators = make_user(), [make_moderator(), make_moderator()]
    make_comment(make_article(), author=member)
    barrier = threading.Barrier(2)
    refused = []

    def ban(moderator):
        try:
            barrier.wait()
            moderation.user_ban(user=member, moderator=moderator, reason="x", hide_comments=True)
        except ValidationError as error:
            refused.append(error.messages)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=ban, args=(m,)) for m in moderators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refused == [["This user is already banned."]]
    assert UserSanction.objects.active().filter(user=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_hiding_branches_while_replies_arrive_keeps_the_thread_valid():
    article = make_article()
    moderator = make_moderator()
    root = make_comment(article)
    # Replies go to the comment before the branch, so each one moves the branch's lft/rght.
    early = make_comment(article, parent=root)
    branch = make_comment(article, parent=root)
    make_comment(article, parent=branch)
    errors = []
    barrier = threading.Barrier(4)

    def reply(worker):
        author = make_user()
        try:
            barrier.wait()
            for i in range(10):
                services.comment_post(
                    article=article, parent=early, author=author, body=f"w{worker} r{i}"
                )
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    def moderate():
        try:
            barrier.wait()
            for _ in range(5):
                moderation.comment_branch_hide(comment=branch, moderator=moderator)
                moderation.comment_branch_restore(comment=branch, moderator=moderator)
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=reply, args=(w,)) for w in range(3)]
    threads.append(threading.Thread(target=moderate))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Comment.objects.count() == 34
    assert not Comment.objects.exclude(state=State.VISIBLE).exists()
    hides = AuditLogEntry.objects.filter(action=Action.HIDE_BRANCH)
    # Each hide found exactly the branch, wherever the replies had moved it.
    assert all(len(entry.details["comments"]) == 2 for entry in hides)


# Every write that changes what a thread shows retires its cached pages (articles/cache.py).


def _thread_version(article):
    return cache.get(f"thread-version:{article.pk}")


RETIRING_WRITES = {
    "approve": lambda w: moderation.comment_approve(comment=w["pending"], moderator=w["mod"]),
    "hide": lambda w: moderation.comment_hide(comment=w["root"], moderator=w["mod"]),
    "remove": lambda w: moderation.comment_remove(comment=w["root"], moderator=w["mod"]),
    "restore": lambda w: moderation.comment_restore(comment=w["hidden"], moderator=w["mod"]),
    "hide branch": lambda w: moderation.comment_branch_hide(comment=w["root"], moderator=w["mod"]),
    "restore branch": lambda w: moderation.comment_branch_restore(
        comment=w["branch"], moderator=w["mod"]
    ),
    "edit": lambda w: services.comment_edit(
        comment=w["root"], editor=w["author"], title="", body="changed"
    ),
    "delete": lambda w: services.comment_delete(comment=w["root"], user=w["author"]),
    "auto-hide on reports": lambda w: [
        make_report(w["root"], make_trusted_reader(w["article"])) for _ in range(3)
    ],
    "lock": lambda w: moderation.article_lock(article=w["article"], moderator=w["mod"]),
    "unlock": lambda w: moderation.article_unlock(article=w["locked"], moderator=w["mod"]),
    "ban hiding comments": lambda w: moderation.user_ban(
        user=w["author"], moderator=w["mod"], reason="x", hide_comments=True
    ),
    "lift restoring comments": lambda w: moderation.user_sanction_lift(
        sanction=w["ban"], moderator=w["mod"]
    ),
}


@pytest.mark.parametrize("write", RETIRING_WRITES)
def test_every_moderation_write_retires_the_cached_thread(
    write, django_capture_on_commit_callbacks
):
    mod = make_moderator()
    article, locked = make_article(), make_article(comments_open=False)
    author, banned = make_user(password=None), make_user(password=None)
    root = make_comment(article, author=author)
    reply = make_comment(article, parent=root)
    branch = make_comment(article, parent=reply)
    make_comment(article, parent=branch)
    pending = make_comment(article)
    hidden = make_comment(article)
    banned_comment = make_comment(article, author=banned)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(pk=pending.pk).update(state=State.PENDING)
        moderation.comment_hide(comment=hidden, moderator=mod)
        moderation.comment_branch_hide(comment=branch, moderator=mod)
        ban = moderation.user_ban(user=banned, moderator=mod, reason="x", hide_comments=True)
    world = {
        "mod": mod, "article": article, "locked": locked, "author": author, "root": root,
        "pending": pending, "hidden": hidden, "branch": branch, "ban": ban,
    }  # fmt: skip
    article_of_write = locked if write == "unlock" else article
    before = _thread_version(article_of_write)
    assert banned_comment.article_id == article.pk

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        RETIRING_WRITES[write](world)

    assert callbacks, "nothing was retired"
    assert _thread_version(article_of_write) not in (None, before)
