from allauth.account import views as allauth_views
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_GET

from articles.accounts import views as accounts
from articles.accounts.forms import AdminLoginForm
from forum import metrics, readiness

admin.site.login_form = AdminLoginForm
# The sidebar takes a third of a 1280 px screen from the comment list; the breadcrumbs and the
# index page lead to the same places.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/ready", readiness.ready, name="ready"),
    path("metrics", metrics.metrics, name="metrics"),
    # allauth's pages (README "Accounts"); the login with the forum's limits answers its address,
    # and the three the site links to most keep their short names.
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/signup/", accounts.SignupView.as_view(), name="signup"),
    # A page that only tells; allauth's own answers any method.
    path(
        "accounts/confirm-email/",
        require_GET(allauth_views.email_verification_sent),
        name="account_email_verification_sent",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include("articles.urls")),
]

handler400 = "articles.site.views.bad_request"
handler404 = "articles.site.views.page_not_found"
