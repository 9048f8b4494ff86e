"""Posting: the reply page and the action that stores a comment or reply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles import selectors, services
from articles.forms import CommentForm
from articles.models import Article, Comment
from articles.permissions import can_moderate
from articles.views import limits
from articles.views.pages import comment_thread_url


def _compose(request, *, article, parent, form, status=200):
    return render(
        request,
        "articles/comment_form.html",
        {"article": article, "parent": parent, "form": form},
        status=status,
    )


@login_required
@require_GET
def comment_reply(request, pk):
    """The reply page for readers without JavaScript: the parent, then the form."""
    parent = get_object_or_404(Comment.objects.visible().select_related("article", "author"), pk=pk)
    form = CommentForm(initial={"parent": parent.pk})
    return _compose(request, article=parent.article, parent=parent, form=form)


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
    parent = None
    if form.is_valid() and form.cleaned_data["parent"] is not None:
        parent = (
            Comment.objects.select_related("article").filter(pk=form.cleaned_data["parent"]).first()
        )
        if parent is None:
            form.add_error(None, "The comment you replied to does not exist.")
    # A reply's article comes with its parent: one query fewer on the posting path.
    if parent is not None and parent.article.slug == slug:
        article = parent.article
    else:
        article = get_object_or_404(Article, slug=slug)
    if form.is_valid():
        try:
            comment = services.comment_post(
                article=article,
                parent=parent,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not comment.is_visible:
                messages.info(request, "Your comment awaits review by a moderator.")
            sort = selectors.thread_sort(request.POST.get("sort"))
            # Moderators are staff (grant_moderator makes them so): for everyone else the
            # permission lookup's two queries would only confirm they see what readers see.
            moderator = request.user.is_staff and can_moderate(request.user)
            viewer = selectors.Viewer(request.user.pk, moderator)
            return redirect(comment_thread_url(comment, sort=sort, viewer=viewer))
    # The parent is shown again only if readers may see it here: never a hidden comment's text.
    if parent is not None and not (parent.is_visible and parent.article_id == article.pk):
        parent = None
    return _compose(request, article=article, parent=parent, form=form, status=400)


def add_service_errors(form, error):
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
