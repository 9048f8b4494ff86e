from django.urls import path

from articles.views import accounts, api, comments, pages

urlpatterns = [
    path("", pages.ArticleListView.as_view(), name="home"),
    path("articles/<slug:slug>/", pages.ArticleDetailView.as_view(), name="article_detail"),
    path("articles/<slug:slug>/comments/", comments.comment_create, name="comment_create"),
    path("articles/<slug:slug>/comments.json", api.article_comments_json, name="comments_json"),
    path("comments/<int:pk>/", pages.CommentDetailView.as_view(), name="comment_detail"),
    path("comments/<int:pk>/reply/", comments.comment_reply, name="comment_reply"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("health/", pages.health, name="health"),
]
