"""The forum's allauth adapter: its rules for usernames, mail that leaves through the worker with
a plain-text and an HTML part, and accounts older than e-mail asked for an address."""

import unicodedata

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from confusable_homoglyphs import confusables
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse

from articles.accounts import selectors, services
from articles.accounts.usernames import username_key, username_skeleton
from articles.posting import text_policy
from forum.clientip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter with the forum's rules (settings.ACCOUNT_ADAPTER)."""

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """Refuse reserved names, names that mix look-alike letters of different alphabets, and
        names that are, or look like, an existing one, and names that show nothing; store the
        name under the text policy (no controls, bidirectional controls or zero-width
        characters), NFKC-normalised."""
        if username.strip() and text_policy.is_blank(username):
            raise ValidationError(
                "This name shows nothing: choose one with visible letters.", code="blank"
            )
        username = unicodedata.normalize("NFKC", text_policy.clean_line(username)).strip()
        skeleton = username_skeleton(username)
        reserved = {username_skeleton(name) for name in settings.ACCOUNT_USERNAME_BLACKLIST}
        if skeleton in reserved:
            raise ValidationError(
                f"“{username}” is reserved. Please choose another username.", code="reserved"
            )
        username = super().clean_username(username, shallow=True)  # allauth's validators
        if not shallow:
            clash = selectors.username_clash(key=username_key(username), skeleton=skeleton)
            if clash == "taken":
                raise ValidationError(
                    "That username is taken. Please choose another.", code="username_taken"
                )
            if clash == "look-alike":
                raise ValidationError(
                    "That username looks the same as an existing one. Please choose another.",
                    code="username_confusable",
                )
        if confusables.is_dangerous(username):
            raise ValidationError(
                "This username mixes letters of different alphabets that look alike. "
                "Please write it in one alphabet.",
                code="mixed_script",
            )
        return username

    def get_client_ip(self, request) -> str:
        """The client's address for allauth's rate limits, as the forum's own limits and logs
        read it (forum/clientip.py: the proxy header, RATELIMIT_TRUSTED_PROXIES)."""
        return client_ip(request)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mail, with an HTML part made from the text where no HTML template exists."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not getattr(message, "alternatives", None):
            html = render_to_string(
                "account/email/base_message.html",
                {"text": message.body, "subject": message.subject},
            )
            message.attach_alternative(html, "text/html")
        return message

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the mail now, send it from the worker once the request's transaction commits."""
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        services.mail_queue(message=self.render_mail(template_prefix, email, full_context))

    def post_login(self, request, user, **kwargs):
        """Log in; an account without an e-mail address is first sent to add one."""
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect) and not selectors.has_email(user):
            messages.warning(
                request,
                "Please add an e-mail address: it lets you post, and recover your account "
                "if you forget your password.",
            )
            return HttpResponseRedirect(reverse("account_email"))
        return response
