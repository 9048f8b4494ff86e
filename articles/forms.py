from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm


class CommentForm(forms.Form):
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


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)
