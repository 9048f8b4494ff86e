"""What happens to accounts around their sessions: a changed account's cached row is dropped,
deactivated or deleted accounts are logged out everywhere, every account has a profile in step
with its name, and logins are logged for operators."""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.accounts.middleware import user_forget
from articles.accounts.services import profile_sync, user_sessions_end
from forum.logcontext import client_address

logger = logging.getLogger("forum.accounts")


@receiver(post_save, sender=get_user_model(), dispatch_uid="forum-forget-cached-user")
@receiver(post_delete, sender=get_user_model(), dispatch_uid="forum-forget-deleted-user")
def _forget_cached_user(sender, instance, **kwargs):
    # Now, and again once committed: a request reading the old row in between may cache it.
    if settings.ACCOUNT_CACHE_SECONDS:
        user_forget(instance.pk)
        transaction.on_commit(partial(user_forget, instance.pk))


@receiver(post_save, sender=get_user_model(), dispatch_uid="forum-end-sessions-on-deactivation")
def _end_sessions_of_inactive_user(sender, instance, **kwargs):
    # Any save that leaves the account inactive (the admin's checkbox, a ban, a script) ends its
    # sessions; without this, reactivating the account would bring the old sessions back.
    if not instance.is_active:
        ended = user_sessions_end(user_id=instance.pk)
        if ended:
            logger.info("Account %s deactivated: ended %d session(s)", instance.pk, ended)


@receiver(post_save, sender=get_user_model(), dispatch_uid="forum-sync-profile")
def _sync_profile(sender, instance, created, update_fields=None, raw=False, **kwargs):
    # Saves that leave the name alone (the last login's time) need no work.
    if raw or (update_fields is not None and "username" not in update_fields):
        return
    profile_sync(user=instance)


@receiver(post_delete, sender=get_user_model(), dispatch_uid="forum-end-sessions-on-delete")
def _end_sessions_of_deleted_user(sender, instance, **kwargs):
    user_sessions_end(user_id=instance.pk)


@receiver(user_login_failed, dispatch_uid="forum-log-failed-login")
def _log_failed_login(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the name is logged.
    logger.warning(
        "Failed login for account %r from %s",
        credentials.get("username") or credentials.get("email") or "",
        client_address(request),
    )


@receiver(user_logged_in, dispatch_uid="forum-log-login")
def _log_login(sender, request, user, **kwargs):
    logger.info("Account %s (%r) logged in from %s", user.pk, str(user), client_address(request))
