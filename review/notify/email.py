"""Notification email over SMTP (stdlib smtplib and email): STARTTLS or implicit TLS and
AUTH from settings, a plain-text and an HTML part, and the outbox's stable Message-ID, so a
message sent twice (at-least-once delivery) is recognisably the same message."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from ..settings import Settings
from ..store.models import OutboxMessage

__all__ = ["EmailFailed", "SmtpConnection", "build_message"]


class EmailFailed(Exception):
    """The SMTP server refused the message, or could not be reached in time."""


def build_message(message: OutboxMessage, config: Settings) -> EmailMessage:
    email = EmailMessage()
    name, address = parseaddr(config.smtp_from)
    email["From"] = formataddr((name, address))
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


class SmtpConnection:
    """One SMTP session for a batch of messages (opened on first use)."""

    def __init__(self, config: Settings) -> None:
        if not config.smtp_host:
            raise EmailFailed("email is not configured: set REVIEW_SMTP_HOST")
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        c = self.config
        assert c.smtp_host is not None
        context = ssl.create_default_context(cafile=c.smtp_ca_file)
        try:
            smtp: smtplib.SMTP
            if c.smtp_security == "tls":
                smtp = smtplib.SMTP_SSL(
                    c.smtp_host, c.smtp_port, timeout=c.smtp_timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=c.smtp_timeout)
                if c.smtp_security == "starttls":
                    smtp.starttls(context=context)
            if c.smtp_username:
                password = c.smtp_password.get_secret_value() if c.smtp_password else ""
                smtp.login(c.smtp_username, password)
        except (OSError, smtplib.SMTPException) as exc:
            raise EmailFailed(
                f"cannot reach SMTP {c.smtp_host}:{c.smtp_port}: {type(exc).__name__}: {exc}"
            ) from None
        return smtp

    def send(self, message: OutboxMessage) -> None:
        if self._smtp is None:
            self._smtp = self._open()
        try:
            refused = self._smtp.send_message(build_message(message, self.config))
        except smtplib.SMTPRecipientsRefused as exc:
            raise EmailFailed(f"SMTP refused {message.recipient}: {exc.recipients}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()  # the session may be unusable; the next message opens a new one
            raise EmailFailed(f"SMTP failed: {type(exc).__name__}: {exc}") from None
        if refused:
            raise EmailFailed(f"SMTP refused {', '.join(refused)}")

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None
