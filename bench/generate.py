"""A realistic discussion of any size, written in bulk rather than through the posting path.

The shape follows what big threads look like: about 30% top-level comments; replies mostly go
to recent comments (a discussion moves on), a quarter answer the comment just posted (two
people arguing build deep chains), and nothing goes deeper than ``MAX_LEVEL``.
"""

import functools
import itertools
import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Topic
from articles.posting import services
from articles.posting.markdown import render_plain_text

TOP_LEVEL_SHARE = 0.3
ANSWER_LATEST_SHARE = 0.25
RECENT_WINDOW = 60  # mean distance back, in comments, of the comment a reply answers
MAX_LEVEL = 10
CHUNK = 5_000  # comments per COPY, at most (plus the rest of the last thread)
TEXT_POOL, TEXTS_SEED = 20_000, 2  # distinct titles and bodies comments are drawn from

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


def add_discussion(
    article: Article,
    size: int,
    *,
    seed: int = 1,
    users: list | None = None,
    author_weights: list[float] | None = None,
    start=None,
    gap: float = 30.0,
    votes: bool = False,
) -> list[int]:
    """Add ``size`` comments in a realistic tree to ``article``; returns their ids in page order.

    Comments are posted ``gap`` seconds apart from ``start`` (default: so that the last is
    about now), by ``users`` (chosen with ``author_weights``, cumulative, if given); ``votes``
    gives 60% of them random vote totals. Written a chunk of whole threads at a time, so a
    100,000-comment article never holds more than ``CHUNK`` comments' texts in memory.
    """
    rng = random.Random(seed)
    users = users or make_users(max(2, size // 20), prefix=f"gen{article.pk}x{seed}u")
    parents = thread_shape(size, rng)
    if start is None:
        start = timezone.now() - timedelta(seconds=size * gap)
    order = preorder(parents)
    position = {index: at for at, index in enumerate(order)}
    ids: list[int] = []
    first = 0
    while first < size:
        # A chunk ends where a thread ends: each COPY holds whole threads.
        last = min(first + CHUNK, size)
        while last < size and parents[order[last]] is not None:
            last += 1
        rows = [
            _comment_row(rng, users, author_weights, start + timedelta(seconds=index * gap), votes)
            for index in order[first:last]
        ]
        parent_indexes = [
            None if parents[i] is None else position[parents[i]] - first for i in order[first:last]
        ]
        ids += services.comment_bulk_insert(
            article=article, rows=rows, parent_indexes=parent_indexes
        )
        first = last
    return ids


@functools.cache
def _texts() -> tuple[list[str], list[tuple[str, str]]]:
    # Titles, and bodies with their HTML, drawn from once per comment: rendering and sanitising
    # a million generated bodies would take the scale benchmark's import a minute on its own.
    rng = random.Random(TEXTS_SEED)
    titles = [_sentence(rng, 2, 7) for _ in range(TEXT_POOL)]
    bodies = []
    for _ in range(TEXT_POOL):
        body = "\n\n".join(_sentence(rng, 8, 40) + "." for _ in range(rng.randint(1, 3)))
        bodies.append((body, render_plain_text(body)))
    return titles, bodies


def _comment_row(rng: random.Random, users, author_weights, created_at, votes: bool) -> dict:
    titles, bodies = _texts()
    body, body_html = bodies[rng.randrange(TEXT_POOL)]
    author = rng.choices(users, cum_weights=author_weights)[0] if rng.random() < 0.9 else None
    row = {
        "title": titles[rng.randrange(TEXT_POOL)] if rng.random() < 0.8 else "",
        "body": body,
        "body_html": body_html,
        "author_id": author.pk if author else None,
        "author_name": "" if author else "Imported Reader",
        "created_at": created_at,
    }
    if votes and rng.random() < 0.6:
        row["upvotes"], row["downvotes"] = rng.randrange(30), rng.randrange(8)
    return row


# A whole site (``python -m bench --scale``): articles a few hours apart, most with a short
# discussion, a few huge ones (a Zipf tail), one with a tenth of all comments; readers' activity
# is a long tail too (a few regulars write much of it).
ARTICLES_PER_COMMENTS = 500  # 1,000,000 comments: 2,000 articles
# At least this many: a small site's busiest topic still fills a page, as a large site's does.
MIN_ARTICLES = 100
LARGEST_SHARE = 10  # the largest article holds 1/10 of the comments
PROBE_SIZE = 1_000  # an article identical on every site size, to compare like with like
ZIPF_EXPONENT, ZIPF_OFFSET = 1.3, 4  # at 2,000 articles: two thirds under 100, ~15 over 10,000
AUTHOR_EXPONENT = 0.6  # the busiest reader of 20,000 writes about 0.8% of the comments
COMMENTS_PER_USER = 50
PUBLISHED_EVERY = timedelta(hours=6)
DISCUSSION_DAYS = 7  # an article's comments come within this many days of its publication
TOPICS = ("Security", "Cloud", "Hardware", "Open source", "Policy", "Business", "Linux", "Chips")


def site_sizes(total: int, probe: int = PROBE_SIZE) -> list[int]:
    """Comments per article for a site of ``total`` comments: the largest first, then the
    probe article of ``probe`` comments, then the Zipf tail (every article at least one)."""
    count = max(MIN_ARTICLES, round(total / ARTICLES_PER_COMMENTS))
    largest = total // LARGEST_SHARE
    rest = total - largest - probe
    weights = [(rank + ZIPF_OFFSET) ** -ZIPF_EXPONENT for rank in range(1, count - 1)]
    scale = (rest - len(weights)) / sum(weights)
    tail = [1 + int(weight * scale) for weight in weights]
    tail[0] += rest - sum(tail)  # what rounding left goes to the biggest of the tail
    return [largest, probe, *tail]


def make_site(total: int, *, probe: int = PROBE_SIZE, seed: int = 7) -> dict:
    """A site of ``total`` comments written through the bulk import path, one chunk of whole
    threads at a time, with a probe article of ``probe`` comments that is the same on every
    site; returns what the scale benchmark reads from it."""
    rng = random.Random(seed)
    now = timezone.now()
    sizes = site_sizes(total, probe)
    users = make_users(max(20, total // COMMENTS_PER_USER), prefix=f"site{seed}r")
    weights = list(
        itertools.accumulate((rank + 1) ** -AUTHOR_EXPONENT for rank in range(len(users)))
    )
    topics = [
        Topic.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})[0]
        for name in TOPICS
    ]
    ages = list(range(1, len(sizes) + 1))
    rng.shuffle(ages)  # the largest discussion is not always the newest article
    articles = Article.objects.bulk_create(
        Article(
            title=f"An article with {size:,} comments",
            slug=("largest" if index == 0 else "probe" if index == 1 else f"a{index}")
            + f"-discussion-{size}-{seed}",
            summary="Generated for the scale benchmark.",
            body=_sentence(rng, 30, 80) + ".",
            published_at=now - age * PUBLISHED_EVERY,
        )
        for index, (size, age) in enumerate(zip(sizes, ages, strict=True))
    )
    links = Article.topics.through
    links.objects.bulk_create(
        links(article_id=article.pk, topic_id=topic.pk)
        for article in articles
        for topic in rng.sample(topics, rng.choice((1, 1, 2)))
    )
    for index, (article, size) in enumerate(zip(articles, sizes, strict=True)):
        span = min(now - article.published_at, timedelta(days=DISCUSSION_DAYS))
        add_discussion(
            article,
            size,
            # The probe article is the same on every site; the others differ by seed.
            seed=PROBE_SIZE if index == 1 else seed * 100_000 + index,
            users=users,
            author_weights=weights,
            start=article.published_at,
            gap=span.total_seconds() / size,
            votes=True,
        )
    busiest_topic = max(topics, key=lambda topic: topic.articles.count())
    return {
        "articles": len(articles),
        "comments": total,
        "users": len(users),
        "largest": articles[0],
        "probe": articles[1],
        "topic": busiest_topic,
        "busiest_user": users[0],
    }
