"""Queue the notification mails that are due: daily digests, and the immediate mails held back
by the one-mail-per-discussion-an-hour rule. Run it from cron (e.g. every hour; a digest goes
at most once in 20 hours)."""

from django.core.management.base import BaseCommand

from articles.models import Comment, Notification, Profile
from articles.notifications.tasks import digest_send, thread_mail_send

Email = Profile.NotificationEmail


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        """Queue a digest task per reader with unmailed notifications who takes the digest, and
        a discussion mail task per reader and article held back; each task checks it is due."""
        pending = Notification.objects.filter(
            mailed_at__isnull=True, read_at__isnull=True, comment__state=Comment.State.VISIBLE
        )
        digests = pending.filter(recipient__profile__notification_email=Email.DAILY)
        recipients = digests.values_list("recipient_id", flat=True).distinct()
        for recipient_id in recipients:
            digest_send.enqueue(recipient_id=recipient_id)
        held = (
            pending.filter(recipient__profile__notification_email=Email.IMMEDIATELY)
            .values_list("recipient_id", "article_id")
            .distinct()
        )
        for recipient_id, article_id in held:
            thread_mail_send.enqueue(recipient_id=recipient_id, article_id=article_id)
        self.stdout.write(f"Queued {len(recipients)} digest(s) and {len(held)} discussion mail(s).")
