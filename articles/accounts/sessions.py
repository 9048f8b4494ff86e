"""The session engine (SESSION_ENGINE): Django's database sessions, each row knowing its user.

Django's own table stores the user only inside the encoded session data, so ending all sessions of
one user would mean decoding every session on the site. This is the extension Django documents
("Extending database-backed session engines").
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from articles.models import AccountSession  # the engine is imported before the apps

        return AccountSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session
