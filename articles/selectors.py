"""Reads: the queries behind each page, one place to look for their cost."""

from dataclasses import dataclass

from articles.models import Article, Comment

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
    "import_key",
    "tree_id",
    "lft",
    "rght",
    "level",
)


@dataclass
class Thread:
    """Comments in tree order, each marked with how many nesting levels close after it."""

    comments: list[Comment]

    def __len__(self):
        return len(self.comments)


def _thread_queryset():
    return Comment.objects.select_related("author").only(*_THREAD_FIELDS).in_thread_order()


def _mark_closers(comments: list[Comment]) -> Thread:
    # The page nests replies inside their parent's element, but is rendered in one flat loop:
    # after a leaf, close as many open reply lists as the next comment climbs back up.
    if comments:
        base = comments[0].level
        for current, following in zip(comments, [*comments[1:], None], strict=True):
            next_level = base if following is None else following.level
            climb = current.level - next_level if current.is_leaf_node() else 0
            current.closers = range(climb)
    return Thread(comments)


def article_list():
    """Articles newest first, each with its visible comment count, in one query."""
    return Article.objects.with_comment_counts().order_by("-published_at", "-id")


def thread_for_article(article: Article) -> Thread:
    """The whole comment tree of an article from one query ordered by (tree_id, lft)."""
    return _mark_closers(list(_thread_queryset().filter(article=article)))


def subthread_for_comment(comment: Comment) -> Thread:
    """A comment and all its replies, in tree order."""
    return _mark_closers(
        list(
            _thread_queryset().filter(
                tree_id=comment.tree_id, lft__gte=comment.lft, rght__lte=comment.rght
            )
        )
    )


def comment_ancestors(comment: Comment) -> list[Comment]:
    """The comments above ``comment``, top-level first: the context of a permalink."""
    return list(
        _thread_queryset().filter(
            tree_id=comment.tree_id, lft__lt=comment.lft, rght__gt=comment.rght
        )
    )


def articles_for_export(slugs=None):
    """Articles to export (all, or those with the given slugs), oldest first."""
    articles = Article.objects.order_by("published_at", "id")
    return articles.filter(slug__in=slugs) if slugs else articles


def comments_for_export(article: Article) -> list[Comment]:
    """Every comment of ``article``, whatever its state, in tree order, in one query."""
    return list(Comment.objects.filter(article=article).select_related("author").in_thread_order())
