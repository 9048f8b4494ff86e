"""The Atom feed of the latest articles (a view: only the URLconf imports it)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.newsroom import selectors


class LatestArticlesFeed(Feed):
    """The newest published articles, as on the front page's "Latest" tab."""

    feed_type = Atom1Feed
    title = "The Forum: latest articles"
    subtitle = "News articles, discussed in threads of nested comments."

    def link(self):
        return reverse("home")

    def items(self):
        return selectors.feed_articles()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.corrected_at or item.published_at

    def item_author_name(self, item):
        return item.byline or None

    def item_guid(self, item):
        return settings.SITE_URL + item.get_absolute_url()
