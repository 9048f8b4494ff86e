"""Page-cache versions held by PostgreSQL: a table, and the triggers that bump it."""

import django.db.models.deletion
from django.db import migrations, models

# One bump per statement and article (statement-level triggers with transition tables), so a
# tree shift that moves a thousand rows costs one UPDATE, not a thousand. Articles are bumped in
# id order: two multi-article writers never wait for each other in a cycle. Only articles that
# still exist: Django's foreign keys are deferred, so it may delete an article before its comments.
_BUMP = """
CREATE FUNCTION articles_thread_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_threadversion AS v (article_id, version)
    SELECT DISTINCT c.article_id, 1 FROM changed_rows c
    JOIN articles_article a ON a.id = c.article_id
    ORDER BY c.article_id
    ON CONFLICT (article_id) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_comment_version_insert AFTER INSERT ON articles_comment
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump();
CREATE TRIGGER articles_comment_version_update AFTER UPDATE ON articles_comment
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump();
CREATE TRIGGER articles_comment_version_delete AFTER DELETE ON articles_comment
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump();
"""
_UNBUMP = """
DROP TRIGGER articles_comment_version_insert ON articles_comment;
DROP TRIGGER articles_comment_version_update ON articles_comment;
DROP TRIGGER articles_comment_version_delete ON articles_comment;
DROP FUNCTION articles_thread_version_bump();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_comment_indexes_for_posting"),
    ]

    operations = [
        migrations.CreateModel(
            name="ThreadVersion",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DB_CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(_BUMP, _UNBUMP),
    ]
