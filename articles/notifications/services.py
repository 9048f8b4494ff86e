"""Writes of notifications: the fan-out for a new comment, reading them, following and muting,
the reader's last visit to an article, and unsubscribing.

Each function is keyword-only and runs in one transaction.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from articles.accounts.usernames import username_key
from articles.models import (
    Article,
    ArticleVisit,
    Comment,
    Follow,
    Mute,
    Notification,
    Profile,
)
from articles.notifications.selectors import UNREAD_SQL
from articles.posting.markdown import mentioned_names

Reason = Notification.Reason
Email = Profile.NotificationEmail
# At most one immediate mail per recipient and discussion in this time; the rest wait for the next.
THREAD_MAIL_INTERVAL = timedelta(hours=1)
# A digest is not sent twice within this time, however often the command runs.
DIGEST_INTERVAL = timedelta(hours=20)
# A visit within this time of the last one continues it: its "new" markers stay.
VISIT_GAP = timedelta(minutes=30)
MAX_MENTIONS = 20  # a comment naming a crowd notifies its first names only


def _candidates(comment: Comment) -> dict[int, str]:
    """Who might be told about ``comment``, each with the strongest reason (Reason's order)."""
    found: dict[int, str] = {}

    def add(user_ids, reason):
        for user_id in user_ids:
            found.setdefault(user_id, reason)

    names = mentioned_names(comment.body)[:MAX_MENTIONS]
    if names:
        keys = {username_key(name) for name in names}
        mentioned = Profile.objects.filter(username_key__in=keys)
        add(mentioned.values_list("user_id", flat=True), Reason.MENTION)
    if comment.parent_id is not None:
        # Authors follow the replies to their own comments by default.
        parent = Comment.objects.filter(pk=comment.parent_id)
        add(parent.values_list("author_id", flat=True), Reason.REPLY)
    add(
        Follow.objects.filter(
            comment__tree_id=comment.tree_id,
            comment__lft__lt=comment.lft,
            comment__rght__gt=comment.rght,
        ).values_list("user_id", flat=True),
        Reason.FOLLOWED_COMMENT,
    )
    if comment.parent_id is None:
        add(
            Follow.objects.filter(article_id=comment.article_id).values_list("user_id", flat=True),
            Reason.FOLLOWED_ARTICLE,
        )
    found.pop(None, None)
    found.pop(comment.author_id, None)  # nothing for one's own comment
    return found


def _muting(comment: Comment, user_ids) -> set[int]:
    """Those of ``user_ids`` who muted the comment's author, its article, or a thread it is in,
    or who may not be told (inactive accounts)."""
    mutes = Mute.objects.filter(user_id__in=user_ids).filter(
        Q(muted_user_id=comment.author_id)
        | Q(article_id=comment.article_id)
        | Q(
            comment__tree_id=comment.tree_id,
            comment__lft__lte=comment.lft,
            comment__rght__gte=comment.rght,
        )
    )
    muted = set(mutes.values_list("user_id", flat=True))
    inactive = Profile.objects.filter(user_id__in=user_ids).filter(
        Q(user__is_active=False) | Q(deleted_at__isnull=False)
    )
    return muted | set(inactive.values_list("user_id", flat=True))


def notifications_create(*, comment_id: int) -> list[int]:
    """Write the notifications a shown comment gives (replies, mentions, follows, minus mutes)
    and return the recipients newly told. Nothing for a comment readers do not see (pending,
    hidden) or on an article they cannot read. Running it twice writes nothing new: a
    notification is unique by comment and recipient, inserted ON CONFLICT DO NOTHING."""
    comment = Comment.objects.filter(pk=comment_id, state=Comment.State.VISIBLE).first()
    if comment is None or not Article.objects.published().filter(pk=comment.article_id).exists():
        return []
    candidates = _candidates(comment)
    for user_id in _muting(comment, list(candidates)):
        del candidates[user_id]
    if not candidates:
        return []
    table = Notification._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, comment_id, article_id, reason, created_at)"  # noqa: S608 - table names from the models; values are parameters
            " SELECT r.recipient, %s, %s, r.reason, now()"
            " FROM unnest(%s::bigint[], %s::text[]) AS r(recipient, reason)"
            " ON CONFLICT (comment_id, recipient_id) DO NOTHING RETURNING recipient_id",
            [comment.pk, comment.article_id, list(candidates), list(candidates.values())],
        )
        return [row[0] for row in cursor.fetchall()]


def _claim(notifications) -> list[Notification]:
    """Mark ``notifications`` mailed and return them, comments and authors loaded; a concurrent
    claim of the same rows gets nothing (the UPDATE takes only unmailed rows)."""
    now = timezone.now()
    ids = list(
        notifications.filter(mailed_at__isnull=True, read_at__isnull=True)
        .filter(comment__state=Comment.State.VISIBLE, article__in=Article.objects.published())
        .values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Notification._meta.db_table} SET mailed_at = %s"  # noqa: S608 - table names from the models; values are parameters
            " WHERE id = ANY(%s) AND mailed_at IS NULL RETURNING id",
            [now, ids],
        )
        taken = [row[0] for row in cursor.fetchall()]
    return list(
        Notification.objects.filter(pk__in=taken)
        .select_related("comment__author", "article")
        .order_by("created_at")
    )


