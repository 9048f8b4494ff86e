"""Mail leaves through django.tasks: queued in the database for the worker, never sent inside a
request's transaction, retried and logged when the server fails, never claimed as sent."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles.accounts.tasks import mail_send
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MAIL = {
    "subject": "Hello",
    "body": "Plain text",
    "html": "<p>HTML</p>",
    "from_email": "forum@example.com",
    "to": ["reader@example.com"],
}


class FlakyBackend(BaseEmailBackend):
    """A mail server that fails the first ``failures`` sends, then delivers to mail.outbox."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)


FLAKY = {"default": {"BACKEND": "tests.articles.accounts.test_mail.FlakyBackend"}}


@override_settings(MAILERS=FLAKY, EMAIL_SEND_ATTEMPTS=5)
def test_a_failed_send_is_logged_and_tried_again(caplog):
    FlakyBackend.failures = 2
    caplog.set_level(logging.INFO, logger="forum.mail")

    mail_send.enqueue(**MAIL)

    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert message.body == "Plain text" and message.alternatives[0] == ("<p>HTML</p>", "text/html")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "Mail 'Hello' to r…@example.com failed (try 1 of 5)" in warnings[0]
    assert "Mail 'Hello' sent to r…@example.com" in caplog.messages


@override_settings(MAILERS=FLAKY, EMAIL_SEND_ATTEMPTS=3)
def test_a_mail_that_never_goes_is_logged_as_lost_and_the_page_still_answers(
    client, caplog, django_capture_on_commit_callbacks
):
    FlakyBackend.failures = 100
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    FlakyBackend.failures = 0

    assert response.status_code == 302
    assert mail.outbox == []
    assert any("not sent after 3 tries" in r.getMessage() for r in caplog.records)
    # The page promises only that a mail is on its way, not that it was delivered.
    assert "sent" not in client.get(response["Location"]).content.decode().lower()


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker manages its own connections and transactions, as in production.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_mail_waits_in_the_queue_for_the_worker():
    with override_settings(TASKS=DATABASE_QUEUE):
        mail_send.enqueue(**MAIL)
        assert mail.outbox == []
        assert DBTaskResult.objects.count() == 1

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@override_settings(MAILERS=FLAKY, EMAIL_SEND_ATTEMPTS=5)
def test_with_the_database_backend_a_retry_waits_before_it_runs():
    FlakyBackend.failures = 1
    with override_settings(TASKS=DATABASE_QUEUE):
        mail_send.enqueue(**MAIL)
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after is not None
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert mail.outbox == []
