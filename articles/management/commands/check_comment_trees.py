from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.models import Comment
from articles.threads.integrity import tree_problems
from articles.threads.services import comment_tree_repair

# Enough to see what kind of damage it is; a tree broken everywhere would flood the terminal.
_PROBLEMS_SHOWN = 5


class Command(BaseCommand):
    """Verify every comment tree (or the given ones); exit 1 naming each broken tree, 2 naming
    any given tree that does not exist.

    With ``--repair TREE_ID`` rebuild that tree's lft/rght/level from its parent links, in one
    transaction under the tree's advisory lock, then verify it.
    """

    help = "Verify comment trees (exit 1 naming each broken one), or --repair TREE_ID."

    def add_arguments(self, parser):
        parser.add_argument("tree_ids", nargs="*", type=int, help="check only these trees")
        parser.add_argument(
            "--repair", type=int, metavar="TREE_ID", help="rebuild this tree from parent links"
        )

    def handle(self, *args, tree_ids, repair, **options):
        if repair is not None:
            self._repair(repair)
            return
        if tree_ids:
            # Checking a tree that is not there would pass ("All 0 comment trees are valid"):
            # a wrong number must not look like a healthy tree.
            found = set(
                Comment.objects.filter(tree_id__in=tree_ids).values_list("tree_id", flat=True)
            )
            missing = sorted(set(tree_ids) - found)
            if missing:
                names = ", ".join(map(str, missing))
                raise CommandError(
                    f"No such comment tree: {names} (no comment has that tree_id).", returncode=2
                )
        problems = tree_problems(tree_ids or None)
        if not problems:
            checked = Comment.objects.all()
            if tree_ids:
                checked = checked.filter(tree_id__in=tree_ids)
            trees = checked.values("tree_id").distinct().count()
            self.stdout.write(f"All {trees} comment trees are valid ({checked.count()} comments).")
            return
        roots = {
            row["tree_id"]: row
            for row in Comment.objects.filter(tree_id__in=problems, parent=None).values(
                "tree_id", "id", "article__slug"
            )
        }
        for tree_id, found in sorted(problems.items()):
            root = roots.get(tree_id)
            where = f"article {root['article__slug']}, top comment {root['id']}" if root else "?"
            self.stderr.write(f"Tree {tree_id} ({where}) is broken:")
            for problem in found[:_PROBLEMS_SHOWN]:
                self.stderr.write(f"  - {problem}")
            if len(found) > _PROBLEMS_SHOWN:
                self.stderr.write(f"  … and {len(found) - _PROBLEMS_SHOWN} more")
        broken = ", ".join(map(str, sorted(problems)))
        raise CommandError(
            f"{len(problems)} broken comment tree(s): {broken}. "
            "Repair one with: manage.py check_comment_trees --repair TREE_ID"
        )

    def _repair(self, tree_id):
        if not tree_problems([tree_id]) and Comment.objects.filter(tree_id=tree_id).exists():
            self.stdout.write(f"Tree {tree_id} is valid; nothing to repair.")
            return
        try:
            result = comment_tree_repair(tree_id=tree_id)
        except ValidationError as error:
            reason = " ".join(error.messages)
            raise CommandError(f"Tree {tree_id} not repaired: {reason}") from error
        trees = ", ".join(map(str, result.tree_ids))
        self.stdout.write(
            f"Rebuilt tree(s) {trees} from parent links: {result.comments} comments, "
            f"{result.changed} renumbered. They are valid now."
        )
