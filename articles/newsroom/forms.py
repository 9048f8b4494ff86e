"""The editors' article form (the admin's), checked by the same rules as the services."""

from django import forms
from django.core.exceptions import ValidationError

from articles.models import Article
from articles.newsroom import services

# The longest summary and body an editor may send (a long feature is some 50,000 characters).
SUMMARY_MAX_LENGTH = 2_000
BODY_MAX_LENGTH = 100_000


class ArticleForm(forms.ModelForm):
    """An article as an editor writes it, with the "visible correction" tick for edits."""

    summary = forms.CharField(
        required=False, max_length=SUMMARY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Markdown: headings, links, and images from https addresses.",
    )
    visible_correction = forms.BooleanField(
        required=False,
        label="Visible correction",
        help_text="Show a “Corrected” note with the time of this change on the article's page.",
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "byline",
            "topics",
            "status",
            "published_at",
            "comment_policy",
        ]
        help_texts = {
            "slug": "The article's address; it cannot change once the article is published.",
            "published_at": "When it is (or was) published; in the future for a scheduled one.",
        }

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            services.article_check(article=self.instance)
        except ValidationError as error:
            self._update_errors(error)
