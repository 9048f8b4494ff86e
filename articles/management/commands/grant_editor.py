from articles.management.roles import RoleCommand
from articles.permissions import editors_group


class Command(RoleCommand):
    """Make a user an editor (staff, in the "Editors" group), or take the role away.

    Editors write, schedule, publish and correct articles in the admin site. Being an editor
    does not make one a moderator: that is ``grant_moderator``.
    """

    help = "Make a user an editor, or with --revoke stop them being one."
    role = "an editor"
    members = "editors"
    where = "/admin/ → Articles"

    def group(self):
        return editors_group()
