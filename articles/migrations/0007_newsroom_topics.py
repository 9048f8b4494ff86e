# Free-text topics become Topic rows: every name an article had is kept, in both directions.

from django.db import migrations
from django.utils.text import slugify


def _free_slug(name, taken):
    base = slugify(name)[:90] or "topic"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def topics_to_rows(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Topic = apps.get_model("articles", "Topic")
    topics, taken = {}, set()
    for article in Article.objects.exclude(topic_names=[]).order_by("id"):
        for name in dict.fromkeys(article.topic_names):
            if name not in topics:
                topics[name] = Topic.objects.create(name=name, slug=_free_slug(name, taken))
        article.topics.add(*(topics[name] for name in dict.fromkeys(article.topic_names)))


def rows_to_topics(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Through = Article.topics.through
    names = {}
    for link in Through.objects.select_related("topic").order_by("id"):
        names.setdefault(link.article_id, []).append(link.topic.name)
    for article_id, topic_names in names.items():
        Article.objects.filter(pk=article_id).update(topic_names=topic_names)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_newsroom")]

    operations = [
        migrations.RunPython(topics_to_rows, rows_to_topics),
        migrations.RemoveField(model_name="article", name="topic_names"),
    ]
