"""Reading pages: the article list, an article with its thread, a comment's permalink."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from articles import selectors
from articles.forms import CommentForm
from articles.models import Comment


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return selectors.article_list()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        # What the reader may do here comes with the article: the page stays at two queries.
        return selectors.articles_for_viewer(self.request.user)

    def get_context_data(self, **kwargs):
        viewer = selectors.viewer_from(self.object, self.request.user)
        return super().get_context_data(
            thread=selectors.thread_for_article(self.object, viewer),
            viewer=viewer,
            form=CommentForm(),
            **kwargs,
        )


class CommentDetailView(DetailView):
    """The permalink page: a comment with the comments above it and its replies."""

    template_name = "articles/comment_detail.html"
    context_object_name = "comment"

    def get_queryset(self):
        return Comment.objects.select_related("article", "author")

    def get_context_data(self, **kwargs):
        viewer = selectors.viewer_for(self.request.user)
        return super().get_context_data(
            ancestors=selectors.comment_ancestors(self.object, viewer),
            thread=selectors.subthread_for_comment(self.object, viewer),
            viewer=viewer,
            **kwargs,
        )


@require_GET
def health(request):
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
