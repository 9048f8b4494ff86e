"""Writes: a reader's vote on a comment, and a moderator's pin.

Each function is keyword-only, runs in one transaction, and raises ``ValidationError`` with a
message a person can act on.
"""

from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from articles.models import (
    Article,
    AuditLogEntry,
    Comment,
    MemberFigures,
    PinnedComment,
    UserSanction,
    Vote,
)
from articles.moderation.audit import record_on
from articles.newsroom.selectors import accepting_comments_sql, comments_close_before
from articles.permissions import can_cast_votes, can_moderate, can_vote_comment
from articles.threads.cache import thread_changed
from articles.votes.selectors import COUNTED_SQL, MEMBERS_WRONG_SQL, WRONG_SQL

UP, DOWN = Vote.Value.UP.value, Vote.Value.DOWN.value
_COMMENTS = Comment._meta.db_table
_VOTES = Vote._meta.db_table
_ARTICLES = Article._meta.db_table
_SANCTIONS = UserSanction._meta.db_table
_ADDRESSES = EmailAddress._meta.db_table
_MEMBERS = MemberFigures._meta.db_table


class VoteResult(NamedTuple):
    """A comment's totals after a vote, and the voter's vote on it now (0: none)."""

    upvotes: int
    downvotes: int
    vote: int

    @property
    def score(self) -> int:
        return self.upvotes - self.downvotes


# Every rule's input in one statement, read inside the vote's transaction so that a thread
# locked or closed or a comment hidden a moment ago is seen (a thread is open for votes when it
# takes comments: Article.accepts_comments). Raw SQL: through the ORM the same query cost
# twice the vote itself, on the hot path. "In force" is UserSanctionQuerySet.active().
_CHECKS_SQL = f"""
SELECT c.state, c.author_id, {accepting_comments_sql("a")}, EXISTS (
    SELECT 1 FROM {_SANCTIONS} s WHERE s.user_id = %(voter)s AND s.lifted_at IS NULL
      AND s.starts_at <= %(now)s AND (s.ends_at IS NULL OR s.ends_at > %(now)s)
), EXISTS (SELECT 1 FROM {_ADDRESSES} e WHERE e.user_id = %(voter)s AND e.verified)
FROM {_COMMENTS} c JOIN {_ARTICLES} a ON a.id = c.article_id WHERE c.id = %(comment)s
"""


def _ensure_may_vote(*, comment_id: int, voter) -> None:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _CHECKS_SQL,
            {
                "comment": comment_id,
                "voter": voter.pk,
                "now": now,
                "close_before": comments_close_before(now),
            },
        )
        row = cursor.fetchone()
    if row is None:
        raise ValidationError("This comment does not exist.")
    state, author_id, thread_open, sanctioned, verified = row
    own = author_id == voter.pk
    if can_vote_comment(
        state, own=own, sanctioned=sanctioned, thread_open=thread_open, verified=verified
    ):
        return
    if not verified:
        raise ValidationError("Confirm your e-mail address first: the link is in our mail.")
    if own:
        raise ValidationError("You cannot vote on your own comment.")
    if state != Comment.State.VISIBLE:
        raise ValidationError("You can only vote on a comment that is shown.")
    if not thread_open:
        raise ValidationError("This discussion is locked or closed: voting on it is closed.")
    raise ValidationError("You cannot vote while your account is suspended.")


# The voter's vote row is read locked, then inserted, deleted or changed, and the comment's
# totals get the difference: one statement, one round trip, on the hot path of every vote. The
# totals are added to in one UPDATE, which PostgreSQL applies to the row's latest version under
# its lock: votes from any number of readers at once all count (no read-modify-write).
_VOTE_SQL = f"""
WITH old AS (
    SELECT value FROM {_VOTES} WHERE comment_id = %(comment)s AND voter_id = %(voter)s
    FOR UPDATE
), inserted AS (
    INSERT INTO {_VOTES} (comment_id, voter_id, value, created_at)
    SELECT %(comment)s, %(voter)s, %(value)s, now() WHERE NOT EXISTS (SELECT 1 FROM old)
    ON CONFLICT DO NOTHING RETURNING value
), deleted AS (
    DELETE FROM {_VOTES} WHERE comment_id = %(comment)s AND voter_id = %(voter)s
    AND EXISTS (SELECT 1 FROM old WHERE value = %(value)s) RETURNING 0 AS value
), changed AS (
    UPDATE {_VOTES} SET value = %(value)s WHERE comment_id = %(comment)s
    AND voter_id = %(voter)s AND EXISTS (SELECT 1 FROM old WHERE value <> %(value)s)
    RETURNING value
), vote AS (
    SELECT coalesce((SELECT value FROM old), 0) AS old, (
        SELECT value FROM inserted UNION ALL SELECT value FROM deleted
        UNION ALL SELECT value FROM changed
    ) AS new
)
UPDATE {_COMMENTS} c SET
    upvotes = c.upvotes + (vote.new = {UP})::int - (vote.old = {UP})::int,
    downvotes = c.downvotes + (vote.new = {DOWN})::int - (vote.old = {DOWN})::int
FROM vote WHERE c.id = %(comment)s AND vote.new IS NOT NULL
RETURNING c.upvotes, c.downvotes, vote.new
"""


