"""The admin's base for moderated records: read-only, changed only through moderation actions
that take a reason (written to the audit log with the action); and the word lists, the one
thing moderators edit there."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError

from articles.models import WordList
from articles.moderation.audit import REASON_MAX_LENGTH
from articles.permissions import can_moderate
from articles.posting import services as posting

BOTH_PLACES = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


class ReasonActionForm(ActionForm):
    """The actions menu with a box for the reason, which goes into the audit log."""

    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
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


@admin.register(WordList)
class WordListAdmin(admin.ModelAdmin):
    """The blocked and watched words, the one thing moderators edit here (through a service, so
    the change is logged and reaches every process at its next post)."""

    fields = ["kind", "words", "updated_at", "updated_by"]
    readonly_fields = ["kind", "updated_at", "updated_by"]
    list_display = ["kind", "size", "updated_at", "updated_by"]

    def has_add_permission(self, request):
        return False  # both lists exist from the migration on

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user)

    def has_change_permission(self, request, obj=None):
        return can_moderate(request.user)

    @admin.display(description="Entries")
    def size(self, word_list):
        return len(word_list.entries)

    def save_model(self, request, obj, form, change):
        posting.word_list_update(word_list=obj, words=obj.words, moderator=request.user)
