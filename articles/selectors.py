"""Reads: the queries behind each page, one place to look for their cost."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Count, F, Func, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from articles.models import Article, Comment, origin_name

# How top-level threads can be ordered (the ``sort`` parameter of an article page). Tree ids come
# from a sequence, so they give the order threads were started in.
THREAD_SORTS = {
    "oldest": "Oldest",
    "newest": "Newest",
    "replies": "Most replies",
}
DEFAULT_SORT = "oldest"
_ROOT_ORDER = {
    "oldest": ("tree_id",),
    "newest": ("-tree_id",),
    "replies": ("-size", "tree_id"),
}


@dataclass(slots=True)
class ThreadComment:
    """A comment as a thread shows it: plain values rather than a model instance (a page may
    hold 10,000 of them), and its place in the nesting."""

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
    opens: bool = False  # its replies follow, inside its element
    closers: int = 0  # reply lists that close after it
    continues: bool = False  # it has replies deeper than the depth cap: link to its own page

    @property
    def origin(self) -> str:
        """The archive an imported comment came from ("Disqus"), or ""."""
        return origin_name(self.import_key)

    @property
    def reply_count(self) -> int:
        """Descendants in this subtree, read from lft/rght without a query."""
        return (self.rght - self.lft - 1) // 2


@dataclass
class Thread:
    """Comments in tree order, each marked with how many nesting levels close after it."""

    comments: list[ThreadComment]

    def __len__(self):
        return len(self.comments)


@dataclass
class ThreadPage(Thread):
    """Some of an article's top-level threads, each whole down to the depth cap."""

    sort: str
    number: int | None  # None: every thread on one page
    threads: int  # top-level threads of the article
    total: int  # comments of the article
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


def _timestamp_text(field: str, zone: str, pattern: str) -> Func:
    # Formatted by PostgreSQL: reading a timestamptz into a Python datetime costs psycopg about
    # 4 µs a row, a third of the time of a 10,000-comment page.
    return Func(
        Func(Value(zone), F(field), function="timezone"),
        Value(pattern),
        function="to_char",
        output_field=CharField(),
    )


