import pytest

from articles.notifications import services
from tests.factories import make_article, make_comment, make_user


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post a comment as the site does, running what its commit queues (the notifications)."""

    def post_comment(article, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_comment(article, **fields)

    return post_comment


@pytest.fixture
def people(db):
    return {name: make_user(name) for name in ("alice", "bob", "carol", "dave")}


@pytest.fixture
def talk(db):
    return make_article()


def told(comment) -> dict[str, str]:
    """Who was told about ``comment``, and why."""
    from articles.models import Notification

    return {
        n.recipient.username: n.reason
        for n in Notification.objects.filter(comment=comment).select_related("recipient")
    }


__all__ = ["services", "told"]