_VOTE_ATTEMPTS = 10


def _store_vote(*, comment_id: int, voter_id: int, value: int) -> tuple[int, int, int]:
    # The totals after the vote and the voter's vote now (0: withdrawn).
    params = {"comment": comment_id, "voter": voter_id, "value": value}
    with connection.cursor() as cursor:
        # Each run that writes nothing means another click of theirs was written: a reader's
        # burst of clicks all get through, one after the other, in a few runs.
        for _ in range(_VOTE_ATTEMPTS):
            cursor.execute(_VOTE_SQL, params)
            row = cursor.fetchone()
            if row is not None:
                return row
            # Nothing was written: the same reader's other click inserted their vote first
            # (ON CONFLICT waited for it). Run again: it now reads that vote, locked.
    raise ValidationError("Your vote could not be stored: please try again.")


def vote_cast(*, comment_id: int, voter, value: int) -> VoteResult:
    """Vote ``value`` (``UP``, or ``DOWN`` where ``COMMENT_DOWNVOTES`` is on) on a comment; the
    same vote again withdraws it, the other one replaces it.

    Refused on one's own comment, a comment not shown, a locked thread, or while suspended.
    Cached anonymous pages are not retired: their scores may lag by ``THREAD_CACHE_SECONDS``
    (README "Votes and ranking").
    """
    if value not in (UP, DOWN) or (value == DOWN and not settings.COMMENT_DOWNVOTES):
        raise ValidationError("Unknown vote.")
    if not can_cast_votes(voter):
        raise ValidationError("Sign in to vote.")
    with transaction.atomic():
        _ensure_may_vote(comment_id=comment_id, voter=voter)
        return VoteResult(*_store_vote(comment_id=comment_id, voter_id=voter.pk, value=value))


def comment_pin(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Pin a shown top-level comment above its article's threads, in every order; it replaces
    the article's pinned comment, if any."""
    if not can_moderate(moderator):
        raise ValidationError("Only moderators can pin comments.")
    if comment.parent_id is not None:
        raise ValidationError("Only a top-level comment can be pinned.")
    if comment.state != Comment.State.VISIBLE:
        raise ValidationError("Only a shown comment can be pinned.")
    with transaction.atomic():
        PinnedComment.objects.update_or_create(
            article_id=comment.article_id,
            defaults={"comment": comment, "pinned_by": moderator},
        )
        record_on(comment, actor=moderator, action=AuditLogEntry.Action.PIN, reason=reason)
        thread_changed(comment.article_id)
    return comment


def comment_unpin(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Put a pinned comment back in its place among the threads."""
    if not can_moderate(moderator):
        raise ValidationError("Only moderators can unpin comments.")
    with transaction.atomic():
        deleted, _ = PinnedComment.objects.filter(comment=comment).delete()
        if not deleted:
            raise ValidationError("This comment is not pinned.")
        record_on(comment, actor=moderator, action=AuditLogEntry.Action.UNPIN, reason=reason)
        thread_changed(comment.article_id)
    return comment


def vote_totals_repair() -> int:
    """Set every comment's totals to what its vote rows add up to; return how many changed.

    Votes wait meanwhile (a SHARE lock on the vote table), so no vote can land between the
    count and the write and be lost from the totals.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_VOTES} IN SHARE MODE")
        cursor.execute(
            f"UPDATE {_COMMENTS} t SET upvotes = w.up, downvotes = w.down"
            f" FROM ({COUNTED_SQL} WHERE {WRONG_SQL}) w WHERE t.id = w.id"
        )
        return cursor.rowcount


def member_figures_repair() -> int:
    """Set every member's comment count and karma to what their visible comments add up to;
    return how many changed.

    Comment writes wait meanwhile (their triggers update these rows: the table is locked), so
    none lands between the count and the write and is lost from the figures.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_MEMBERS} IN EXCLUSIVE MODE")
        cursor.execute(
            f"INSERT INTO {_MEMBERS} (user_id, comment_count, karma)"
            f" SELECT user_id, counted_count, counted_karma FROM ({MEMBERS_WRONG_SQL}) w"
            " ON CONFLICT (user_id) DO UPDATE"
            " SET comment_count = excluded.comment_count, karma = excluded.karma"
        )
        return cursor.rowcount
