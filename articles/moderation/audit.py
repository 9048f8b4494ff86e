"""The audit log's writer, shared by the moderation services and the report services: every
decision is recorded in the transaction that makes it."""

from django.core.exceptions import ValidationError

from articles.models import AuditLogEntry, Comment

REASON_MAX_LENGTH = 500


def record(*, actor, action, reason="", **targets) -> AuditLogEntry:
    """Log ``action`` by ``actor`` (None for the site itself) on ``targets``, with a reason."""
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX_LENGTH} characters."})
    return AuditLogEntry.objects.create(actor=actor, action=action, reason=reason, **targets)


def record_on(comment: Comment, **entry) -> AuditLogEntry:
    """Log a decision on a comment against its article and its author too, so the log can be
    read per article and per member."""
    return record(
        comment=comment, article_id=comment.article_id, target_user_id=comment.author_id, **entry
    )
