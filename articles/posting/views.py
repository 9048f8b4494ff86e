"""Writing: the reply page and the action that stores a comment or reply; authors' tools on
their own comments (edit, delete); readers' reports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.accounts.selectors import has_verified_email
from articles.formflow import form_page, submit
from articles.models import Article, Comment
from articles.moderation import reports
from articles.moderation.selectors import report_refusal
from articles.permissions import can_moderate, ensure_comment_author
from articles.posting import limits, services
from articles.posting.forms import CommentEditForm, CommentForm, ReportForm
from articles.posting.markdown import quote_markdown
from articles.posting.selectors import comment_edit_refusal
from articles.threads.selectors import comment_thread_url, thread_sort
from articles.threads.viewer import Viewer


def _compose(request, *, article, parent, form, status=200, **extra):
    return render(
        request,
        "articles/comment_form.html",
        {"article": article, "parent": parent, "form": form, **extra},
        status=status,
    )


@login_required
@require_GET
def comment_reply(request, pk):
    """The reply page for readers without JavaScript: the parent, then the form (``?quote=1``:
    with the parent's text quoted in it)."""
    comments = Comment.objects.visible().filter(article__in=Article.objects.published())
    parent = get_object_or_404(comments.select_related("article", "author"), pk=pk)
    quoting = request.GET.get("quote") == "1"
    initial = {"parent": parent.pk}
    if quoting:
        initial["body"] = quote_markdown(parent.body)
    form = CommentForm(initial=initial)
    return _compose(
        request,
        article=parent.article,
        parent=parent,
        form=form,
        quoting=quoting,
        email_verified=has_verified_email(request.user),
    )


@login_required
@require_POST
def comment_preview(request):
    """The live preview: the comment's text as it would be posted (rendered and sanitised
    exactly as posting does), as JSON; nothing is stored. Counted by its own rate limit."""
    if limits.preview_limited(request):
        return JsonResponse({"error": "Too many previews; wait a moment."}, status=429)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"error": " ".join(form.errors.get("body", ["Cannot preview."]))}, status=400
        )
    return JsonResponse({"html": services.preview_html(form.cleaned_data["body"])})


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
    if request.POST.get("preview"):
        return _preview(request, slug)
    wait = limits.posting_wait(request)
    if wait:
        back = reverse("article_detail", kwargs={"slug": slug})
        return limits.too_many_posts(request, wait, back_url=back)
    form = CommentForm(request.POST)
    parent, article = _parent_and_article(form, slug)
    if form.is_valid():
        sort = thread_sort(request.POST.get("sort"))
        # Moderators are staff (grant_moderator makes them so): for everyone else the
        # permission lookup's two queries would only confirm they see what readers see.
        moderator = request.user.is_staff and can_moderate(request.user)
        viewer = Viewer(request.user.pk, moderator)
        posted, comment = submit(
            form,
            services.comment_post,
            article=article,
            parent=parent,
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            landing=(sort, viewer),  # the page to land on is counted as it is stored
        )
        if posted:
            if not comment.is_visible:
                messages.info(request, "Your comment awaits review by a moderator.")
            try:
                url = comment_thread_url(
                    comment, sort=sort, viewer=viewer, threads_before=comment.threads_before
                )
            except DatabaseError:
                # Stored: the answer must not say otherwise. Only the page number is missing
                # (the "Most replies" order counts apart, after the commit).
                url = f"{article.get_absolute_url()}#comment-{comment.pk}"
            return redirect(url)
    # The parent is shown again only if readers may see it here: never a hidden comment's text.
    if parent is not None and not (parent.is_visible and parent.article_id == article.pk):
        parent = None
    return _compose(request, article=article, parent=parent, form=form, status=400)


def _preview(request, slug):
    # The Preview button without JavaScript: the form again, with the text as it would be
    # posted above the buttons; nothing stored, no post counted.
    form = CommentForm(request.POST)
    parent, article = _parent_and_article(form, slug)
    if parent is not None and not (parent.is_visible and parent.article_id == article.pk):
        parent = None
    preview = services.preview_html(form.cleaned_data["body"]) if form.is_valid() else ""
    status = 200 if form.is_valid() else 400
    return _compose(
        request,
        article=article,
        parent=parent,
        form=form,
        status=status,
        preview_html=mark_safe(preview),  # noqa: S308 - sanitised by services.preview_html
    )


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
            back = f"{comment.article.get_absolute_url()}#comment-{comment.pk}"
            return limits.too_many_posts(request, wait, back_url=back)
    context = {"comment": comment, "article": comment.article}
    context["edit_window"] = settings.COMMENT_EDIT_WINDOW_MINUTES
    if request.method == "GET":
        # Past the window (or once moderated, closed or suspended): the reason, not a form
        # that could only be refused.
        context["refusal"] = comment_edit_refusal(comment, request.user)
    data = request.POST if request.method == "POST" else None
    form = CommentEditForm(data, initial={"title": comment.title, "body": comment.body})
    if request.method == "POST" and form.is_valid():
        saved, _ = submit(
            form, services.comment_edit, comment=comment, editor=request.user, **form.cleaned_data
        )
        if saved:
            messages.success(request, "Your comment was updated.")
            return redirect(_in_thread(request, comment))
    context["form"] = form
    return form_page(request, "articles/comment_edit.html", context)


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
    # Every report sent counts towards the limits, even one that is refused below.
    wait = limits.report_wait(request) if request.method == "POST" else 0
    if wait:
        return limits.too_many_reports(request, wait, comment=comment, form=form)
    refusal = report_refusal(comment, request.user)
    if refusal:
        # One clear state: the reason, and no form to send again.
        context = {"comment": comment, "refusal": refusal}
        return form_page(request, "articles/comment_report.html", context)
    if request.method == "POST" and form.is_valid():
        reported, _ = submit(
            form,
            reports.comment_report,
            comment=comment,
            reporter=request.user,
            **form.cleaned_data,
        )
        if reported:
            messages.success(request, "Thank you: a moderator will look at this comment.")
            return redirect(_in_thread(request, comment))
    return form_page(request, "articles/comment_report.html", {"comment": comment, "form": form})
