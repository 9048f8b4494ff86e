"""Small factories: each builds one real row through the same paths the site uses."""

import itertools

from django.contrib.auth import get_user_model

from articles import moderation, services
from articles.models import Article
from articles.permissions import moderators_group

_sequence = itertools.count(1)
PASSWORD = "a-long-test-passphrase-42"


def make_user(username=None, **extra):
    username = username or f"reader{next(_sequence)}"
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def make_moderator(username=None, **extra):
    """A user in the "Moderators" group, with access to the admin site."""
    user = make_user(username, is_staff=True, **extra)
    user.groups.add(moderators_group())
    return user


def make_report(comment, reporter=None, reason="spam", text=""):
    return moderation.comment_report(
        comment=comment, reporter=reporter or make_user(), reason=reason, text=text
    )


def make_article(**fields):
    n = next(_sequence)
    fields.setdefault("title", f"Article number {n}")
    fields.setdefault("slug", f"article-{n}")
    fields.setdefault("body", "First paragraph.\n\nSecond paragraph.")
    return Article.objects.create(**fields)


def make_comment(article, parent=None, author=None, body=None, title=""):
    return services.comment_post(
        article=article,
        parent=parent,
        author=author or make_user(),
        body=body or f"Comment body {next(_sequence)}",
        title=title,
    )


def make_thread(article, size, author=None):
    """``size`` comments in a mixed shape: top-level comments, replies and deep chains."""
    author = author or make_user()
    comments = []
    for i in range(size):
        parent = None
        if comments and i % 3:
            parent = comments[i // 2] if i % 3 == 1 else comments[-1]
        comments.append(make_comment(article, parent=parent, author=author, title=f"c{i}"))
    return comments
