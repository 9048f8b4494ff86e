"""Big threads on the article and permalink pages: paging, sorting, depth cap, collapsing."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Comment
from tests.factories import make_bulk_thread, make_comment, make_realistic_thread

pytestmark = pytest.mark.django_db


def comment_ids_in_page(html):
    return [int(pk) for pk in re.findall(r'id="comment-(\d+)"', html)]


class _Nesting(HTMLParser):
    # Which comment element each comment sits in, and whether inside its parent's <details>.
    VOID = {"br", "hr", "input", "img", "meta", "link"}

    def __init__(self):
        super().__init__()
        self.open, self.parents = [], {}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        element_id = dict(attrs).get("id") or ""
        if tag == "li" and element_id.startswith("comment-"):
            above = [pk for t, pk in self.open if t == "li" and pk]
            in_details = bool(above) and self.open[-1][0] == "ol" and self.open[-2][0] == "details"
            self.parents[int(element_id[8:])] = (above[-1] if above else None, in_details)
            self.open.append((tag, int(element_id[8:])))
        else:
            self.open.append((tag, None))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.open and self.open[-1][0] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def nesting(html):
    """For each comment on the page: (the comment it is nested in, inside that one's <details>)."""
    parser = _Nesting()
    parser.feed(html[html.index('<section id="comments"') : html.index("</section>")])
    return parser.parents


def top_level_ids_in_page(html):
    return [pk for pk, (parent, _) in nesting(html).items() if parent is None]


@pytest.fixture
def three_per_page(settings):
    settings.THREAD_PAGE_SIZE = 3


def threads(article, count, replies=1):
    """``count`` top-level comments, each with ``replies`` direct replies; returns the roots."""
    parents = []
    for _ in range(count):
        root = len(parents)
        parents += [None] + [root] * replies
    comments = make_bulk_thread(article, parents)
    return [comment for comment, parent in zip(comments, parents, strict=True) if parent is None]


# Paging


def test_a_page_of_exactly_page_size_threads_has_no_more_link(client, article, three_per_page):
    threads(article, 3)
    html = client.get(article.get_absolute_url()).content.decode()
    assert len(comment_ids_in_page(html)) == 6
    assert "load-more" not in html
    assert client.get(article.get_absolute_url() + "?page=2").status_code == 404


def test_one_thread_more_goes_to_a_second_page_with_its_replies(client, article, three_per_page):
    roots = threads(article, 4, replies=2)
    url = article.get_absolute_url()

    first = client.get(url).content.decode()
    assert top_level_ids_in_page(first) == [root.pk for root in roots[:3]]
    assert len(comment_ids_in_page(first)) == 9  # whole threads: each root and its 2 replies
    assert f'<a class="load-more" href="{url}?page=2" rel="next">' in first
    assert "(1 more thread)" in first
    assert "<h2>12 comments</h2>" in first

    second = client.get(url + "?page=2").content.decode()
    assert top_level_ids_in_page(second) == [roots[3].pk]
    assert len(comment_ids_in_page(second)) == 3
    assert "load-more" not in second
    assert f'<a href="{url}" rel="prev">' in second
    assert "Threads 4&ndash;4 of 4" in second


def test_the_whole_thread_on_one_page(client, article, three_per_page):
    roots = threads(article, 7)
    html = client.get(article.get_absolute_url() + "?page=all").content.decode()
    assert top_level_ids_in_page(html) == [root.pk for root in roots]
    assert "load-more" not in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2.0", "9999999", "3"])
def test_pages_that_do_not_exist_are_404(client, article, three_per_page, page):
    threads(article, 4)
    assert client.get(article.get_absolute_url(), {"page": page}).status_code == 404


def test_an_article_without_comments_has_an_empty_first_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "<h2>0 comments</h2>" in response.content.decode()
    assert 'class="thread"' not in response.content.decode()


# Sorting


def test_sort_orders_of_top_level_threads(client, article):
    small = threads(article, 1, replies=1)[0]
    big = threads(article, 1, replies=3)[0]
    middle = threads(article, 1, replies=2)[0]
    url = article.get_absolute_url()

    def order(query):
        return top_level_ids_in_page(client.get(url + query).content.decode())

    assert order("") == [small.pk, big.pk, middle.pk]
    assert order("?sort=oldest") == [small.pk, big.pk, middle.pk]
    assert order("?sort=newest") == [middle.pk, big.pk, small.pk]
    assert order("?sort=replies") == [big.pk, middle.pk, small.pk]
    assert order("?sort=no-such-order") == [small.pk, big.pk, middle.pk]


def test_sort_links_mark_the_current_order_and_paging_keeps_it(client, article, three_per_page):
    threads(article, 4)
    url = article.get_absolute_url()
    html = client.get(url + "?sort=newest").content.decode()
    assert f'<a href="{url}?sort=newest" aria-current="page">Newest</a>' in html
    assert f'<a href="{url}">Best</a>' in html  # the default order needs no parameter
    assert f'<a href="{url}?sort=oldest">Oldest</a>' in html
    assert f'<a href="{url}?sort=replies">Most replies</a>' in html
    assert f'href="{url}?sort=newest&amp;page=2" rel="next"' in html


def test_newest_first_across_pages_with_their_replies(client, article, three_per_page):
    roots = threads(article, 4, replies=1)
    later = make_comment(article, parent=roots[0], title="Late reply to the oldest")
    second = client.get(article.get_absolute_url() + "?sort=newest&page=2").content.decode()
    assert top_level_ids_in_page(second) == [roots[0].pk]
    assert later.pk in comment_ids_in_page(second)


# Where a comment is: permalinks and posting


def test_permalink_of_a_comment_on_a_later_page_links_to_that_page(client, article, three_per_page):
    roots = threads(article, 7, replies=1)
    reply = Comment.objects.get(parent=roots[4])
    url = article.get_absolute_url()

    permalink = client.get(reverse("comment_detail", args=[reply.pk])).content.decode()
    assert f'<a href="{url}?page=2#comment-{reply.pk}">' in permalink

    page = client.get(url + "?page=2").content.decode()
    assert reply.pk in comment_ids_in_page(page)
    assert reply.pk not in comment_ids_in_page(client.get(url).content.decode())


def test_posting_lands_on_the_page_that_shows_the_new_reply(signed_in, article, three_per_page):
    roots = threads(article, 7, replies=0)
    url = article.get_absolute_url()

    response = signed_in.post(
        reverse("comment_create", args=[article.slug]),
        {"parent": roots[6].pk, "body": "Replying on page three"},
    )
    reply = Comment.objects.get(body="Replying on page three")
    assert response["Location"] == f"{url}?page=3#comment-{reply.pk}"
    assert reply.pk in comment_ids_in_page(signed_in.get(f"{url}?page=3").content.decode())


def test_posting_keeps_the_order_the_reader_was_looking_at(signed_in, article, three_per_page):
    roots = threads(article, 7, replies=0)
    page = signed_in.get(article.get_absolute_url() + "?sort=newest").content.decode()
    assert '<input type="hidden" name="sort" value="newest">' in page

    response = signed_in.post(
        reverse("comment_create", args=[article.slug]),
        {"parent": roots[0].pk, "body": "Oldest thread, seen newest first", "sort": "newest"},
    )
    reply = Comment.objects.get(parent=roots[0])
    assert response["Location"] == (
        f"{article.get_absolute_url()}?sort=newest&page=3#comment-{reply.pk}"
    )


def test_a_new_top_level_comment_lands_on_the_last_page(signed_in, article, three_per_page):
    threads(article, 3, replies=0)
    response = signed_in.post(
        reverse("comment_create", args=[article.slug]), {"body": "Fourth thread"}
    )
    comment = Comment.objects.get(body="Fourth thread")
    assert response["Location"] == f"{article.get_absolute_url()}?page=2#comment-{comment.pk}"


# Depth


@pytest.fixture
def depth_cap_3(settings):
    settings.THREAD_MAX_DEPTH = 3


def chain(article, length):
    """One thread: a comment, a reply to it, a reply to that, ``length`` comments deep."""
    return make_bulk_thread(article, [None, *range(length - 1)])


def test_past_the_depth_cap_a_continue_link_replaces_deeper_replies(client, article, depth_cap_3):
    comments = chain(article, 5)  # levels 0..4
    html = client.get(article.get_absolute_url()).content.decode()

    assert comment_ids_in_page(html) == [c.pk for c in comments[:3]]
    continue_link = (
        f'<p class="continue"><a href="{reverse("comment_detail", args=[comments[2].pk])}">'
        "Continue this thread &rarr;</a></p>"
    )
    assert html.count('class="continue"') == 1
    last_shown = html[html.index(f'id="comment-{comments[2].pk}"') :]
    assert last_shown.index(continue_link) < last_shown.index("</details>")
    assert "2 replies" in last_shown  # the count still says what is behind the link


def test_the_continue_link_opens_the_branch_from_there(client, article, depth_cap_3):
    comments = chain(article, 7)  # levels 0..6
    branch = client.get(reverse("comment_detail", args=[comments[2].pk])).content.decode()
    # The permalink page counts depth from its own comment: levels 2, 3 and 4, then a link on.
    assert comment_ids_in_page(branch) == [c.pk for c in comments[2:5]]
    assert f'href="{reverse("comment_detail", args=[comments[4].pk])}">Continue' in branch


def test_a_reply_past_the_depth_cap_lands_on_its_parents_page(signed_in, article, depth_cap_3):
    comments = chain(article, 3)
    response = signed_in.post(
        reverse("comment_create", args=[article.slug]),
        {"parent": comments[2].pk, "body": "Too deep for the article page"},
    )
    reply = Comment.objects.get(parent=comments[2])
    assert response["Location"] == (
        f"{reverse('comment_detail', args=[comments[2].pk])}#comment-{reply.pk}"
    )
    assert reply.pk in comment_ids_in_page(signed_in.get(response["Location"]).content.decode())


# Collapsing


def test_every_comment_collapses_and_says_how_many_replies_it_hides(client, article):
    root = make_comment(article, title="Root")
    first = make_comment(article, parent=root, title="First")
    under_first = make_comment(article, parent=first, title="Under first")
    leaf = make_comment(article, parent=root, title="Second")

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.count("<details open><summary>") == 4
    root_summary = re.search(
        rf'id="comment-{root.pk}"><details open><summary>(.*?)</summary>', html
    )
    assert '3 replies<span class="if-collapsed"> hidden</span>' in root_summary.group(1)
    first_summary = re.search(
        rf'id="comment-{first.pk}"><details open><summary>(.*?)</summary>', html
    )
    assert '1 reply<span class="if-collapsed"> hidden</span>' in first_summary.group(1)
    leaf_summary = re.search(
        rf'id="comment-{leaf.pk}"><details open><summary>(.*?)</summary>', html
    )
    assert "count" not in leaf_summary.group(1)
    # Replies sit inside their parent's <details>: collapsing a comment hides its subtree.
    assert nesting(html) == {
        root.pk: (None, False),
        first.pk: (root.pk, True),
        under_first.pk: (first.pk, True),
        leaf.pk: (root.pk, True),
    }


# Page weight


def test_a_thousand_comment_page_stays_lean(signed_in, article):
    make_realistic_thread(article, 1000)
    html = signed_in.get(article.get_absolute_url() + "?page=all").content.decode()
    shown = comment_ids_in_page(html)
    assert len(shown) > 950

    assert html.count("<script") == 1  # forum.js in <head>, nothing per comment
    assert "onclick" not in html and "style=" not in html
    assert html.count('name="body"') == 2  # the top-level form and the one reusable reply form
    bodies = sum(
        len(b) for b in Comment.objects.filter(pk__in=shown).values_list("body_html", flat=True)
    )
    markup_per_comment = (len(html.encode()) - bodies) / len(shown)
    # A signed-in reader's page carries two vote buttons per comment (about 200 bytes), and a
    # member's comment its author's profile link (about 55 bytes, in anonymous pages too).
    assert markup_per_comment < 860, markup_per_comment
    signed_in.logout()
    anonymous = signed_in.get(article.get_absolute_url() + "?page=all").content
    assert (len(anonymous) - bodies) / len(shown) < 600
