"""Search: one stored, GIN-indexed vector per article and comment, kept by triggers.

Why triggers writing a table of their own rather than a generated column of articles_comment:
see articles/models/search.py. Why the text search configuration is a function rather than a
literal: ``SEARCH_CONFIG`` is read once, here, and stored as ``articles_search_config()``, which
the triggers and the search query both call, so stored vectors and queries always agree;
``manage.py search_reindex`` stores another one and recomputes the vectors. (A GeneratedField
would fix the configuration in its expression at migration time, with no way to change it but a
new migration.)
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Weights: a title counts most (A), an article's summary (B) more than its body (C); a comment's
# text is B. Comments are indexed from body_html, whatever format they were written in: the
# parser skips the markup (tags and entities are tokens the configurations do not index).
_VECTORS = """
CREATE FUNCTION articles_comment_vector(title text, body_html text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector(articles_search_config(), coalesce(title, '')), 'A')
        || setweight(to_tsvector(articles_search_config(), coalesce(body_html, '')), 'B')
$$;
CREATE FUNCTION articles_article_vector(title text, summary text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector(articles_search_config(), coalesce(title, '')), 'A')
        || setweight(to_tsvector(articles_search_config(), coalesce(summary, '')), 'B')
        || setweight(to_tsvector(articles_search_config(), coalesce(body, '')), 'C')
$$;
"""

# From when an article's documents may be found (SearchDocument.public_from): the rule of
# Article.public_q, as a time (a published article at once, whatever its date). NULL: never.
_PUBLIC_FROM = """
CREATE FUNCTION articles_public_from(status text, published_at timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE status WHEN 'published' THEN '1970-01-01 00:00+00'::timestamptz
                       WHEN 'scheduled' THEN published_at END
$$;
"""

# New comments: one INSERT per statement (a trigger with a transition table), so the importer's
# COPY of 100,000 comments writes their documents in one statement, and a post one more row.
# Changes: a row trigger on the columns that matter only, so the tree shifts of every reply
# (which set lft and rght) and votes never fire it; moderation (state) updates public_from,
# edits the vector.
_TRIGGERS = """
ALTER TABLE articles_searchdocument ADD CONSTRAINT articles_searchdocument_comment_fk
    FOREIGN KEY (comment_id) REFERENCES articles_comment (id) ON DELETE CASCADE;

CREATE FUNCTION articles_comment_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_searchdocument (article_id, comment_id, vector, public_from)
    SELECT n.article_id, n.id, articles_comment_vector(n.title, n.body_html),
           CASE WHEN n.state = 'visible' THEN articles_public_from(a.status, a.published_at) END
    FROM new_rows n JOIN articles_article a ON a.id = n.article_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_comment_search_insert AFTER INSERT ON articles_comment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_comment_search_insert();

CREATE FUNCTION articles_comment_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_searchdocument d
    SET article_id = NEW.article_id,
        vector = CASE WHEN OLD.title IS DISTINCT FROM NEW.title
                        OR OLD.body_html IS DISTINCT FROM NEW.body_html
                      THEN articles_comment_vector(NEW.title, NEW.body_html) ELSE d.vector END,
        public_from = CASE WHEN NEW.state = 'visible'
                           THEN articles_public_from(a.status, a.published_at) END
    FROM articles_article a
    WHERE d.comment_id = NEW.id AND a.id = NEW.article_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_comment_search_update
    AFTER UPDATE OF title, body_html, article_id, state ON articles_comment FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body_html IS DISTINCT FROM NEW.body_html
          OR OLD.article_id <> NEW.article_id OR OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION articles_comment_search_update();

CREATE FUNCTION articles_article_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    shown_from timestamptz := articles_public_from(NEW.status, NEW.published_at);
BEGIN
    INSERT INTO articles_searchdocument (article_id, comment_id, vector, public_from)
    VALUES (NEW.id, NULL, articles_article_vector(NEW.title, NEW.summary, NEW.body), shown_from)
    ON CONFLICT (article_id) WHERE comment_id IS NULL DO UPDATE
    SET vector = EXCLUDED.vector, public_from = EXCLUDED.public_from;
    IF TG_OP = 'UPDATE' AND (OLD.status IS DISTINCT FROM NEW.status
                             OR OLD.published_at IS DISTINCT FROM NEW.published_at) THEN
        UPDATE articles_searchdocument d
        SET public_from = CASE WHEN c.state = 'visible' THEN shown_from END
        FROM articles_comment c
        WHERE d.article_id = NEW.id AND c.id = d.comment_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_article_search_insert AFTER INSERT ON articles_article FOR EACH ROW
    EXECUTE FUNCTION articles_article_search();
CREATE TRIGGER articles_article_search_update
    AFTER UPDATE OF title, summary, body, status, published_at ON articles_article FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary
          OR OLD.body IS DISTINCT FROM NEW.body OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION articles_article_search();

INSERT INTO articles_searchdocument (article_id, comment_id, vector, public_from)
SELECT id, NULL, articles_article_vector(title, summary, body),
       articles_public_from(status, published_at)
FROM articles_article;
INSERT INTO articles_searchdocument (article_id, comment_id, vector, public_from)
SELECT c.article_id, c.id, articles_comment_vector(c.title, c.body_html),
       CASE WHEN c.state = 'visible' THEN articles_public_from(a.status, a.published_at) END
FROM articles_comment c JOIN articles_article a ON a.id = c.article_id;
"""
_DROP = """
DROP TRIGGER articles_comment_search_insert ON articles_comment;
DROP TRIGGER articles_comment_search_update ON articles_comment;
DROP TRIGGER articles_article_search_insert ON articles_article;
DROP TRIGGER articles_article_search_update ON articles_article;
DROP FUNCTION articles_comment_search_insert();
DROP FUNCTION articles_comment_search_update();
DROP FUNCTION articles_article_search();
DROP FUNCTION articles_comment_vector(text, text);
DROP FUNCTION articles_article_vector(text, text, text);
DROP FUNCTION articles_public_from(text, timestamptz);
DROP FUNCTION articles_search_config();
"""


def store_search_config(apps, schema_editor):
    # The same statement as manage.py search_reindex (articles/search/services.py), frozen here.
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION articles_search_config() RETURNS regconfig"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        f" AS $$ SELECT '{settings.SEARCH_CONFIG}'::regconfig $$"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_notifications"),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('vector', django.contrib.postgres.search.SearchVectorField()),
                ('public_from', models.DateTimeField(null=True)),
                ('article', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.DB_CASCADE, related_name='+', to='articles.article')),
                ('comment', models.OneToOneField(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.comment')),
            ],
            options={
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['vector'], name='search_vector_idx'), models.Index(fields=['article'], name='search_article_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('comment', None)), fields=('article',), name='search_one_document_per_article')],
            },
        ),
        migrations.RunPython(store_search_config, migrations.RunPython.noop),
        migrations.RunSQL(_VECTORS + _PUBLIC_FROM + _TRIGGERS, _DROP),
    ]
