"""Voting on a comment (a plain POST form, or in place from forum.js), and a moderator's pin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from articles.formflow import submit
from articles.models import Comment
from articles.permissions import can_cast_votes, can_moderate, moderator_required
from articles.threads.selectors import comment_thread_url, thread_sort
from articles.threads.viewer import Viewer
from articles.votes import limits, services
from articles.votes.forms import PinForm, VoteForm


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _in_thread(request, pk, sort: str) -> str:
    # Back to the comment, on the page of the discussion (in the reader's order) that holds it.
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    viewer = Viewer(request.user.pk, request.user.is_staff and can_moderate(request.user))
    return comment_thread_url(comment, sort=sort, viewer=viewer)


def _refused(request, pk, sort: str, message: str, status: int):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    messages.error(request, message)
    return redirect(_in_thread(request, pk, sort))


@login_required
@require_POST
def comment_vote(request):
    """Vote a comment up or down, or withdraw one's vote (the same button again). From
    forum.js (``Accept: application/json``): the new totals as JSON; otherwise back to the
    comment in the thread. Over the voting rate limit: 429 and nothing stored."""
    if not can_cast_votes(request.user):
        raise PermissionDenied("You cannot vote.")
    form = VoteForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"error": "Unknown vote."}, status=400)
        return HttpResponseBadRequest("Unknown vote.")
    pk, sort = form.comment_id, thread_sort(form.cleaned_data["sort"])
    wait = limits.voting_wait(request)
    if wait:
        message = f"Too many votes at once: please wait {wait} seconds."
        response = _refused(request, pk, sort, message, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        result = services.vote_cast(comment_id=pk, voter=request.user, value=form.value)
    except ValidationError as error:
        return _refused(request, pk, sort, " ".join(error.messages), status=400)
    if _wants_json(request):
        return JsonResponse({**result._asdict(), "score": result.score})
    return redirect(_in_thread(request, pk, sort))


@require_POST
@moderator_required
def comment_pin(request, pk):
    """Pin a top-level comment above its article's threads, or (``unpin``) put it back."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    form = PinForm(request.POST)
    if form.is_valid():
        unpin = form.cleaned_data["unpin"]
        service = services.comment_unpin if unpin else services.comment_pin
        pinned, _ = submit(
            form,
            service,
            comment=comment,
            moderator=request.user,
            reason=form.cleaned_data["reason"],
        )
        if pinned:
            messages.success(request, "Comment unpinned." if unpin else "Comment pinned.")
    if form.errors:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    # Back to the page the moderator acted from, if it is ours; else to the comment.
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(comment_thread_url(comment, viewer=Viewer(request.user.pk, True)))
