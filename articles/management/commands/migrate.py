"""``migrate``, one starter at a time: Django's command under a PostgreSQL advisory lock.

Two hosts starting at once on a fresh database both ran every migration, and one died on a
duplicate catalogue row (``pg_type_typname_nsp_index``). Under the lock the second starter waits,
then finds nothing to do. It overrides Django's own ``migrate`` (an app's command wins over
Django's), so ``bin/serve``, the compose ``migrate`` service and the test runner all take it.

The lock is a session lock, which a pooler in transaction mode cannot hold (it would stay on
whichever server connection took it): with ``DATABASE_POOLER=transaction`` the command says so
and migrates unlocked. Run the release step on a direct connection (README, "Running on many
machines").
"""

from django.conf import settings
from django.core.management.commands import migrate
from django.db import connections

# Two-part advisory lock key: our namespace ("mg"), then the lock's number within it.
_MIGRATE_LOCK = (0x6D67, 1)


class Command(migrate.Command):
    """Django's migrate, holding the forum's migration lock throughout."""

    def handle(self, *args, **options):
        if settings.DATABASE_POOLER == "transaction":
            self.stdout.write("Behind a transaction pooler: migrating without the migration lock.")
            return super().handle(*args, **options)
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _MIGRATE_LOCK)
            if not cursor.fetchone()[0]:
                self.stdout.write("Another host is migrating this database: waiting for it.")
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", _MIGRATE_LOCK)
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _MIGRATE_LOCK)
