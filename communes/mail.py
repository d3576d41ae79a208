"""Mail goes out through the task queue (`manage.py db_worker`): a request never waits for
the mail server, and a failed send is tried again later."""

import datetime
import logging
import smtplib
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import send_mail
from django.db import transaction
from django.template import loader
from django.utils import timezone, translation
from django_tasks import task

logger = logging.getLogger(__name__)

_muted: ContextVar[bool] = ContextVar("mail_muted", default=False)


@contextmanager
def muted():
    """No mail for the writes inside: the demo loader writes a month of history through the
    services, and would otherwise queue a mail for each of its steps."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    """Inside `muted()`: the webhooks (communes/events.py) stay quiet there too."""
    return _muted.get()


@task()
def send_email(*, recipients: list[str], subject: str, body: str, attempt: int = 1) -> None:
    """Send one email; on a mail-server failure, enqueue another try EMAIL_RETRY_MINUTES later."""
    try:
        send_mail(subject, body, None, recipients)
    except (smtplib.SMTPException, OSError):
        if attempt >= settings.EMAIL_RETRIES:
            logger.exception("Giving up on an email to %s after %d tries", recipients, attempt)
            return
        retry_at = timezone.now() + datetime.timedelta(minutes=settings.EMAIL_RETRY_MINUTES)
        logger.warning("Email to %s failed (try %d); trying again at %s", recipients, attempt,
                       retry_at)
        send_email.using(run_after=retry_at).enqueue(
            recipients=recipients, subject=subject, body=body, attempt=attempt + 1)


def send_email_later(*, recipients: list[str], subject: str, body: str) -> None:
    """Queue a mail once the current transaction has committed (at once outside one)."""
    if _muted.get():
        return
    transaction.on_commit(lambda: send_email.enqueue(
        recipients=recipients, subject=subject, body=body))


def notify(users, template: str, context: dict) -> None:
    """Render a Vietnamese mail (its first line is the subject) to `users` who have an
    address, and send it once the current transaction has committed. Mails carry a subject
    and a link, never the content: mailboxes are less protected than the portal."""
    recipients = sorted({user.email for user in users if user.email})
    if not recipients:
        return
    with translation.override("vi"):
        subject, _sep, body = loader.render_to_string(template, context).strip().partition("\n")
    send_email_later(recipients=recipients, subject=subject.strip(), body=body.strip())


def site_url(path: str) -> str:
    """The portal's public address of `path`, for links in mails (never the request's
    Host header)."""
    return settings.SITE_URL.rstrip("/") + path


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, its mail queued rather than sent in the request: with the
    mail server down the mail is sent when it is back, not lost."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_later(recipients=[to_email], subject=subject, body=body)
