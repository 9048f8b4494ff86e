"""A URLconf of deliberately unguarded views: the access-control walker must catch each one."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.accounts.views import LoginView
from articles.models import Comment


def _take_over(pk):
    Comment.objects.filter(pk=pk).update(title="taken over")
    return redirect("/")


def _only_its_author(request, pk):
    if get_object_or_404(Comment, pk=pk).author != request.user:
        raise PermissionDenied("Only its author can change a comment.")


def any_method(request):
    return HttpResponse("ok")


@require_POST
def no_login(request, pk):
    return _take_over(pk)


@csrf_exempt
@login_required
@require_POST
def csrf_exempt_view(request, pk):
    _only_its_author(request, pk)
    return _take_over(pk)


@login_required
@require_POST
def no_owner_check(request, pk):
    return _take_over(pk)


@login_required
@require_POST
def guarded(request, pk):
    _only_its_author(request, pk)
    return _take_over(pk)


@login_required
@require_http_methods(["GET", "POST"])
def acts_on_get(request, pk):
    if request.method == "GET":
        Comment.objects.filter(pk=pk).update(title="seen")
        return HttpResponse("a form")
    _only_its_author(request, pk)
    return _take_over(pk)


def _answers_get_first(view):
    @functools.wraps(view)
    def wrapper(request, pk):
        if request.method == "GET":
            return _take_over(pk)
        return view(request, pk)

    return wrapper


get_served_outside = _answers_get_first(guarded)


@require_GET
def reads(request):
    return HttpResponse("a page")


@require_GET
def reads_and_writes(request, pk):
    Comment.objects.filter(pk=pk).update(title="seen")
    return HttpResponse("a page")


urlpatterns = [
    # The names base.html links to, so that error pages render.
    path("", reads, name="home"),
    path("signup/", reads, name="signup"),
    path("logout/", reads, name="logout"),
    path("settings/", reads, name="account_settings"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("any/", any_method, name="any_method"),
    path("no-login/<int:pk>/", no_login, name="no_login"),
    path("csrf-exempt/<int:pk>/", csrf_exempt_view, name="csrf_exempt"),
    path("no-owner-check/<int:pk>/", no_owner_check, name="no_owner_check"),
    path("guarded/<int:pk>/", guarded, name="guarded"),
    path("acts-on-get/<int:pk>/", acts_on_get, name="acts_on_get"),
    path("get-served-outside/<int:pk>/", get_served_outside, name="get_served_outside"),
    path("reads/", reads, name="reads"),
    path("reads-and-writes/<int:pk>/", reads_and_writes, name="reads_and_writes"),
]
