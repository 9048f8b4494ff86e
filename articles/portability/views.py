"""Read-only JSON for integrations: an article's thread in the forum's archive format, paged
by top-level thread like the article page."""

import hashlib
import json
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET
from django_ratelimit.core import get_usage

from articles.models import Article
from articles.newsroom.selectors import with_topic_names
from articles.portability import json_archive
from articles.portability.selectors import (
    comments_for_export_page,
    with_deepest_comment_level,
    with_thread_count,
)
from articles.threads.cache import cached_page, thread_cache_variant, with_thread_version
from forum.compression import IDENTITY, encoded_response, negotiated_encoding

_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def _refusal(reason: str, status: int) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


def _page_links(article: Article, number: int) -> dict:
    url = reverse("comments_json", kwargs={"slug": article.slug})
    pages = max(1, -(-article.thread_count // settings.THREAD_PAGE_SIZE))
    return {
        "number": number,
        "pages": pages,
        "threads_per_page": settings.THREAD_PAGE_SIZE,
        "previous": f"{url}?page={number - 1}" if number > 1 else None,
        "next": f"{url}?page={number + 1}" if number < pages else None,
    }


def _render(article: Article, number: int) -> bytes:
    document = json_archive.archive_header()
    comments = comments_for_export_page(article, number=number, size=settings.THREAD_PAGE_SIZE)
    document["articles"] = [json_archive.article_document(article, comments, public=True)]
    document["page"] = _page_links(article, number)
    return json.dumps(document, ensure_ascii=False).encode()


@require_GET
def article_comments_json(request, slug):
    """One page (``?page=N``, ``THREAD_PAGE_SIZE`` top-level threads) of the article's comment
    tree as a one-article JSON archive, with links to the previous and next pages.

    Comments readers cannot see keep their place in the tree but not their text or author.
    Rate-limited per address (``COMMENTS_JSON_RATE``); served from the thread cache to anonymous
    readers, compressed as they accept (``forum.compression``), with an ETag. A thread too deep
    for nested JSON is refused (422) before its comments are read: the depth comes with the
    article, in the same query.
    """
    usage = get_usage(
        request, group="comments-json", key="ip", rate=settings.COMMENTS_JSON_RATE, increment=True
    )
    if usage is not None and usage["should_limit"]:
        response = _refusal("Too many requests for comments.json; wait a little.", 429)
        response["Retry-After"] = str(max(usage["time_left"], 1))
        return response
    page = request.GET.get("page", "1")
    if not _PAGE_NUMBER.fullmatch(page):
        return _refusal("page must be a whole number from 1.", 400)
    number = int(page)
    articles = with_thread_count(with_deepest_comment_level(Article.objects.published()))
    articles = with_thread_version(articles)
    article = get_object_or_404(with_topic_names(articles), slug=slug)
    try:
        json_archive.check_nesting(article.deepest_comment_level)
    except json_archive.ThreadTooDeep:
        return _refusal(
            "This thread is nested too deeply for nested JSON (more than"
            f" {json_archive.NESTED_JSON_MAX_DEPTH} levels). Export it with"
            " `manage.py export_article --format disqus`.",
            422,
        )
    if number > 1 and (number - 1) * settings.THREAD_PAGE_SIZE >= article.thread_count:
        return _refusal(f"This discussion has no page {number}.", 404)
    variant = thread_cache_variant(request.user)
    encoding = IDENTITY
    if variant is None:  # a signed-in reader's: fresh, and not compressed (see forum.compression)
        body = _render(article, number)
    else:
        encoding = negotiated_encoding(request.headers.get("Accept-Encoding"))
        body = cached_page(
            article.pk,
            version=article.thread_version,
            variant=variant,
            key=("json", number),
            encoding=encoding,
            render=lambda: _render(article, number),
        )
    # Each encoding is its own representation, with its own ETag.
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
        patch_vary_headers(response, ["Accept-Encoding"])
    else:
        response = encoded_response(body, encoding, "application/json")
    response["ETag"] = etag
    return response
