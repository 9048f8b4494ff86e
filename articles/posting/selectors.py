"""Reads for writers: whether an author may still edit a comment, and why not."""

from django.conf import settings

from articles.models import Article, Comment
from articles.newsroom.selectors import accepting_comments_q
from articles.permissions import AUTHOR_CHANGEABLE, edit_window_start
from articles.posting.antiabuse import active_sanction


def comment_edit_refusal(comment: Comment, editor) -> str:
    """Why ``editor`` (its author) cannot edit ``comment`` now, or "" when they can.

    The rule is ``permissions.can_edit_comment``; each part is checked on its own here to say
    which one stands in the way. The edit page shows it instead of the form, and the edit
    service refuses with it.
    """
    if comment.state not in AUTHOR_CHANGEABLE:
        return "This comment can no longer be edited."
    if comment.created_at <= edit_window_start():
        minutes = settings.COMMENT_EDIT_WINDOW_MINUTES
        return f"Comments can only be edited in the first {minutes} minutes after posting."
    if not Article.objects.filter(accepting_comments_q(), pk=comment.article_id).exists():
        return "Comments on this article are closed."
    sanction = active_sanction(editor)
    return sanction.message if sanction is not None else ""
