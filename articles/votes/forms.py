"""The vote form: which way (the buttons' value), and the order the reader was reading in."""

from django import forms

from articles.models import Vote

DIRECTIONS = {"up": Vote.Value.UP.value, "down": Vote.Value.DOWN.value}


class VoteForm(forms.Form):
    vote = forms.ChoiceField(choices=[(name, name) for name in DIRECTIONS])
    sort = forms.CharField(required=False, max_length=20)

    @property
    def value(self) -> int:
        """The vote as stored: +1 or -1."""
        return DIRECTIONS[self.cleaned_data["vote"]]


class PinForm(forms.Form):
    """A moderator's optional reason for pinning or unpinning, as logged; ``unpin`` to unpin."""

    reason = forms.CharField(required=False, max_length=500)
    unpin = forms.BooleanField(required=False)
