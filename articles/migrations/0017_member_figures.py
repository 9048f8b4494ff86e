"""Per-member figures kept by triggers: a profile's comment count and karma; and an index of
the articles not published, which a profile leaves out.

A profile counted the member's visible comments and added up their scores from an index: 7,000
entries for the busiest member at a million comments, growing with the member. Now each member
has a row of figures (visible comments, their net score), kept like the articles' (0015) by
statement-level triggers with transition tables on every write path: posting, moderation,
votes, COPY imports, deletions. An UPDATE that changes none of what they read (a tree shift)
writes nothing.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Visible comments gone (-1, minus their score) and come (+1, plus their score), per author that
# still exists, in key order: two writers never wait for each other in a cycle. PostgreSQL fires
# a table's triggers for one event in name order: "articles_comment_y..." after the article
# figures' "articles_comment_x...", so a member's row is the last a comment write locks, after
# the comment rows themselves (a vote locks the comment, then its author's figures).
_COUNT = """
    INSERT INTO articles_memberfigures AS f (user_id, comment_count, karma)
    SELECT m.author_id, sum(m.change), sum(m.score)
    FROM (
        SELECT author_id, -1 AS change, downvotes - upvotes AS score
        FROM ({gone}) gone WHERE state = 'visible'
        UNION ALL
        SELECT author_id, 1, upvotes - downvotes FROM ({came}) came WHERE state = 'visible'
    ) m JOIN auth_user u ON u.id = m.author_id
    GROUP BY 1 HAVING sum(m.change) <> 0 OR sum(m.score) <> 0
    ORDER BY 1
    ON CONFLICT (user_id) DO UPDATE
    SET comment_count = f.comment_count + excluded.comment_count,
        karma = f.karma + excluded.karma;
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
    WHERE (o.state, o.author_id, o.upvotes, o.downvotes)
        IS DISTINCT FROM (n.state, n.author_id, n.upvotes, n.downvotes)
"""
_CREATE = """
CREATE TRIGGER articles_comment_y_member_figures_insert AFTER INSERT ON articles_comment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_comment_member_figures_insert();
CREATE TRIGGER articles_comment_y_member_figures_update AFTER UPDATE ON articles_comment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_comment_member_figures_update();
CREATE TRIGGER articles_comment_y_member_figures_delete AFTER DELETE ON articles_comment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_comment_member_figures_delete();
"""
_BACKFILL = """
INSERT INTO articles_memberfigures (user_id, comment_count, karma)
SELECT author_id, count(*), sum(upvotes - downvotes) FROM articles_comment
WHERE state = 'visible' AND author_id IS NOT NULL
GROUP BY author_id;
"""
_TRIGGERS = "".join(
    [
        _FUNCTION.format(
            name="articles_comment_member_figures_insert",
            body=_COUNT.format(gone=_NONE, came="TABLE new_rows"),
        ),
        _FUNCTION.format(
            name="articles_comment_member_figures_update",
            body=_COUNT.format(gone=_CHANGED.format(side="o"), came=_CHANGED.format(side="n")),
        ),
        _FUNCTION.format(
            name="articles_comment_member_figures_delete",
            body=_COUNT.format(gone="TABLE old_rows", came=_NONE),
        ),
        _CREATE,
        _BACKFILL,
    ]
)
_NO_TRIGGERS = """
DROP TRIGGER articles_comment_y_member_figures_insert ON articles_comment;
DROP TRIGGER articles_comment_y_member_figures_update ON articles_comment;
DROP TRIGGER articles_comment_y_member_figures_delete ON articles_comment;
DROP FUNCTION articles_comment_member_figures_insert();
DROP FUNCTION articles_comment_member_figures_update();
DROP FUNCTION articles_comment_member_figures_delete();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0016_posting"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MemberFigures",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DB_CASCADE,
                        primary_key=True,
                        related_name="figures",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("comment_count", models.IntegerField(default=0)),
                ("karma", models.IntegerField(default=0)),
            ],
            options={"verbose_name_plural": "member figures"},
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published"), _negated=True),
                fields=["id"],
                name="article_not_published_idx",
            ),
        ),
        migrations.RunSQL(_TRIGGERS, _NO_TRIGGERS),
    ]
