"""Moderators' reads: the queue, a comment's review page, a member's record; and whether a reader
may report a comment."""

from datetime import timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone

from articles.models import (
    AuditLogEntry,
    Comment,
    CommentReport,
    UnreliableReporter,
    UserSanction,
)
from articles.permissions import can_report_comment
from articles.posting.antiabuse import active_sanction
from articles.threads.ancestors import nearest_ancestors


def reporter_in_good_standing(reporter: str = "reporter") -> Q:
    """Reports (or rows) whose ``reporter`` account counts towards holding a comment: older than
    ``REPORT_MIN_ACCOUNT_AGE`` days, with a visible comment, not suspended or banned, and not
    marked unreliable by a moderator. Three fresh accounts must not hide a comment."""
    joined_before = timezone.now() - timedelta(days=settings.REPORT_MIN_ACCOUNT_AGE)
    user = OuterRef(reporter)
    return (
        Q(**{f"{reporter}__date_joined__lte": joined_before})
        & Q(Exists(Comment.objects.filter(author=user, state=Comment.State.VISIBLE)))
        & ~Q(Exists(UserSanction.objects.active().filter(user=user)))
        & ~Q(Exists(UnreliableReporter.objects.filter(user=user)))
    )


def _open_reports_with_record():
    # Each open report with its reporter's record, for the queue: who reported, whether the
    # report counts, and what the reporter has done.
    reporter = OuterRef("reporter")
    return (
        CommentReport.objects.filter(resolved_at__isnull=True)
        .select_related("reporter", "reporter__unreliable_reporter")
        .annotate(
            counts=ExpressionWrapper(reporter_in_good_standing(), output_field=BooleanField()),
            reporter_visible=Subquery(
                Comment.objects.filter(author=reporter, state=Comment.State.VISIBLE)
                .order_by()
                .values("author")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            reporter_reports=Subquery(
                CommentReport.objects.filter(reporter=reporter)
                .order_by()
                .values("reporter")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            reporter_sanctioned=Exists(UserSanction.objects.active().filter(user=reporter)),
        )
    )


def moderation_queue():
    """Pending comments and shown comments with open reports, most-reported first, with their
    parent, article, author and open reports: the moderators' work list.
    """
    open_reports = Q(reports__resolved_at__isnull=True)
    return (
        Comment.objects.annotate(open_reports=Count("reports", filter=open_reports))
        .filter(Q(state=Comment.State.PENDING) | Q(state=Comment.State.VISIBLE, open_reports__gt=0))
        .select_related("article", "author", "parent", "parent__author")
        .prefetch_related(
            Prefetch("reports", queryset=_open_reports_with_record(), to_attr="open_report_list"),
        )
        .annotate(
            hold_reason=Subquery(
                AuditLogEntry.objects.filter(
                    comment=OuterRef("pk"),
                    action__in=[AuditLogEntry.Action.HOLD, AuditLogEntry.Action.AUTO_HIDE],
                )
                .order_by("-created_at")
                .values("reason")[:1]
            )
        )
        .order_by("-open_reports", "created_at", "pk")
    )


REVIEW_REPLIES_SHOWN = 200


def comment_review(comment: Comment) -> dict:
    """Everything a moderator weighs on a comment's admin page: the nearest comments above it
    (and the id of the one above those, if any), its first replies (each with its depth below
    it), earlier versions, reports and audit log.
    """
    around = Comment.objects.select_related("author").filter(tree_id=comment.tree_id)
    replies = list(
        around.filter(lft__gt=comment.lft, rght__lt=comment.rght).order_by("lft")[
            :REVIEW_REPLIES_SHOWN
        ]
    )
    for reply in replies:
        reply.depth_below = reply.level - comment.level
    ancestors = nearest_ancestors(comment).comments
    return {
        # The nearest few: all of them at depth 20,000 made a 2 MB page that took 12 s.
        "ancestors": ancestors,
        "above_ancestors": ancestors[0].parent_id if ancestors else None,
        "replies": replies,
        "reply_total": comment.reply_count,
        "revisions": list(comment.revisions.all()),
        "reports": list(comment.reports.select_related("reporter", "resolved_by")),
        "audit_entries": list(comment.audit_entries.select_related("actor")),
    }


def member_record(member) -> dict:
    """A user as moderators weigh them: the sanction in force, all their sanctions, whether
    their reports were found unreliable, how many of their comments are in each state, and their
    latest comments.
    """
    comments = Comment.objects.filter(author=member)
    return {
        "member": member,
        "sanction": active_sanction(member),
        "unreliable": UnreliableReporter.objects.filter(user=member)
        .select_related("marked_by")
        .first(),
        "sanctions": UserSanction.objects.filter(user=member).select_related(
            "created_by", "lifted_by"
        ),
        "counts": dict(
            comments.order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        ),
        "recent": comments.select_related("article").order_by("-created_at")[:20],
    }


def report_refusal(comment: Comment, reader) -> str:
    """Why ``reader`` cannot report ``comment`` (already reported, their own, suspended), or ""
    when they can; the report page shows it instead of the form."""
    if CommentReport.objects.filter(comment=comment, reporter=reader).exists():
        return "You have already reported this comment: a moderator will look at it."
    sanction = active_sanction(reader)
    own = comment.author_id == reader.pk
    if not can_report_comment(comment.state, own=own, sanctioned=sanction is not None):
        if own:
            return "You cannot report your own comment."
        return sanction.message if sanction is not None else "This comment is no longer shown."
    return ""
