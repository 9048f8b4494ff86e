from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.permissions import MODERATORS_GROUP, editors_group


class Command(BaseCommand):
    """Make a user an editor (staff, in the "Editors" group), or take the role away.

    Editors write, schedule, publish and correct articles in the admin site. Being an editor
    does not make one a moderator: that is ``grant_moderator``.
    """

    help = "Make a user an editor, or with --revoke stop them being one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--revoke", action="store_true", help="remove the user from the editors"
        )

    def handle(self, *args, username, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        group = editors_group()
        if revoke:
            user.groups.remove(group)
            # Moderators and superusers keep the admin site.
            user.is_staff = user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists()
            user.save(update_fields=["is_staff"])
            self.stdout.write(f"{username} is no longer an editor.")
        else:
            user.groups.add(group)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            self.stdout.write(f"{username} is now an editor (/admin/ → Articles).")
