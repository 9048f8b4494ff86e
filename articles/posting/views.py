"""Writing: the reply page and the action that stores a comment or reply; authors' tools on
their own comments (edit, delete); readers' reports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.accounts.selectors import has_verified_email
from articles.formflow import submit
from articles.models import Article, Comment
from articles.moderation import services as moderation
from articles.permissions import can_moderate, ensure_comment_author
from articles.posting import limits, services
from articles.posting.forms import CommentEditForm, CommentForm, ReportForm
from articles.threads.selectors import comment_thread_url, thread_sort
from articles.threads.viewer import Viewer


def _compose(request, *, article, parent, form, status=200, email_verified=None):
    return render(
        request,
        "articles/comment_form.html",
        {"article": article, "parent": parent, "form": form, "email_verified": email_verified},
        status=status,
    )


@login_required
@require_GET
def comment_reply(request, pk):
    """The reply page for readers without JavaScript: the parent, then the form."""
    parent = get_object_or_404(Comment.objects.visible().select_related("article", "author"), pk=pk)
    form = CommentForm(initial={"parent": parent.pk})
    return _compose(
        request,
        article=parent.article,
        parent=parent,
        form=form,
        email_verified=has_verified_email(request.user),
    )


def _parent_and_article(form, slug):
    # A reply's article comes with its parent: one query fewer on the posting path.
    parent = None
    if form.is_valid() and form.cleaned_data["parent"] is not None:
        parent = (
            Comment.objects.select_related("article").filter(pk=form.cleaned_data["parent"]).first()
        )
        if parent is None:
            form.add_error(None, "The comment you replied to does not exist.")
    if parent is not None and parent.article.slug == slug:
        return parent, parent.article
    return parent, get_object_or_404(Article, slug=slug)


@login_required
@require_POST
def comment_create(request, slug):
    """Post a comment or a reply, then land on it (on the page of the discussion, in the order
    the reader was looking at, that shows it); on error show the form again.

    Over the posting rate limit: 429 and nothing stored.
    """
    wait = limits.posting_wait(request)
    if wait:
        return limits.too_many_posts(request, wait)
    form = CommentForm(request.POST)
    parent, article = _parent_and_article(form, slug)
    if form.is_valid():
        posted, comment = submit(
            form,
            services.comment_post,
            article=article,
            parent=parent,
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        if posted:
            if not comment.is_visible:
                messages.info(request, "Your comment awaits review by a moderator.")
            sort = thread_sort(request.POST.get("sort"))
            # Moderators are staff (grant_moderator makes them so): for everyone else the
            # permission lookup's two queries would only confirm they see what readers see.
            moderator = request.user.is_staff and can_moderate(request.user)
            viewer = Viewer(request.user.pk, moderator)
            return redirect(comment_thread_url(comment, sort=sort, viewer=viewer))
    # The parent is shown again only if readers may see it here: never a hidden comment's text.
    if parent is not None and not (parent.is_visible and parent.article_id == article.pk):
        parent = None
    return _compose(request, article=article, parent=parent, form=form, status=400)


def _in_thread(request, comment):
    # Back to the page of the discussion that holds the comment, as this user sees it.
    return comment_thread_url(comment, viewer=Viewer(request.user.pk, can_moderate(request.user)))


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
        saved, _ = submit(
            form,
            services.comment_edit,
            comment=comment,
            editor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        if saved:
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
        services.comment_delete(comment=comment, user=request.user)
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
        reported, _ = submit(
            form,
            moderation.comment_report,
            comment=comment,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data["text"],
        )
        if reported:
            messages.success(request, "Thank you: a moderator will look at this comment.")
            return redirect(_in_thread(request, comment))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "articles/comment_report.html", {"comment": comment, "form": form}, status=status
    )
