"""The admin site as moderators use it: comments and articles, reports, sanctions, the audit log.

Moderators (the "Moderators" group) read everything here and act through admin actions, which go
through the same services as the in-page tools and so write the audit log. Nothing is edited
in place and nothing is deleted: comments change state, articles lock and unlock.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from articles.models import (
    Article,
    AuditLogEntry,
    Comment,
    CommentReport,
    UserSanction,
)
from articles.moderation import selectors
from articles.moderation import services as moderation
from articles.permissions import can_moderate
from articles.votes import services as votes

BOTH_PLACES = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


class ReasonActionForm(ActionForm):
    """The actions menu with a box for the reason, which goes into the audit log."""

    reason = forms.CharField(
        required=False,
        max_length=moderation.REASON_MAX_LENGTH,
        label="Reason:",
        widget=forms.TextInput(attrs={"placeholder": "optional", "size": 30}),
    )


def _action_reason(request) -> str:
    # The change page prefixes its action form's fields; the list does not.
    for name in ("reason", f"{admin.ActionLocation.CHANGE_FORM.value}-reason"):
        if name in request.POST:
            return request.POST[name]
    return ""


class ModeratedAdmin(admin.ModelAdmin):
    """Read-only records whose only changes are moderation actions."""

    action_form = ReasonActionForm
    # The keyword under which the moderation services take the object an action applies to.
    target = ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return can_moderate(request.user)

    def _apply(self, request, objects, service, done: str, **arguments):
        reason = _action_reason(request)
        succeeded, failures = 0, []
        for obj in objects:
            try:
                service(moderator=request.user, reason=reason, **{self.target: obj}, **arguments)
            except ValidationError as error:
                failures.append(f"{obj.pk}: {' '.join(error.messages)}")
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)
        if failures:
            self.message_user(request, "Not changed — " + "; ".join(failures), messages.WARNING)


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "Open reports"), ("any", "Ever reported"), ("no", "Never reported")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        if self.value() == "any":
            return queryset.filter(all_reports__gt=0)
        if self.value() == "no":
            return queryset.filter(all_reports=0)
        return queryset


@admin.register(Comment)
class CommentAdmin(ModeratedAdmin):
    target = "comment"
    actions = ["approve", "hide", "remove", "restore", "hide_branch", "pin", "unpin"]
    list_display = [
        "in_thread",
        "depth",
        "article",
        "author_name_or_user",
        "state",
        "open_reports",
        "created_at",
    ]
    list_filter = [
        "state",
        ReportedFilter,
        ("article", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "body", "author__username", "author_name"]
    list_select_related = ["article", "author"]
    # Newest threads first, each in reading order, so the indentation shows the replies' places.
    ordering = ["-tree_id", "lft"]
    list_per_page = 100
    date_hierarchy = "created_at"
    fields = [
        "article",
        "parent",
        "author",
        "author_name",
        "title",
        "body",
        "state",
        "created_at",
        "edited_at",
        "level",
        "upvotes",
        "downvotes",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
                all_reports=Count("reports"),
            )
        )

    @admin.display(description="Comment")
    def in_thread(self, comment):
        text = comment.title or comment.body[:80]
        return f"{'· ' * comment.level}{'↳ ' if comment.level else ''}{text}"

    @admin.display(description="Depth", ordering="level")
    def depth(self, comment):
        return comment.level

    @admin.display(description="Author", ordering="author__username")
    def author_name_or_user(self, comment):
        return comment.display_author

    @admin.display(description="Open reports", ordering="open_reports")
    def open_reports(self, comment):
        return comment.open_reports

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self.get_object(request, object_id)
        if comment is not None:
            extra_context = {**(extra_context or {}), **selectors.comment_review(comment)}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description="Approve (publish, or keep and close reports)",
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def approve(self, request, queryset):
        self._apply(request, queryset, moderation.comment_approve, "Approved")

    @admin.action(description="Hide", permissions=["moderate"], location=BOTH_PLACES)
    def hide(self, request, queryset):
        self._apply(request, queryset, moderation.comment_hide, "Hidden")

    @admin.action(description="Remove", permissions=["moderate"], location=BOTH_PLACES)
    def remove(self, request, queryset):
        self._apply(request, queryset, moderation.comment_remove, "Removed")

    @admin.action(description="Restore", permissions=["moderate"], location=BOTH_PLACES)
    def restore(self, request, queryset):
        self._apply(request, queryset, moderation.comment_restore, "Restored")

    @admin.action(
        description="Hide with all replies (branch)", permissions=["moderate"], location=BOTH_PLACES
    )
    def hide_branch(self, request, queryset):
        self._apply(request, queryset, moderation.comment_branch_hide, "Branches hidden")

    @admin.action(
        description="Pin above the article's threads",
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def pin(self, request, queryset):
        self._apply(request, queryset, votes.comment_pin, "Pinned")

    @admin.action(description="Unpin", permissions=["moderate"], location=BOTH_PLACES)
    def unpin(self, request, queryset):
        self._apply(request, queryset, votes.comment_unpin, "Unpinned")


@admin.register(Article)
class ArticleAdmin(ModeratedAdmin):
    target = "article"
    actions = ["lock_comments", "unlock_comments"]
    list_display = [
        "title",
        "published_at",
        "comments_open",
        "visible_comments",
        "pending_comments",
        "moderated_comments",
    ]
    list_filter = ["comments_open", "published_at", "source_name"]
    search_fields = ["title", "summary", "body", "slug"]
    date_hierarchy = "published_at"
    fields = [
        "title",
        "slug",
        "summary",
        "body",
        "topics",
        "byline",
        "source_name",
        "source_url",
        "published_at",
        "comments_open",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # All the counts in the list's one query.
        state = Comment.State
        return (
            super()
            .get_queryset(request)
            .annotate(
                visible_count=Count("comments", filter=Q(comments__state=state.VISIBLE)),
                pending_count=Count("comments", filter=Q(comments__state=state.PENDING)),
                moderated_count=Count(
                    "comments",
                    filter=Q(comments__state__in=[state.HIDDEN, state.REMOVED, state.DELETED]),
                ),
            )
        )

    @admin.display(description="Visible", ordering="visible_count")
    def visible_comments(self, article):
        return article.visible_count

    @admin.display(description="Pending", ordering="pending_count")
    def pending_comments(self, article):
        return article.pending_count

    @admin.display(description="Hidden, removed or deleted", ordering="moderated_count")
    def moderated_comments(self, article):
        return article.moderated_count

    @admin.action(description="Lock comments", permissions=["moderate"], location=BOTH_PLACES)
    def lock_comments(self, request, queryset):
        self._apply(request, queryset, moderation.article_lock, "Locked")

    @admin.action(description="Unlock comments", permissions=["moderate"], location=BOTH_PLACES)
    def unlock_comments(self, request, queryset):
        self._apply(request, queryset, moderation.article_unlock, "Unlocked")


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ModeratedAdmin):
    list_display = [
        "created_at",
        "actor_name",
        "action",
        "comment_link",
        "article",
        "target_user",
        "reason",
    ]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["reason", "actor__username", "target_user__username", "comment__body"]
    list_select_related = ["actor", "comment", "article", "target_user"]
    date_hierarchy = "created_at"

    @admin.display(description="By", ordering="actor__username")
    def actor_name(self, entry):
        return entry.actor.get_username() if entry.actor_id else "(automatic)"

    @admin.display(description="Comment")
    def comment_link(self, entry):
        if not entry.comment_id:
            return ""
        url = reverse("admin:articles_comment_change", args=[entry.comment_id])
        return format_html('<a href="{}">#{}</a>', url, entry.comment_id)


@admin.register(CommentReport)
class CommentReportAdmin(ModeratedAdmin):
    list_display = ["created_at", "comment", "reporter", "reason", "text", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "reporter__username", "comment__body"]
    list_select_related = ["comment", "reporter"]


@admin.register(UserSanction)
class UserSanctionAdmin(ModeratedAdmin):
    list_display = [
        "user_link",
        "kind",
        "starts_at",
        "ends_at",
        "lifted_at",
        "created_by",
        "reason",
    ]
    list_filter = ["kind", ("lifted_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "reason"]
    list_select_related = ["user", "created_by"]

    @admin.display(description="User", ordering="user__username")
    def user_link(self, sanction):
        url = reverse("moderation_user", args=[sanction.user_id])
        return format_html('<a href="{}">{}</a>', url, sanction.user.get_username())
