"""Who may do what: the moderator and editor guards, and who may read, edit, delete or report
a comment.

The comment rules are small pure functions of plain values (a state, whether it is the reader's
own), so the thread query layer, the renderer and the services apply the very same rules, and
the thread's hot loop can call them without a query.

Every moderation view is wrapped in :func:`moderator_required`, the one place that decides who is
a moderator: a user holding the ``articles.moderate_comment`` permission (members of the
"Moderators" group, and superusers).
"""

from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q, Value
from django.utils import timezone

from articles.models import Comment

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

EDIT_ARTICLES_PERMISSION = "articles.publish_article"
EDITORS_GROUP = "Editors"
# What the Editors group holds: writing articles and topics in the admin, reading old versions.
# The 0007 migration grants the same list; a test keeps the two equal.
EDITOR_PERMISSIONS = [
    ("articles", "publish_article"),
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "add_topic"),
    ("articles", "change_topic"),
    ("articles", "view_topic"),
    ("articles", "view_articlerevision"),
]


# Plain strings, as the thread's rows hold them: cheaper to compare than the enum members.
VISIBLE = Comment.State.VISIBLE.value
PENDING = Comment.State.PENDING.value
# The states in which an author may still edit or delete their comment.
AUTHOR_CHANGEABLE = (VISIBLE, PENDING)


def can_read_comment(state: str, *, own: bool, moderator: bool) -> bool:
    """Whether a reader may read a comment's text: a visible one, their own held one; moderators
    read everything."""
    return state == VISIBLE or moderator or (own and state == PENDING)


def can_delete_comment(state: str, *, own: bool) -> bool:
    """Whether a reader may delete a comment: their own, while it is visible or held."""
    return own and state in AUTHOR_CHANGEABLE


def can_edit_comment(
    state: str, *, own: bool, recent: bool, thread_open: bool, sanctioned: bool
) -> bool:
    """Whether a reader may edit a comment: one they may delete, posted within the edit window
    (``recent``, see :func:`edit_window_start`), in an open thread, while not suspended."""
    return can_delete_comment(state, own=own) and recent and thread_open and not sanctioned


def can_report_comment(state: str, *, own: bool, sanctioned: bool) -> bool:
    """Whether a reader may report a comment: someone else's visible one, while not suspended."""
    return not own and state == VISIBLE and not sanctioned


def can_vote_comment(
    state: str, *, own: bool, sanctioned: bool, thread_open: bool, verified: bool = True
) -> bool:
    """Whether a reader may vote on a comment: someone else's visible one, in an open thread,
    while not suspended, once their e-mail address is verified (as for posting). Who may vote at
    all is :func:`can_cast_votes`."""
    return state == VISIBLE and not own and not sanctioned and thread_open and verified


def can_cast_votes(user) -> bool:
    """Whether ``user`` may vote at all: signed in and active (a verified address is checked with
    the comment, by :func:`can_vote_comment`, from the same query)."""
    return user.is_authenticated and user.is_active


def edit_window_start(now: datetime | None = None) -> datetime:
    """Comments posted after this time are still within ``COMMENT_EDIT_WINDOW_MINUTES``."""
    return (now or timezone.now()) - timedelta(minutes=settings.COMMENT_EDIT_WINDOW_MINUTES)


def can_moderate(user) -> bool:
    """Whether ``user`` may use the moderation tools (two queries, cached on the user)."""
    return user.is_authenticated and user.has_perm(MODERATE_PERMISSION)


def can_edit_articles(user) -> bool:
    """Whether ``user`` may write, preview, schedule and publish articles (an editor)."""
    return user.is_authenticated and user.has_perm(EDIT_ARTICLES_PERMISSION)


def may_moderate_expression(user):
    """:func:`can_moderate` as an SQL expression, to fold it into a query a page makes anyway."""
    return _permission_expression(user, MODERATE_PERMISSION)


def may_edit_articles_expression(user):
    """:func:`can_edit_articles` as an SQL expression, like :func:`may_moderate_expression`."""
    return _permission_expression(user, EDIT_ARTICLES_PERMISSION)


def _permission_expression(user, permission: str):
    if not user.is_authenticated or not user.is_active:
        return Value(False)
    if user.is_superuser:
        return Value(True)
    app_label, codename = permission.split(".")
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


def editor_required(view):
    """Guard a newsroom view as :func:`moderator_required` guards a moderation view."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not can_edit_articles(request.user):
            raise PermissionDenied("Only editors can do this.")
        return view(request, *args, **kwargs)

    guarded.editor_required = True
    return guarded


def ensure_comment_author(user, comment) -> None:
    """Only a comment's own author may edit or delete it."""
    if not user.is_authenticated or comment.author_id != user.pk:
        raise PermissionDenied("You can only change your own comments.")


def moderators_group() -> Group:
    """The "Moderators" group with its permissions, created or repaired as needed."""
    return _group_with(MODERATORS_GROUP, MODERATOR_PERMISSIONS)


def editors_group() -> Group:
    """The "Editors" group with its permissions, created or repaired as needed."""
    return _group_with(EDITORS_GROUP, EDITOR_PERMISSIONS)


def _group_with(name: str, permissions: list[tuple[str, str]]) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    wanted = Q()
    for app_label, codename in permissions:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group
