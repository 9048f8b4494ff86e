"""Moderation writes: comment states, sanctions, thread locks (readers' reports: reports.py).

Every function is keyword-only, runs in one transaction, writes its audit-log row in that same
transaction, and raises ``ValidationError`` when the change does not apply. Nothing is ever
deleted, and only ``state`` changes: lft/rght are never touched, so every thread stays a valid
tree whatever is hidden, and every decision can be undone.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import (
    Article,
    AuditLogEntry,
    Comment,
    CommentReport,
    UnreliableReporter,
    UserSanction,
)
from articles.moderation.audit import REASON_MAX_LENGTH, record, record_on
from articles.notifications.hooks import comment_shown
from articles.permissions import can_moderate
from articles.threads.cache import thread_changed
from articles.threads.locks import lock_comment_tree

State = Comment.State
Action = AuditLogEntry.Action

# For each decision on one comment: the states it applies to, and the state it leads to.
_TRANSITIONS = {
    Action.APPROVE: ({State.PENDING}, State.VISIBLE),
    Action.HIDE: ({State.VISIBLE, State.PENDING}, State.HIDDEN),
    Action.REMOVE: ({State.VISIBLE, State.PENDING, State.HIDDEN}, State.REMOVED),
    Action.RESTORE: ({State.HIDDEN, State.REMOVED}, State.VISIBLE),
}
SUSPENSION_MAX_DAYS = 3650


def _locked(comment: Comment) -> Comment:
    # A fresh copy, its row locked until the transaction ends: two moderators deciding on the
    # same comment at once are applied one after the other, each seeing the other's result.
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _resolve_reports(comment_ids, moderator) -> None:
    CommentReport.objects.filter(comment_id__in=comment_ids, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )


def _set_state(comment: Comment, *, moderator, action, reason: str) -> Comment:
    allowed, target = _TRANSITIONS[action]
    with transaction.atomic():
        current = _locked(comment)
        # Approving a shown comment that readers reported keeps it and closes the reports.
        approving_reports = (
            action == Action.APPROVE
            and current.is_visible
            and current.reports.filter(resolved_at__isnull=True).exists()
        )
        if current.state not in allowed and not approving_reports:
            raise ValidationError(
                f"Cannot {Action(action).label.lower()}: it is "
                f"{current.get_state_display().lower()}."
            )
        Comment.objects.filter(pk=current.pk).update(state=target)
        _resolve_reports([current.pk], moderator)
        record_on(
            current,
            actor=moderator,
            action=action,
            reason=reason,
            details={"from": current.state, "to": target},
        )
        thread_changed(current.article_id)
    comment.state = target
    return comment


def comment_approve(
    *, comment: Comment, moderator, reason: str = "", unreliable_reporters=()
) -> Comment:
    """Publish a pending comment, or keep a reported one; either way its reports are closed.

    Dismissing reports, the moderator may name reporters (user ids) found unreliable: those of
    them with an open report on this comment are marked, and their reports stop counting
    towards holding comments (``reporter_in_good_standing``).
    """
    with transaction.atomic():
        dismissed = dict(
            CommentReport.objects.filter(
                comment=comment, resolved_at__isnull=True, reporter__in=unreliable_reporters
            ).values_list("reporter_id", "pk")
        )
        approved = _set_state(comment, moderator=moderator, action=Action.APPROVE, reason=reason)
        # A held comment tells its readers now; a reported one kept did so when posted (the
        # task writes each notification once).
        comment_shown(comment_id=comment.pk)
        for reporter_id, report_id in dismissed.items():
            _, marked = UnreliableReporter.objects.get_or_create(
                user_id=reporter_id, defaults={"marked_by": moderator, "report_id": report_id}
            )
            if marked:
                record(
                    actor=moderator,
                    action=Action.UNRELIABLE,
                    reason=reason,
                    comment=comment,
                    target_user_id=reporter_id,
                    details={"report": report_id},
                )
    return approved


def comment_hide(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Hide a comment (shown as a tombstone while it has replies)."""
    return _set_state(comment, moderator=moderator, action=Action.HIDE, reason=reason)


