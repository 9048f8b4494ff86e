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

# New comments: one INSERT per statement (a trigger with a transition table), so the importer's
# COPY of 100,000 comments writes their vectors in one statement, and a post in one more row.
# Edits: a row trigger on the text columns only, so the tree shifts of every reply (which set
# lft and rght) never fire it.
_TRIGGERS = """
ALTER TABLE articles_searchdocument ADD CONSTRAINT articles_searchdocument_comment_fk
    FOREIGN KEY (comment_id) REFERENCES articles_comment (id) ON DELETE CASCADE;

CREATE FUNCTION articles_comment_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_searchdocument (article_id, comment_id, vector)
    SELECT article_id, id, articles_comment_vector(title, body_html) FROM new_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_comment_search_insert AFTER INSERT ON articles_comment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION articles_comment_search_insert();

CREATE FUNCTION articles_comment_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_searchdocument
    SET article_id = NEW.article_id, vector = articles_comment_vector(NEW.title, NEW.body_html)
    WHERE comment_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_comment_search_update
    AFTER UPDATE OF title, body_html, article_id ON articles_comment FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body_html IS DISTINCT FROM NEW.body_html
          OR OLD.article_id <> NEW.article_id)
    EXECUTE FUNCTION articles_comment_search_update();

CREATE FUNCTION articles_article_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_searchdocument (article_id, comment_id, vector)
    VALUES (NEW.id, NULL, articles_article_vector(NEW.title, NEW.summary, NEW.body))
    ON CONFLICT (article_id) WHERE comment_id IS NULL DO UPDATE SET vector = EXCLUDED.vector;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_article_search_insert AFTER INSERT ON articles_article FOR EACH ROW
    EXECUTE FUNCTION articles_article_search();
CREATE TRIGGER articles_article_search_update
    AFTER UPDATE OF title, summary, body ON articles_article FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary
          OR OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION articles_article_search();

INSERT INTO articles_searchdocument (article_id, comment_id, vector)
SELECT id, NULL, articles_article_vector(title, summary, body) FROM articles_article;
INSERT INTO articles_searchdocument (article_id, comment_id, vector)
SELECT article_id, id, articles_comment_vector(title, body_html) FROM articles_comment;
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
DROP FUNCTION articles_search_config();
"""


def store_search_config(apps, schema_editor):
    # The same statement as manage.py search_reindex (articles/search/config.py), frozen here.
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION articles_search_config() RETURNS regconfig"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        f" AS $$ SELECT '{settings.SEARCH_CONFIG}'::regconfig $$"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_accounts"),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('vector', django.contrib.postgres.search.SearchVectorField()),
                ('article', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.DB_CASCADE, related_name='+', to='articles.article')),
                ('comment', models.OneToOneField(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.comment')),
            ],
            options={
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['vector'], name='search_vector_idx'), models.Index(fields=['article'], name='search_article_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('comment', None)), fields=('article',), name='search_one_document_per_article')],
            },
        ),
        migrations.RunPython(store_search_config, migrations.RunPython.noop),
        migrations.RunSQL(_VECTORS + _TRIGGERS, _DROP),
    ]
