"""Many readers voting on the same comments at once, through the real view, on real PostgreSQL:
no vote is lost from the totals, and the checker agrees."""

import random
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Comment, Vote
from articles.votes.selectors import vote_total_problems
from tests.factories import make_article, make_comment, make_user

READERS = 16
COMMENTS = 20
CLICKS = 40
VALUES = {"up": 1, "down": -1}


@pytest.mark.django_db(transaction=True)
def test_concurrent_voters_lose_no_vote(settings):
    settings.COMMENT_VOTE_RATE_PER_USER = "1000/m"
    settings.COMMENT_VOTE_RATE_PER_IP = "10000/m"
    article = make_article()
    comments = [make_comment(article).pk for _ in range(COMMENTS)]
    readers = [make_user(password=None) for _ in range(READERS)]
    expected: dict[tuple[int, int], int] = {}  # (reader, comment) -> the vote they should have
    failures = []
    lock = threading.Lock()
    start = threading.Barrier(READERS)

    def voter(number, reader):
        client = Client()
        client.force_login(reader)
        rng = random.Random(number)
        mine = {}
        try:
            start.wait()
            for _ in range(CLICKS):
                # Up, down, the same again (withdraw), the other (switch): all mixed.
                comment, way = rng.choice(comments), rng.choice(["up", "up", "down"])
                response = client.post(
                    reverse("comment_vote"), {way: comment}, HTTP_ACCEPT="application/json"
                )
                if response.status_code != 200:
                    failures.append((number, response.status_code))
                    continue
                value = VALUES[way]
                mine[comment] = 0 if mine.get(comment) == value else value
                assert response.json()["vote"] == mine[comment]
        except Exception as error:  # reported by the assertion below
            failures.append((number, repr(error)))
        finally:
            connection.close()
        with lock:
            expected.update({(reader.pk, c): v for c, v in mine.items() if v})

    threads = [threading.Thread(target=voter, args=pair) for pair in enumerate(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    stored = dict(
        ((voter_id, comment_id), value)
        for voter_id, comment_id, value in Vote.objects.values_list(
            "voter_id", "comment_id", "value"
        )
    )
    assert stored == expected
    up = Counter(c for (_, c), v in expected.items() if v == 1)
    down = Counter(c for (_, c), v in expected.items() if v == -1)
    totals = dict(
        (pk, (ups, downs))
        for pk, ups, downs in Comment.objects.values_list("pk", "upvotes", "downvotes")
    )
    assert totals == {pk: (up[pk], down[pk]) for pk in comments}
    assert sum(up.values()) + sum(down.values()) > COMMENTS  # the test did vote, a lot
    assert vote_total_problems() == []
    call_command("check_vote_counts")


@pytest.mark.django_db(transaction=True)
def test_one_readers_clicks_at_once_are_applied_one_after_the_other(settings):
    settings.COMMENT_VOTE_RATE_PER_USER = "1000/m"
    settings.COMMENT_VOTE_RATE_PER_IP = "10000/m"
    comment = make_comment(make_article())
    reader = make_user(password=None)
    clicks = 9
    start = threading.Barrier(clicks)
    statuses = []

    def click():
        client = Client()
        client.force_login(reader)
        try:
            start.wait()
            url = reverse("comment_vote")
            response = client.post(url, {"up": comment.pk}, HTTP_ACCEPT="application/json")
            statuses.append((response.status_code, response.content.decode()[:80]))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in statuses] == [200] * clicks, statuses
    comment.refresh_from_db()
    # Up, withdrawn, up, ...: an odd number of clicks leaves the vote up.
    assert Vote.objects.filter(comment=comment).count() == comment.upvotes == 1
    assert vote_total_problems() == []
