from articles.management.roles import RoleCommand
from articles.permissions import moderators_group


class Command(RoleCommand):
    """Make a user a moderator (staff, in the "Moderators" group), or take the role away.

    Moderators use the in-page tools, the queue at /moderation/ and the admin site.
    """

    help = "Make a user a moderator, or with --revoke stop them being one."
    role = "a moderator"
    members = "moderators"
    where = "/moderation/ and /admin/"

    def group(self):
        return moderators_group()