def thread_mail_claim(*, recipient_id: int, article_id: int):
    """The recipient's unmailed notifications on one article, now marked mailed, for one
    immediate mail; or, within ``THREAD_MAIL_INTERVAL`` of the last such mail, none and the time
    they may go (folded into that next mail). ``([], None)`` when there is nothing to send."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user_id=recipient_id).first()
        if profile is None or profile.notification_email != Email.IMMEDIATELY:
            return [], None
        mine = Notification.objects.filter(recipient_id=recipient_id, article_id=article_id)
        last = mine.aggregate(last=Max("mailed_at"))["last"]
        if last is not None and last > timezone.now() - THREAD_MAIL_INTERVAL:
            if mine.filter(mailed_at__isnull=True, read_at__isnull=True).exists():
                return [], last + THREAD_MAIL_INTERVAL
            return [], None
        return _claim(mine), None


def digest_claim(*, recipient_id: int) -> list[Notification]:
    """The recipient's unmailed, unread notifications, now marked mailed, for their daily
    digest; none if they get no digest or had one within ``DIGEST_INTERVAL``."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user_id=recipient_id).first()
        if profile is None or profile.notification_email != Email.DAILY:
            return []
        mine = Notification.objects.filter(recipient_id=recipient_id)
        last = mine.aggregate(last=Max("mailed_at"))["last"]
        if last is not None and last > timezone.now() - DIGEST_INTERVAL:
            return []
        return _claim(mine)


def notification_read(*, user, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read; another user's is not found."""
    with transaction.atomic():
        notification = Notification.objects.select_related("comment__article").get(
            pk=notification_id, recipient=user
        )
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user) -> int:
    """Mark every unread notification of ``user`` read; how many were."""
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def _target(*, user, article=None, comment=None, muted_user=None):
    if muted_user is not None and muted_user.pk == user.pk:
        raise ValidationError("You cannot mute yourself.")
    if article is not None:
        return {"user": user, "article": article}
    if comment is not None:
        return {"user": user, "comment": comment}
    return {"user": user, "muted_user": muted_user}


def follow_set(*, user, on: bool, article=None, comment=None) -> bool:
    """Follow (``on``) or stop following an article or a comment's thread; whether it is now
    followed. Following a thread ends a mute of the same thread, and the other way round."""
    target = _target(user=user, article=article, comment=comment)
    with transaction.atomic():
        if on:
            Mute.objects.filter(**target).delete()
            Follow.objects.get_or_create(**target)
        else:
            Follow.objects.filter(**target).delete()
    return on


def mute_set(*, user, on: bool, article=None, comment=None, muted_user=None) -> bool:
    """Mute (``on``) or unmute an article, a comment's thread or a user; whether it is now
    muted."""
    target = _target(user=user, article=article, comment=comment, muted_user=muted_user)
    with transaction.atomic():
        if on:
            if muted_user is None:
                Follow.objects.filter(**target).delete()
            Mute.objects.get_or_create(**target)
        else:
            Mute.objects.filter(**target).delete()
    return on


def article_visit(*, user_id: int, article_id: int) -> tuple[str | None, int, bool, bool]:
    """Record that the user reads the article, in one statement that also reads what the page
    needs for them: (the previous visit as "YYYY-MM-DDTHH:MM:SSZ" for the "new" markers, or
    None; their unread notifications for the bell; whether they follow the article; whether
    they muted it)."""
    visits = ArticleVisit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {visits} AS v (user_id, article_id, seen_at, previous_at)"  # noqa: S608 - table names from the models; values are parameters
            " VALUES (%(user)s, %(article)s, now(), NULL)"
            " ON CONFLICT (user_id, article_id) DO UPDATE SET"
            "  previous_at = CASE WHEN v.seen_at < now() - %(gap)s THEN v.seen_at"
            "   ELSE v.previous_at END,"
            "  seen_at = now()"
            " RETURNING to_char(timezone('UTC', v.previous_at), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
            f" ({UNREAD_SQL}),"
            f" EXISTS (SELECT 1 FROM {Follow._meta.db_table} f"
            "  WHERE f.user_id = %(user)s AND f.article_id = %(article)s),"
            f" EXISTS (SELECT 1 FROM {Mute._meta.db_table} m"
            "  WHERE m.user_id = %(user)s AND m.article_id = %(article)s)",
            {"user": user_id, "article": article_id, "gap": VISIT_GAP},
        )
        return cursor.fetchone()


def unsubscribe(*, user_id: int, kind: str) -> bool:
    """Stop the mail of ``kind`` (a Profile.NotificationEmail value: "immediately" or "daily")
    for the user: their notification mail becomes "never". False when they no longer got it."""
    with transaction.atomic():
        return bool(
            Profile.objects.filter(user_id=user_id, notification_email=kind)
            .exclude(notification_email=Email.NEVER)
            .update(notification_email=Email.NEVER)
        )
