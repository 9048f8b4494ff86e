"""The 0007 migrations: free-text topics become Topic rows (and back), the Editors group."""

import importlib
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.permissions import EDITOR_PERMISSIONS, editors_group

pytestmark = pytest.mark.django_db

BEFORE = [("articles", "0006_comment_indexes_for_posting")]
AFTER = [("articles", "0007_newsroom_topics")]

newsroom_migration = importlib.import_module("articles.migrations.0007_newsroom")


def migrate(targets):
    """Apply or unapply migrations up to ``targets``, returning the models as they were then.

    Inside the test's transaction: PostgreSQL rolls the schema back with everything else.
    """
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def group_permissions(group):
    return sorted(group.permissions.values_list("content_type__app_label", "codename"))


def test_free_text_topics_become_topics_and_come_back():
    old = migrate(BEFORE)
    Article = old.get_model("articles", "Article")
    common = {"body": "b", "published_at": "2014-05-28T09:00:00Z"}
    Article.objects.create(title="A", slug="a", topics=["Security", "Servers"], **common)
    Article.objects.create(title="B", slug="b", topics=["Servers", "C++", "c"], **common)
    Article.objects.create(title="C", slug="c", topics=[], **common)

    new = migrate(AFTER)
    Topic = new.get_model("articles", "Topic")
    Article = new.get_model("articles", "Article")
    assert sorted(Topic.objects.values_list("name", "slug")) == [
        ("C++", "c"),
        ("Security", "security"),
        ("Servers", "servers"),
        ("c", "c-2"),
    ]
    names = {
        a.slug: sorted(t.name for t in a.topics.all()) for a in Article.objects.order_by("slug")
    }
    assert names == {"a": ["Security", "Servers"], "b": ["C++", "Servers", "c"], "c": []}
    assert set(Article.objects.values_list("status", flat=True)) == {"published"}

    old = migrate(BEFORE)
    Article = old.get_model("articles", "Article")
    assert dict(Article.objects.values_list("slug", "topics")) == {
        "a": ["Security", "Servers"],
        "b": ["Servers", "C++", "c"],
        "c": [],
    }
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("articles"))


def test_the_migration_creates_the_editors_group_with_its_permissions():
    Group.objects.filter(name="Editors").delete()
    state = MigrationExecutor(connection).loader.project_state(AFTER)
    newsroom_migration.create_editors_group(state.apps, None)
    assert group_permissions(Group.objects.get(name="Editors")) == sorted(EDITOR_PERMISSIONS)
    assert newsroom_migration.EDITOR_PERMISSIONS == EDITOR_PERMISSIONS
    newsroom_migration.remove_editors_group(state.apps, None)
    assert not Group.objects.filter(name="Editors").exists()


def test_editors_group_is_created_or_repaired():
    group = editors_group()
    group.permissions.clear()
    assert group_permissions(editors_group()) == sorted(EDITOR_PERMISSIONS)


def test_the_migrations_match_the_models():
    out = io.StringIO()
    call_command("makemigrations", "articles", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
