"""A failing operation changes nothing: no rows, no proposal version or state, no audit event,
even when it had already written some of them before it was refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

import pytest

from review.core.evaluate import Evaluator
from review.core.findings import Evaluation
from review.core.records import Submission
from review.errors import InvalidTransition, RecordInvalid, Refused, ReviewError
from review.services import decisions, proposals, reevaluation, reviews, signoffs, waivers
from review.services.context import Services
from review.store.database import Database

from .support import changes_requested, last_seq, proposal_row, ready, row_counts, saas, submitted

pytestmark = pytest.mark.usefixtures("people")


def unchanged(
    database: Database, proposal_id: int, action: Callable[[], Any], error: type[ReviewError]
) -> ReviewError:
    counts, row, seq = row_counts(database), proposal_row(database, proposal_id), last_seq(database)
    with pytest.raises(error) as caught:
        action()
    assert row_counts(database) == counts
    assert proposal_row(database, proposal_id) == row
    assert last_seq(database) == seq
    return caught.value


def no_mfa() -> dict[str, Any]:
    record = saas()
    record["proposal"]["authentication"]["mfa"] = False
    return record


def test_waiver_refused_after_validation(services: Services, database: Database) -> None:
    view = submitted(services, no_mfa())

    def waive(expires_on: dt.date, rule: str = "SEC-002-mfa", who: str = "iso") -> None:
        waivers.grant(
            services,
            who,
            view.id,
            rule,
            justification="j",
            compensating_controls="c",
            expires_on=expires_on,
        )

    unchanged(database, view.id, lambda: waive(dt.date(2028, 1, 1)), RecordInvalid)
    unchanged(database, view.id, lambda: waive(dt.date(2027, 1, 1), who="ada"), ReviewError)


def test_submit_of_an_invalid_record(services: Services, database: Database) -> None:
    record = saas()
    del record["proposal"]["problem_statement"]
    draft = proposals.create_draft(services, "dana", record).proposal
    unchanged(
        database, draft.id, lambda: proposals.submit(services, "dana", draft.id), RecordInvalid
    )
    assert proposal_row(database, draft.id)[0] == "draft"


def test_decide_refused(services: Services, database: Database) -> None:
    view = ready(services, no_mfa())
    unchanged(
        database,
        view.id,
        lambda: decisions.decide(services, "cara", view.id, "approve_with_conditions"),
        Refused,
    )
    unchanged(
        database, view.id, lambda: decisions.decide(services, "cara", view.id, "approve"), Refused
    )


def test_request_changes_refused_after_its_comment_was_written(
    services: Services, database: Database
) -> None:
    """request_changes stores the comment and its audit event, then the transition fails."""
    view = changes_requested(services)
    error = unchanged(
        database,
        view.id,
        lambda: reviews.request_changes(
            services, "alex", view.id, domain="accessibility", reason="x"
        ),
        InvalidTransition,
    )
    assert "it is changes requested" in str(error)
    assert len(proposals.get(services, "dana", view.id).comments) == 1


def test_resubmit_refused_after_the_response_was_written(
    services: Services, database: Database
) -> None:
    view = changes_requested(services)
    incomplete = saas()
    del incomplete["proposal"]["problem_statement"]
    proposals.save_draft(services, "dana", view.id, incomplete)
    unchanged(
        database,
        view.id,
        lambda: proposals.resubmit(services, "dana", view.id, response="Fixed."),
        RecordInvalid,
    )


def test_signoff_refused(services: Services, database: Database) -> None:
    view = submitted(services)
    unchanged(
        database,
        view.id,
        lambda: signoffs.sign_off(services, "olga", view.id, "open_source"),
        Refused,
    )


class Failing:
    """An evaluator that fails on its n-th evaluation (an engine error mid-batch)."""

    def __init__(self, inner: Evaluator, fail_on: int) -> None:
        self.inner = inner
        self.calls = 0
        self.fail_on = fail_on

    def evaluate(
        self, submission: Submission, as_of: dt.date | None = None, derived: object = None
    ) -> Evaluation:
        self.calls += 1
        if self.calls == self.fail_on:
            raise ReviewError("engine failed")
        return self.inner.evaluate(submission, as_of, derived)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:  # standards, rules_version: the inner one's
        return getattr(self.inner, name)


def test_reevaluation_failing_mid_batch_keeps_the_batch_unchanged(
    services: Services, database: Database
) -> None:
    first = submitted(services)
    submitted(services)
    failing = Failing(services.evaluator, fail_on=2)
    services.evaluator_factory = lambda: cast(Evaluator, failing)
    unchanged(
        database, first.id, lambda: reevaluation.reevaluate_all(services, "admin"), ReviewError
    )
    assert failing.calls == 2
