from django.urls import path
from django.views.decorators.http import require_GET

from articles.accounts import views as accounts
from articles.moderation import views as moderation
from articles.newsroom import views as newsroom
from articles.newsroom.feeds import (
    ArticleCommentsFeed,
    LatestArticlesFeed,
    MemberCommentsFeed,
    TopicArticlesFeed,
)
from articles.notifications import views as notifications
from articles.portability import views as portability
from articles.posting import views as posting
from articles.search import views as search
from articles.site import views as site
from articles.threads import views as threads
from articles.votes import views as votes

urlpatterns = [
    path("", newsroom.FrontPageView.as_view(), name="home"),
    path("feed/", require_GET(LatestArticlesFeed()), name="feed_latest"),
    path("topics/<slug:slug>/", newsroom.TopicView.as_view(), name="topic_detail"),
    path("topics/<slug:slug>/feed/", require_GET(TopicArticlesFeed()), name="feed_topic"),
    path("search/", search.search, name="search"),
    path("articles/<slug:slug>/", threads.ArticleDetailView.as_view(), name="article_detail"),
    path("articles/<slug:slug>/feed/", require_GET(ArticleCommentsFeed()), name="feed_article"),
    path("articles/<slug:slug>/comments/", posting.comment_create, name="comment_create"),
    path(
        "articles/<slug:slug>/comments.json",
        portability.article_comments_json,
        name="comments_json",
    ),
    path("comments/preview/", posting.comment_preview, name="comment_preview"),
    path("comments/<int:pk>/", threads.CommentDetailView.as_view(), name="comment_detail"),
    path("comments/<int:pk>/reply/", posting.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/edit/", posting.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", posting.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", posting.comment_report, name="comment_report"),
    path("comments/vote/", votes.comment_vote, name="comment_vote"),
    path("accounts/settings/", accounts.account_settings, name="account_settings"),
    path("accounts/settings/data/", accounts.account_download, name="account_download"),
    path("accounts/settings/delete/", accounts.account_delete, name="account_delete"),
    path("users/<str:username>/", accounts.profile, name="user_profile"),
    path("users/<str:username>/feed/", require_GET(MemberCommentsFeed()), name="feed_member"),
    path("health/", site.health, name="health"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path("notifications/watch/", notifications.watch, name="notification_watch"),
    path(
        "notifications/unsubscribe/<str:key>/",
        notifications.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
]

# Every view under moderation/ is behind moderator_required (tests/articles/test_moderation_urls).
urlpatterns += [
    path("moderation/", moderation.queue, name="moderation_queue"),
    path(
        "moderation/comments/<int:pk>/approve/",
        moderation.comment_approve,
        name="moderation_comment_approve",
    ),
    path(
        "moderation/comments/<int:pk>/hide/",
        moderation.comment_hide,
        name="moderation_comment_hide",
    ),
    path(
        "moderation/comments/<int:pk>/remove/",
        moderation.comment_remove,
        name="moderation_comment_remove",
    ),
    path(
        "moderation/comments/<int:pk>/restore/",
        moderation.comment_restore,
        name="moderation_comment_restore",
    ),
    path(
        "moderation/comments/<int:pk>/hide-branch/",
        moderation.comment_branch_hide,
        name="moderation_branch_hide",
    ),
    path(
        "moderation/comments/<int:pk>/restore-branch/",
        moderation.comment_branch_restore,
        name="moderation_branch_restore",
    ),
    path("moderation/comments/<int:pk>/pin/", votes.comment_pin, name="moderation_comment_pin"),
    path(
        "moderation/articles/<slug:slug>/lock/",
        moderation.article_lock,
        name="moderation_article_lock",
    ),
    path(
        "moderation/articles/<slug:slug>/unlock/",
        moderation.article_unlock,
        name="moderation_article_unlock",
    ),
    path("moderation/users/<int:pk>/", moderation.user_detail, name="moderation_user"),
    path(
        "moderation/users/<int:pk>/suspend/",
        moderation.user_suspend,
        name="moderation_user_suspend",
    ),
    path("moderation/users/<int:pk>/ban/", moderation.user_ban, name="moderation_user_ban"),
    path(
        "moderation/users/<int:pk>/trust-reports/",
        moderation.reporter_trust_restore,
        name="moderation_user_trust_reports",
    ),
    path(
        "moderation/sanctions/<int:pk>/lift/",
        moderation.sanction_lift,
        name="moderation_sanction_lift",
    ),
]
