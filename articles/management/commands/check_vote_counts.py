from django.core.management.base import BaseCommand, CommandError

from articles.votes.selectors import vote_total_problems
from articles.votes.services import vote_totals_repair

# Enough to see what kind of damage it is.
_PROBLEMS_SHOWN = 10


class Command(BaseCommand):
    """Compare every comment's vote totals with its vote rows; exit 1 naming those that differ.

    With ``--repair`` set them to what the vote rows add up to (votes wait meanwhile), then
    check again.
    """

    help = "Check comments' up/down totals against their vote rows (exit 1 if any differ)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="set the totals from the vote rows"
        )

    def handle(self, *args, repair, **options):
        if repair:
            changed = vote_totals_repair()
            self.stdout.write(f"Repaired the vote totals of {changed} comment(s).")
        problems = vote_total_problems()
        if not problems:
            self.stdout.write("Every comment's vote totals match its votes.")
            return
        for wrong in problems[:_PROBLEMS_SHOWN]:
            self.stderr.write(
                f"Comment {wrong.comment_id}: stored {wrong.upvotes} up, {wrong.downvotes} down;"
                f" its votes count {wrong.counted_up} up, {wrong.counted_down} down"
            )
        if len(problems) > _PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(problems) - _PROBLEMS_SHOWN} more")
        raise CommandError(
            f"{len(problems)} comment(s) with wrong vote totals. "
            "Repair them with: manage.py check_vote_counts --repair"
        )
