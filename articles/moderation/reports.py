"""Readers' reports: filing one, and trusting a reader's reports again after a moderator found
them unreliable (the mark itself is made when dismissing reports, ``services.comment_approve``).

Like the moderation services, each function is keyword-only, runs in one transaction with its
audit-log row, and raises ``ValidationError`` when the change does not apply.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import AuditLogEntry, Comment, CommentReport, UnreliableReporter
from articles.moderation.audit import REASON_MAX_LENGTH, record, record_on
from articles.moderation.selectors import reporter_in_good_standing
from articles.permissions import can_report_comment
from articles.posting import antiabuse, text_policy
from articles.threads.cache import thread_changed

State = Comment.State
Action = AuditLogEntry.Action


def comment_report(*, comment: Comment, reporter, reason: str, text: str = "") -> CommentReport:
    """A reader reports a comment, once; enough open reports from readers in good standing
    (``reporter_in_good_standing``) hold it pending for a moderator."""
    text = text_policy.remove_controls(text).strip()
    if reason not in CommentReport.Reason.values:
        raise ValidationError({"reason": "Choose why you are reporting this comment."})
    if reason == CommentReport.Reason.OTHER and not text:
        raise ValidationError({"text": "Say what is wrong with this comment."})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError({"text": f"Keep it under {REASON_MAX_LENGTH} characters."})
    # The rule is permissions.can_report_comment; each part is checked on its own to say why.
    if comment.author_id == reporter.pk:
        raise ValidationError("You cannot report your own comment.")
    with transaction.atomic():
        # The comment's row locked until the transaction ends, as for a moderator's decision.
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if not can_report_comment(current.state, own=False, sanctioned=False):
            raise ValidationError("This comment is no longer shown.")
        antiabuse.ensure_may_write(reporter)
        if CommentReport.objects.filter(comment=current, reporter=reporter).exists():
            raise ValidationError("You have already reported this comment.")
        report = CommentReport.objects.create(
            comment=current, reporter=reporter, reason=reason, text=text
        )
        threshold = settings.MODERATION_AUTO_HIDE_REPORTS
        counted = (
            current.reports.filter(resolved_at__isnull=True)
            .filter(reporter_in_good_standing())
            .count()
            if threshold
            else 0
        )
        if threshold and counted >= threshold:
            Comment.objects.filter(pk=current.pk).update(state=State.PENDING)
            record_on(
                current,
                actor=None,
                action=Action.AUTO_HIDE,
                reason=f"{counted} open reports from readers in good standing.",
                details={"from": State.VISIBLE, "to": State.PENDING},
            )
            thread_changed(current.article_id)
    return report


def reporter_trust_restore(*, user, moderator, reason: str = "") -> None:
    """Undo an "unreliable" mark: the reader's reports count towards holding comments again."""
    with transaction.atomic():
        if not UnreliableReporter.objects.filter(user=user).delete()[0]:
            raise ValidationError("This reader's reports already count.")
        record(actor=moderator, action=Action.RELIABLE, reason=reason, target_user=user)
