"""The command line as an administrator's tool: every event it writes names the operating
system user who ran it; `review audit verify --checkpoint` is the nightly job; admins unlock
sign-in and allow identity-provider links from it."""

from __future__ import annotations

import json
import os
import pwd
import socket
from pathlib import Path

import pytest
from sqlalchemy import select

from review.errors import SignInPaused
from review.services import accounts, audit_checkpoints
from review.services.context import Services
from review.store.database import Database
from review.store.models import AuditEvent

from .test_cli_workflow import PASSWORD, Review, fast_services, ok, review, staffed, submitted

__all__ = ["review"]  # the fixture, used by name


def events(data_dir: Path) -> list[AuditEvent]:
    db = Database.connect(f"sqlite:///{data_dir / 'review.db'}")
    try:
        with db.session() as session:
            return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    finally:
        db.engine.dispose()


def test_every_cli_event_names_the_os_user(review: Review, tmp_path: Path) -> None:
    ok(review, "db", "upgrade")
    staffed(review)
    submitted(review)
    me = pwd.getpwuid(os.geteuid()).pw_name
    written = events(tmp_path)
    assert len(written) > 20
    for event in written:
        assert event.details.get("via") == "cli", event.action
        assert event.details.get("os_user") == me, event.action
        assert event.details.get("host") == socket.gethostname()


def test_events_outside_the_cli_do_not_claim_it(review: Review, tmp_path: Path) -> None:
    ok(review, "db", "upgrade")
    staffed(review)
    db = Database.connect(f"sqlite:///{tmp_path / 'review.db'}")
    try:
        svc = fast_services(db)
        accounts.authenticate(svc, "dana", "not the password")
    finally:
        db.engine.dispose()
    last = events(tmp_path)[-1]
    assert last.action == "user.sign_in_failed" and "os_user" not in last.details


def test_nightly_verify_writes_a_checkpoint_and_exits_nonzero_when_broken(
    review: Review, tmp_path: Path
) -> None:
    ok(review, "db", "upgrade")
    staffed(review)
    submitted(review)
    out = ok(review, "audit", "verify", "--checkpoint")  # the scheduled job: no --as
    assert "audit log intact" in out and "checkpoint written" in out
    (written,) = list(audit_checkpoints.directory().glob("*.json"))
    report = json.loads(ok(review, "audit", "verify", "--as", "admin", "-f", "json"))
    assert report["ok"] and report["checkpoint"].startswith(f"checkpoint {written.name}")
    # the newest events deleted behind the application's back
    db = Database.connect(f"sqlite:///{tmp_path / 'review.db'}")
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        connection.exec_driver_sql("DELETE FROM audit_events WHERE seq > 20")
    db.engine.dispose()
    result = review("audit", "verify", "--checkpoint")
    assert result.code == 1
    assert result.out.splitlines()[0] == "first broken link: event 21: deleted tail"
    assert "no checkpoint written" in result.err
    assert len(list(audit_checkpoints.directory().glob("*.json"))) == 1


def test_admins_unlock_and_allow_links(review: Review, tmp_path: Path) -> None:
    ok(review, "db", "upgrade")
    staffed(review)
    db = Database.connect(f"sqlite:///{tmp_path / 'review.db'}")
    svc: Services = fast_services(db)
    for n in range(4):
        accounts.authenticate(svc, "sam", f"wrong {n}")
    with pytest.raises(SignInPaused):
        accounts.authenticate(svc, "sam", "wrong 5")
    assert review("users", "unlock", "sam", "--as", "dana").code != 0
    assert ok(review, "users", "unlock", "sam", "--as", "admin") == "unlocked account sam\n"
    assert accounts.authenticate(svc, "sam", PASSWORD) is not None
    out = ok(review, "users", "link", "cara", "--as", "admin")
    assert "next identity-provider sign-in as cara" in out
    (view,) = [u for u in accounts.list_users(svc, "admin") if u.username == "cara"]
    assert view.identity_link_allowed
    db.engine.dispose()
