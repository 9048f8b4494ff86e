"""Who reads a page: what they may see and do, fetched with the page's own query."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Exists, Q, Subquery

from articles.models import Article, UserSanction
from articles.newsroom.selectors import with_topic_links
from articles.permissions import may_edit_articles_expression, may_moderate_expression
from articles.threads.cache import with_thread_version


@dataclass(frozen=True)
class Viewer:
    """Who reads a page: decides which comments show, and which tools the page offers."""

    user_id: int | None = None
    may_moderate: bool = False
    # The suspension or ban that stops this user writing, if any.
    sanction: UserSanction | None = None
    # False until the user verifies an e-mail address: until then they may read, not post.
    email_verified: bool = True


ANONYMOUS = Viewer()


def for_viewer(queryset, user):
    """``queryset`` (articles or comments) annotated with what ``user`` may do, so that a page
    needs no queries of its own for it: ``viewer_may_moderate``, the active sanction's fields and
    ``viewer_email_verified``.
    Read them back with :func:`viewer_from`.
    """
    if not user.is_authenticated:
        return queryset
    sanction = UserSanction.objects.in_force_for(user.pk)
    return queryset.annotate(
        viewer_may_moderate=may_moderate_expression(user),
        viewer_sanction_kind=Subquery(sanction.values("kind")[:1]),
        viewer_sanction_ends_at=Subquery(sanction.values("ends_at")[:1]),
        viewer_sanction_reason=Subquery(sanction.values("reason")[:1]),
        viewer_email_verified=Exists(EmailAddress.objects.filter(user=user.pk, verified=True)),
    )


def articles_for_viewer(user):
    """The articles ``user`` may read, annotated by :func:`for_viewer` and with their topics
    (the article page): editors also read drafts, scheduled and withdrawn articles
    (``viewer_may_edit``), in the same query. Each carries ``thread_version``, the version its
    cached pages belong to (threads/cache.py)."""
    articles = with_thread_version(Article.objects.all())
    articles = with_topic_links(for_viewer(articles, user))
    if not user.is_authenticated:
        return articles.published()
    articles = articles.annotate(viewer_may_edit=may_edit_articles_expression(user))
    return articles.filter(Article.public_q() | Q(viewer_may_edit=True))


def viewer_from(obj, user) -> Viewer:
    """The Viewer for ``user`` from an object fetched through :func:`for_viewer`."""
    if not user.is_authenticated:
        return ANONYMOUS
    sanction = None
    if obj.viewer_sanction_kind:
        sanction = UserSanction(
            user_id=user.pk,
            kind=obj.viewer_sanction_kind,
            ends_at=obj.viewer_sanction_ends_at,
            reason=obj.viewer_sanction_reason,
        )
    return Viewer(user.pk, obj.viewer_may_moderate, sanction, obj.viewer_email_verified)
