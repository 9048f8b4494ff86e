"""Who may do what: the moderator guard, and the checks behind authors' own tools.

Every moderation view is wrapped in :func:`moderator_required`, the one place that decides who is
a moderator: a user holding the ``articles.moderate_comment`` permission (members of the
"Moderators" group, and superusers).
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q, Value

MODERATE_PERMISSION = "articles.moderate_comment"
MODERATORS_GROUP = "Moderators"
# What the Moderators group holds: moderating, and reading (never editing) the admin's records.
# The 0002 migration grants the same list; a test keeps the two equal.
MODERATOR_PERMISSIONS = [
    ("articles", "moderate_comment"),
    ("articles", "view_article"),
    ("articles", "view_comment"),
    ("articles", "view_commentreport"),
    ("articles", "view_usersanction"),
    ("articles", "view_auditlogentry"),
]


def can_moderate(user) -> bool:
    """Whether ``user`` may use the moderation tools (two queries, cached on the user)."""
    return user.is_authenticated and user.has_perm(MODERATE_PERMISSION)


def may_moderate_expression(user):
    """:func:`can_moderate` as an SQL expression, to fold it into a query a page makes anyway."""
    if not user.is_authenticated or not user.is_active:
        return Value(False)
    if user.is_superuser:
        return Value(True)
    app_label, codename = MODERATE_PERMISSION.split(".")
    granted = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).filter(Q(user=user.pk) | Q(group__user=user.pk))
    # Uncorrelated: PostgreSQL evaluates it once, whatever the outer query returns.
    return Exists(granted)


def moderator_required(view):
    """Guard a moderation view: anonymous users go to the login page, other non-moderators get 403.

    The wrapped view is marked so the URL walk test can prove no moderation view is left open.
    """

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not can_moderate(request.user):
            raise PermissionDenied("Only moderators can do this.")
        return view(request, *args, **kwargs)

    guarded.moderator_required = True
    return guarded


def ensure_comment_author(user, comment) -> None:
    """Only a comment's own author may edit or delete it."""
    if not user.is_authenticated or comment.author_id != user.pk:
        raise PermissionDenied("You can only change your own comments.")


def moderators_group() -> Group:
    """The "Moderators" group with its permissions, created or repaired as needed."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    wanted = Q()
    for app_label, codename in MODERATOR_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group
