"""What ``grant_moderator`` and ``grant_editor`` share: a role is a group plus staff status."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.permissions import EDITORS_GROUP, MODERATORS_GROUP


class RoleCommand(BaseCommand):
    """Give a user a role (staff, in the role's group), or with ``--revoke`` take it away.

    A user keeps the admin site while they hold any role that uses it (or are a superuser).
    """

    role = ""  # with its article: "a moderator", "an editor"
    members = ""  # "moderators", "editors"
    where = ""  # what the role opens, said when it is granted

    def group(self):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--revoke", action="store_true", help=f"remove the user from the {self.members}"
        )

    def handle(self, *args, username, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if revoke:
            user.groups.remove(self.group())
            staff_groups = user.groups.filter(name__in=[MODERATORS_GROUP, EDITORS_GROUP])
            user.is_staff = user.is_superuser or staff_groups.exists()
            self.stdout.write(f"{username} is no longer {self.role}.")
        else:
            user.groups.add(self.group())
            user.is_staff = True
            self.stdout.write(f"{username} is now {self.role} ({self.where}).")
        user.save(update_fields=["is_staff"])
