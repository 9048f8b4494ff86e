"""Many readers posting into one article at once, through the real view, on real PostgreSQL."""

import random
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Comment
from tests.factories import make_article, make_comment, make_user
from tests.treecheck import assert_trees_valid

THREADS = 16
POSTS_PER_THREAD = 8
ANCHOR = re.compile(r"#comment-(\d+)$")


def signed_in_client():
    client = Client()
    client.force_login(make_user(password=None))
    return client


@pytest.mark.django_db(transaction=True)
def test_concurrent_posters_lose_nothing_and_keep_every_tree_valid(settings):
    _post_at_once_and_check(settings)


# The tree lock as the posting function takes it (migration 0016_posting).
TREE_LOCK = "PERFORM pg_advisory_xact_lock(25453, v_tree);"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_without_the_thread_lock_the_same_posters_break_trees(settings):
    # What the lock is for. A race, so in principle it could be missed: 16 posters replying
    # into one thread (into three, with new threads between, it was missed one run in three).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('articles_comment_post'::regproc)")
        function = cursor.fetchone()[0]
        assert TREE_LOCK in function
        cursor.execute(function.replace(TREE_LOCK, ""))
    try:
        with pytest.raises(AssertionError, match="broken comment trees"):
            _post_at_once_and_check(settings, trees=1, new_thread_every=None)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(function)


def _post_at_once_and_check(settings, *, trees=3, new_thread_every=4):
    # Every client here posts from one address: the per-address posting limit is not under test.
    settings.COMMENT_RATE_PER_IP = "1000/m"
    article = make_article()
    # A few busy threads, so that many posters answer into the same tree at the same moment.
    pool = [make_comment(article).pk for _ in range(trees)]
    pool_lock = threading.Lock()
    # One account per post, so that per-user posting limits never stand between a post and
    # the tree it is meant to stress.
    clients = [[signed_in_client() for _ in range(POSTS_PER_THREAD)] for _ in range(THREADS)]
    url = reverse("comment_create", args=[article.slug])
    posted, failures = [], []
    start = threading.Barrier(THREADS)

    def poster(number, accounts):
        rng = random.Random(number)
        try:
            start.wait()
            for i, client in enumerate(accounts):
                with pool_lock:
                    new_thread = new_thread_every and i % new_thread_every == 0
                    parent = "" if new_thread else rng.choice(pool)
                response = client.post(url, {"parent": parent, "body": f"t{number} p{i}"})
                anchor = ANCHOR.search(response.get("Location", ""))
                if response.status_code != 302 or not anchor:
                    failures.append((number, i, response.status_code))
                    continue
                with pool_lock:
                    posted.append(int(anchor[1]))
                    pool.append(int(anchor[1]))
        except Exception as error:  # reported by the assertion below
            failures.append((number, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=poster, args=pair) for pair in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(posted) == THREADS * POSTS_PER_THREAD
    stored = set(
        Comment.objects.filter(article=article, body__startswith="t").values_list("pk", flat=True)
    )
    assert stored == set(posted)
    assert Comment.objects.filter(article=article).count() == trees + len(posted)
    assert Comment.objects.filter(article=article, level__gte=2).exists()  # replies to replies
    assert_trees_valid()
    call_command("check_comment_trees")
