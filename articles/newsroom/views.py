"""Reading pages of the newsroom: the front page with its tabs, and topic pages."""

from django.conf import settings
from django.views.generic import ListView

from articles.newsroom import selectors


class FrontPageView(ListView):
    """Published articles, paged, in the order of the tab named by ``?tab=``."""

    template_name = "newsroom/front_page.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.FRONT_PAGE_SIZE

    def get_queryset(self):
        self.tab = selectors.front_tab(self.request.GET.get("tab"))
        return selectors.front_page(self.tab)

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        # Every tab lists the same articles: counted plainly, not through the tab's figures.
        # "Most discussed" counts them itself (selectors.DiscussedArticles), in one query.
        if not isinstance(queryset, selectors.DiscussedArticles):
            paginator.count = selectors.published_count()
        return paginator

    def get_context_data(self, **kwargs):
        tabs = [
            {"key": key, "label": label, "current": key == self.tab}
            for key, label in selectors.TABS.items()
        ]
        return super().get_context_data(tab=self.tab, tabs=tabs, **kwargs)


class TopicView(ListView):
    """A topic's published articles, newest first, paged."""

    template_name = "newsroom/topic.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.FRONT_PAGE_SIZE

    def get_queryset(self):
        self.topic, articles = selectors.topic_with_articles(self.kwargs["slug"])
        return articles

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)
