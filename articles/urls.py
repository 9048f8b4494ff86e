from django.urls import path

from articles import views

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("articles/<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/", views.CommentDetailView.as_view(), name="comment_detail"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment_reply"),
    path("accounts/signup/", views.signup, name="signup"),
    path("health/", views.health, name="health"),
]
