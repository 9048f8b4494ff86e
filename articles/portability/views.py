"""Read-only JSON for integrations: an article's thread in the forum's archive format."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from articles.models import Article
from articles.newsroom.selectors import with_topic_names
from articles.portability import json_archive
from articles.portability.selectors import comments_for_export, with_deepest_comment_level


@require_GET
def article_comments_json(request, slug):
    """The article and its whole comment tree as a one-article JSON archive.

    Comments readers cannot see keep their place in the tree but not their text or author. A
    thread too deep for nested JSON is refused (422) before its comments are read: the depth
    comes with the article, in the same query.
    """
    articles = with_topic_names(with_deepest_comment_level(Article.objects.published()))
    article = get_object_or_404(articles, slug=slug)
    try:
        json_archive.check_nesting(article.deepest_comment_level)
    except json_archive.ThreadTooDeep:
        return JsonResponse(
            {
                "error": "This thread is nested too deeply for nested JSON (more than"
                f" {json_archive.NESTED_JSON_MAX_DEPTH} levels). Export it with"
                " `manage.py export_article --format disqus`."
            },
            status=422,
        )
    document = json_archive.archive_header()
    document["articles"] = [
        json_archive.article_document(article, comments_for_export(article), public=True)
    ]
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})
