from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm

from articles.models import CommentReport


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS) but form-filling bots fill in: refuse those."""

    website = forms.CharField(
        required=False,
        label="",
        widget=forms.TextInput(
            attrs={"class": "hp", "tabindex": "-1", "autocomplete": "off", "aria-hidden": "true"}
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError("This form could not be accepted. Please try again.")
        return cleaned


class CommentForm(HoneypotMixin, forms.Form):
    """A new comment or reply; the parent, when there is one, travels in a hidden field."""

    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        required=False,
        max_length=settings.COMMENT_TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "Title (optional)"}),
    )
    body = forms.CharField(
        max_length=settings.COMMENT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "Markdown is supported."}),
        error_messages={"required": "Write something before posting."},
    )


class SignupForm(HoneypotMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class CommentEditForm(CommentForm):
    """An author's edit of their own comment: its title and text only."""

    parent = None
    website = None


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=CommentReport.Reason.choices, widget=forms.RadioSelect, label="Why?"
    )
    text = forms.CharField(
        required=False,
        max_length=500,
        label="Details (needed for “Other”)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SuspendForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=3650, initial=7, label="Days")
    reason = forms.CharField(max_length=500, label="Reason (shown to the user)")


class BanForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason (shown to the user)")
    hide_comments = forms.BooleanField(required=False, label="Also hide all their comments")


class LiftForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500, label="Reason")
    restore_comments = forms.BooleanField(
        required=False, initial=True, label="Bring back the comments a ban hid"
    )
