"""Unsubscribe tokens: signed, so a link from a mail works without logging in and cannot be
forged for someone else; they name the user and the kind of mail they stop."""

from django.core import signing

_SALT = "articles.notifications.unsubscribe"


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A token stopping mail of ``kind`` (a Profile.NotificationEmail value) for the user."""
    return signing.dumps({"u": user_id, "k": kind}, salt=_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a token, or None for a token that is malformed or forged. Tokens
    do not expire: an old mail's link must still work."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if data.get("k") not in ("immediately", "daily"):
        return None
    return data["u"], data["k"]
