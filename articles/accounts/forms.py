"""Account forms: allauth's sign-up and login with a honeypot, bounded passwords and the login
rate limits; the admin's login under the same limits; preferences; leaving."""

import unicodedata

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import UsernameField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from articles.accounts.services import login_rate_limited
from articles.models import Profile
from articles.posting import text_policy
from articles.posting.forms import HoneypotMixin

# Far beyond any passphrase, and far below what would make hashing a denial of service.
PASSWORD_MAX_LENGTH = 1024
# The longest e-mail address (RFC 5321); usernames are shorter.
LOGIN_MAX_LENGTH = 254


def _limit_passwords(form):
    for name, field in form.fields.items():
        if name.startswith("password"):
            field.max_length = PASSWORD_MAX_LENGTH
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)


def _refuse_when_limited(request, login):
    # Refused before the password is checked, so guessing stays blocked for the whole window,
    # right password or not.
    if login_rate_limited(request, login=login):
        raise ValidationError(
            "Too many login attempts. Wait a few minutes, then try again.", code="rate_limited"
        )


class PolicyUsernameField(UsernameField):
    """The admin login's user name under the text policy (posting/text_policy.py): controls,
    bidirectional controls and zero-width characters removed before it is looked up. (allauth's
    forms apply the same policy in ``LoginForm.clean_login`` and the adapter's
    ``clean_username``.)"""

    def to_python(self, value):
        return text_policy.clean_line(super().to_python(value))


class SignupForm(HoneypotMixin, allauth_forms.SignupForm):
    """allauth's sign-up (username, e-mail address, password twice) with a honeypot."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_passwords(self)


class LoginForm(allauth_forms.LoginForm):
    """allauth's login (username or e-mail address) under the forum's login limits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_passwords(self)
        login = self.fields["login"]
        login.label = "Username or e-mail address"
        login.max_length = LOGIN_MAX_LENGTH
        login.validators.append(MaxLengthValidator(LOGIN_MAX_LENGTH))
        login.widget.attrs["maxlength"] = str(LOGIN_MAX_LENGTH)

    def clean_login(self):
        # Read as sign-up stored it: under the text policy, full-width letters their ASCII selves.
        return unicodedata.normalize("NFKC", text_policy.clean_line(super().clean_login()))

    def clean(self):
        _refuse_when_limited(self.request, self.data.get("login", ""))
        return super().clean()


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, under the same limits."""

    username = PolicyUsernameField(widget=forms.TextInput(attrs={"autofocus": True}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_passwords(self)

    def clean(self):
        _refuse_when_limited(self.request, self.data.get("username", ""))
        return super().clean()


class PreferencesForm(forms.Form):
    """Display preferences."""

    thread_order = forms.ChoiceField(choices=Profile.ThreadOrder.choices, label="Show discussions")
    notification_email = forms.ChoiceField(
        choices=Profile.NotificationEmail.choices,
        label="Mail me about replies, mentions and what I follow",
    )


class DeleteAccountForm(forms.Form):
    """Confirming the deletion of one's own account with its password."""

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=PASSWORD_MAX_LENGTH,
        label="Your password",
    )
    comments = forms.ChoiceField(
        choices=[
            ("keep", "Keep the text of my comments, under “[deleted account]”"),
            ("remove", "Remove the text of my comments (their replies stay)"),
        ],
        widget=forms.RadioSelect,
        initial="keep",
        label="Your comments",
    )
