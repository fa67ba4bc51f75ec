"""Deliver the outbox: email over SMTP and webhooks, at least once, retrying with backoff.

``review notify send`` runs this (after the sweep, from the same scheduler). Each message's
outcome is recorded in its own transaction right after the attempt, so a sender killed
mid-batch loses nothing: what it had not recorded as sent is sent again, under the same
Message-ID, once its lease runs out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from ..services import outbox
from ..services.context import Services
from ..settings import Settings, settings
from ..store.models import OutboxMessage
from . import webhook
from .email import EmailFailed, SmtpConnection


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    not_configured: list[str] = field(default_factory=list)

    def record(self, message: OutboxMessage, status: str, error: str) -> None:
        if status == "failed":
            self.failed += 1
        else:
            self.retrying += 1
        self.errors.append(f"{message.channel} to {message.recipient}: {error}")


def deliver(services: Services, *, batch: int = 100, config: Settings | None = None) -> Delivery:
    """Send every due message of every configured channel."""
    config = config or settings()
    report = Delivery()
    if config.smtp_host:
        _email(services, config, batch, report)
    else:
        report.not_configured.append("email (REVIEW_SMTP_HOST)")
    if config.webhook_url:
        _webhooks(services, config, batch, report)
    else:
        report.not_configured.append("webhook (REVIEW_WEBHOOK_URL)")
    return report


def _email(services: Services, config: Settings, batch: int, report: Delivery) -> None:
    while claimed := outbox.claim(services, "email", batch, config.notify_lease_seconds):
        connection = SmtpConnection(config)
        try:
            for message in claimed:
                _attempt(services, config, report, message, connection.send)
        finally:
            connection.close()


def _webhooks(services: Services, config: Settings, batch: int, report: Delivery) -> None:
    url = config.webhook_url or ""  # deliver() calls this only when it is set
    with httpx.Client(follow_redirects=False) as client:

        def post(message: OutboxMessage) -> None:
            webhook.post(
                url,
                message.payload or {"text": message.body_text},
                message.message_id,
                timeout=config.smtp_timeout,
                client=client,
            )

        while claimed := outbox.claim(services, "webhook", batch, config.notify_lease_seconds):
            for message in claimed:
                _attempt(services, config, report, message, post)


def _attempt(
    services: Services,
    config: Settings,
    report: Delivery,
    message: OutboxMessage,
    send: Callable[[OutboxMessage], None],
) -> None:
    """Send one message and record the outcome at once, in its own transaction."""
    try:
        send(message)
    except (EmailFailed, webhook.WebhookFailed) as exc:
        status = outbox.mark_failed(services, message.id, str(exc), config.notify_max_attempts)
        report.record(message, status, str(exc))
    else:
        outbox.mark_sent(services, message.id)
        report.sent += 1
