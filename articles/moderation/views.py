"""Moderators' pages and actions: the queue, in-page actions on comments and threads, sanctions.

Every view here is wrapped in ``moderator_required``, inside the check of its HTTP method (so a
GET of an action is 405 for anyone; tests walk the URLconf to prove both), and every action is a
POST that goes through a service in articles/moderation/services.py (or reports.py), which
writes the audit log.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from articles.formflow import submit
from articles.models import Article, Comment, UserSanction
from articles.moderation import reports, selectors
from articles.moderation import services as moderation
from articles.moderation.forms import ApproveForm, BanForm, LiftForm, ReasonForm, SuspendForm
from articles.permissions import moderator_required
from articles.threads.selectors import comment_thread_url
from articles.threads.viewer import Viewer

QUEUE_PAGE_SIZE = 50


def _back(request, fallback: str):
    # Back to the page the moderator acted from (the thread, the queue), if it is ours.
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(fallback)


def _act(request, service, done: str, fallback: str, form_class=ReasonForm, **target):
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(error for errors in form.errors.values() for error in errors)
        )
        return _back(request, fallback)
    try:
        result = service(moderator=request.user, **form.cleaned_data, **target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(result=result))
    return _back(request, fallback)


def _unconfirmed(request, question: str, subject: str):
    # A destructive action asks first, with or without JavaScript: without "confirmed" it
    # answers with a page asking ``question``, whose form sends the same fields again, confirmed.
    # (forum.js asks in the page instead and sends "confirmed" itself.)
    if request.POST.get("confirmed") == "yes":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()  # every value: reporters ticked on the queue
        if name not in ("csrfmiddlewaretoken", "confirmed")
        for value in values
    ]
    context = {"question": question, "subject": subject, "fields": fields}
    context["back"] = request.POST.get("next", "")
    return render(request, "moderation/confirm.html", context)


def _act_on_comment(request, pk, service, done: str, form_class=ReasonForm, *, confirm: str = ""):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if confirm:
        asking = _unconfirmed(request, confirm, comment.title or comment.body[:200])
        if asking is not None:
            return asking
    fallback = comment_thread_url(comment, viewer=Viewer(request.user.pk, True))
    return _act(request, service, done, fallback, form_class, comment=comment)


@require_GET
@moderator_required
def queue(request):
    """Pending and reported comments, most-reported first, each with its parent for context."""
    page = Paginator(selectors.moderation_queue(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "moderation/queue.html", {"page": page})


@require_POST
@moderator_required
def comment_approve(request, pk):
    """Publish a pending comment, or keep a reported one and close its reports (marking the
    reporters ticked as unreliable)."""
    return _act_on_comment(
        request, pk, moderation.comment_approve, "Comment approved.", form_class=ApproveForm
    )


@require_POST
@moderator_required
def comment_hide(request, pk):
    """Hide a comment; it stays as a tombstone while it has replies."""
    return _act_on_comment(request, pk, moderation.comment_hide, "Comment hidden.")


@require_POST
@moderator_required
def comment_remove(request, pk):
    """Remove a comment that breaks the rules; it stays as a tombstone while it has replies."""
    return _act_on_comment(
        request,
        pk,
        moderation.comment_remove,
        "Comment removed.",
        confirm="Remove this comment for breaking the rules?",
    )


@require_POST
@moderator_required
def comment_restore(request, pk):
    """Show a hidden or removed comment again."""
    return _act_on_comment(request, pk, moderation.comment_restore, "Comment restored.")


@require_POST
@moderator_required
def comment_branch_hide(request, pk):
    """Hide a comment together with every reply below it."""
    return _act_on_comment(
        request,
        pk,
        moderation.comment_branch_hide,
        "Hid {result} comments in this branch.",
        confirm="Hide this comment and every reply below it?",
    )


@require_POST
@moderator_required
def comment_branch_restore(request, pk):
    """Undo the latest "hide branch" on a comment."""
    return _act_on_comment(
        request, pk, moderation.comment_branch_restore, "Restored {result} comments."
    )


@require_POST
@moderator_required
def article_lock(request, slug):
    """Close an article's thread to new comments and edits."""
    article = get_object_or_404(Article, slug=slug)
    return _act(
        request,
        moderation.article_lock,
        "Thread locked.",
        article.get_absolute_url(),
        article=article,
    )


@require_POST
@moderator_required
def article_unlock(request, slug):
    """Open an article's thread again."""
    article = get_object_or_404(Article, slug=slug)
    return _act(
        request,
        moderation.article_unlock,
        "Thread unlocked.",
        article.get_absolute_url(),
        article=article,
    )


def _user_page(request, member, *, status=200, **forms):
    context = {
        **selectors.member_record(member),
        "suspend_form": forms.get("suspend_form") or SuspendForm(),
        "ban_form": forms.get("ban_form") or BanForm(),
        "lift_form": LiftForm(),
    }
    return render(request, "moderation/user.html", context, status=status)


@require_GET
@moderator_required
def user_detail(request, pk):
    """A user's comments and sanctions, with the forms to suspend, ban, or lift."""
    return _user_page(request, get_object_or_404(get_user_model(), pk=pk))


def _sanction(request, pk, form_class, service, *, done: str, form_name: str):
    # Suspending and banning: the form, the service, and on refusal the member's page again
    # with the form's errors.
    member = get_object_or_404(get_user_model(), pk=pk)
    if form_class is BanForm:
        asking = _unconfirmed(request, "Ban this member until a moderator lifts it?", str(member))
        if asking is not None:
            return asking
    form = form_class(request.POST)
    if form.is_valid():
        applied, _ = submit(form, service, user=member, moderator=request.user, **form.cleaned_data)
        if applied:
            messages.success(request, done)
            return redirect("moderation_user", pk=member.pk)
    return _user_page(request, member, status=400, **{form_name: form})


@require_POST
@moderator_required
def user_suspend(request, pk):
    """Suspend a user for a number of days, with a reason they are shown."""
    return _sanction(
        request,
        pk,
        SuspendForm,
        moderation.user_suspend,
        done="User suspended.",
        form_name="suspend_form",
    )


@require_POST
@moderator_required
def user_ban(request, pk):
    """Ban a user, optionally hiding all their comments at once."""
    return _sanction(
        request, pk, BanForm, moderation.user_ban, done="User banned.", form_name="ban_form"
    )


@require_POST
@moderator_required
def reporter_trust_restore(request, pk):
    """Count a reader's reports again after they were marked unreliable."""
    member = get_object_or_404(get_user_model(), pk=pk)
    return _act(
        request,
        reports.reporter_trust_restore,
        "Their reports count again.",
        reverse("moderation_user", args=[member.pk]),
        user=member,
    )


@require_POST
@moderator_required
def sanction_lift(request, pk):
    """End a suspension or ban now (and bring back the comments a ban hid)."""
    sanction = get_object_or_404(UserSanction, pk=pk)
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("moderation_user", pk=sanction.user_id)
    try:
        restored = moderation.user_sanction_lift(
            sanction=sanction,
            moderator=request.user,
            reason=form.cleaned_data["reason"],
            restore_comments=form.cleaned_data["restore_comments"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Lifted; {restored} comments brought back.")
    return redirect("moderation_user", pk=sanction.user_id)
