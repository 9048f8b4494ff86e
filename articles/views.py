"""Pages and actions. Views stay thin: reads come from selectors, writes go through services."""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import DetailView, ListView

from articles import selectors, services
from articles.forms import CommentForm, SignupForm
from articles.models import Article, Comment


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return selectors.article_list()


class ArticleDetailView(DetailView):
    model = Article
    template_name = "articles/article_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            thread=selectors.thread_for_article(self.object), form=CommentForm(), **kwargs
        )


class CommentDetailView(DetailView):
    """The permalink page: a comment with the comments above it and its replies."""

    template_name = "articles/comment_detail.html"
    context_object_name = "comment"

    def get_queryset(self):
        return Comment.objects.select_related("article", "author")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            ancestors=selectors.comment_ancestors(self.object),
            thread=selectors.subthread_for_comment(self.object),
            **kwargs,
        )


def _compose(request, *, article, parent, form, status=200):
    return render(
        request,
        "articles/comment_form.html",
        {"article": article, "parent": parent, "form": form},
        status=status,
    )


@login_required
@require_GET
def comment_reply(request, pk):
    """The reply page for readers without JavaScript: the parent, then the form."""
    parent = get_object_or_404(Comment.objects.select_related("article", "author"), pk=pk)
    form = CommentForm(initial={"parent": parent.pk})
    return _compose(request, article=parent.article, parent=parent, form=form)


@login_required
@require_POST
def comment_create(request, slug):
    """Post a comment or a reply, then land on it; on error show the form again."""
    article = get_object_or_404(Article, slug=slug)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid() and form.cleaned_data["parent"] is not None:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
        if parent is None:
            form.add_error(None, "The comment you replied to does not exist.")
    if form.is_valid():
        try:
            comment = services.comment_post(
                article=article,
                parent=parent,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return redirect(f"{article.get_absolute_url()}#comment-{comment.pk}")
    return _compose(request, article=article, parent=parent, form=form, status=400)


def _add_service_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an account, sign it in, and go back where the reader came from."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or "home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=status
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
