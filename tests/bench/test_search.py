"""The search measurement works on a small corpus (timings not judged)."""

import random

import pytest

from bench import search
from tests.factories import make_article, make_comment

# VACUUM, as the benchmark runs it, cannot run inside a transaction.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_small_corpus_is_searched_and_posting_compared(settings):
    settings.COMMENT_RATE_PER_USER = settings.COMMENT_RATE_PER_IP = "1000000/m"
    article = make_article()
    make_comment(article)
    results = search.run(comments=300, article=article, runs=1, posts=5, rng=random.Random(1))
    searched = results["searching"]
    assert searched["documents"] >= 300 + 100  # the comments and their articles
    assert set(searched["searches"]) == {search.urlencode(s) for s in search.SEARCHES}
    assert searched["searches"]["q=server"]["results"] > 0
    # The topics, the count, and the page unless nothing was found.
    assert {figures["queries"] for figures in searched["searches"].values()} <= {2, 3}
    assert results["posting"]["posts"] == 5 and results["posting"]["ratio"] > 0
    assert [target["name"] for target in results["targets"]] == [
        "search over 300 comments, median (ms)",
        "posting with its search vector vs without",
    ]
    assert "search over 300 comments" in search.table(results)
