"""Lone surrogates are refused with the field named on every path into the store, on SQLite
and PostgreSQL alike (issue 12): a draft save, a submission, a comment."""

from __future__ import annotations

import pytest

from review.errors import RecordInvalid
from review.services import proposals
from review.services.context import Services

from .support import saas

pytestmark = pytest.mark.usefixtures("people")


def test_a_draft_with_a_lone_surrogate_is_refused_naming_the_field(services: Services) -> None:
    record = saas(title="Room \ud800 booking")
    with pytest.raises(RecordInvalid) as caught:
        proposals.create_draft(services, "dana", record)
    assert [p.path for p in caught.value.problems] == ["proposal.title"]
    assert "surrogate" in str(caught.value)
    draft = proposals.create_draft(services, "dana", saas())
    record = saas()
    record["proposal"]["notes_unknown_key_\udfff"] = "x"
    with pytest.raises(RecordInvalid):
        proposals.save_draft(services, "dana", draft.proposal.id, record)


def test_free_text_with_a_lone_surrogate_is_refused_naming_the_field(services: Services) -> None:
    from review.services import reviews

    from .support import submitted

    view = submitted(services)
    with pytest.raises(RecordInvalid) as caught:
        reviews.comment(services, "sam", view.id, "Which TLS \ud800?", domain="security")
    assert [p.path for p in caught.value.problems] == ["body"]
