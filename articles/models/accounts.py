"""Accounts: the forum's own session rows, which know their user."""

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class AccountSession(AbstractBaseSession):
    """A database session with its user's id (see articles/accounts/sessions.py)."""

    # Not a foreign key: a session is written on every request, and must not fail or lock the
    # user row because of it; sessions of a deleted user are removed by a signal instead.
    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from articles.accounts.sessions import SessionStore

        return SessionStore
