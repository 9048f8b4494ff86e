from django.contrib import admin
from django.urls import include, path

from articles.accounts import views as accounts
from articles.accounts.forms import AdminLoginForm

admin.site.login_form = AdminLoginForm
# The sidebar takes a third of a 1280 px screen from the comment list; the breadcrumbs and the
# index page lead to the same places.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before django.contrib.auth's own: the login with rate limits answers this address.
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("articles.urls")),
]

handler400 = "articles.site.views.bad_request"
handler404 = "articles.site.views.page_not_found"
