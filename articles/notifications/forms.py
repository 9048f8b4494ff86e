"""What a follow or mute button sends."""

from django import forms

MAX_ID = 2**63 - 1


class WatchForm(forms.Form):
    """Follow, unfollow, mute or unmute one article, comment thread or user."""

    action = forms.ChoiceField(choices=[(a, a) for a in ("follow", "unfollow", "mute", "unmute")])
    article = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    comment = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    user = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    next = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        targets = [name for name in ("article", "comment", "user") if data.get(name)]
        if len(targets) != 1:
            raise forms.ValidationError("Name one article, comment or user.")
        if targets == ["user"] and data.get("action") in ("follow", "unfollow"):
            raise forms.ValidationError("Users can be muted, not followed.")
        return data
