"""What pages read at scale: per-article figures kept by triggers, and covering indexes.

The front page and topic pages aggregated every comment of every article on each view: 0.6 s at
a million comments. Now each article has a row of figures (its visible comments, the time of
the latest), and "Most discussed" adds up each article's comments per day (ArticleActivity)
instead of counting the last days' comments. Statement-level triggers (transition tables, like
0011's version bumps) keep both on every write path: posting, moderation, COPY imports. A tree
shift or a vote (an UPDATE of lft/rght or of the totals only) finds no changed row and writes
nothing. The roots index and the author index carry what paging an article's threads and a
profile's count and karma read, so neither reads a table row per comment.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Visible comments gone (-1) and come (+1). Per article: the change and the latest time among
# those come (figures); per article and day (UTC), the change among those with a known time
# (activity). Only articles that still exist (Django's foreign keys are deferred: it may delete an
# article before its comments), in key order: two writers never wait for each other in a cycle.
# PostgreSQL fires a table's triggers for one event in name order: "articles_comment_x..." after
# "articles_comment_version...", so these rows are locked after the thread version row, which
# every comment write locks first.
_COUNT = """
    WITH gone AS ({gone}), came AS ({came}), moved AS (
        SELECT article_id, -1 AS change, NULL::timestamptz AS latest, time_unknown, created_at
        FROM gone WHERE state = 'visible'
        UNION ALL
        SELECT article_id, 1, CASE WHEN NOT time_unknown THEN created_at END, time_unknown,
            created_at
        FROM came WHERE state = 'visible'
    ), days AS (
        INSERT INTO articles_articleactivity AS d (article_id, day, comments)
        SELECT m.article_id, (m.created_at AT TIME ZONE 'UTC')::date, sum(m.change)
        FROM moved m JOIN articles_article a ON a.id = m.article_id
        WHERE NOT m.time_unknown
        GROUP BY 1, 2 HAVING sum(m.change) <> 0
        ORDER BY 1, 2
        ON CONFLICT (article_id, day) DO UPDATE SET comments = d.comments + excluded.comments
    )
    INSERT INTO articles_articlefigures AS f (article_id, comment_count, last_comment_at)
    SELECT m.article_id, sum(m.change), max(m.latest)
    FROM moved m JOIN articles_article a ON a.id = m.article_id
    GROUP BY 1
    ORDER BY 1
    ON CONFLICT (article_id) DO UPDATE
    SET comment_count = f.comment_count + excluded.comment_count,
        last_comment_at = greatest(f.last_comment_at, excluded.last_comment_at);
"""
# When a comment that was an article's latest is no longer counted (a moderator hides or removes
# the newest comment: rare), the latest is read again.
_LOST = """
    UPDATE articles_articlefigures f
    SET last_comment_at = (
        SELECT max(c.created_at) FROM articles_comment c
        WHERE c.article_id = f.article_id AND c.state = 'visible' AND NOT c.time_unknown
    )
    FROM (
        SELECT article_id, max(created_at) AS lost FROM ({gone}) gone
        WHERE state = 'visible' AND NOT time_unknown GROUP BY article_id
    ) g
    WHERE f.article_id = g.article_id AND g.lost >= f.last_comment_at;
"""
_FUNCTION = """
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{body}
    RETURN NULL;
END
$$;
"""
_NONE = "SELECT * FROM articles_comment WHERE false"
# An UPDATE counts only rows changed in what the figures read ({side}: o before, n after).
_CHANGED = """
    SELECT {side}.* FROM old_rows o JOIN new_rows n USING (id)
    WHERE (o.state, o.created_at, o.time_unknown, o.article_id)
        IS DISTINCT FROM (n.state, n.created_at, n.time_unknown, n.article_id)
"""
_CREATE = """
CREATE TRIGGER articles_comment_x_figures_insert AFTER INSERT ON articles_comment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_comment_figures_insert();
CREATE TRIGGER articles_comment_x_figures_update AFTER UPDATE ON articles_comment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_comment_figures_update();
CREATE TRIGGER articles_comment_x_figures_delete AFTER DELETE ON articles_comment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_comment_figures_delete();
"""
_BACKFILL = """
INSERT INTO articles_articlefigures (article_id, comment_count, last_comment_at)
SELECT article_id, count(*) FILTER (WHERE state = 'visible'),
    max(created_at) FILTER (WHERE state = 'visible' AND NOT time_unknown)
FROM articles_comment GROUP BY article_id;
INSERT INTO articles_articleactivity (article_id, day, comments)
SELECT article_id, (created_at AT TIME ZONE 'UTC')::date, count(*) FROM articles_comment
WHERE state = 'visible' AND NOT time_unknown
GROUP BY 1, 2;
"""
_OLD, _NEW = _CHANGED.format(side="o"), _CHANGED.format(side="n")
_TRIGGERS = "".join(
    [
        _FUNCTION.format(
            name="articles_comment_figures_insert",
            body=_COUNT.format(gone=_NONE, came="TABLE new_rows"),
        ),
        _FUNCTION.format(
            name="articles_comment_figures_update",
            body=_COUNT.format(gone=_OLD, came=_NEW) + _LOST.format(gone=_OLD),
        ),
        _FUNCTION.format(
            name="articles_comment_figures_delete",
            body=_COUNT.format(gone="TABLE old_rows", came=_NONE)
            + _LOST.format(gone="TABLE old_rows"),
        ),
        _CREATE,
        _BACKFILL,
    ]
)
_NO_TRIGGERS = """
DROP TRIGGER articles_comment_x_figures_insert ON articles_comment;
DROP TRIGGER articles_comment_x_figures_update ON articles_comment;
DROP TRIGGER articles_comment_x_figures_delete ON articles_comment;
DROP FUNCTION articles_comment_figures_insert();
DROP FUNCTION articles_comment_figures_update();
DROP FUNCTION articles_comment_figures_delete();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('comments', models.IntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='ArticleFigures',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.DB_CASCADE, primary_key=True, related_name='figures', serialize=False, to='articles.article')),
                ('comment_count', models.IntegerField(default=0)),
                ('last_comment_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name_plural': 'article figures',
            },
        ),
        migrations.RemoveIndex(
            model_name='comment',
            name='comment_article_roots_idx',
        ),
        migrations.RemoveIndex(
            model_name='comment',
            name='comment_author_recent_idx',
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['author', 'created_at'], include=('state', 'article', 'upvotes', 'downvotes'), name='comment_author_recent_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('parent', None)), fields=['article', 'tree_id'], include=('lft', 'rght', 'id', 'state', 'upvotes', 'downvotes'), name='comment_article_roots_idx'),
        ),
        migrations.AddField(
            model_name='articleactivity',
            name='article',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.DB_CASCADE, related_name='activity', to='articles.article'),
        ),
        migrations.AddIndex(
            model_name='articlefigures',
            index=models.Index(models.OrderBy(models.F('last_comment_at'), descending=True, nulls_last=True), name='figures_active_idx'),
        ),
        migrations.AddIndex(
            model_name='articleactivity',
            index=models.Index(fields=['day'], include=('article', 'comments'), name='activity_day_idx'),
        ),
        migrations.AddConstraint(
            model_name='articleactivity',
            constraint=models.UniqueConstraint(fields=('article', 'day'), name='article_activity_day_unique'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(models.OrderBy(models.F('published_at'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True), name='article_public_newest_idx'),
        ),
        migrations.RunSQL(_TRIGGERS, _NO_TRIGGERS),
    ]
