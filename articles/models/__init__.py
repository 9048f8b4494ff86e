"""The app's models, one module per feature; imported from here, as Django expects."""

from articles.models.accounts import AccountSession, Profile
from articles.models.content import (
    SOURCE_NAMES,
    TREE_ID_SEQUENCE,
    Article,
    Comment,
    CommentRevision,
    origin_name,
)
from articles.models.moderation import AuditLogEntry, CommentReport, UserSanction

__all__ = [
    "SOURCE_NAMES",
    "TREE_ID_SEQUENCE",
    "AccountSession",
    "Article",
    "AuditLogEntry",
    "Comment",
    "CommentReport",
    "CommentRevision",
    "Profile",
    "UserSanction",
    "origin_name",
]
