"""Accounts' pages: allauth's login and sign-up with the forum's limits, public profiles, the
settings page, and leaving (download my data, delete my account)."""

import json

from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.accounts import selectors, services
from articles.accounts.forms import DeleteAccountForm, PreferencesForm
from articles.formflow import submit
from articles.notifications.selectors import user_muted
from articles.permissions import can_moderate


class LoginView(allauth_views.LoginView):
    """allauth's login, answering 429 when a login limit refuses the attempt."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "rate_limited") or form.has_error(
            NON_FIELD_ERRORS, "too_many_login_attempts"
        ):
            response.status_code = 429
        return response


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, answering 400 when the form is refused, like every form of the site."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@require_GET
def profile(request, username):
    """A member's public page: join date, comment count, their shown comments newest first."""
    member = selectors.public_profile(username)
    page = selectors.public_comments(member, request.GET.get("page"), count=member.comment_count)
    # Each comment links to its permalink page, which finds its place in the discussion only
    # when followed: twenty such lookups made a busy member's profile cost 20 more queries.
    comments = [(comment, f"{comment.get_absolute_url()}#comment-{comment.pk}") for comment in page]
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "page": page,
            "comments": comments,
            "moderator": request.user.is_authenticated and can_moderate(request.user),
            # Whether the reader muted this member (a "Mute" button for other members only).
            "muted": (
                user_muted(request.user.pk, member.pk)
                if request.user.is_authenticated and request.user.pk != member.pk
                else None
            ),
        },
    )


def _settings_page(request, *, preferences=None, status=200):
    initial = selectors.preferences(request.user)
    return render(
        request,
        "accounts/settings.html",
        {
            "preferences": preferences or PreferencesForm(initial=initial),
            "delete_form": DeleteAccountForm(),
            "email_verified": selectors.has_verified_email(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    """The signed-in user's settings: e-mail, password (allauth's pages), display preferences,
    and leaving."""
    if request.method == "GET":
        return _settings_page(request)
    form = PreferencesForm(request.POST)
    if form.is_valid():
        saved, _ = submit(
            form,
            services.preferences_update,
            user=request.user,
            thread_order=form.cleaned_data["thread_order"],
            notification_email=form.cleaned_data["notification_email"],
        )
        if saved:
            messages.success(request, "Your preferences were saved.")
            return redirect("account_settings")
    return _settings_page(request, preferences=form, status=400)


@login_required
@require_POST
def account_download(request):
    """ "Download my data": a JSON file of the account and every comment its user wrote."""
    data = services.account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="forum-data-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Ask for the password and what becomes of the comments, then delete the account."""
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        deleted, _ = submit(
            form,
            services.account_delete,
            user=request.user,
            password=form.cleaned_data["password"],
            keep_text=form.cleaned_data["comments"] == "keep",
        )
        if deleted:
            logout(request)
            messages.success(request, "Your account was deleted. Goodbye, and thank you.")
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)