def comment_remove(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Remove a comment for breaking the rules (still kept, and restorable)."""
    return _set_state(comment, moderator=moderator, action=Action.REMOVE, reason=reason)


def comment_restore(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Show a hidden or removed comment again. One held, then hidden, was never shown: it tells
    its readers now (those told when it was posted are not told twice)."""
    with transaction.atomic():
        restored = _set_state(comment, moderator=moderator, action=Action.RESTORE, reason=reason)
        comment_shown(comment_id=comment.pk)
    return restored


def comment_branch_hide(*, comment: Comment, moderator, reason: str = "") -> int:
    """Hide a comment and every reply below it in one UPDATE; return how many were hidden.

    The branch is found by its lft/rght range, read under the thread's lock so no reply can
    move it meanwhile. Comments already hidden, removed or deleted keep their state; the
    previous state of each hidden one is logged, so restoring the branch undoes exactly this.
    """
    with transaction.atomic():
        lock_comment_tree(comment.tree_id)
        root = Comment.objects.get(pk=comment.pk)
        branch = Comment.objects.filter(
            tree_id=root.tree_id,
            lft__gte=root.lft,
            rght__lte=root.rght,
            state__in=[State.VISIBLE, State.PENDING],
        )
        before = dict(branch.select_for_update().values_list("pk", "state"))
        if not before:
            raise ValidationError("Nothing in this branch is shown: there is nothing to hide.")
        hidden = branch.update(state=State.HIDDEN)
        _resolve_reports(before, moderator)
        record_on(
            root,
            actor=moderator,
            action=Action.HIDE_BRANCH,
            reason=reason,
            details={"comments": {str(pk): state for pk, state in before.items()}},
        )
        thread_changed(root.article_id)
    comment.state = State.HIDDEN if comment.pk in before else comment.state
    return hidden


def _changed_threads(comment_ids) -> None:
    # Retire the cached pages of every article these comments (a branch, a user's) are on.
    for article_id in set(
        Comment.objects.filter(pk__in=comment_ids).values_list("article_id", flat=True)
    ):
        thread_changed(article_id)


def _restore_states(before: dict[str, str], *, decision: AuditLogEntry) -> dict[str, str]:
    # Back to the state each comment had before ``decision`` (a branch hide, a ban) hid it: for
    # those still hidden, and not decided on since, alone or in another branch (a later
    # decision wins, even one that hid the comment again).
    ids = [int(pk) for pk in before]
    later = AuditLogEntry.objects.filter(pk__gt=decision.pk)
    decided_since = set(later.filter(comment_id__in=ids).values_list("comment_id", flat=True))
    for details in later.filter(
        action=Action.HIDE_BRANCH, details__comments__has_any_keys=list(before)
    ).values_list("details", flat=True):
        decided_since.update(int(pk) for pk in details["comments"])
    still_hidden = set(
        Comment.objects.select_for_update()
        .filter(pk__in=ids, state=State.HIDDEN)
        .exclude(pk__in=decided_since)
        .values_list("pk", flat=True)
    )
    restored = {pk: state for pk, state in before.items() if int(pk) in still_hidden}
    _changed_threads([int(pk) for pk in restored])
    for state in set(restored.values()):
        Comment.objects.filter(
            pk__in=[int(pk) for pk, old in restored.items() if old == state]
        ).update(state=state)
    return restored


def comment_branch_restore(*, comment: Comment, moderator, reason: str = "") -> int:
    """Undo the latest "hide branch" on ``comment``; return how many comments came back."""
    with transaction.atomic():
        entry = (
            AuditLogEntry.objects.filter(comment=comment, action=Action.HIDE_BRANCH)
            .order_by("-created_at", "-id")
            .first()
        )
        if entry is None:
            raise ValidationError("This comment's branch was never hidden.")
        restored = _restore_states(entry.details["comments"], decision=entry)
        if not restored:
            raise ValidationError("Nothing this branch hid is still hidden.")
        record_on(
            comment,
            actor=moderator,
            action=Action.RESTORE_BRANCH,
            reason=reason,
            details={"comments": restored, "undoes": entry.pk},
        )
    return len(restored)


def article_lock(*, article: Article, moderator, reason: str = "") -> Article:
    """Close an article's thread: no new comments, replies or edits."""
    return _set_comments_open(article, moderator, reason, is_open=False)


def article_unlock(*, article: Article, moderator, reason: str = "") -> Article:
    """Open a locked article's thread again."""
    return _set_comments_open(article, moderator, reason, is_open=True)


def _set_comments_open(article, moderator, reason, *, is_open):
    with transaction.atomic():
        changed = Article.objects.filter(pk=article.pk, comments_open=not is_open).update(
            comments_open=is_open
        )
        if not changed:
            raise ValidationError(
                "Comments on this article are already " + ("open." if is_open else "closed.")
            )
        record(
            actor=moderator,
            action=Action.UNLOCK if is_open else Action.LOCK,
            reason=reason,
            article=article,
        )
        # The thread's edit links depend on it.
        thread_changed(article.pk)
    article.comments_open = is_open
    return article


def _check_sanction(*, user, moderator, reason: str, kind) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the user is shown this reason."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep it under {REASON_MAX_LENGTH} characters."})
    if can_moderate(user):
        raise ValidationError("Moderators cannot be suspended or banned; remove their role first.")
    # One sanction decided at a time per user (the user's row locked until the transaction
    # ends): two moderators, or a double submit, never stack two bans.
    get_user_model().objects.select_for_update().get(pk=user.pk)
    active = UserSanction.objects.active().filter(user=user)
    if active.filter(kind=UserSanction.Kind.BAN).exists():
        raise ValidationError("This user is already banned.")
    if kind == UserSanction.Kind.SUSPENSION and active.exists():
        raise ValidationError("This user is already suspended; lift it first to change it.")
    return reason


