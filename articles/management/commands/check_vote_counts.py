from django.core.management.base import BaseCommand, CommandError

from articles.votes.selectors import member_figure_problems, vote_total_problems
from articles.votes.services import member_figures_repair, vote_totals_repair

# Enough to see what kind of damage it is.
_PROBLEMS_SHOWN = 10


class Command(BaseCommand):
    """Compare every comment's vote totals with its vote rows, and every member's comment count
    and karma (kept by triggers for profiles) with their visible comments; exit 1 naming those
    that differ.

    With ``--repair`` set them to what the vote rows and comments add up to (votes and comment
    writes wait meanwhile), then check again.
    """

    help = (
        "Check comments' up/down totals against their vote rows, and members' comment counts"
        " and karma against their comments (exit 1 if any differ)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="set the totals from the vote rows, the members' figures from their comments",
        )

    def handle(self, *args, repair, **options):
        if repair:
            changed = vote_totals_repair()
            self.stdout.write(f"Repaired the vote totals of {changed} comment(s).")
            changed = member_figures_repair()
            self.stdout.write(f"Repaired the comment count and karma of {changed} member(s).")
        problems = vote_total_problems()
        members = member_figure_problems()
        if not problems and not members:
            self.stdout.write("Every comment's vote totals match its votes.")
            self.stdout.write("Every member's comment count and karma match their comments.")
            return
        for wrong in problems[:_PROBLEMS_SHOWN]:
            self.stderr.write(
                f"Comment {wrong.comment_id}: stored {wrong.upvotes} up, {wrong.downvotes} down;"
                f" its votes count {wrong.counted_up} up, {wrong.counted_down} down"
            )
        if len(problems) > _PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(problems) - _PROBLEMS_SHOWN} more")
        for wrong in members[:_PROBLEMS_SHOWN]:
            self.stderr.write(
                f"Member {wrong.user_id}: stored {wrong.stored_count} comments, karma"
                f" {wrong.stored_karma}; their comments count {wrong.counted_count},"
                f" karma {wrong.counted_karma}"
            )
        if len(members) > _PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(members) - _PROBLEMS_SHOWN} more")
        raise CommandError(
            f"{len(problems)} comment(s) with wrong vote totals, {len(members)} member(s) with"
            " wrong figures. Repair them with: manage.py check_vote_counts --repair"
        )
