"""Posting in one round trip: the SQL function ``articles_comment_post`` (posting/insert.py calls
it); the indexes that find the page to land on after a post without reading the threads.

A function, not one statement with CTEs, because the advisory locks must come before the reads
they protect. Every part of a single statement reads from the snapshot taken when the statement
began, before its own lock was granted: the parent's rght would be read stale and the shift would
miss rows a poster who held the lock just inserted (the broken trees the concurrency test shows
without the lock). A VOLATILE PL/pgSQL function takes a fresh snapshot for each statement in it
(READ COMMITTED, Django's default), so here the reads after ``pg_advisory_xact_lock`` see every
write committed before the lock was granted: one round trip, where locks, checks, making room and
the insert took four. Called outside a transaction block, the call is its own transaction and
the locks are held until it ends.

The checks are those of the former posting-checks query (antiabuse.py), in the same order, with
``Article.accepts_comments`` and ``UserSanctionQuerySet.active()`` written out in SQL;
tests/articles/posting/test_insert.py and test_antiabuse.py keep them in step with the models,
and the lock numbers with threads/locks.py. Values that depend on
settings or on the process (the time, the duplicate window, the hold for new accounts, the word
lists this process knows and what they found in the text) are parameters.

To change the function, add a migration with ``CREATE OR REPLACE FUNCTION`` (and drop it
first if the parameters change).
"""

from django.db import migrations

_CREATE = """
CREATE FUNCTION articles_comment_post(
    p_article bigint,
    p_parent bigint,          -- NULL: a new top-level comment, in a thread of its own
    p_author bigint,
    p_title text,
    p_body text,
    p_body_html text,
    p_now timestamptz,
    p_close_before timestamptz,   -- articles on automatic close published before it are closed
    p_duplicate_since timestamptz,
    p_lists_known text,       -- the word lists' versions this process's copy is at
    p_blocked boolean,        -- that copy found a blocked word in the text
    p_watched_reason text,    -- why that copy holds the text ('' if it does not)
    p_hold_first integer,     -- MODERATION_HOLD_FIRST_COMMENTS
    p_hold_first_reason text,
    OUT refusal text,         -- NULL: stored
    OUT lists_version text,
    OUT lists_words json,     -- only when the versions differ from p_lists_known
    OUT comment_id bigint,
    OUT comment_tree_id integer,
    OUT comment_lft integer,
    OUT comment_level integer,
    OUT comment_state text,
    OUT comment_created_at timestamptz
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_tree integer;
    v_now_tree integer;
    v_rght integer;
    v_level integer;
    v_parent_state text;
    v_reason text := p_watched_reason;
BEGIN
    -- threads/locks.py: the author's lock first, then the thread's ("us" and "cm" namespaces).
    PERFORM pg_advisory_xact_lock(30067, p_author::integer);
    IF p_parent IS NOT NULL THEN
        SELECT tree_id INTO v_tree FROM articles_comment WHERE id = p_parent;
        LOOP
            EXIT WHEN v_tree IS NULL;
            PERFORM pg_advisory_xact_lock(25453, v_tree);
            -- A fresh snapshot: the parent as the last writer holding the lock left it.
            SELECT tree_id, rght, level, state INTO v_now_tree, v_rght, v_level, v_parent_state
            FROM articles_comment WHERE id = p_parent;
            EXIT WHEN v_now_tree = v_tree;
            v_tree := v_now_tree;  -- a repair moved it meanwhile: lock its tree now
        END LOOP;
    END IF;

    IF NOT coalesce((
        SELECT a.comments_open
            AND (a.status = 'published' OR (a.status = 'scheduled' AND a.published_at <= p_now))
            AND a.comment_policy <> 'closed'
            AND NOT (a.comment_policy = 'auto' AND coalesce(a.published_at < p_close_before, false))
        FROM articles_article a WHERE a.id = p_article), false) THEN
        refusal := 'closed';
    ELSIF NOT EXISTS (
        SELECT 1 FROM account_emailaddress WHERE user_id = p_author AND verified) THEN
        refusal := 'unverified';
    ELSIF p_parent IS NOT NULL AND v_parent_state IS DISTINCT FROM 'visible' THEN
        refusal := 'parent_hidden';
    ELSIF EXISTS (
        SELECT 1 FROM articles_usersanction
        WHERE user_id = p_author AND lifted_at IS NULL AND starts_at <= p_now
          AND (ends_at IS NULL OR ends_at > p_now)) THEN
        refusal := 'sanctioned';
    ELSIF EXISTS (
        SELECT 1 FROM articles_comment
        WHERE author_id = p_author AND body = p_body AND created_at >= p_duplicate_since
          AND state <> 'deleted') THEN
        refusal := 'duplicate';
    END IF;
    IF refusal IS NOT NULL THEN
        RETURN;
    END IF;

    -- The word lists (posting/wordlists.py): this process's copy decided p_blocked and
    -- p_watched_reason; if the lists changed since, nothing is stored and the caller decides
    -- again with the words returned.
    SELECT string_agg(version::text, ',' ORDER BY kind) INTO lists_version
    FROM articles_wordlist;
    IF lists_version IS DISTINCT FROM p_lists_known THEN
        SELECT json_object_agg(kind, words) INTO lists_words FROM articles_wordlist;
        refusal := 'lists_changed';
        RETURN;
    END IF;
    IF p_blocked THEN
        refusal := 'blocked';
        RETURN;
    END IF;

    -- The author's lock makes this count exact.
    IF v_reason = '' AND p_hold_first > 0 AND (
        SELECT count(*) FROM (
            SELECT 1 FROM articles_comment WHERE author_id = p_author LIMIT p_hold_first
        ) AS earlier) < p_hold_first THEN
        v_reason := p_hold_first_reason;
    END IF;
    comment_state := CASE WHEN v_reason = '' THEN 'visible' ELSE 'pending' END;

    IF p_parent IS NULL THEN
        comment_tree_id := nextval('articles_comment_tree_id_seq');
        comment_lft := 1;
        comment_level := 0;
    ELSE
        -- Room for the reply as the parent's last (Comment.objects.insert_reply does the same).
        UPDATE articles_comment c
        SET lft = CASE WHEN c.lft > v_rght THEN c.lft + 2 ELSE c.lft END, rght = c.rght + 2
        WHERE c.tree_id = v_tree AND c.rght >= v_rght;
        comment_tree_id := v_tree;
        comment_lft := v_rght;
        comment_level := v_level + 1;
    END IF;
    comment_created_at := p_now;
    INSERT INTO articles_comment (
        article_id, tree_id, parent_id, lft, rght, level, title, body, body_html, author_id,
        author_name, created_at, time_unknown, state, body_format, import_key, edited_at)
    VALUES (
        p_article, comment_tree_id, p_parent, comment_lft, comment_lft + 1, comment_level,
        p_title, p_body, p_body_html, p_author,
        '', p_now, false, comment_state, 'markdown', NULL, NULL)
    RETURNING id INTO comment_id;

    IF v_reason <> '' THEN
        INSERT INTO articles_auditlogentry (
            actor_id, action, comment_id, article_id, target_user_id, reason, details, created_at)
        VALUES (NULL, 'hold', comment_id, p_article, p_author, v_reason, '{}'::jsonb, p_now);
    END IF;
END;
$$;
"""

