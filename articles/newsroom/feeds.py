"""The Atom feeds (views: only the URLconf imports them): the latest articles, a topic's
articles, an article's latest comments and a member's latest comments.

Each is one query for its items (plus one for the article, topic or member it follows),
whatever their number. Comment feeds hold only what any reader may see: visible comments of
published articles, their already sanitised HTML.
"""

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


class TopicArticlesFeed(LatestArticlesFeed):
    """A topic's newest published articles, as on its page."""

    def get_object(self, request, slug):
        return selectors.feed_topic(slug)

    def title(self, obj):
        return f"The Forum: {obj.name}"

    def subtitle(self, obj):
        return f"The latest articles on {obj.name}."

    def link(self, obj):
        return reverse("topic_detail", args=[obj.slug])

    def items(self, obj):
        return selectors.feed_articles(topic=obj)


class _CommentsFeed(Feed):
    """Comments as entries: their title (or whose comment on what), their HTML, a permalink."""

    feed_type = Atom1Feed

    def item_title(self, item):
        return item.title or f"{item.display_author} on “{item.article.title}”"

    def item_description(self, item):
        return item.body_html  # sanitised when it was written

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at

    def item_author_name(self, item):
        return item.display_author


class ArticleCommentsFeed(_CommentsFeed):
    """An article's latest visible comments."""

    def get_object(self, request, slug):
        return selectors.feed_article(slug)

    def title(self, obj):
        return f"Comments on “{obj.title}”"

    def subtitle(self, obj):
        return f"The latest comments on “{obj.title}” at The Forum."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return selectors.feed_article_comments(obj)


class MemberCommentsFeed(_CommentsFeed):
    """A member's latest visible comments on published articles."""

    def get_object(self, request, username):
        return selectors.feed_member(username)

    def title(self, obj):
        return f"Comments by {obj.get_username()}"

    def subtitle(self, obj):
        return f"The latest comments by {obj.get_username()} at The Forum."

    def link(self, obj):
        return reverse("user_profile", args=[obj.get_username()])

    def items(self, obj):
        return selectors.feed_member_comments(obj)
