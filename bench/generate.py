"""A realistic discussion of any size, written in bulk rather than through the posting path.

The shape follows what big threads look like: about 30% top-level comments; replies mostly go
to recent comments (a discussion moves on), a quarter answer the comment just posted (two
people arguing build deep chains), and nothing goes deeper than ``MAX_LEVEL``.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article
from articles.posting import services
from articles.posting.markdown import render_plain_text

TOP_LEVEL_SHARE = 0.3
ANSWER_LATEST_SHARE = 0.25
RECENT_WINDOW = 60  # mean distance back, in comments, of the comment a reply answers
MAX_LEVEL = 10

_VOCABULARY = (
    "server bank china ibm market price cloud data chip security open source policy trade "
    "government customer vendor hardware software licence support risk cost argue point agree "
    "disagree evidence report article source really think never always maybe exactly because "
    "however anyway years people company companies network mainframe linux windows upgrade "
    "contract local global supply chain migration legacy audit backdoor encryption compliance"
)
_WORDS = _VOCABULARY.split()


def thread_shape(size: int, rng: random.Random) -> list[int | None]:
    """For each comment in the order they were posted, the index of the comment it answers."""
    parents: list[int | None] = []
    levels: list[int] = []
    for index in range(size):
        if index == 0 or rng.random() < TOP_LEVEL_SHARE:
            parent = None
        elif rng.random() < ANSWER_LATEST_SHARE:
            parent = index - 1
        else:
            parent = max(0, index - 1 - int(rng.expovariate(1 / RECENT_WINDOW)))
        while parent is not None and levels[parent] >= MAX_LEVEL:
            parent = parents[parent]
        parents.append(parent)
        levels.append(0 if parent is None else levels[parent] + 1)
    return parents


def preorder(parents: list[int | None]) -> list[int]:
    """The comments in page order: each thread depth-first, threads in the order they started."""
    children: list[list[int]] = [[] for _ in parents]
    roots = []
    for index, parent in enumerate(parents):
        (roots if parent is None else children[parent]).append(index)
    order: list[int] = []
    stack = list(reversed(roots))
    while stack:
        index = stack.pop()
        order.append(index)
        stack.extend(reversed(children[index]))
    return order


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize()


def make_users(count: int, prefix: str) -> list:
    """``count`` accounts that cannot log in, each with a verified address (posting and voting
    need one), created in two inserts."""
    user_model = get_user_model()
    users = [
        user_model(username=f"{prefix}{i}", email=f"{prefix}{i}@example.com") for i in range(count)
    ]
    for user in users:
        user.set_unusable_password()
    users = user_model.objects.bulk_create(users)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    return users


def make_discussion(size: int, *, seed: int = 1, users: list | None = None) -> Article:
    """A new article with ``size`` comments in a realistic tree, written in a few bulk inserts."""
    rng = random.Random(seed)
    article = Article.objects.create(
        title=f"A discussion with {size:,} comments",
        slug=f"discussion-{size}-{seed}-{rng.randrange(10**9)}",
        summary="Generated for the benchmark.",
        body="\n\n".join(_sentence(rng, 30, 80) + "." for _ in range(4)),
    )
    add_discussion(article, size, seed=seed, users=users)
    return article


def add_discussion(article: Article, size: int, *, seed: int = 1, users: list | None = None):
    """Add ``size`` comments in a realistic tree to ``article``; returns them in page order."""
    rng = random.Random(seed)
    users = users or make_users(max(2, size // 20), prefix=f"gen{article.pk}x{seed}u")
    parents = thread_shape(size, rng)
    start = timezone.now() - timedelta(seconds=size * 30)
    posted = []
    for index in range(size):
        body = "\n\n".join(_sentence(rng, 8, 40) + "." for _ in range(rng.randint(1, 3)))
        author = rng.choice(users) if rng.random() < 0.9 else None
        posted.append(
            {
                "title": _sentence(rng, 2, 7) if rng.random() < 0.8 else "",
                "body": body,
                "body_html": render_plain_text(body),
                "author_id": author.pk if author else None,
                "author_name": "" if author else "Imported Reader",
                "created_at": start + timedelta(seconds=index * 30),
            }
        )
    order = preorder(parents)
    position = {index: at for at, index in enumerate(order)}
    ids = services.comment_bulk_insert(
        article=article,
        rows=[posted[index] for index in order],
        parent_indexes=[None if parents[i] is None else position[parents[i]] for i in order],
    )
    return ids
