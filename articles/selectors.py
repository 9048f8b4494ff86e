"""Reads: the queries behind each page, one place to look for their cost."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from articles.antiabuse import active_sanction
from articles.models import Article, AuditLogEntry, Comment, CommentReport, UserSanction
from articles.permissions import can_moderate, may_moderate_expression

_THREAD_FIELDS = (
    "id",
    "article_id",
    "parent_id",
    "title",
    "body_html",
    "author_id",
    "author__username",
    "author_name",
    "created_at",
    "state",
    "edited_at",
    "tree_id",
    "lft",
    "rght",
    "level",
)


# What readers see in place of a comment that is not shown but still has replies shown.
TOMBSTONES = {
    Comment.State.PENDING: "[awaiting review]",
    Comment.State.HIDDEN: "[hidden by a moderator]",
    Comment.State.REMOVED: "[removed by a moderator]",
    Comment.State.DELETED: "[deleted by its author]",
}


@dataclass(frozen=True)
class Viewer:
    """Who reads a page: decides which comments show, and which tools the page offers."""

    user_id: int | None = None
    may_moderate: bool = False
    # The suspension or ban that stops this user writing, if any.
    sanction: UserSanction | None = None


ANONYMOUS = Viewer()


def viewer_for(user) -> Viewer:
    """The Viewer for ``user``, in its own queries (pages that fold them in use viewer_from)."""
    if not user.is_authenticated:
        return ANONYMOUS
    return Viewer(user.pk, can_moderate(user), active_sanction(user))


@dataclass
class Thread:
    """Comments in tree order, each marked with how many nesting levels close after it.

    Holds only what the viewer is shown: comments they may read, and tombstones for the others
    that still have replies shown below them.
    """

    comments: list[Comment]
    # Visible comments only: not tombstones, nor what only a moderator or its author sees.
    visible_count: int = 0

    def __len__(self):
        return len(self.comments)


def _thread_queryset():
    return Comment.objects.select_related("author").only(*_THREAD_FIELDS).in_thread_order()


def _mark_closers(comments: list[Comment]) -> Thread:
    # The page nests replies inside their parent's element, but is rendered in one flat loop:
    # after a leaf, close as many open reply lists as the next comment climbs back up. Leaves
    # are read from the list, not from lft/rght: a comment whose replies were all dropped from
    # the page is a leaf here.
    if comments:
        base = comments[0].level
        for current, following in zip(comments, [*comments[1:], None], strict=True):
            next_level = base if following is None else following.level
            current.has_replies = next_level > current.level
            climb = 0 if current.has_replies else current.level - next_level
            current.closers = range(climb)
    return Thread(comments)


def _shown(comment: Comment, viewer: Viewer) -> bool:
    own = comment.author_id is not None and comment.author_id == viewer.user_id
    return (
        comment.state == Comment.State.VISIBLE
        or viewer.may_moderate
        or (own and comment.state == Comment.State.PENDING)
    )


def _label(comment: Comment, viewer: Viewer, edit_until=None) -> None:
    # What the templates need to know about one comment for this viewer.
    own = comment.author_id is not None and comment.author_id == viewer.user_id
    comment.is_own = own
    comment.awaiting_review = own and comment.state == Comment.State.PENDING
    comment.show_text = _shown(comment, viewer)
    comment.tombstone = "" if comment.awaiting_review else TOMBSTONES.get(comment.state, "")
    # edit_until: comments posted after it may still be edited (None: none may, thread closed).
    comment.editable = (
        own
        and edit_until is not None
        and viewer.sanction is None
        and comment.state in (Comment.State.VISIBLE, Comment.State.PENDING)
        and comment.created_at > edit_until
    )
    if not comment.show_text:
        # Nothing of a tombstone's text reaches the template, whatever it renders.
        comment.title = comment.body_html = comment.author_name = ""
        comment.author = comment.author_id = None


def _for_viewer(comments: list[Comment], viewer: Viewer, *, is_open=True, keep=None) -> Thread:
    # One reverse pass over the (tree_id, lft) order sees every reply before its parent, so a
    # comment not shown to this viewer is kept, as a tombstone, exactly when something below it
    # is kept. ``keep`` is a comment kept whatever (a permalink's own comment).
    edit_until = None
    if is_open:
        edit_until = timezone.now() - timedelta(minutes=settings.COMMENT_EDIT_WINDOW_MINUTES)
    shown_below: dict[int | None, int] = {}  # comment id -> replies shown with their text
    has_kept_reply: set[int] = set()
    kept: list[Comment] = []
    for comment in reversed(comments):
        shown = _shown(comment, viewer)
        if not (shown or comment.pk in has_kept_reply or comment.pk == keep):
            continue
        comment.shown_reply_count = shown_below.get(comment.pk, 0)
        shown_below[comment.parent_id] = (
            shown_below.get(comment.parent_id, 0) + comment.shown_reply_count + shown
        )
        has_kept_reply.add(comment.parent_id)
        _label(comment, viewer, edit_until)
        kept.append(comment)
    kept.reverse()
    thread = _mark_closers(kept)
    thread.visible_count = sum(comment.is_visible for comment in kept)
    return thread


def article_list():
    """Articles newest first, each with its visible comment count, in one query."""
    return Article.objects.with_comment_counts().order_by("-published_at", "-id")


def thread_for_article(article: Article, viewer: Viewer = ANONYMOUS) -> Thread:
    """The whole comment tree of an article from one query ordered by (tree_id, lft).

    Tombstones and dropped comments are worked out in Python from that one query, so the cost
    of the page does not depend on how much was moderated.
    """
    comments = list(_thread_queryset().filter(article=article))
    return _for_viewer(comments, viewer, is_open=article.comments_open)


def subthread_for_comment(comment: Comment, viewer: Viewer = ANONYMOUS) -> Thread:
    """A comment and all its replies, in tree order (the comment itself at least a tombstone)."""
    comments = list(
        _thread_queryset().filter(
            tree_id=comment.tree_id, lft__gte=comment.lft, rght__lte=comment.rght
        )
    )
    return _for_viewer(comments, viewer, is_open=comment.article.comments_open, keep=comment.pk)


def comment_ancestors(comment: Comment, viewer: Viewer = ANONYMOUS) -> list[Comment]:
    """The comments above ``comment``, top-level first: the context of a permalink."""
    ancestors = list(
        _thread_queryset().filter(
            tree_id=comment.tree_id, lft__lt=comment.lft, rght__gt=comment.rght
        )
    )
    for ancestor in ancestors:
        _label(ancestor, viewer)
    return ancestors


def articles_for_viewer(user):
    """Articles annotated with what ``user`` may do there, so that the article page needs no
    queries of its own for it: ``viewer_may_moderate`` and the active sanction's fields.
    """
    articles = Article.objects.all()
    if not user.is_authenticated:
        return articles
    sanction = UserSanction.objects.in_force_for(user.pk)
    return articles.annotate(
        viewer_may_moderate=may_moderate_expression(user),
        viewer_sanction_kind=Subquery(sanction.values("kind")[:1]),
        viewer_sanction_ends_at=Subquery(sanction.values("ends_at")[:1]),
        viewer_sanction_reason=Subquery(sanction.values("reason")[:1]),
    )


def viewer_from(article: Article, user) -> Viewer:
    """The Viewer for ``user`` from an article fetched through :func:`articles_for_viewer`."""
    if not user.is_authenticated:
        return ANONYMOUS
    sanction = None
    if article.viewer_sanction_kind:
        sanction = UserSanction(
            user_id=user.pk,
            kind=article.viewer_sanction_kind,
            ends_at=article.viewer_sanction_ends_at,
            reason=article.viewer_sanction_reason,
        )
    return Viewer(user.pk, article.viewer_may_moderate, sanction)


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
            Prefetch(
                "reports",
                queryset=CommentReport.objects.filter(resolved_at__isnull=True).select_related(
                    "reporter"
                ),
                to_attr="open_report_list",
            ),
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
    """Everything a moderator weighs on a comment's admin page: the comments above it, its
    first replies (each with its depth below it), earlier versions, reports and audit log.
    """
    around = Comment.objects.select_related("author").filter(tree_id=comment.tree_id)
    replies = list(
        around.filter(lft__gt=comment.lft, rght__lt=comment.rght).order_by("lft")[
            :REVIEW_REPLIES_SHOWN
        ]
    )
    for reply in replies:
        reply.depth_below = reply.level - comment.level
    return {
        "ancestors": list(
            around.filter(lft__lt=comment.lft, rght__gt=comment.rght).order_by("lft")
        ),
        "replies": replies,
        "reply_total": comment.reply_count,
        "revisions": list(comment.revisions.all()),
        "reports": list(comment.reports.select_related("reporter", "resolved_by")),
        "audit_entries": list(comment.audit_entries.select_related("actor")),
    }


def member_record(member) -> dict:
    """A user as moderators weigh them: the sanction in force, all their sanctions, how many of
    their comments are in each state, and their latest comments.
    """
    comments = Comment.objects.filter(author=member)
    return {
        "member": member,
        "sanction": active_sanction(member),
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
