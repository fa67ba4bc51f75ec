"""Lone surrogates are refused with the field named on every path into the store, on SQLite
and PostgreSQL alike (issue 12): a draft save, a submission, a comment."""

from __future__ import annotations

import json

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


def test_an_upload_with_a_lone_surrogate_is_refused_and_stores_nothing(
    services: Services,
) -> None:
    """A vendor's SBOM may carry ``\\ud800`` as a JSON escape, and a browser may send a file
    name no encoding can store: either is refused, naming it, before anything is stored
    (PostgreSQL's text would refuse it mid-transaction instead)."""
    from review.errors import ReviewError
    from review.services import attachments

    draft = proposals.create_draft(services, "dana", saas())

    def sbom(name: str) -> bytes:
        component = {"type": "library", "name": name, "version": "1.0.0", "licenses": []}
        bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [component]}
        return json.dumps(bom).encode()  # ensure_ascii: the surrogate travels as "\ud800"

    for filename, data in (("bom.json", sbom("left-pad\ud800")), ("bom\udcff.json", sbom("ok"))):
        with pytest.raises(ReviewError) as caught:
            attachments.add(
                services, "dana", draft.proposal.id, kind="sbom", filename=filename, data=data
            )
        assert "surrogate" in str(caught.value), caught.value
    assert attachments.list_for(services, "dana", draft.proposal.id) == []
    stored = attachments.add(
        services, "dana", draft.proposal.id, kind="sbom", filename="bom.json", data=sbom("ok")
    )
    assert stored.filename == "bom.json"