def user_suspend(*, user, moderator, days: int, reason: str) -> UserSanction:
    """Stop ``user`` posting, editing and reporting for ``days`` days."""
    if not 1 <= days <= SUSPENSION_MAX_DAYS:
        raise ValidationError({"days": f"Suspend for 1 to {SUSPENSION_MAX_DAYS} days."})
    with transaction.atomic():
        reason = _check_sanction(
            user=user, moderator=moderator, reason=reason, kind=UserSanction.Kind.SUSPENSION
        )
        sanction = UserSanction.objects.create(
            user=user,
            kind=UserSanction.Kind.SUSPENSION,
            reason=reason,
            ends_at=timezone.now() + timedelta(days=days),
            created_by=moderator,
        )
        record(
            actor=moderator,
            action=Action.SUSPEND,
            reason=reason,
            target_user=user,
            details={"sanction": sanction.pk, "until": sanction.ends_at.isoformat()},
        )
    return sanction


def user_ban(*, user, moderator, reason: str, hide_comments: bool = False) -> UserSanction:
    """Stop ``user`` writing for good (until lifted); optionally hide all their comments at once."""
    with transaction.atomic():
        reason = _check_sanction(
            user=user, moderator=moderator, reason=reason, kind=UserSanction.Kind.BAN
        )
        hidden = {}
        if hide_comments:
            shown = Comment.objects.filter(author=user, state__in=[State.VISIBLE, State.PENDING])
            hidden = {str(pk): s for pk, s in shown.select_for_update().values_list("pk", "state")}
            _changed_threads([int(pk) for pk in hidden])
            shown.update(state=State.HIDDEN)
            _resolve_reports([int(pk) for pk in hidden], moderator)
        sanction = UserSanction.objects.create(
            user=user,
            kind=UserSanction.Kind.BAN,
            reason=reason,
            created_by=moderator,
            hidden_comments=hidden,
        )
        record(
            actor=moderator,
            action=Action.BAN,
            reason=reason,
            target_user=user,
            details={"sanction": sanction.pk, "hidden_comments": len(hidden)},
        )
    return sanction


def user_sanction_lift(
    *, sanction: UserSanction, moderator, reason: str = "", restore_comments: bool = True
) -> int:
    """End a suspension or ban now; bring back the comments a ban hid. Return how many."""
    with transaction.atomic():
        current = UserSanction.objects.select_for_update().get(pk=sanction.pk)
        if not UserSanction.objects.active().filter(pk=current.pk).exists():
            raise ValidationError(f"This {current.get_kind_display().lower()} has already ended.")
        current.lifted_at, current.lifted_by = timezone.now(), moderator
        current.save(update_fields=["lifted_at", "lifted_by"])
        restored = {}
        if restore_comments and current.hidden_comments:
            ban = AuditLogEntry.objects.get(action=Action.BAN, details__sanction=current.pk)
            restored = _restore_states(current.hidden_comments, decision=ban)
        record(
            actor=moderator,
            action=Action.LIFT,
            reason=reason,
            target_user_id=current.user_id,
            details={"sanction": current.pk, "restored_comments": len(restored)},
        )
    return len(restored)
