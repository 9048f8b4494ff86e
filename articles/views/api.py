"""Read-only JSON for integrations: an article's thread in the forum's archive format."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from articles import exporters
from articles.models import Article
from articles.newsroom.selectors import with_topic_names
from articles.portability import selectors


@require_GET
def article_comments_json(request, slug):
    """The article and its whole comment tree as a one-article JSON archive.

    Comments readers cannot see keep their place in the tree but not their text or author.
    """
    article = get_object_or_404(with_topic_names(Article.objects.published()), slug=slug)
    document = exporters.archive_header()
    document["articles"] = [
        exporters.article_document(article, selectors.comments_for_export(article), public=True)
    ]
    try:
        return JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    except RecursionError:
        # Nested JSON cannot carry a reply chain deeper than Python's JSON encoder recurses.
        return JsonResponse(
            {
                "error": "This thread is nested too deeply for nested JSON (more than about 700"
                " levels). Export it with `manage.py export_article --format disqus`."
            },
            status=422,
        )
