"""Small factories: each builds one real row through the same paths the site uses."""

import itertools
from datetime import timedelta
from uuid import uuid4

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Comment, WordList
from articles.moderation import reports
from articles.newsroom.services import article_topics_set
from articles.permissions import editors_group, moderators_group
from articles.posting import services
from bench.generate import add_discussion

_sequence = itertools.count(1)
PASSWORD = "a-long-test-passphrase-42"


def make_user(username=None, password=PASSWORD, verified=True, **extra):
    """A user with a verified e-mail address (``verified=False``: unverified; ``None``: none,
    as accounts made before e-mail were); ``password=None`` skips the deliberately slow hashing
    for users who never log in."""
    username = username or f"reader{next(_sequence)}"
    if verified is not None:
        extra.setdefault("email", f"{username}-{next(_sequence)}@example.com")
    user = get_user_model().objects.create_user(username=username, password=password, **extra)
    if verified is not None:
        EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def make_moderator(username=None, **extra):
    """A user in the "Moderators" group, with access to the admin site."""
    user = make_user(username, is_staff=True, **extra)
    user.groups.add(moderators_group())
    return user


def make_editor(username=None, **extra):
    """A user in the "Editors" group, with access to the admin site."""
    user = make_user(username, is_staff=True, **extra)
    user.groups.add(editors_group())
    return user


def make_trusted_reader(article=None):
    """A reader whose reports count towards holding a comment: an account older than
    REPORT_MIN_ACCOUNT_AGE with a visible comment (moderation/selectors: good standing)."""
    reader = make_user(password=None, date_joined=timezone.now() - timedelta(days=365))
    make_comment(article or make_article(), author=reader)
    return reader


def make_report(comment, reporter=None, reason="spam", text=""):
    return reports.comment_report(
        comment=comment, reporter=reporter or make_user(), reason=reason, text=text
    )


def make_article(**fields):
    n = next(_sequence)
    fields.setdefault("title", f"Article number {n}")
    fields.setdefault("slug", f"article-{n}")
    fields.setdefault("body", "First paragraph.\n\nSecond paragraph.")
    fields.setdefault("published_at", timezone.now())
    topics = fields.pop("topics", [])
    article = Article.objects.create(**fields)
    if topics:
        article_topics_set(article=article, names=topics)
    return article


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


def make_bulk_thread(article, parents, author=None):
    """Comments written in one bulk insert, as imports do: ``parents[i]`` is the index of
    comment i's parent (None for a top-level comment), in pre-order. Returns the comments."""
    author = author or make_user()
    rows = [
        {
            "author_id": author.pk,
            "title": f"b{i}",
            "body": f"Bulk {i}",
            "body_html": f"<p>Bulk {i}</p>",
        }
        for i in range(len(parents))
    ]
    ids = services.comment_bulk_insert(article=article, rows=rows, parent_indexes=parents)
    stored = Comment.objects.in_bulk(ids)
    return [stored[pk] for pk in ids]


def make_realistic_thread(article, size):
    """``size`` comments shaped like a real discussion (the benchmark's generator), in bulk."""
    ids = add_discussion(article, size, seed=size)
    stored = Comment.objects.in_bulk(ids)
    return [stored[pk] for pk in ids]


def set_word_lists(*, blocked=None, watched=None):
    """Set the blocked and/or watched words, as a moderator's edit in the admin leaves them."""
    for kind, words in (("blocked", blocked), ("watched", watched)):
        if words is not None:
            WordList.objects.filter(kind=kind).update(words="\n".join(words), version=uuid4())


def make_votes(comment, up=0, down=0):
    """``up`` and ``down`` votes on ``comment`` from new readers, through the vote service."""
    from articles.votes.services import DOWN, UP, vote_cast

    result = None
    for value, count in ((UP, up), (DOWN, down)):
        for _ in range(count):
            result = vote_cast(comment_id=comment.pk, voter=make_user(password=None), value=value)
    return result
