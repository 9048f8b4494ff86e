"""The forms readers write in: a comment or reply, an edit, a report."""

from django import forms
from django.conf import settings

from articles.models import CommentReport

# Comment ids are PostgreSQL bigints.
_ID_MAX = 2**63 - 1


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS) but form-filling bots fill in: refuse those."""

    website = forms.CharField(
        required=False,
        max_length=200,
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

    parent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=_ID_MAX,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ["invalid", "min_value", "max_value"], "The comment you replied to does not exist."
        ),
    )
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