_DROP = "DROP FUNCTION articles_comment_post;"

# The landing page after a post counts the threads before the poster's in the reader's order
# (threads/selectors.py:thread_page_number). For the scored orders, an index in that order,
# holding what the count reads, makes it a short index-only range scan: 1 ms instead of 20 over
# the 30,000 threads of a 100,000-comment article. The expressions are those of
# threads/ranking.py:root_keys_sql, written out; a test proves the count uses these indexes.
_SCORED_INDEXES = """
CREATE INDEX comment_roots_best_idx ON articles_comment (article_id, (
    -(CASE WHEN upvotes + downvotes = 0 THEN 0::float8 ELSE ((upvotes::float8 / (upvotes +
    downvotes)::float8) + 1.6423744151508406 / (2 * (upvotes + downvotes)::float8) -
    1.281551565545 * sqrt(((upvotes::float8 / (upvotes + downvotes)::float8) * (1 -
    (upvotes::float8 / (upvotes + downvotes)::float8)) + 1.6423744151508406 / (4 * (upvotes +
    downvotes)::float8)) / (upvotes + downvotes)::float8)) / (1 + 1.6423744151508406 /
    (upvotes + downvotes)::float8) END)
), tree_id) INCLUDE (id, state, upvotes, downvotes) WHERE parent_id IS NULL;
CREATE INDEX comment_roots_top_idx ON articles_comment (article_id, (downvotes - upvotes), tree_id)
    INCLUDE (id, state, upvotes, downvotes) WHERE parent_id IS NULL;
"""
_SCORED_INDEXES_DROP = "DROP INDEX comment_roots_best_idx; DROP INDEX comment_roots_top_idx;"


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_scale_indexes")]

    operations = [
        migrations.RunSQL(_CREATE, _DROP),
        migrations.RunSQL(_SCORED_INDEXES, _SCORED_INDEXES_DROP),
    ]
