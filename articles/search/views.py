"""The search page."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_ratelimit.core import get_usage

from articles.search import selectors
from articles.search.forms import SearchForm
from forum.cache import CacheUnavailable


@require_GET
def search(request):
    """``/search/?q=``: ranked articles and comments, paged, with the form and its filters.

    No ``q`` at all is the empty form (200); words that cannot be searched (none, only
    punctuation, too long, an unknown filter) are the form with its errors (400). Rate-limited
    per address (``SEARCH_RATE_PER_IP``): each search ranks every match.
    """
    if "q" not in request.GET:
        return _page(request, SearchForm(), status=200)
    try:
        usage = get_usage(
            request, group="search", key="ip", rate=settings.SEARCH_RATE_PER_IP, increment=True
        )
    except CacheUnavailable:
        # A read: while Redis fails, searches go uncounted rather than refused (README,
        # "What each fault does": reads are never limited then).
        usage = None
    if usage is not None and usage["should_limit"]:
        response = _page(request, SearchForm(request.GET), status=429, limited=True)
        response["Retry-After"] = str(max(usage["time_left"], 1))
        return response
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    page = selectors.search_page(form.criteria(), request.GET.get("page"))
    return _page(request, form, status=200, page=page)


def _page(request, form, *, status, page=None, limited=False):
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "limited": limited, "query": query.urlencode()}
    return render(request, "search/search.html", context, status=status)
