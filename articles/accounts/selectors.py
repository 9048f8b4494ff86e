"""Accounts' reads: who a typed name or address is, profiles, and a user's own data."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from articles.accounts.usernames import username_key
from articles.models import Article, Comment, Follow, MemberFigures, Mute, Profile

PROFILE_PAGE_SIZE = 20


def user_id_for_login(login: str) -> int | None:
    """The id of the account a login form's name or address names, if there is one, compared
    the way authentication compares them (NFKC, case-insensitive)."""
    key = username_key(login)
    if not key:
        return None
    if "@" in key:
        found = EmailAddress.objects.filter(email__iexact=key).values_list("user_id", flat=True)
    else:
        found = Profile.objects.filter(username_key=key).values_list("user_id", flat=True)
    return found.first()


def username_clash(*, key: str, skeleton: str) -> str | None:
    """ "taken" when a user has the name ``key``, "look-alike" when one has a name that looks
    the same (the same ``skeleton``), else None."""
    clash = (
        Profile.objects.filter(Q(username_key=key) | Q(username_skeleton=skeleton))
        .values_list("username_key", flat=True)
        .first()
    )
    if clash is None:
        return None
    return "taken" if clash == key else "look-alike"


def has_verified_email(user) -> bool:
    """Whether ``user`` verified an e-mail address, which posting needs."""
    return EmailAddress.objects.filter(user=user.pk, verified=True).exists()


def has_email(user) -> bool:
    """Whether ``user`` gave an e-mail address at all (accounts older than e-mail did not)."""
    return EmailAddress.objects.filter(user=user.pk).exists() or bool(user.email)


def preferences(user) -> dict:
    """``user``'s display preferences, the defaults where they have no profile yet."""
    profile = Profile.objects.filter(user=user).first() or Profile()
    return {
        "thread_order": profile.thread_order,
        "notification_email": profile.notification_email,
    }


def public_profile(username: str):
    """The active user named ``username`` (exactly, or by its key) with ``comment_count`` and
    ``karma`` (their net score), of the visible comments on published articles only: what any
    reader may see. 404 for no such user or a deleted one.

    Both come from the member's figures (kept by triggers, migration 0017), read with the user,
    less what their comments on the few articles not public (drafts, withdrawn, scheduled) add:
    no page reads all of a member's comments."""
    users = get_user_model().objects.filter(is_active=True).select_related("profile", "figures")
    user = users.filter(username=username).first()
    if user is None:
        user = get_object_or_404(users, profile__username_key=username_key(username))
    figures = getattr(user, "figures", None) or MemberFigures()
    hidden = (
        Comment.objects.visible()
        .filter(author=user, article__in=_not_public())
        .aggregate(count=Count("*"), karma=Coalesce(Sum(F("upvotes") - F("downvotes")), 0))
    )
    user.comment_count = figures.comment_count - hidden["count"]
    user.karma = figures.karma - hidden["karma"]
    return user


def _not_public():
    return Article.objects.exclude(Article.public_q()).values("pk")


def _public_comments(user):
    # What any reader may see: shown comments on published articles. Excluding the few articles
    # not public (drafts, withdrawn, scheduled) reads the member's comments from their index
    # alone; "on a published article" joined every published article to them.
    return Comment.objects.visible().filter(author=user).exclude(article__in=_not_public())


def public_comments(user, page_number, *, count: int | None = None) -> Page:
    """``user``'s visible comments on published articles, newest first, one page of
    ``PROFILE_PAGE_SIZE``; ``count``, when known (``public_profile``), spares counting them
    again."""
    comments = _public_comments(user).select_related("article").order_by("-created_at", "-id")
    paginator = Paginator(comments, PROFILE_PAGE_SIZE)
    if count is not None:
        paginator.count = count
    return paginator.get_page(page_number)


def account_data(user) -> dict:
    """Everything the forum keeps about ``user`` that they gave it or wrote: the account, its
    addresses and preferences, what they follow and mute, and every comment they wrote in any
    state, with earlier versions."""
    comments = (
        Comment.objects.filter(author=user)
        .select_related("article")
        .prefetch_related("revisions")
        .order_by("created_at", "id")
    )
    return {
        "account": {
            "id": user.pk,
            "username": user.get_username(),
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("id")
            ],
            "preferences": preferences(user),
        },
        # What they follow and mute (articles/notifications), by id.
        "follows": [
            {"article": f.article_id, "comment": f.comment_id}
            for f in Follow.objects.filter(user=user).order_by("id")
        ],
        "mutes": [
            {"article": m.article_id, "comment": m.comment_id, "user": m.muted_user_id}
            for m in Mute.objects.filter(user=user).order_by("id")
        ],
        "comments": [_comment_data(c) for c in comments],
    }


def _comment_data(comment) -> dict:
    return {
        "id": comment.pk,
        "article": {"slug": comment.article.slug, "title": comment.article.title},
        "parent_id": comment.parent_id,
        "title": comment.title,
        "body": comment.body,
        "state": comment.state,
        "created_at": comment.created_at.isoformat(),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "earlier_versions": [
            {"title": r.title, "body": r.body, "written_at": r.written_at.isoformat()}
            for r in comment.revisions.all()
        ],
    }
