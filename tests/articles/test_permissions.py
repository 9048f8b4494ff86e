import importlib

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Article
from articles.permissions import MODERATOR_PERMISSIONS, can_moderate, moderators_group
from articles.threads.viewer import ANONYMOUS, articles_for_viewer, viewer_from
from tests.factories import make_article, make_moderator, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

migration = importlib.import_module("articles.migrations.0005_moderation")


def group_permissions(group):
    return sorted(group.permissions.values_list("content_type__app_label", "codename"))


def test_the_migration_creates_the_moderators_group_with_its_permissions():
    Group.objects.filter(name="Moderators").delete()
    state = MigrationExecutor(connection).loader.project_state(("articles", "0005_moderation"))
    migration.create_moderators_group(state.apps, None)
    assert group_permissions(Group.objects.get(name="Moderators")) == sorted(MODERATOR_PERMISSIONS)
    assert migration.MODERATOR_PERMISSIONS == MODERATOR_PERMISSIONS
    migration.remove_moderators_group(state.apps, None)
    assert not Group.objects.filter(name="Moderators").exists()


def test_moderators_group_is_created_or_repaired():
    group = moderators_group()
    group.permissions.clear()
    assert group_permissions(moderators_group()) == sorted(MODERATOR_PERMISSIONS)
    assert Group.objects.filter(name="Moderators").count() == 1


def viewers():
    direct = make_user()
    direct.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    return {
        "anonymous": (AnonymousUser(), False),
        "reader": (make_user(), False),
        "staff without the group": (make_user(is_staff=True), False),
        "moderator": (make_moderator(), True),
        "direct permission": (direct, True),
        "superuser": (make_user(is_superuser=True), True),
        "inactive moderator": (make_moderator(is_active=False), False),
    }


def test_the_article_pages_moderator_check_agrees_with_the_guard():
    article = make_article()
    for name, (user, expected) in viewers().items():
        assert can_moderate(user) is expected, name
        if user.is_authenticated:
            annotated = articles_for_viewer(user).get(pk=article.pk)
            assert annotated.viewer_may_moderate is expected, name


def test_anonymous_readers_get_a_plain_article_query():
    article = make_article()
    fetched = articles_for_viewer(AnonymousUser()).get(pk=article.pk)
    assert isinstance(fetched, Article) and not hasattr(fetched, "viewer_may_moderate")
    assert viewer_from(fetched, AnonymousUser()) == ANONYMOUS
