"""Background work of accounts (django.tasks): sending mail, retried when the server fails."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger("forum.mail")


def _masked(address: str) -> str:
    # Enough for an operator to match a complaint, not a list of readers' addresses.
    name, _, domain = address.partition("@")
    return f"{name[:1]}…@{domain}"


@task()
def mail_send(
    *,
    subject: str,
    body: str,
    html: str,
    from_email: str,
    to: list[str],
    headers: dict[str, str] | None = None,
    attempt: int = 1,
) -> None:
    """Send one mail with its plain-text and HTML parts (and extra ``headers``, such as
    List-Unsubscribe). A failure is logged and the mail queued again, waiting longer each time,
    up to ``EMAIL_SEND_ATTEMPTS`` tries; then it is logged as lost and the task fails (the worker
    records it)."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        recipients = ", ".join(_masked(address) for address in to)
        if attempt >= settings.EMAIL_SEND_ATTEMPTS:
            logger.error(
                "Mail %r to %s not sent after %d tries: %s", subject, recipients, attempt, error
            )
            raise
        delay = timedelta(seconds=30 * 2**attempt)
        logger.warning(
            "Mail %r to %s failed (try %d of %d), trying again in %s: %s",
            subject,
            recipients,
            attempt,
            settings.EMAIL_SEND_ATTEMPTS,
            delay,
            error,
        )
        again = mail_send
        if again.get_backend().supports_defer:
            again = again.using(run_after=timezone.now() + delay)
        again.enqueue(
            subject=subject,
            body=body,
            html=html,
            from_email=from_email,
            to=to,
            headers=headers,
            attempt=attempt + 1,
        )
        return
    logger.info("Mail %r sent to %s", subject, ", ".join(_masked(address) for address in to))
