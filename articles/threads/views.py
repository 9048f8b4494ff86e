"""Reading pages: an article with its thread, a comment's permalink."""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import DetailView

from articles.models import Article, Comment
from articles.notifications import selectors as notification_selectors
from articles.notifications import services as notification_services
from articles.posting.forms import CommentForm
from articles.site.errors import NotFoundHere
from articles.threads import cache, selectors
from articles.threads.ancestors import comment_ancestors
from articles.threads.render import render_thread, thread_bytes
from articles.threads.selectors import thread_query
from articles.threads.viewer import articles_for_viewer, for_viewer, viewer_from
from forum.compression import compress, encoded_response, negotiated_encoding

_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
_HTML = f"text/html; charset={settings.DEFAULT_CHARSET}"
# Where the rendered page gets its thread; unguessable, so that no article text can fake it.
_THREAD_HOLE = SafeString(f"<!-- thread {secrets.token_hex(16)} -->")


def _messages_pending(request) -> bool:
    # A message waiting for this reader ("You have signed out") makes their page their own.
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _page_number(value: str | None) -> int | None:
    if value in (None, ""):
        return 1
    if value == "all":
        return None
    if not _PAGE_NUMBER.fullmatch(value):
        raise Http404("No such page of comments.")
    return int(value)


class ArticleDetailView(DetailView):
    """An article and one page of its discussion (``?sort=`` and ``?page=``, or ``page=all``),
    as the reader may see it, with their tools (a moderator's, an author's)."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        # What the reader may do here comes with the article, not in queries of its own.
        return articles_for_viewer(self.request.user)

    def get(self, request, *args, **kwargs):
        """The page; for anonymous readers, the bytes every one of them shares, from the cache
        and compressed as the reader accepts: no work that grows with the thread on a hit."""
        self.object = self.get_object()
        variant = cache.thread_cache_variant(request.user)
        if variant is None or _messages_pending(request):
            return self._page()
        sort = selectors.thread_sort(request.GET.get("sort"))
        number = _page_number(request.GET.get("page"))
        encoding = negotiated_encoding(request.headers.get("Accept-Encoding"))
        # The page names its own address (the log-in link's "next"): only the one address of
        # each sort and page is cached, so that odd query strings cannot fill the cache.
        canonical = self.object.get_absolute_url() + thread_query(sort, number)
        fresh = []

        def shared_body() -> bytes | None:
            fresh.append(self._page().render())
            # A page that used the CSRF token carries a secret: never shared nor compressed.
            return None if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") else fresh[0].content

        if request.get_full_path() != canonical:
            body = shared_body()
            body = body and compress(body, encoding)
        else:
            body = cache.cached_page(
                self.object.pk,
                version=self.object.thread_version,
                variant=variant,
                key=(sort, number),
                encoding=encoding,
                render=shared_body,
            )
        if body is None:
            return fresh[0]
        return encoded_response(body, encoding, _HTML)

    def _page(self):
        return self.render_to_response(self.get_context_data(object=self.object))

    def render_to_response(self, context, **response_kwargs):
        """The page, with the thread put into its place as bytes: through the templates, a
        10,000-comment thread's 8 MB would be copied again at every level."""
        response = super().render_to_response(context, **response_kwargs)
        thread = context["thread_html"]

        def fill(response):
            head, hole, tail = response.content.partition(_THREAD_HOLE.encode())
            if not hole:
                raise ImproperlyConfigured("The discussion template lost the thread's place.")
            response.content = b"".join((head, thread, tail))

        response.add_post_render_callback(fill)
        return response

    def get_context_data(self, **kwargs):
        sort = selectors.thread_sort(self.request.GET.get("sort"))
        number = _page_number(self.request.GET.get("page"))
        viewer = viewer_from(self.object, self.request.user)
        reader = {}
        if viewer.user_id is not None:
            # One statement: the visit recorded, the previous one, the bell, follow and mute.
            new_since, unread, following, muted = notification_services.article_visit(
                user_id=viewer.user_id, article_id=self.object.pk
            )
            reader = {
                "new_since": new_since,
                "unread_notifications": unread,
                "following": following,
                "muted": muted,
            }
        discussion = self._render_discussion(
            sort, number, viewer, new_since=reader.get("new_since")
        )
        return super().get_context_data(
            **reader,
            comment_count=discussion["comment_count"],
            # Rendered by _render_discussion, from autoescaping templates.
            discussion_html=mark_safe(discussion["html"]),  # noqa: S308
            thread_html=discussion["thread"],
            sort=sort,
            form=CommentForm(),
            viewer=viewer,
            **kwargs,
        )

    def _render_discussion(
        self, sort: str, number: int | None, viewer, *, new_since: str | None = None
    ) -> dict:
        page = selectors.thread_page(self.object, sort=sort, number=number, viewer=viewer)
        url = self.object.get_absolute_url()
        if number not in (None, 1) and not page.comments:
            raise NotFoundHere(
                f"This discussion has no page {number}.",
                back_url=url + thread_query(sort, 1),
                back_label=f"The first page of comments on “{self.object.title}”",
            )
        html = render_to_string(
            "articles/_discussion.html",
            {
                "page": page,
                "thread_html": _THREAD_HOLE,  # filled in by render_to_response
                "sort_links": [
                    {
                        "label": label,
                        "url": url + thread_query(key, 1),
                        "current": key == sort,
                    }
                    for key, label in selectors.THREAD_SORTS.items()
                ],
                "previous_url": number and number > 1 and url + thread_query(sort, number - 1),
                "next_url": page.has_next and url + thread_query(sort, number + 1),
                "all_url": url + thread_query(sort, None),
            },
        )
        thread = thread_bytes(
            page.comments, viewer, thread_open=self.object.accepts_comments, new_since=new_since
        )
        return {"comment_count": page.total, "html": html, "thread": thread}


class CommentDetailView(DetailView):
    """The permalink page: a comment with the nearest comments above it and its replies."""

    template_name = "articles/comment_detail.html"
    context_object_name = "comment"

    def get_queryset(self):
        # As for an article page, what the reader may do comes with the comment.
        comments = Comment.objects.select_related("article", "author").filter(
            article__in=Article.objects.published()
        )
        return for_viewer(comments, self.request.user)

    def get_context_data(self, **kwargs):
        viewer = viewer_from(self.object, self.request.user)
        thread = selectors.subthread_for_comment(self.object, viewer)
        ancestors = comment_ancestors(self.object, viewer)
        return super().get_context_data(
            ancestors=ancestors.comments,
            up_url=ancestors.up_url,
            thread_html=render_thread(
                thread.comments, viewer, thread_open=self.object.article.accepts_comments
            ),
            show_text=thread.comments[0].shown,
            in_thread_url=selectors.comment_thread_url(self.object, viewer=viewer),
            viewer=viewer,
            **self._watch(viewer),
            **kwargs,
        )

    def _watch(self, viewer) -> dict:
        # The bell and the follow and mute buttons, in one query.
        if viewer.user_id is None:
            return {}
        watch = notification_selectors.comment_watch(viewer.user_id, self.object)
        return {"watch": watch, "unread_notifications": watch["unread"]}
