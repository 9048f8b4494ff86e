"""Reads of notifications: the bell's count, a reader's list, and what they follow or mute."""

from django.core.paginator import Page, Paginator
from django.db import connection

from articles.models import Article, Comment, Follow, Mute, Notification

PAGE_SIZE = 20
UNREAD_CAP = 100  # the bell says "99+" from here: counting further costs time for nothing
# The bell: unread notifications of comments still shown on articles still public (the SQL
# function of migration 0014, Article.public_q's rule), for %(user)s, counted up to the cap.
UNREAD_SQL = (
    f"SELECT count(*) FROM (SELECT 1 FROM {Notification._meta.db_table} n"  # noqa: S608 - table names from the models; values are parameters
    f" JOIN {Comment._meta.db_table} c ON c.id = n.comment_id"
    f" JOIN {Article._meta.db_table} a ON a.id = n.article_id"
    f" WHERE n.recipient_id = %(user)s AND n.read_at IS NULL AND c.state = 'visible'"
    f" AND articles_public_from(a.status, a.published_at) <= now()"
    f" LIMIT {UNREAD_CAP}) unread"
)


def unread_count(user_id: int) -> int:
    """How many unread notifications the user has (up to ``UNREAD_CAP``): one query."""
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL, {"user": user_id})
        return cursor.fetchone()[0]


def notifications_page(user, number) -> Page:
    """The user's notifications of comments still shown on articles still public, newest first,
    a page at a time (the nearest page for a number out of range)."""
    notifications = (
        Notification.objects.filter(
            recipient=user,
            comment__state=Comment.State.VISIBLE,
            article__in=Article.objects.published(),
        )
        .select_related("comment__author", "article")
        .order_by("-created_at", "-pk")
    )
    return Paginator(notifications, PAGE_SIZE).get_page(number)


def comment_watch(user_id: int, comment: Comment) -> dict:
    """For a comment's page, in one query: the bell's count, and whether the user follows or
    muted the comment's thread or muted its author."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ({UNREAD_SQL}),"  # noqa: S608 - table names from the models; values are parameters
            f" EXISTS (SELECT 1 FROM {Follow._meta.db_table}"
            "  WHERE user_id = %(user)s AND comment_id = %(comment)s),"
            f" EXISTS (SELECT 1 FROM {Mute._meta.db_table}"
            "  WHERE user_id = %(user)s AND comment_id = %(comment)s),"
            f" EXISTS (SELECT 1 FROM {Mute._meta.db_table}"
            "  WHERE user_id = %(user)s AND muted_user_id = %(author)s)",
            {"user": user_id, "comment": comment.pk, "author": comment.author_id},
        )
        unread, following, muted, author_muted = cursor.fetchone()
    return {
        "unread": unread,
        "following": following,
        "muted": muted,
        "author_muted": author_muted,
    }


def user_muted(user_id: int, other_id: int) -> bool:
    """Whether the user muted ``other_id``."""
    return Mute.objects.filter(user_id=user_id, muted_user_id=other_id).exists()
