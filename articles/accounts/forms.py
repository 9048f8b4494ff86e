"""Sign-up and login forms: a honeypot, bounded passwords, and the login rate limits."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from articles.accounts.services import login_rate_limited
from articles.posting import text_policy
from articles.posting.forms import HoneypotMixin

# Far beyond any passphrase, and far below what would make hashing a denial of service.
PASSWORD_MAX_LENGTH = 1024


def _limit_passwords(form):
    for name, field in form.fields.items():
        if name.startswith("password"):
            field.max_length = PASSWORD_MAX_LENGTH
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)


class PolicyUsernameField(UsernameField):
    """A user name under the text policy (posting/text_policy.py): controls, bidirectional
    controls and zero-width characters removed before it is validated or looked up, and one
    with nothing visible refused."""

    def to_python(self, value):
        value = super().to_python(value)
        if value.strip() and text_policy.is_blank(value):
            raise ValidationError("This name shows nothing: choose one with visible letters.")
        return text_policy.clean_line(value)


class SignupForm(HoneypotMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)
        field_classes = {"username": PolicyUsernameField}

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

    username = PolicyUsernameField(widget=forms.TextInput(attrs={"autofocus": True}))


class AdminLoginForm(_RateLimitedLogin, AdminAuthenticationForm):
    """The admin's login form, under the same limits."""

    username = PolicyUsernameField(widget=forms.TextInput(attrs={"autofocus": True}))
