"""Every attack in tests/data/attacks/audit_trail.yaml, on SQLite and on PostgreSQL: the
service's verification and `review audit verify` both name the first broken link and its
kind, and the command exits non-zero."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import delete, select

from review.cli.main import main
from review.services import audit, audit_checkpoints
from review.services.audit_keys import ChainKey
from review.services.context import Services
from review.store.database import Database
from review.store.models import AuditChain, AuditEvent, Proposal

from .support import approved, execute_raw, relink, without_triggers

ATTACKS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "data" / "attacks" / "audit_trail.yaml").read_text()
)
pytestmark = pytest.mark.usefixtures("people")


def expression(value: str | None, names: dict[str, int]) -> int | None:
    """``"7"``, ``"last"``, ``"mid"``, ``"last - 2"``, ``"last + 1"``."""
    if value is None:
        return None
    head, _, rest = str(value).partition(" ")
    number = names[head] if head in names else int(head)
    if rest:
        sign, amount = rest.split()
        number += int(amount) if sign == "+" else -int(amount)
    return number


def append_forged(database: Database, count: int, how: str) -> None:
    other = ChainKey(b"an attacker's made-up key, 32 bytes+", Path("/nonexistent"))
    with database.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        seq, prev = last.seq, last.hash
        for _ in range(count):
            seq += 1
            at = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
            details = {"outcome": "approve", "reason": "forged"}
            args = (seq, at, "cara", "decision", "proposal", "1", details, prev)
            digest = audit.event_hash(*args) if how == "sha256" else audit.keyed_hash(other, *args)
            session.add(
                AuditEvent(
                    seq=seq,
                    at=at,
                    actor="cara",
                    action="decision",
                    entity="proposal",
                    entity_id="1",
                    details=details,
                    prev_hash=prev,
                    hash=digest,
                    key_id=last.key_id,
                )
            )
            prev = digest


def rewrite_tail(database: Database, count: int) -> None:
    with database.session() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        tail = events[-count:]
        for event in tail:
            event.details = {**event.details, "reason": "rewritten"}
        relink(tail, events[-count - 1].hash)


def alter_event(database: Database, seq: int, rehash: bool) -> None:
    with database.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.seq == seq)).one()
        event.details = {**event.details, "altered": True}
        if rehash:
            relink([event], event.prev_hash)


def rehash_all_as_legacy(database: Database) -> None:
    with database.session() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        relink(events, audit.GENESIS)
        session.execute(delete(AuditChain))
        session.add(AuditChain(legacy_seq=events[-1].seq, legacy_head=events[-1].hash))


def forge_checkpoint(seq: int) -> None:
    folder = audit_checkpoints.directory()
    folder.mkdir(parents=True, exist_ok=True)
    fields = {
        "format": audit_checkpoints.FORMAT,
        "seq": seq,
        "hash": "0" * 64,
        "events": seq,
        "legacy_seq": 0,
        "at": "2026-11-28T00:00:00+00:00",
        "mac": "f" * 64,
    }
    (folder / "20261128T000000000000Z-forged.json").write_text(json.dumps(fields))


def insert_proposal(database: Database) -> None:
    with database.session() as session:
        session.add(
            Proposal(
                title="Slipped in",
                department="Library",
                requester_id=1,
                state="approved",
                stage="proposal",
                current_version=1,
            )
        )


def run_steps(database: Database, steps: list[dict[str, Any]], names: dict[str, int]) -> None:
    for step in steps:
        ((name, args),) = step.items()
        if name == "sql":
            sql = (
                args
                if isinstance(args, str)
                else args["sqlite" if database.is_sqlite else "postgresql"]
            )
            execute_raw(database, sql, **{k: v for k, v in names.items() if f":{k}" in sql})
        elif name == "append_forged":
            append_forged(database, args["count"], args["hash"])
        elif name == "rewrite_tail":
            rewrite_tail(database, args["count"])
        elif name == "alter_event":
            seq = expression(args["seq"], names)
            assert seq is not None
            alter_event(database, seq, args["rehash"])
        elif name == "rehash_all_as_legacy":
            rehash_all_as_legacy(database)
        elif name == "forge_checkpoint":
            seq = expression(args["seq"], names)
            assert seq is not None
            forge_checkpoint(seq)
        elif name == "insert_proposal":
            insert_proposal(database)
        else:
            raise AssertionError(f"unknown step {name!r}")


def cli_verify(database: Database, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> tuple[int, str]:
    monkeypatch.setenv(
        "REVIEW_DATABASE_URL", database.engine.url.render_as_string(hide_password=False)
    )
    try:
        main(["audit", "verify", "--as", "admin"])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("attack", ATTACKS, ids=[a["id"] for a in ATTACKS])
def test_attack_is_named(
    attack: dict[str, Any],
    services: Services,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    approved(services)
    if attack["checkpoint"]:
        written = audit_checkpoints.checkpoint(services)
        assert written.checkpoint is not None, written.report.problems
    with services.transaction() as tx:
        report = audit.verify(tx.session)
    assert report.ok, report.problems
    names = {"last": report.head_seq, "mid": report.head_seq // 2}
    without_triggers(database)
    run_steps(database, attack["steps"], names)

    with services.transaction() as tx:
        report = audit.verify(tx.session)
    assert not report.ok, attack["id"]
    first = report.first
    assert first is not None
    assert first.kind.value == attack["kind"], report.problems
    expected = expression(attack["first"], names)
    if expected is not None:
        assert first.seq == expected, report.problems
    code, out = cli_verify(database, monkeypatch, capsys)
    assert code == 1
    assert out.splitlines()[0].endswith(f": {attack['kind']}"), out
    assert first.message in out


def test_an_attack_after_a_checkpoint_blocks_the_next_checkpoint(
    services: Services, database: Database
) -> None:
    approved(services)
    assert audit_checkpoints.checkpoint(services).checkpoint is not None
    without_triggers(database)
    execute_raw(
        database, "DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 2 FROM audit_events)"
    )
    before = sorted(audit_checkpoints.directory().glob("*.json"))
    refused = audit_checkpoints.checkpoint(services)
    assert refused.checkpoint is None
    assert refused.report.first is not None
    assert refused.report.first.kind is audit.BreakKind.DELETED_TAIL
    assert sorted(audit_checkpoints.directory().glob("*.json")) == before


def test_attacks_are_data_covering_each_kind() -> None:
    kinds = {a["kind"] for a in ATTACKS}
    assert kinds == {k.value for k in audit.BreakKind}
    with pytest.raises(AssertionError):  # the harness refuses a step it does not know
        run_steps(Database.connect("sqlite://"), [{"drop_database": {}}], {})
