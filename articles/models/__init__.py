"""The app's models, one module per feature; imported from here, as Django expects."""

from articles.models.accounts import AccountSession, MemberFigures, Profile
from articles.models.content import (
    SOURCE_NAMES,
    TREE_ID_SEQUENCE,
    Article,
    Comment,
    CommentRevision,
    origin_name,
)
from articles.models.hosts import ThreadVersion
from articles.models.moderation import (
    AuditLogEntry,
    CommentReport,
    UnreliableReporter,
    UserSanction,
    WordList,
)
from articles.models.newsroom import ArticleActivity, ArticleFigures, ArticleRevision, Topic
from articles.models.notifications import ArticleVisit, Follow, Mute, Notification
from articles.models.search import SearchDocument
from articles.models.votes import ImportedScore, PinnedComment, Vote

__all__ = [
    "SOURCE_NAMES",
    "TREE_ID_SEQUENCE",
    "AccountSession",
    "Article",
    "ArticleActivity",
    "ArticleFigures",
    "ArticleRevision",
    "ArticleVisit",
    "AuditLogEntry",
    "Comment",
    "CommentReport",
    "CommentRevision",
    "Follow",
    "ImportedScore",
    "MemberFigures",
    "Mute",
    "Notification",
    "PinnedComment",
    "Profile",
    "SearchDocument",
    "ThreadVersion",
    "Topic",
    "UnreliableReporter",
    "UserSanction",
    "Vote",
    "WordList",
    "origin_name",
]