def _thread_rows(queryset) -> list[ThreadComment]:
    """``queryset``'s comments as ThreadComments, in (tree_id, lft) order, from one query."""
    rows = (
        queryset.annotate(
            author_display=Coalesce(
                "author__username", NullIf("author_name", Value("")), Value("Anonymous")
            ),
            created_iso=_timestamp_text("created_at", "UTC", 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            created_display=_timestamp_text(
                "created_at", timezone.get_current_timezone_name(), "FMDD Mon YYYY, HH24:MI"
            ),
        )
        .order_by("tree_id", "lft")
        .values_list(
            "id",
            "title",
            "body_html",
            "author_display",
            "created_iso",
            "created_display",
            "import_key",
            "tree_id",
            "lft",
            "rght",
            "level",
        )
    )
    return [ThreadComment(*row) for row in rows]


def _mark_closers(comments: list[ThreadComment], base_level: int) -> None:
    # The page nests replies inside their parent's element, but is rendered in one flat loop:
    # a comment followed by a deeper one opens a reply list; otherwise it closes as many open
    # reply lists as the next comment climbs back up.
    last_shown_level = base_level + settings.THREAD_MAX_DEPTH - 1
    for current, following in zip(comments, [*comments[1:], None], strict=True):
        next_level = base_level if following is None else following.level
        current.opens = next_level > current.level
        current.closers = 0 if current.opens else current.level - next_level
        current.continues = current.level == last_shown_level and current.rght - current.lft > 1


def _shown_levels(base_level: int) -> Q:
    return Q(level__lt=base_level + settings.THREAD_MAX_DEPTH)


def thread_sort(value: str | None) -> str:
    """The sort order named by a request parameter; an unknown name means the default."""
    return value if value in THREAD_SORTS else DEFAULT_SORT


def _roots(article_id: int):
    return Comment.objects.filter(article_id=article_id, parent=None)


def _with_size(roots):
    return roots.annotate(size=F("rght") - F("lft"))


def thread_page(
    article: Article, *, sort: str = DEFAULT_SORT, number: int | None = 1
) -> ThreadPage:
    """Page ``number`` of an article's top-level threads in ``sort`` order (None: all of them),
    each with its replies down to the depth cap, from two queries whatever the thread's size:
    the page's thread ids with the article's totals, then their comments in tree order.
    """
    roots = (
        _with_size(_roots(article.pk))
        .annotate(threads=Window(Count("*")), total=Window(Sum((F("rght") - F("lft") + 1) / 2)))
        .order_by(*_ROOT_ORDER[sort])
        .values_list("tree_id", "threads", "total")
    )
    first = 0
    if number is not None:
        first = (number - 1) * settings.THREAD_PAGE_SIZE
        roots = roots[first : first + settings.THREAD_PAGE_SIZE]
    root_rows = list(roots)
    tree_ids = [tree_id for tree_id, _, _ in root_rows]
    comments = []
    if tree_ids:
        rows = Comment.objects.filter(_shown_levels(0))
        rows = (
            rows.filter(article=article)
            if number is None
            else rows.filter(article=article, tree_id__in=tree_ids)
        )
        by_tree = defaultdict(list)
        for comment in _thread_rows(rows):
            by_tree[comment.tree_id].append(comment)
        comments = [comment for tree_id in tree_ids for comment in by_tree[tree_id]]
        _mark_closers(comments, base_level=0)
    threads, total = (root_rows[0][1], root_rows[0][2]) if root_rows else (0, 0)
    return ThreadPage(
        comments=comments,
        sort=sort,
        number=number,
        threads=threads,
        total=total,
        first_thread=first + 1,
        thread_count=len(tree_ids),
    )


def thread_page_number(comment: Comment, *, sort: str = DEFAULT_SORT) -> int:
    """The page of its article, in ``sort`` order, that holds ``comment``'s thread (one query)."""
    roots = _roots(comment.article_id)
    if sort == "oldest":
        before = Q(tree_id__lt=comment.tree_id)
    elif sort == "newest":
        before = Q(tree_id__gt=comment.tree_id)
    else:
        roots = _with_size(roots)
        size = Subquery(roots.filter(tree_id=comment.tree_id).values("size")[:1])
        before = Q(size__gt=size) | Q(size=size, tree_id__lt=comment.tree_id)
    return roots.filter(before).count() // settings.THREAD_PAGE_SIZE + 1


def article_list():
    """Articles newest first, each with its visible comment count, in one query."""
    return Article.objects.with_comment_counts().order_by("-published_at", "-id")


def subthread_for_comment(comment: Comment) -> Thread:
    """A comment and its replies down to the depth cap (counted from it), in tree order."""
    comments = _thread_rows(
        Comment.objects.filter(
            _shown_levels(comment.level),
            tree_id=comment.tree_id,
            lft__gte=comment.lft,
            rght__lte=comment.rght,
        )
    )
    _mark_closers(comments, base_level=comment.level)
    return Thread(comments)


def comment_ancestors(comment: Comment) -> list[Comment]:
    """The comments above ``comment``, top-level first: the context of a permalink."""
    return list(
        Comment.objects.select_related("author")
        .filter(tree_id=comment.tree_id, lft__lt=comment.lft, rght__gt=comment.rght)
        .order_by("lft")
    )


def articles_for_export(slugs=None):
    """Articles to export (all, or those with the given slugs), oldest first."""
    articles = Article.objects.order_by("published_at", "id")
    return articles.filter(slug__in=slugs) if slugs else articles


def comments_for_export(article: Article) -> list[Comment]:
    """Every comment of ``article``, whatever its state, in tree order, in one query."""
    return list(Comment.objects.filter(article=article).select_related("author").in_thread_order())
