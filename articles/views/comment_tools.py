"""Authors' tools on their own comments (edit, delete) and readers' reports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from articles import moderation, selectors
from articles.forms import CommentEditForm, ReportForm
from articles.models import Comment
from articles.permissions import can_moderate, ensure_comment_author
from articles.views import limits
from articles.views.comments import add_service_errors
from articles.views.pages import comment_thread_url


def _in_thread(request, comment):
    # Back to the page of the discussion that holds the comment, as this user sees it.
    viewer = selectors.Viewer(request.user.pk, can_moderate(request.user))
    return comment_thread_url(comment, viewer=viewer)


def _own_comment(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    ensure_comment_author(request.user, comment)
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    """The edit form for one's own comment, and saving it (within the edit window).

    A saved edit counts as a post for the posting rate limit: otherwise rewriting one comment
    over and over would get round it (and retire the thread's cached pages each time).
    """
    comment = _own_comment(request, pk)
    if request.method == "POST":
        wait = limits.posting_wait(request)
        if wait:
            return limits.too_many_posts(request, wait)
    data = request.POST if request.method == "POST" else None
    form = CommentEditForm(data, initial={"title": comment.title, "body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            moderation.comment_edit(
                comment=comment,
                editor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your comment was updated.")
            return redirect(_in_thread(request, comment))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "articles/comment_edit.html",
        {
            "comment": comment,
            "article": comment.article,
            "form": form,
            "edit_window": settings.COMMENT_EDIT_WINDOW_MINUTES,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    """Ask to confirm, then delete one's own comment (it keeps its place while it has replies)."""
    comment = _own_comment(request, pk)
    if request.method == "GET":
        return render(request, "articles/comment_delete.html", {"comment": comment})
    try:
        moderation.comment_delete(comment=comment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your comment was deleted.")
    return redirect(_in_thread(request, comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request, pk):
    """The report form for a shown comment, and sending the report to the moderators."""
    comment = get_object_or_404(
        Comment.objects.visible().select_related("article", "author"), pk=pk
    )
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.comment_report(
                comment=comment,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: a moderator will look at this comment.")
            return redirect(_in_thread(request, comment))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "articles/comment_report.html", {"comment": comment, "form": form}, status=status
    )
