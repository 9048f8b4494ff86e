"""Moderators' forms: a reason for an action, a suspension, a ban, lifting one."""

from django import forms
from django.core.exceptions import ValidationError


class SuspendForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=3650, initial=7, label="Days")
    reason = forms.CharField(max_length=500, label="Reason (shown to the user)")


class BanForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason (shown to the user)")
    hide_comments = forms.BooleanField(required=False, label="Also hide all their comments")


class ReasonForm(forms.Form):
    """A moderator's optional reason for an action, as logged."""

    reason = forms.CharField(required=False, max_length=500, label="Reason")


class LiftForm(ReasonForm):
    restore_comments = forms.BooleanField(
        required=False, initial=True, label="Bring back the comments a ban hid"
    )


class UserIdsField(forms.Field):
    """Several user ids, from checkboxes sharing one name."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError):
            raise ValidationError("Choose reporters from the list.") from None


class ApproveForm(ReasonForm):
    """Approving, or dismissing a comment's reports; the reporters found unreliable, if any."""

    unreliable_reporters = UserIdsField(required=False)
