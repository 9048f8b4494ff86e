"""Who reads a page: what they may see and do, fetched with the page's own query."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from articles.models import Article, ThreadVersion, UserSanction
from articles.permissions import may_moderate_expression


@dataclass(frozen=True)
class Viewer:
    """Who reads a page: decides which comments show, and which tools the page offers."""

    user_id: int | None = None
    may_moderate: bool = False
    # The suspension or ban that stops this user writing, if any.
    sanction: UserSanction | None = None


ANONYMOUS = Viewer()


def for_viewer(queryset, user):
    """``queryset`` (articles or comments) annotated with what ``user`` may do, so that a page
    needs no queries of its own for it: ``viewer_may_moderate`` and the active sanction's fields.
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
    )


def articles_for_viewer(user):
    """Articles annotated for ``user`` by :func:`for_viewer` (the article page), and with
    ``thread_version``, the version its cached pages belong to (threads/cache.py)."""
    version = ThreadVersion.objects.filter(article=OuterRef("pk")).values("version")
    articles = Article.objects.annotate(thread_version=Coalesce(Subquery(version), 0))
    return for_viewer(articles, user)


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
    return Viewer(user.pk, obj.viewer_may_moderate, sanction)
