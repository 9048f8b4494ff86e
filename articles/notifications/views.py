"""Notification pages: the list, reading, following and muting, and unsubscribing from mail."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article, Comment, Notification, Profile
from articles.notifications import selectors, services
from articles.notifications.forms import WatchForm
from articles.notifications.limits import watching_wait
from articles.notifications.tokens import read_unsubscribe_token
from articles.threads.selectors import comment_thread_url

# What each kind of mail is, said on the unsubscribe page.
MAIL_KINDS = {
    Profile.NotificationEmail.IMMEDIATELY: "mails about replies, mentions and what you follow",
    Profile.NotificationEmail.DAILY: "the daily digest of your notifications",
}


@login_required
@require_GET
def notification_list(request):
    """The reader's notifications, newest first, 20 a page."""
    page = selectors.notifications_page(request.user, request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def _own(request, pk) -> Notification:
    try:
        return services.notification_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None


@login_required
@require_POST
def notification_open(request, pk):
    """Mark the notification read and go to its comment in its thread."""
    notification = _own(request, pk)
    return redirect(comment_thread_url(notification.comment))


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read."""
    _own(request, pk)
    return redirect("notification_list")


@login_required
@require_POST
def notifications_read_all(request):
    """Mark every notification read."""
    count = services.notifications_read_all(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notification_list")


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def watch(request):
    """Follow, unfollow, mute or unmute an article, a comment's thread or a user (the user's
    own settings: every signed-in reader may, on what anyone wrote)."""
    wait = watching_wait(request)
    if wait:
        response = render(request, "articles/rate_limited.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    form = WatchForm(request.POST)
    if not form.is_valid():
        return render(request, "notifications/watch_error.html", {"form": form}, status=400)
    data = form.cleaned_data
    target = {}
    if data["article"]:
        target["article"] = get_object_or_404(Article.objects.published(), pk=data["article"])
    elif data["comment"]:
        target["comment"] = get_object_or_404(
            Comment.objects.filter(
                article__in=Article.objects.published(), state=Comment.State.VISIBLE
            ),
            pk=data["comment"],
        )
    else:
        target["muted_user"] = get_object_or_404(
            get_user_model().objects.filter(is_active=True), pk=data["user"]
        )
    action = data["action"]
    try:
        if action in ("follow", "unfollow"):
            services.follow_set(user=request.user, on=action == "follow", **target)
        else:
            services.mute_set(user=request.user, on=action == "mute", **target)
    except ValidationError as error:
        errors = {"errors": error.messages}
        return render(request, "notifications/watch_error.html", errors, status=400)
    messages.success(request, _WATCH_MESSAGES[action])
    return _back(request, "notification_list")


_WATCH_MESSAGES = {
    "follow": "Followed: you will be told of new comments.",
    "unfollow": "No longer followed.",
    "mute": "Muted: it will not notify you.",
    "unmute": "No longer muted.",
}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request, key):
    """The link in every notification mail. GET shows what it stops and a button; POST stops it
    (a mail client's one-click POST, RFC 8058, or the button): no login, no CSRF token (the
    signed key is the proof, and mail clients send none). GET changes nothing: mail scanners
    and link previews fetch links."""
    found = read_unsubscribe_token(key)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"bad": True}, status=400)
    user_id, kind = found
    context = {"kind": MAIL_KINDS[kind], "key": key}
    if request.method == "POST":
        context["stopped"] = services.unsubscribe(user_id=user_id, kind=kind)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
