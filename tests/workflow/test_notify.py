"""Notifications delivered for real: digests over SMTP (STARTTLS and AUTH) to an aiosmtpd
server on 127.0.0.1, webhooks to a local HTTP server, failures retried with backoff and shown
to admins, and a sender killed mid-batch that loses nothing."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from review.notify import sender
from review.notify.webhook import payload
from review.services import outbox, sweep
from review.services.context import Services
from review.settings import Settings
from review.store.database import Database
from review.store.models import AuditEvent, OutboxMessage

from .conftest import FAST_HASHER, Clock
from .inventory_support import contract_approved
from .inventory_support import outbox as outbox_rows
from .notify_servers import SECRET, USER, silent_server, smtp_server, webhook_server

pytestmark = pytest.mark.usefixtures("people")
AGED = dt.date(2027, 5, 13)  # the day after the SaaS base's pen test ages out (SEC-6)
ROOT = Path(__file__).resolve().parents[2]


def smtp_config(port: int, **more: object) -> Settings:
    values: dict[str, object] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "notify_max_attempts": 3,
        "smtp_timeout": 5.0,
        "webhook_url": None,
    }
    values.update(more)
    return Settings(**values)  # type: ignore[arg-type]


def test_digest_email_over_starttls_with_auth_has_text_and_html(
    services: Services, tmp_path: Path
) -> None:
    found = contract_approved(services)
    report = sweep.run(services, AGED)
    assert report.digests > 0
    queued = {m.recipient: m for m in outbox_rows(services)}
    with smtp_server(tmp_path) as server:
        config = smtp_config(
            server.port,
            smtp_security="starttls",
            smtp_username=USER,
            smtp_password=SECRET,
            smtp_ca_file=server.ca_file,
        )
        delivery = sender.deliver(services, config=config)
    assert (delivery.sent, delivery.failed, delivery.retrying) == (len(queued), 0, 0)
    assert server.mailbox.logins and set(server.mailbox.ids()) == {
        m.message_id for m in queued.values()
    }
    owner = next(m for m in server.mailbox.messages if m["To"] == found.owner_email)
    assert owner["Message-ID"] == queued[found.owner_email].message_id
    assert owner.get_content_type() == "multipart/alternative"
    text = owner.get_body(("plain",))
    html = owner.get_body(("html",))
    assert text is not None and html is not None
    plain = text.get_content()
    assert "penetration test" in plain and "Policy: SEC-6" in plain
    assert "Due 2027-07-12 (GEN-9)" in plain and plain.startswith("Hello,")
    assert f"/inventory?system=S-{found.id}" in plain
    assert "<h2>New (1)</h2>" in html.get_content()
    assert all(m.status == "sent" and m.attempts == 1 for m in outbox_rows(services))


def test_refused_delivery_retries_with_backoff_then_fails_and_admins_see_it(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    contract_approved(services)
    sweep.run(services, AGED)
    target = "dana.whitfield@library.city.gov"
    with smtp_server(tmp_path, tls=False) as server:
        server.mailbox.refuse.add(target)
        config = smtp_config(server.port)
        first = sender.deliver(services, config=config)
        assert first.retrying == 1 and "550" in first.errors[0]
        (message,) = [m for m in outbox_rows(services) if m.recipient == target]
        assert (message.status, message.attempts) == ("pending", 1)
        assert message.next_attempt_at.replace(tzinfo=dt.UTC) == clock.now + dt.timedelta(
            seconds=outbox.BACKOFF[0]
        )
        assert sender.deliver(services, config=config).retrying == 0  # not due yet
        clock.advance(seconds=outbox.BACKOFF[0])
        assert sender.deliver(services, config=config).retrying == 1
        clock.advance(seconds=outbox.BACKOFF[1])
        assert sender.deliver(services, config=config).failed == 1
        (problem,) = outbox.problems(services, "admin")
        assert (problem.recipient, problem.status, problem.attempts) == (target, "failed", 3)
        assert "mailbox unavailable" in (problem.last_error or "")
        with services.transaction() as tx:
            actions = list(tx.session.scalars(select(AuditEvent.action)))
        assert "outbox.failed" in actions
        # an admin retries once the mailbox works again: the same message, the same id
        server.mailbox.refuse.clear()
        outbox.retry(services, "admin", problem.id)
        assert sender.deliver(services, config=config).sent == 1
        assert server.mailbox.ids()[-1] == problem.message_id


def test_smtp_server_that_hangs_times_out_and_the_message_waits(services: Services) -> None:
    _queue(services, 2)
    with silent_server() as port:
        delivery = sender.deliver(services, config=smtp_config(port, smtp_timeout=0.5))
    assert delivery.sent == 0 and delivery.retrying == 2
    assert "timed out" in delivery.errors[0] or "TimeoutError" in delivery.errors[0]
    assert {m.status for m in outbox_rows(services)} == {"pending"}


def test_email_not_configured_leaves_everything_queued(services: Services) -> None:
    _queue(services, 1)
    delivery = sender.deliver(services, config=smtp_config(1, smtp_host=None))
    assert delivery.not_configured[0].startswith("email")
    assert outbox_rows(services)[0].status == "pending"


def test_webhook_500_is_retried_under_the_same_idempotency_key(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract_approved(services)
    with webhook_server() as (url, hook):
        monkeypatch.setenv("REVIEW_WEBHOOK_URL", url)
        sweep.run(services, AGED)
        hooks = [m for m in outbox_rows(services) if m.channel == "webhook"]
        assert hooks, "urgent notices go to the webhook too"
        hook.statuses = [500]
        config = smtp_config(1, smtp_host=None, webhook_url=url)
        first = sender.deliver(services, config=config)
        assert first.retrying == 1 and "HTTP 500" in first.errors[0]
        clock.advance(seconds=outbox.BACKOFF[0])
        sender.deliver(services, config=config)
    keys = [headers["Idempotency-Key"] for headers, _ in hook.requests]
    assert keys[0] == keys[1] == hooks[0].message_id  # the retry is recognisably the same
    assert len(set(keys)) == len(hooks)
    assert "GEN-9" in hook.requests[0][1]["text"]
    assert {m.status for m in outbox_rows(services) if m.channel == "webhook"} == {"sent"}


def test_teams_and_slack_payloads() -> None:
    slack = payload("slack", "Due in 30 days", "Contract ends", "https://review/x")
    assert slack == {"text": "Contract ends\n<https://review/x|Open in the review workspace>"}
    teams = payload("teams", "Due in 30 days", "Contract ends", "https://review/x")
    assert teams["@type"] == "MessageCard" and teams["title"] == "Due in 30 days"
    assert teams["potentialAction"][0]["targets"][0]["uri"] == "https://review/x"


def _queue(services: Services, count: int) -> list[str]:
    now = services.now() - dt.timedelta(minutes=1)
    rows = [
        {
            "message_id": f"<test.{i}@city.example.gov>",
            "channel": "email",
            "recipient": f"person{i}@city.example.gov",
            "subject": f"Digest {i}",
            "body_text": f"Item {i}",
            "body_html": f"<p>Item {i}</p>",
            "kind": "digest",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for i in range(count)
    ]
    with services.transaction() as tx:
        tx.session.execute(insert(OutboxMessage), rows)
    return [str(r["message_id"]) for r in rows]


def test_sender_killed_mid_batch_loses_nothing(database: Database, tmp_path: Path) -> None:
    """`review notify send` is killed (SIGKILL) while delivering a batch; the next sender,
    once the lease has run out, delivers the rest and re-sends the one in flight under the
    same Message-ID: every message arrives at least once, none is lost."""
    services = Services(database, hasher=FAST_HASHER)  # the real clock: leases are real time
    ids = _queue(services, 12)
    with smtp_server(tmp_path, tls=False) as server:
        server.mailbox.delay = 0.3
        env = dict(os.environ)
        env.update(
            REVIEW_DATABASE_URL=database.engine.url.render_as_string(hide_password=False),
            REVIEW_SMTP_HOST="127.0.0.1",
            REVIEW_SMTP_PORT=str(server.port),
            REVIEW_SMTP_SECURITY="none",
            REVIEW_NOTIFY_LEASE_SECONDS="2",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "review.cli", "notify", "send", "--batch", "50"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(server.mailbox.messages) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert 4 <= len(server.mailbox.messages) < 12, "killed mid-batch"
        before = {m.message_id: m.status for m in outbox_rows(services)}
        assert list(before.values()).count("pending") >= 12 - len(server.mailbox.messages)
        time.sleep(2.2)  # the dead sender's lease runs out
        server.mailbox.delay = 0
        config = smtp_config(server.port, notify_lease_seconds=2)
        delivery = sender.deliver(services, config=config)
    received = server.mailbox.ids()
    assert set(received) == set(ids)  # nothing lost
    assert delivery.sent == sum(1 for s in before.values() if s == "pending")
    assert {m.status for m in outbox_rows(services)} == {"sent"}
    duplicates = {i for i in received if received.count(i) > 1}
    assert len(duplicates) <= 1  # at most the message in flight, and under the same id
