"""A realistic discussion of any size, written in bulk rather than through the posting path.

The shape follows what big threads look like: about 30% top-level comments; replies mostly go
to recent comments (a discussion moves on), a quarter answer the comment just posted (two
people arguing build deep chains), and nothing goes deeper than ``MAX_LEVEL``.
"""

import itertools
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

# Words of tech-news discussions, most common first: they are drawn with Zipf's law (the n-th
# word about 1/n as often as the first), as words are in real text, so that search finds a few
# words everywhere and most rarely, and has something to rank.
_VOCABULARY = (
    "the to and of a that is in it for not you this they be on are with have but as was what "
    "can if do will just about or all would their so like more from people think one there "
    "them an at by your has out my get no which how when who because even only been some "
    "really other than should also any then could very much time way most make see those "
    "server company market price cloud data security software hardware support customers "
    "years open source linux windows network microsoft ibm government policy cost risk vendor "
    "chip licence upgrade contract report article point evidence argue agree disagree "
    "mainframe storage database performance migration legacy audit compliance encryption "
    "backdoor privacy china bank trade supply chain global local enterprise developers "
    "users platform service outage patch vulnerability exploit browser email mobile phone "
    "apple google amazon oracle intel amd processor memory benchmark latency bandwidth "
    "datacenter virtualization container kubernetes openstack regulation antitrust lawsuit "
    "patent copyright subscription pricing revenue profit layoffs acquisition merger startup "
    "investor shareholders analyst forecast quarter earnings consumer retail broadband fiber "
    "satellite wireless spectrum carrier roaming firmware driver kernel compiler python java "
    "javascript rust golang framework library api backup recovery ransomware malware phishing "
    "botnet firewall password authentication biometric surveillance warrant court judge "
    "senator parliament minister election census outsourcing offshore contractor integrator "
    "reseller warranty refund repair battery display keyboard laptop desktop tablet printer "
    "scanner router switch cable connector standard protocol specification interoperability "
    "deprecation roadmap release beta preview feature bug crash reboot uptime scalability "
    "throughput redundancy failover replication archive compression mainframes zseries "
    "power8 itanium sparc solaris unix cobol fortran assembler punchcards terminal"
)
_WORDS = _VOCABULARY.split()
_WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(_WORDS) + 1)))


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
    words = rng.choices(_WORDS, cum_weights=_WEIGHTS, k=rng.randint(low, high))
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
