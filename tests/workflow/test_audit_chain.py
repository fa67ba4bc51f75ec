"""The keyed chain's key and checkpoints, and the upgrade of a database whose events were
written before the chain was keyed (revision 0005)."""

from __future__ import annotations

import datetime as dt
import json
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text

from review.errors import ConfigurationError, PermissionDenied
from review.services import audit, audit_checkpoints, audit_keys, reviews
from review.services.context import Services
from review.store.database import Database
from review.store.models import AuditEvent, User

from .conftest import BACKENDS, FAST_HASHER, _admin_sql, _with_database
from .support import approved, execute_raw, relink, submitted


def verify(services: Services) -> audit.ChainReport:
    with services.transaction() as tx:
        return audit.verify(tx.session)


# --- the key ------------------------------------------------------------------------------


@pytest.mark.usefixtures("people")
def test_the_key_lives_outside_the_database_owner_only(services: Services) -> None:
    submitted(services)
    path = audit_keys.key_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = bytes.fromhex(path.read_text().strip())
    assert len(secret) == 32
    with services.transaction() as tx:
        stored = " ".join(f"{e.hash} {e.details}" for e in tx.session.scalars(select(AuditEvent)))
    assert secret.hex() not in stored
    assert verify(services).ok


@pytest.mark.usefixtures("people")
def test_an_instance_with_another_key_refuses_to_write(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = submitted(services)
    other = tmp_path / "other.key"
    other.write_text("ab" * 32 + "\n")
    monkeypatch.setenv("REVIEW_AUDIT_KEY_FILE", str(other))
    with pytest.raises(ConfigurationError, match=r"signed with key .* this instance's key"):
        reviews.comment(services, "priya", view.id, "Written with the wrong key?")
    monkeypatch.setenv("REVIEW_AUDIT_KEY_FILE", str(tmp_path / "missing.key"))
    with pytest.raises(ConfigurationError, match=r"missing\.key does not exist"):
        reviews.comment(services, "priya", view.id, "Written with no key?")
    assert not (tmp_path / "missing.key").exists()  # never invented while keyed events exist
    with pytest.raises(ConfigurationError, match="does not exist"):
        verify(services)
    monkeypatch.delenv("REVIEW_AUDIT_KEY_FILE")
    assert verify(services).ok  # nothing was written meanwhile


def test_a_short_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    weak = tmp_path / "weak.key"
    weak.write_text("abcd\n")
    monkeypatch.setenv("REVIEW_AUDIT_KEY_FILE", str(weak))
    with pytest.raises(ConfigurationError, match="at least 32 random bytes"):
        audit_keys.load(create=False)


# --- checkpoints --------------------------------------------------------------------------


@pytest.mark.usefixtures("people")
def test_a_checkpoint_is_signed_read_only_and_audited(services: Services) -> None:
    approved(services)
    done = audit_checkpoints.checkpoint(services, "admin")
    assert done.report.ok and done.checkpoint is not None
    written = done.checkpoint
    path = audit_checkpoints.directory() / written.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o440
    fields = json.loads(path.read_text())
    assert fields["seq"] == written.seq == done.report.head_seq
    assert fields["hash"] == done.report.head and len(fields["mac"]) == 64
    with services.transaction() as tx:
        last = tx.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last is not None and last.action == "audit.checkpoint" and last.actor == "admin"
    assert last.details["file"] == written.name
    report = verify(services)
    assert report.ok and report.checkpoint == written.describe()
    assert not any("no checkpoint" in n for n in report.notes)


@pytest.mark.usefixtures("people")
def test_only_admins_or_the_system_checkpoint(services: Services) -> None:
    submitted(services)
    with pytest.raises(PermissionDenied, match="only admins checkpoint"):
        audit_checkpoints.checkpoint(services, "dana")
    assert audit_checkpoints.checkpoint(services).checkpoint is not None  # the nightly job


@pytest.mark.usefixtures("people")
def test_checkpoints_go_where_configured(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared" / "checkpoints"
    monkeypatch.setenv("REVIEW_AUDIT_CHECKPOINT_DIR", str(shared))
    submitted(services)
    written = audit_checkpoints.checkpoint(services).checkpoint
    assert written is not None
    assert [p.name for p in shared.iterdir()] == [written.name]
    report = verify(services)
    assert report.checkpoint == written.describe()


@pytest.mark.usefixtures("people")
def test_without_a_checkpoint_verify_says_what_it_cannot_see(services: Services) -> None:
    submitted(services)
    report = verify(services)
    assert report.ok
    assert any("no checkpoint yet" in note for note in report.notes)


@pytest.mark.usefixtures("people")
def test_a_checkpoint_file_is_never_replaced(services: Services) -> None:
    submitted(services)
    with services.transaction() as tx:
        report = audit.verify(tx.session)
    key = audit_keys.require()
    moment = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
    first = audit_checkpoints.write(key, report, 0, moment)
    original = (audit_checkpoints.directory() / first.name).read_bytes()
    with pytest.raises(FileExistsError):  # same instant, same head: the same name
        audit_checkpoints.write(key, report, 0, moment)
    assert (audit_checkpoints.directory() / first.name).read_bytes() == original


# --- upgrading a database written before the chain was keyed ------------------------------


@pytest.fixture(params=BACKENDS)
def at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at revision 0003, as deployments had it before this change."""
    if request.param == "sqlite":
        db = Database.connect(f"sqlite:///{tmp_path / 'old.db'}")
        command.upgrade(db._alembic_config(), "0003")
        yield db
        db.engine.dispose()
        return
    name = f"review_old_{uuid.uuid4().hex[:10]}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    db = Database.connect(_with_database(name))
    command.upgrade(db._alembic_config(), "0003")
    yield db
    db.engine.dispose()
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def legacy_history(db: Database) -> int:
    """Users, a request and the unkeyed, SHA-256-linked events the old code wrote."""
    at = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    stamp: object = at.strftime("%Y-%m-%d %H:%M:%S.%f") if db.is_sqlite else at
    details_sql = ":d" if db.is_sqlite else "CAST(:d AS jsonb)"
    events: list[tuple[str, str, str, str, dict[str, Any]]] = [
        ("system", "user.create", "user", "dana", {"department": "Library", "email": "d@x"}),
        ("system", "user.create", "user", "ines@city.gov", {"source": "identity provider"}),
        ("dana", "proposal.create", "proposal", "1", {"version": 1}),
        ("dana", "proposal.state", "proposal", "1", {"before": "draft", "after": "submitted"}),
    ]
    accounts = [
        ("dana", "dana@city.gov", FAST_HASHER.hash("correct horse battery")),
        ("ines@city.gov", "ines@city.gov", None),
    ]
    prev, seq = audit.GENESIS, 0
    with db.engine.begin() as connection:
        for name, email, password in accounts:
            connection.execute(
                text(
                    "INSERT INTO users (username, display_name, email, department, password_hash, "
                    "active, created_at) VALUES (:u, :u, :e, 'Library', :p, :a, :t)"
                ),
                {"u": name, "e": email, "p": password, "a": True, "t": stamp},
            )
        connection.execute(
            text(
                "INSERT INTO role_grants (user_id, role, domain, granted_at) "
                "VALUES (1, 'requester', '', :t)"
            ),
            {"t": stamp},
        )
        connection.execute(
            text(
                "INSERT INTO proposals (title, department, requester_id, state, stage, "
                "current_version, created_at, updated_at, row_version) VALUES "
                "('Room booking', 'Library', 1, 'submitted', 'proposal', 1, :t, :t, 2)"
            ),
            {"t": stamp},
        )
        for actor, action, entity, entity_id, details in events:
            seq += 1
            digest = audit.event_hash(seq, at, actor, action, entity, entity_id, details, prev)
            connection.execute(
                text(
                    "INSERT INTO audit_events (seq, at, actor, action, entity, entity_id, "
                    f"details, prev_hash, hash) VALUES (:s, :t, :a, :n, :e, :i, {details_sql}, "
                    ":p, :h)"
                ),
                {
                    "s": seq,
                    "t": stamp,
                    "a": actor,
                    "n": action,
                    "e": entity,
                    "i": entity_id,
                    "d": json.dumps(details),
                    "p": prev,
                    "h": digest,
                },
            )
            prev = digest
    return seq


def test_an_existing_log_is_kept_and_sealed_by_the_first_keyed_event(at_0003: Database) -> None:
    legacy = legacy_history(at_0003)
    at_0003.upgrade()
    services = Services(at_0003, hasher=FAST_HASHER)
    report = verify(services)
    assert report.ok, report.problems
    assert report.events == legacy
    assert any("written before the chain was keyed" in n for n in report.notes)
    # accounts the identity provider created may link at their next sign-in; local ones not
    with services.transaction() as tx:
        links = {u.username: u.identity_link_allowed for u in tx.session.scalars(select(User))}
    assert links == {"dana": False, "ines@city.gov": True}

    # the first action after the upgrade seals the old events and the request's row
    reviews.comment(services, "dana", 1, "After the upgrade.")
    with services.transaction() as tx:
        events = list(tx.session.scalars(select(AuditEvent).where(AuditEvent.seq > legacy)))
    assert [e.action for e in events[:2]] == [audit.KEYED_ACTION, audit.ROW_ACTION]
    assert events[0].prev_hash == events[0].details["legacy_head"]
    assert events[1].details["state"] == "submitted"
    assert all(e.key_id for e in events)
    assert verify(services).ok

    # from now on the old events are protected by the key too
    if at_0003.is_sqlite:
        execute_raw(at_0003, "DROP TRIGGER audit_events_no_update")
    else:
        execute_raw(at_0003, "ALTER TABLE audit_events DISABLE TRIGGER USER")
    with at_0003.session() as session:
        old = session.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
        old.details = {"source": "local"}
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.seq <= legacy)))
        relink(sorted(rows, key=lambda e: e.seq), audit.GENESIS)  # as the old code would
    report = verify(services)
    assert report.first is not None
    assert report.first.kind is audit.BreakKind.REWRITTEN
    assert report.first.seq == legacy  # the recorded last unkeyed hash no longer matches
