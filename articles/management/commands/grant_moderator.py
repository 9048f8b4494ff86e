from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.permissions import moderators_group


class Command(BaseCommand):
    """Make a user a moderator (staff, in the "Moderators" group), or take the role away.

    Moderators use the in-page tools, the queue at /moderation/ and the admin site.
    """

    help = "Make a user a moderator, or with --revoke stop them being one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--revoke", action="store_true", help="remove the user from the moderators"
        )

    def handle(self, *args, username, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        group = moderators_group()
        if revoke:
            user.groups.remove(group)
            # Superusers keep the admin site; a former moderator has no use for it.
            user.is_staff = user.is_superuser
            user.save(update_fields=["is_staff"])
            self.stdout.write(f"{username} is no longer a moderator.")
        else:
            user.groups.add(group)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            self.stdout.write(f"{username} is now a moderator (/moderation/ and /admin/).")
