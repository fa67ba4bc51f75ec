"""The application's least-privilege PostgreSQL role, exactly as docs/deploy.md grants it:
enough to run the whole workflow, and not enough to truncate, rewrite history or change the
schema."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import make_url

from review.errors import SignInPaused
from review.packet import issue_packet
from review.services import (
    accounts,
    audit,
    audit_checkpoints,
    reevaluation,
    reviews,
    sessions,
    waivers,
)
from review.services.context import Services
from review.services.roles import Role
from review.store.database import Database

from .conftest import FAST_HASHER, PASSWORD, _admin_sql
from .support import approved, saas, submitted

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
pytestmark = pytest.mark.usefixtures("people")


def documented_grants() -> list[str]:
    """The SQL block between the app-role-grants markers, as statements."""
    text_ = DEPLOY.read_text()
    block = re.search(
        r"<!-- app-role-grants: begin.*?```sql\n(.*?)```\s*<!-- app-role-grants: end -->",
        text_,
        re.S,
    )
    assert block, "docs/deploy.md has no app-role-grants block"
    sql = "\n".join(line.split("--", 1)[0] for line in block.group(1).splitlines())
    return [s.strip() for s in sql.split(";") if s.strip()]


@pytest.fixture
def app_role(database: Database) -> Iterator[Database]:
    """A login role with the documented grants only, and the database as it connects."""
    if database.is_sqlite:
        pytest.skip("PostgreSQL roles")
    role = f"review_app_{uuid.uuid4().hex[:8]}"
    url = database.engine.url
    _admin_sql(f'CREATE ROLE "{role}" LOGIN')
    owner = create_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as connection:
            for statement in documented_grants():
                statement = statement.replace("review_app", f'"{role}"')
                statement = statement.replace("DATABASE review ", f'DATABASE "{url.database}" ')
                connection.execute(text(statement))
        as_app = make_url(url.render_as_string(hide_password=False)).set(username=role)
        app = Database.connect(as_app.render_as_string(hide_password=False))
        yield app
        app.engine.dispose()
        with owner.connect() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
    finally:
        owner.dispose()
        _admin_sql(f'DROP ROLE IF EXISTS "{role}"')


def test_the_documented_grants_run_the_application(app_role: Database, services: Services) -> None:
    svc = Services(app_role, clock=services.clock, hasher=FAST_HASHER)
    app_role.require_migrated()
    view = approved(svc)
    issue_packet(svc, "cara", view.id)
    reviews.comment(svc, "priya", view.id, "Archived.")
    record = saas()
    record["proposal"]["authentication"]["mfa"] = False
    other = submitted(svc, record)
    waivers.grant(
        svc,
        "iso",
        other.id,
        "SEC-002-mfa",
        justification="Branch network only.",
        compensating_controls="Segmentation.",
        expires_on=dt.date(2027, 6, 30),
    )
    reevaluation.reevaluate_all(svc, "admin")
    # accounts, sign-in limits and sessions
    accounts.create_user(
        svc, "admin", username="quinn", display_name="Q", email="q@x", password=PASSWORD
    )
    accounts.grant(svc, "admin", "quinn", Role.REVIEWER, "privacy")
    accounts.revoke(svc, "admin", "quinn", Role.REVIEWER, "privacy")  # DELETE on role_grants
    for n in range(4):
        assert accounts.authenticate(svc, "quinn", f"wrong {n}", address="192.0.2.1") is None
    with pytest.raises(SignInPaused):
        accounts.authenticate(svc, "quinn", "wrong 5", address="192.0.2.1")
    accounts.unlock(svc, "admin", username="quinn")
    assert accounts.authenticate(svc, "quinn", PASSWORD) is not None
    started = sessions.start(svc, "quinn")
    claimed = sessions.claim(svc, started.claim)
    assert claimed is not None
    assert sessions.resume_cookie(svc, claimed.token).actor is not None
    accounts.set_password(svc, "quinn", "quinn", "another fine passphrase")
    assert sessions.resume(svc, started.session_id).actor is None
    # the nightly job and the verification
    assert audit_checkpoints.checkpoint(svc).checkpoint is not None
    with svc.transaction() as tx:
        assert audit.verify(tx.session).ok


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_events",
        "TRUNCATE proposals CASCADE",
        "DELETE FROM audit_events",
        "UPDATE audit_events SET actor = 'x'",
        "UPDATE decisions SET outcome = 'reject'",
        "DELETE FROM proposals",
        "INSERT INTO audit_chain (legacy_seq, legacy_head, created_at) VALUES (9, 'x', now())",
        "CREATE TABLE shadow (id int)",
        "ALTER TABLE proposals ADD COLUMN shadow int",
        "DROP TABLE comments",
        "ALTER TABLE audit_events DISABLE TRIGGER USER",
    ],
)
def test_the_role_cannot_change_history_or_the_schema(app_role: Database, statement: str) -> None:
    with (
        pytest.raises(exc.ProgrammingError, match=r"permission denied|must be owner"),
        app_role.engine.begin() as connection,
    ):
        connection.execute(text(statement))
