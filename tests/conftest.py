import os
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from tests.factories import make_article, make_moderator, make_user
from tests.processes import PgBouncer
from tests.treecheck import assert_trees_valid


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """With FORUM_TEST_PGBOUNCER=1 (and DATABASE_POOLER=transaction), every database test runs
    through a real PgBouncer in transaction mode in front of DATABASE_URL's server (CI does once).
    """
    if not os.environ.get("FORUM_TEST_PGBOUNCER"):
        yield
        return
    if settings.DATABASE_POOLER != "transaction":
        raise pytest.UsageError("FORUM_TEST_PGBOUNCER=1 needs DATABASE_POOLER=transaction.")
    database = settings.DATABASES["default"]
    bouncer = PgBouncer((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)),
                        pool_size=20)  # fmt: skip
    database.update(HOST="127.0.0.1", PORT=str(bouncer.port))
    yield
    bouncer.stop()


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files():
    # The manifest storage needs collectstatic's output; the live server used by browser tests
    # serves static files straight from the source folders under their plain names.
    plain = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # A deliberately slow hash (PBKDF2, ~1 s on a busy machine) per test user adds minutes to the
    # suite; the tests check who may log in, not the hash's strength.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once():
    # Mail goes through django.tasks: in tests each task runs as soon as it is queued (still
    # only once the request's transaction commits), so its mail lands in mail.outbox.
    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        yield


@pytest.fixture(autouse=True)
def _one_rate_window(monkeypatch):
    """Every rate-limit count of a test falls in one window. django-ratelimit's windows end at
    a second of each period that depends on the key, and a test running across that second
    began its count again: a login test in CI saw its fourth attempt in one minute counted as
    the first of the next. Its clock (and only its) stands at the test's start."""
    import time

    import django_ratelimit.core

    started = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: started))


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache: one test's attempts must not count in the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article(db):
    return make_article()


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def trees_stay_valid(db):
    """Check every comment tree after the test (moderation tests use it on every test)."""
    yield
    assert_trees_valid()


@pytest.fixture
def moderator(db):
    return make_moderator()


@pytest.fixture
def as_moderator(client, moderator):
    client.force_login(moderator)
    return client
