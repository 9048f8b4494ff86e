"""Page-cache versions held by PostgreSQL: a table, and the triggers that bump it."""

import django.db.models.deletion
from django.db import migrations, models

# Comments, and the pinned comment (it comes first in every order), bump their article's version.
# One bump per statement and article (statement-level triggers with transition tables), so a
# tree shift that moves a thousand rows costs one UPDATE, not a thousand. Articles are bumped in
# id order: two multi-article writers never wait for each other in a cycle. Only articles that
# still exist: Django's foreign keys are deferred, so it may delete an article before its comments.
_UPSERT = """
    INSERT INTO articles_threadversion AS v (article_id, version)
    SELECT DISTINCT c.article_id, 1 FROM {rows} c
    JOIN articles_article a ON a.id = c.article_id
    ORDER BY c.article_id
    ON CONFLICT (article_id) DO UPDATE SET version = v.version + 1;
"""
# An UPDATE bumps only when a row changed in something a page shows: not when only its vote
# totals did. A vote does not retire cached pages (README, "Votes and ranking"); anonymous
# readers see scores at most THREAD_CACHE_SECONDS old. (A trigger with transition tables cannot
# take a column list, hence the comparison; any column added later bumps. A comment moved to
# another article bumps both.)
_VOTE_TOTALS = "'{upvotes,downvotes}'::text[]"
_CHANGED = f"""(
    SELECT n.article_id FROM old_rows o JOIN new_rows n USING (id)
    WHERE to_jsonb(o) - {_VOTE_TOTALS} IS DISTINCT FROM to_jsonb(n) - {_VOTE_TOTALS}
    UNION ALL
    SELECT o.article_id FROM old_rows o JOIN new_rows n USING (id)
    WHERE o.article_id <> n.article_id
)"""
_BUMP = f"""
CREATE FUNCTION articles_thread_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_UPSERT.format(rows="changed_rows")}
    RETURN NULL;
END
$$;
CREATE FUNCTION articles_thread_version_bump_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_UPSERT.format(rows=_CHANGED)}
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_comment_version_insert AFTER INSERT ON articles_comment
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump();
CREATE TRIGGER articles_comment_version_update AFTER UPDATE ON articles_comment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump_update();
CREATE TRIGGER articles_comment_version_delete AFTER DELETE ON articles_comment
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump();
CREATE TRIGGER articles_pin_version_insert AFTER INSERT ON articles_pinnedcomment
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump();
CREATE TRIGGER articles_pin_version_update AFTER UPDATE ON articles_pinnedcomment
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump();
CREATE TRIGGER articles_pin_version_delete AFTER DELETE ON articles_pinnedcomment
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_thread_version_bump();
"""
_UNBUMP = """
DROP TRIGGER articles_comment_version_insert ON articles_comment;
DROP TRIGGER articles_comment_version_update ON articles_comment;
DROP TRIGGER articles_comment_version_delete ON articles_comment;
DROP TRIGGER articles_pin_version_insert ON articles_pinnedcomment;
DROP TRIGGER articles_pin_version_update ON articles_pinnedcomment;
DROP TRIGGER articles_pin_version_delete ON articles_pinnedcomment;
DROP FUNCTION articles_thread_version_bump();
DROP FUNCTION articles_thread_version_bump_update();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_audit_actions_for_pins_and_word_lists"),
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
