"""The admin site: the newsroom's articles and topics, and what moderators use (comments,
reports, sanctions, the audit log).

Editors (the "Editors" group) write articles and topics here, through the newsroom services.
Moderators (the "Moderators" group) read everything else here and act through admin actions,
which go through the same services as the in-page tools and so write the audit log. Nothing
else is edited in place and nothing is deleted: comments change state, articles lock and unlock.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from articles.models import (
    Article,
    ArticleRevision,
    AuditLogEntry,
    Comment,
    CommentReport,
    Topic,
    UserSanction,
)
from articles.moderation import selectors
from articles.moderation import services as moderation
from articles.moderation.admin import BOTH_PLACES, ModeratedAdmin
from articles.newsroom import services as newsroom
from articles.newsroom.forms import ArticleForm
from articles.permissions import can_edit_articles
from articles.votes import services as votes


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


class AuthorFilter(admin.SimpleListFilter):
    """Comments by one author, whose name is typed in a search box: a list of every user who
    ever commented would run to thousands of lines."""

    title = "author"
    parameter_name = "author"
    template = "admin/articles/author_filter.html"

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def choices(self, changelist):
        # The filter's form keeps every other filter of the list as it is.
        yield {
            "value": self.value() or "",
            "kept": [
                (name, value)
                for name, value in changelist.get_filters_params().items()
                if name != self.parameter_name
            ],
        }

    def queryset(self, request, queryset):
        name = (self.value() or "").strip()
        if not name:
            return queryset
        return queryset.filter(Q(author__username__iexact=name) | Q(author_name__iexact=name))


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
        AuthorFilter,
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

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description="Comment")
    def in_thread(self, comment):
        text = comment.title or comment.body[:80]
        # A few dots show a reply's place; past them the Depth column says how deep it is.
        return f"{'· ' * min(comment.level, 6)}{'↳ ' if comment.level else ''}{text}"

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


class ArticleRevisionInline(admin.TabularInline):
    """A published article's earlier versions, newest first, as comment revisions are shown."""

    model = ArticleRevision
    fields = ["replaced_at", "replaced_by", "title", "summary", "body", "byline"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Earlier versions"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(ModeratedAdmin):
    """Editors write, schedule, publish and correct articles here ("View on site" previews a
    draft); moderators read them and lock or unlock their comments."""

    target = "article"
    form = ArticleForm
    inlines = [ArticleRevisionInline]
    actions = ["lock_comments", "unlock_comments"]
    list_display = [
        "title",
        "status",
        "published_at",
        "comment_policy",
        "comments_open",
        "visible_comments",
        "pending_comments",
        "moderated_comments",
    ]
    list_filter = ["status", "comment_policy", "comments_open", "published_at", "source_name"]
    search_fields = ["title", "summary", "body", "slug"]
    date_hierarchy = "published_at"
    filter_horizontal = ["topics"]
    fields = [*ArticleForm.Meta.fields, "visible_correction"]
    # What imports and moderators set, shown to editors but not theirs to change.
    record_fields = ["corrected_at", "comments_open", "source_name", "source_url"]

    def has_add_permission(self, request):
        return can_edit_articles(request.user)

    def has_change_permission(self, request, obj=None):
        return can_edit_articles(request.user)

    def get_fields(self, request, obj=None):
        # A correction is a change to something already written.
        if obj is None or not self.has_change_permission(request, obj):
            return [*ArticleForm.Meta.fields, *self.record_fields]
        return [*self.fields, *self.record_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (obj.is_public or obj.status == Article.Status.WITHDRAWN):
            return ["slug", *self.record_fields]
        return self.record_fields

    def get_prepopulated_fields(self, request, obj=None):
        if "slug" in self.get_readonly_fields(request, obj):
            return {}
        return {"slug": ("title",)}

    def get_changeform_initial_data(self, request):
        return {"status": Article.Status.DRAFT, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        topics = form.cleaned_data["topics"]
        if change:
            newsroom.article_update(
                article=obj,
                editor=request.user,
                topics=topics,
                visible_correction=form.cleaned_data["visible_correction"],
            )
        else:
            newsroom.article_create(article=obj, topics=topics)

    def save_related(self, request, form, formsets, change):
        # The services filed the topics; the inline of earlier versions is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

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


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Topics articles are filed under (editors); a topic's page is /topics/<slug>/."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}

    def has_delete_permission(self, request, obj=None):
        return False
