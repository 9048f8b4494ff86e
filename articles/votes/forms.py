"""The vote form (the pressed button: "up" or "down", its value the comment's id; the order
the reader was reading in), and a moderator's pin form."""

from django import forms
from django.core.exceptions import ValidationError

from articles.models import Vote

# Comment ids are PostgreSQL integers.
_MAX_ID = 2**31 - 1


class VoteForm(forms.Form):
    up = forms.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    down = forms.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    sort = forms.CharField(required=False, max_length=20)

    def clean(self):
        data = super().clean()
        if (data.get("up") is None) == (data.get("down") is None):
            raise ValidationError("Unknown vote.")
        return data

    @property
    def comment_id(self) -> int:
        return self.cleaned_data["up"] or self.cleaned_data["down"]

    @property
    def value(self) -> int:
        """The vote as stored: +1 or -1."""
        return Vote.Value.UP if self.cleaned_data["up"] else Vote.Value.DOWN


class PinForm(forms.Form):
    """A moderator's optional reason for pinning or unpinning, as logged; ``unpin`` to unpin."""

    reason = forms.CharField(required=False, max_length=500)
    unpin = forms.BooleanField(required=False)
