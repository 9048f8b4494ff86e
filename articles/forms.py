from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from articles.accounts import login_rate_limited
from articles.models import CommentReport

# Far beyond any passphrase, and far below what would make hashing a denial of service.
PASSWORD_MAX_LENGTH = 1024
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


def _limit_passwords(form):
    for name, field in form.fields.items():
        if name.startswith("password"):
            field.max_length = PASSWORD_MAX_LENGTH
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)


class SignupForm(HoneypotMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_passwords(self)


class _RateLimitedLogin:
    """Refuse the attempt before the password is checked once its address or account is over
    the limit, so guessing stays blocked for the whole window, right password or not."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_passwords(self)

    def clean(self):
        if login_rate_limited(self.request):
            raise ValidationError(
                "Too many login attempts. Wait a few minutes, then try again.",
                code="rate_limited",
            )
        return super().clean()


class LoginForm(_RateLimitedLogin, AuthenticationForm):
    """The site's login form."""


class AdminLoginForm(_RateLimitedLogin, AdminAuthenticationForm):
    """The admin's login form, under the same limits."""


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


class ReasonForm(forms.Form):
    """A moderator's optional reason for an action, as logged."""

    reason = forms.CharField(required=False, max_length=500, label="Reason")


class LiftForm(ReasonForm):
    restore_comments = forms.BooleanField(
        required=False, initial=True, label="Bring back the comments a ban hid"
    )
