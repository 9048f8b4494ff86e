"""Reads: the queries behind each page, one place to look for their cost."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone

from articles.antiabuse import active_sanction
from articles.models import (
    Article,
    AuditLogEntry,
    Comment,
    CommentReport,
    UserSanction,
    origin_name,
)
from articles.permissions import may_moderate_expression

# How top-level threads can be ordered (the ``sort`` parameter of an article page). Tree ids come
# from a sequence, so they give the order threads were started in.
THREAD_SORTS = {
    "oldest": "Oldest",
    "newest": "Newest",
    "replies": "Most replies",
}
DEFAULT_SORT = "oldest"

# Plain strings, as the thread's rows hold them: cheaper to compare than the enum members.
VISIBLE = Comment.State.VISIBLE.value
PENDING = Comment.State.PENDING.value

# What readers see in place of a comment that is not shown but still has replies shown; what
# moderators see above such a comment's text.
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


def for_viewer(queryset, user):
    """``queryset`` (articles or comments) annotated with what ``user`` may do, so that a page
    needs no queries of its own for it: ``viewer_may_moderate`` and the active sanction's fields.
    Read them back with :func:`viewer_from`.
    """
    if not user.is_authenticated:
        return queryset
    sanction = UserSanction.objects.in_force_for(user.pk)
    return queryset.annotate(
        viewer_may_moderate=may_moderate_expression(user),
        viewer_sanction_kind=Subquery(sanction.values("kind")[:1]),
        viewer_sanction_ends_at=Subquery(sanction.values("ends_at")[:1]),
        viewer_sanction_reason=Subquery(sanction.values("reason")[:1]),
    )


def articles_for_viewer(user):
    """Articles annotated for ``user`` by :func:`for_viewer` (the article page)."""
    return for_viewer(Article.objects.all(), user)


def viewer_from(obj, user) -> Viewer:
    """The Viewer for ``user`` from an object fetched through :func:`for_viewer`."""
    if not user.is_authenticated:
        return ANONYMOUS
    sanction = None
    if obj.viewer_sanction_kind:
        sanction = UserSanction(
            user_id=user.pk,
            kind=obj.viewer_sanction_kind,
            ends_at=obj.viewer_sanction_ends_at,
            reason=obj.viewer_sanction_reason,
        )
    return Viewer(user.pk, obj.viewer_may_moderate, sanction)


@dataclass(slots=True)
class ThreadComment:
    """A comment as a thread shows it: plain values rather than a model instance (a page may
    hold 10,000 of them), and its place in the nesting.

    The last fields are set for one viewer by the selector: a comment the viewer may not read is
    a tombstone (``shown`` False, its title, author and text blanked) when something below it is
    shown, and is left out of the thread otherwise.
    """

    pk: int
    title: str
    body_html: str
    author: str
    created_iso: str
    created_display: str
    import_key: str | None
    tree_id: int
    lft: int
    rght: int
    level: int
    parent_id: int | None
    author_id: int | None
    state: str
    edited: bool
    recent: bool  # posted less than COMMENT_EDIT_WINDOW_MINUTES ago
    opens: bool = False  # its replies follow, inside its element
    closers: int = 0  # reply lists that close after it
    continues: bool = False  # it has replies deeper than the depth cap: link to its own page
    replies: int = 0  # replies shown below it, and all of those past the depth cap
    shown: bool = True  # its text is shown; False: a tombstone
    label: str = ""  # a tombstone's text, or (for moderators) the state of a hidden comment
    own: bool = False  # written by the viewer
    editable: bool = False  # the viewer may edit it now
    deletable: bool = False  # the viewer may delete it

    @property
    def origin(self) -> str:
        """The archive an imported comment came from ("Disqus"), or ""."""
        return origin_name(self.import_key)

    @property
    def awaiting_review(self) -> bool:
        return self.own and self.state == PENDING

    @property
    def has_replies(self) -> bool:
        """Whether it has replies at all (whatever their state), from lft/rght."""
        return self.rght - self.lft > 1


@dataclass
class Thread:
    """Comments in tree order, each marked with how many nesting levels close after it."""

    comments: list[ThreadComment]

    def __len__(self):
        return len(self.comments)


@dataclass
class ThreadPage(Thread):
    """Some of an article's top-level threads, each whole down to the depth cap.

    Counts are of what readers see: ``threads`` counts the threads with at least one visible
    comment (and, for a signed-in reader, their own pending ones; for a moderator, every
    thread), ``total`` the article's visible comments.
    """

    sort: str
    number: int | None  # None: every thread on one page
    threads: int  # top-level threads of the article shown to this viewer
    total: int  # visible comments of the article
    first_thread: int  # position of the page's first thread, from 1
    thread_count: int  # threads on this page

    @property
    def last_thread(self) -> int:
        return self.first_thread + self.thread_count - 1

    @property
    def threads_after(self) -> int:
        return self.threads - self.last_thread

    @property
    def has_next(self) -> bool:
        return self.number is not None and self.threads_after > 0


# The thread queries are written in SQL: built through the ORM, the one visibility-aware query
# of an article page cost about 11 ms of Python for 2 ms in PostgreSQL, most of a page's time.
# Timestamps are formatted by PostgreSQL too: reading a timestamptz into a Python datetime costs
# psycopg about 4 µs a row, a third of the time of a 10,000-comment page.
_THREAD_COLUMNS_SQL = """
    c.id, c.title, c.body_html,
    COALESCE(u.username, NULLIF(c.author_name, ''), 'Anonymous'),
    to_char(timezone('UTC', c.created_at), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    to_char(timezone(%(zone)s, c.created_at), 'FMDD Mon YYYY, HH24:MI'),
    c.import_key, c.tree_id, c.lft, c.rght, c.level, c.parent_id, c.author_id, c.state,
    c.edited_at IS NOT NULL, c.created_at > %(edit_since)s"""
_THREAD_COLUMN_COUNT = 16  # the fields of ThreadComment read from the query, in its order


def _shown_sql(viewer: Viewer, root: str) -> str:
    """SQL true when the thread of top-level row ``root`` shows this viewer anything: a visible
    comment, or one of the viewer's own pending ones; everything for moderators."""
    if viewer.may_moderate:
        return "TRUE"
    # The first test spares the subquery for the common case, a visible top-level comment.
    shown = (
        f"{root}.state = 'visible' OR EXISTS (SELECT 1 FROM articles_comment s"
        f" WHERE s.tree_id = {root}.tree_id AND s.state = 'visible')"
    )
    if viewer.user_id is not None:
        shown += (
            " OR EXISTS (SELECT 1 FROM articles_comment s WHERE s.tree_id ="
            f" {root}.tree_id AND s.state = 'pending' AND s.author_id = %(user)s)"
        )
    return f"({shown})"


def _visible_sql(root: str) -> str:
    """SQL for the visible comments of top-level row ``root``'s thread: its size from lft/rght
    minus its moderated comments (few: the partial index comment_not_visible_idx holds them)."""
    return (
        f"(({root}.rght - {root}.lft + 1) / 2 - (SELECT count(*) FROM articles_comment n"
        f" WHERE n.article_id = %(article)s AND n.state <> 'visible'"
        f" AND n.tree_id = {root}.tree_id))"
    )


_ROOT_ORDER_SQL = {
    "oldest": "r.tree_id",
    "newest": "r.tree_id DESC",
    "replies": _visible_sql("r") + " DESC, r.tree_id",
}


def _thread_params(**params) -> dict:
    edit_since = timezone.now() - timedelta(minutes=settings.COMMENT_EDIT_WINDOW_MINUTES)
    return {"zone": timezone.get_current_timezone_name(), "edit_since": edit_since, **params}


def _thread_rows(where: str, params: dict, extra: str = "") -> list[tuple]:
    """The comments matching ``where`` (SQL on ``c``) as value tuples for ThreadComment, then the
    ``extra`` columns, in (tree_id, lft) order."""
    sql = (
        f"SELECT {_THREAD_COLUMNS_SQL}{extra} FROM articles_comment c"
        f" LEFT JOIN auth_user u ON u.id = c.author_id WHERE {where} ORDER BY c.tree_id, c.lft"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _for_viewer(
    comments: list[ThreadComment],
    viewer: Viewer,
    *,
    base_level: int,
    is_open: bool,
    keep: int | None = None,
) -> list[ThreadComment]:
    # One reverse pass over the (tree_id, lft) order sees every reply before its parent, so a
    # comment the viewer may not read is kept, as a tombstone, exactly when something below it
    # is kept. Below the depth cap nothing was read: a comment there with replies is kept in case
    # one of them is shown (its "continue" link leads to them). ``keep`` is kept whatever (a
    # permalink's own comment). The result is still a pre-order walk of whole subtrees, which
    # _mark_closers needs.
    cap_level = base_level + settings.THREAD_MAX_DEPTH - 1
    may_edit = is_open and viewer.sanction is None
    user_id, may_moderate = viewer.user_id, viewer.may_moderate
    shown_below: dict[int | None, int] = {}  # comment id -> replies shown below it
    kept: list[ThreadComment] = []
    for c in reversed(comments):
        state = c.state
        own = user_id is not None and c.author_id == user_id
        beyond_cap = c.level == cap_level and c.rght - c.lft > 1
        shown = True
        if state != VISIBLE:
            shown = may_moderate or (own and state == PENDING)
            if not (shown or beyond_cap or c.pk in shown_below or c.pk == keep):
                continue
            c.label = "" if own and state == PENDING else TOMBSTONES[state]
            if not shown:
                # Nothing of a tombstone's text reaches the renderer.
                c.shown = False
                c.title = c.body_html = c.author = ""
                c.import_key = c.author_id = None
        replies = (c.rght - c.lft - 1) // 2 if beyond_cap else shown_below.get(c.pk, 0)
        c.replies = replies
        shown_below[c.parent_id] = shown_below.get(c.parent_id, 0) + replies + shown
        if own and shown:
            c.own = True
            c.deletable = state in (VISIBLE, PENDING)
            c.editable = c.deletable and may_edit and c.recent
        kept.append(c)
    kept.reverse()
    return kept


def _mark_closers(comments: list[ThreadComment], base_level: int) -> None:
    # The page nests replies inside their parent's element, but is rendered in one flat loop:
    # a comment followed by a deeper one opens a reply list; otherwise it closes as many open
    # reply lists as the next comment climbs back up.
    last_shown_level = base_level + settings.THREAD_MAX_DEPTH - 1
    following_comments = [*comments[1:], None] if comments else []
    for current, following in zip(comments, following_comments, strict=True):
        next_level = base_level if following is None else following.level
        current.opens = next_level > current.level
        current.closers = 0 if current.opens else current.level - next_level
        current.continues = current.level == last_shown_level and current.rght - current.lft > 1


def thread_sort(value: str | None) -> str:
    """The sort order named by a request parameter; an unknown name means the default."""
    return value if value in THREAD_SORTS else DEFAULT_SORT


def thread_page(
    article: Article,
    *,
    sort: str = DEFAULT_SORT,
    number: int | None = 1,
    viewer: Viewer = ANONYMOUS,
) -> ThreadPage:
    """Page ``number`` of an article's top-level threads in ``sort`` order (None: all of them),
    each with its replies down to the depth cap, as ``viewer`` may see them.

    One query whatever the thread's size or how much of it was moderated: the comments of the
    page's threads in tree order (the page's threads chosen by a subquery), the article's totals
    alongside. Tombstones and dropped comments are then worked out in Python.
    """
    shown = _shown_sql(viewer, "r")
    extra = ["threads", "total"]
    columns = (
        ", (SELECT count(*) FROM articles_comment r WHERE r.article_id = %(article)s"
        f" AND r.parent_id IS NULL AND {shown})"
        ", (SELECT coalesce(sum((r.rght - r.lft + 1) / 2), 0) FROM articles_comment r"
        " WHERE r.article_id = %(article)s AND r.parent_id IS NULL)"
        " - (SELECT count(*) FROM articles_comment n WHERE n.article_id = %(article)s"
        " AND n.state <> 'visible')"
    )
    if sort == "replies":
        # Only top-level rows need it, to put the page's threads in order.
        columns += f", CASE WHEN c.parent_id IS NULL THEN {_visible_sql('c')} END"
        extra.append("thread_visible")
    where = "c.article_id = %(article)s AND c.level < %(depth)s"
    params = _thread_params(
        article=article.pk, user=viewer.user_id, depth=settings.THREAD_MAX_DEPTH
    )
    first = 0
    if number is not None:
        first = (number - 1) * settings.THREAD_PAGE_SIZE
        where += (
            " AND c.tree_id IN (SELECT r.tree_id FROM articles_comment r"
            f" WHERE r.article_id = %(article)s AND r.parent_id IS NULL AND {shown}"
            f" ORDER BY {_ROOT_ORDER_SQL[sort]} LIMIT %(limit)s OFFSET %(offset)s)"
        )
        params.update(limit=settings.THREAD_PAGE_SIZE, offset=first)
    elif not viewer.may_moderate:
        # Every thread: rather than a subquery picking them (PostgreSQL then sorts the whole
        # discussion), each top-level row says whether its thread is shown.
        columns += f", CASE WHEN c.parent_id IS NULL THEN {_shown_sql(viewer, 'c')} END"
        extra.append("thread_shown")
    rows = _thread_rows(where, params, columns)
    size = _THREAD_COLUMN_COUNT
    comments = [ThreadComment(*row[:size]) for row in rows]
    if sort != "oldest" or "thread_shown" in extra:
        # Regroup the threads (the rows come in tree id order), leaving out those not shown.
        by_tree = defaultdict(list)
        roots = {}  # tree id -> its top-level row
        for comment, row in zip(comments, rows, strict=True):
            by_tree[comment.tree_id].append(comment)
            if comment.parent_id is None:
                roots[comment.tree_id] = row
        order = list(by_tree)
        if "thread_shown" in extra:
            shown_at = size + extra.index("thread_shown")
            order = [tree_id for tree_id in order if roots[tree_id][shown_at]]
        if sort == "newest":
            order.reverse()
        elif sort == "replies":
            visible_at = size + extra.index("thread_visible")
            order.sort(key=lambda tree_id: (-roots[tree_id][visible_at], tree_id))
        comments = [comment for tree_id in order for comment in by_tree[tree_id]]
    thread_count = len({comment.tree_id for comment in comments})
    comments = _for_viewer(comments, viewer, base_level=0, is_open=article.comments_open)
    _mark_closers(comments, base_level=0)
    threads_total, total = rows[0][size : size + 2] if rows else (0, 0)
    return ThreadPage(
        comments=comments,
        sort=sort,
        number=number,
        threads=threads_total,
        total=total,
        first_thread=first + 1,
        thread_count=thread_count,
    )


def thread_page_number(
    comment: Comment, *, sort: str = DEFAULT_SORT, viewer: Viewer = ANONYMOUS
) -> int:
    """The page of its article, in ``sort`` order, that holds ``comment``'s thread for
    ``viewer`` (one query)."""
    if sort == "oldest":
        before = "r.tree_id < %(tree)s"
    elif sort == "newest":
        before = "r.tree_id > %(tree)s"
    else:
        own = (
            f"(SELECT {_visible_sql('x')} FROM articles_comment x WHERE x.article_id = %(article)s"
            f" AND x.parent_id IS NULL AND x.tree_id = %(tree)s AND {_shown_sql(viewer, 'x')})"
        )
        before = (
            f"({_visible_sql('r')} > {own}"
            f" OR ({_visible_sql('r')} = {own} AND r.tree_id < %(tree)s))"
        )
    sql = (
        "SELECT count(*) FROM articles_comment r WHERE r.article_id = %(article)s"
        f" AND r.parent_id IS NULL AND {_shown_sql(viewer, 'r')} AND {before}"
    )
    params = {"article": comment.article_id, "tree": comment.tree_id, "user": viewer.user_id}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (before_count,) = cursor.fetchone()
    return before_count // settings.THREAD_PAGE_SIZE + 1


def article_list():
    """Articles newest first, each with its visible comment count, in one query."""
    return Article.objects.with_comment_counts().order_by("-published_at", "-id")


def subthread_for_comment(comment: Comment, viewer: Viewer = ANONYMOUS) -> Thread:
    """A comment and its replies down to the depth cap (counted from it), in tree order, as
    ``viewer`` may see them (the comment itself at least as a tombstone)."""
    rows = _thread_rows(
        "c.tree_id = %(tree)s AND c.lft >= %(lft)s AND c.rght <= %(rght)s AND c.level < %(depth)s",
        _thread_params(
            tree=comment.tree_id,
            lft=comment.lft,
            rght=comment.rght,
            depth=comment.level + settings.THREAD_MAX_DEPTH,
        ),
    )
    comments = _for_viewer(
        [ThreadComment(*row) for row in rows],
        viewer,
        base_level=comment.level,
        is_open=comment.article.comments_open,
        keep=comment.pk,
    )
    _mark_closers(comments, base_level=comment.level)
    return Thread(comments)


def comment_ancestors(comment: Comment, viewer: Viewer = ANONYMOUS) -> list[Comment]:
    """The comments above ``comment``, top-level first: the context of a permalink. Each has
    ``show_text`` (may this viewer read it) and ``tombstone`` (what stands in its place, or the
    state a moderator sees above its text)."""
    ancestors = list(
        Comment.objects.select_related("author")
        .filter(tree_id=comment.tree_id, lft__lt=comment.lft, rght__gt=comment.rght)
        .order_by("lft")
    )
    for ancestor in ancestors:
        own = ancestor.author_id is not None and ancestor.author_id == viewer.user_id
        awaiting_review = own and ancestor.state == PENDING
        ancestor.show_text = ancestor.is_visible or viewer.may_moderate or awaiting_review
        ancestor.tombstone = "" if awaiting_review else TOMBSTONES.get(ancestor.state, "")
    return ancestors


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
