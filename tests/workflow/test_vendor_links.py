"""The vendor link's token lifecycle (issue 14): stored only as a hash, bound to one request,
expiring, revocable, rate limited, and one plain refusal for every bad token."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from sqlalchemy import select

from review.errors import NotFound, PermissionDenied, RecordInvalid, Refused
from review.services import proposals, vendor_answers, vendor_documents, vendor_links
from review.services.context import Services
from review.services.vendor_links import REFUSED, LinkRefused
from review.store.models import AuditEvent, OutboxMessage, VendorLink

from .conftest import Clock
from .support import saas, submitted


@pytest.fixture
def draft_id(services: Services, people: dict[str, str]) -> int:
    return proposals.create_draft(services, "dana", saas()).proposal.id


def test_invite_stores_only_the_hash_and_queues_the_email(services: Services, draft_id: int):
    invitation = vendor_links.invite(services, "dana", draft_id, " Sales@Vendor.example.com ")
    assert invitation.email == "sales@vendor.example.com"
    with services.transaction() as tx:
        link = tx.session.get(VendorLink, invitation.link_id)
        assert link is not None
        assert invitation.token not in (link.token_hash, link.email, link.created_by)
        assert link.token_hash == vendor_links.token_hash(invitation.token)
        expires = link.expires_at.replace(tzinfo=dt.UTC)
        assert expires - services.now() == dt.timedelta(days=30)  # standards/vendor_links.yaml
        mail = tx.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "vendor_invite"))
        assert mail is not None and mail.recipient == "sales@vendor.example.com"
        assert invitation.token in mail.body_text


def test_a_valid_token_opens_its_request_and_is_audited_under_the_vendor(
    services: Services, draft_id: int
):
    invitation = vendor_links.invite(services, "dana", draft_id, "sales@vendor.example.com")
    access = vendor_links.open_link(services, invitation.token, draft_id)
    assert (access.proposal_id, access.email) == (draft_id, "sales@vendor.example.com")
    with services.transaction() as tx:
        event = tx.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "vendor.open")
            .order_by(AuditEvent.seq.desc())
        )
        assert event is not None and event.actor == "vendor:sales@vendor.example.com"
        assert event.details["link"] == invitation.link_id


def _refused(services: Services, token: str, proposal_id: int | None = None) -> None:
    with pytest.raises(LinkRefused) as caught:
        vendor_links.open_link(services, token, proposal_id)
    assert str(caught.value) == REFUSED  # the same words whatever the reason


def test_expired_tampered_unknown_and_other_request_tokens_are_refused_alike(
    services: Services, clock: Clock, draft_id: int
):
    other = proposals.create_draft(services, "dana", saas()).proposal.id
    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    _refused(services, token[:-1] + ("A" if token[-1] != "A" else "B"))  # tampered
    _refused(services, "not-a-token")  # unknown
    _refused(services, "")
    _refused(services, token, other)  # reuse on another request
    vendor_links.open_link(services, token, draft_id)
    clock.advance(days=30, seconds=1)
    _refused(services, token, draft_id)  # expired


def test_a_revoked_link_is_refused(services: Services, draft_id: int):
    invitation = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com")
    vendor_links.revoke(services, "dana", invitation.link_id)
    _refused(services, invitation.token, draft_id)


def test_links_are_rate_limited_per_hour(services: Services, clock: Clock, draft_id: int):
    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    limit = vendor_links.rules().max_uses_per_hour
    for _ in range(limit):
        vendor_links.open_link(services, token, draft_id)
    _refused(services, token, draft_id)
    clock.advance(hours=1)
    vendor_links.open_link(services, token, draft_id)


def test_only_the_departments_requesters_invite_and_only_while_open_to_changes(
    services: Services, draft_id: int
):
    with pytest.raises(NotFound):
        vendor_links.invite(services, "pat", draft_id, "a@vendor.example.com")  # Police
    with pytest.raises(RecordInvalid, match="email"):
        vendor_links.invite(services, "dana", draft_id, "not an address")
    sent = submitted(services)
    with pytest.raises(PermissionDenied, match="draft or sent back"):
        vendor_links.invite(services, "dana", sent.id, "a@vendor.example.com")
    link = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").link_id
    with pytest.raises(NotFound):
        vendor_links.revoke(services, "pat", link)


# --- what a vendor sees and sends; the requester's field-by-field decision -------------------


def test_the_vendor_sees_only_the_vendor_sections(services: Services, draft_id: int):
    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    view = vendor_answers.vendor_view(services, token)
    assert set(view) <= set(vendor_links.rules().sections)
    assert "authentication" in view
    for private in ("title", "department", "requester", "contacts", "budget", "users"):
        assert private not in view
    with pytest.raises(LinkRefused):
        vendor_answers.vendor_view(services, token + "x")


def test_vendor_answers_are_a_proposed_change_accepted_field_by_field(
    services: Services, draft_id: int
):
    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    before = proposals.get(services, "dana", draft_id)
    answer_id = vendor_answers.submit(
        services,
        token,
        {"encryption": {"tls_min_version": "1.3", "at_rest": True},
         "incident_notification_hours": 24},
    )  # fmt: skip
    # nothing changed yet: the department's answers stand until the requester decides
    assert proposals.get(services, "dana", draft_id).current_version == before.current_version
    [proposed] = vendor_answers.pending(services, "dana", draft_id)
    fields = {c.field: (c.current, c.proposed) for c in proposed.changes}
    assert fields["encryption.tls_min_version"] == ("1.2", "1.3")
    assert fields["incident_notification_hours"] == (48, 24)
    assert "encryption.at_rest" not in fields  # the same answer is no change
    saved = vendor_answers.decide(services, "dana", answer_id, ["encryption.tls_min_version"])
    assert saved is not None
    after = proposals.get(services, "dana", draft_id)
    assert after.current_version == before.current_version + 1
    record = after.record["proposal"]
    assert record["encryption"]["tls_min_version"] == "1.3"  # accepted
    assert record["incident_notification_hours"] == 48  # rejected: the department's answer
    assert vendor_answers.pending(services, "dana", draft_id) == []
    with pytest.raises(Refused):
        vendor_answers.decide(services, "dana", answer_id, [])


def test_bad_vendor_answers_are_refused_naming_the_field(services: Services, draft_id: int):
    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    with pytest.raises(RecordInvalid, match=r"proposal\.title"):
        vendor_answers.submit(services, token, {"title": "Renamed by the vendor"})
    with pytest.raises(RecordInvalid, match="tls_min_version"):
        vendor_answers.submit(services, token, {"encryption": {"tls_min_version": "9.9"}})
    assert vendor_answers.pending(services, "dana", draft_id) == []


def test_only_the_departments_requester_decides(services: Services, draft_id: int):
    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    answer_id = vendor_answers.submit(services, token, {"incident_notification_hours": 24})
    with pytest.raises(NotFound):
        vendor_answers.decide(services, "pat", answer_id, ["incident_notification_hours"])
    with pytest.raises(RecordInvalid, match=r"authentication\.sso"):
        vendor_answers.decide(services, "dana", answer_id, ["authentication.sso"])


def test_the_vendor_sees_only_the_findings_of_the_vendor_sections(
    services: Services, people: dict[str, str]
):
    from review.core.loading import submission_from_data

    record = saas(encryption={"tls_min_version": "1.0"})
    draft = proposals.create_draft(services, "dana", record)
    token = vendor_links.invite(services, "dana", draft.proposal.id, "a@vendor.example.com").token
    found = vendor_answers.vendor_findings(services, token)
    assert found is not None
    assert any("SEC-3" in f.citations for f in found)
    full = services.evaluator.evaluate(submission_from_data(record), services.today()).findings
    vendor_side = [f for f in full if f.domain in vendor_answers.VENDOR_DOMAINS]
    assert [f.title for f in found] == [f.title for f in vendor_side]
    assert any(f.domain not in vendor_answers.VENDOR_DOMAINS for f in full)  # kept from them


# --- who invites: the department's requesters and the request's reviewers -------------------


def test_a_reviewer_of_the_request_invites_and_an_unrelated_user_cannot(
    services: Services, people: dict[str, str]
):
    from .support import changes_requested

    back = changes_requested(services).id  # security sent it back for changes
    required = proposals.get(services, "dana", back).required_signoffs
    assert "security" in required and "ai" not in required
    sent = vendor_links.invite(services, "sam", back, "a@vendor.example.com")  # security
    assert vendor_answers.vendor_view(services, sent.token)  # the link works like any other
    with services.transaction() as tx:
        link = tx.session.get(VendorLink, sent.link_id)
        assert link is not None and link.created_by == "sam"
    with pytest.raises(PermissionDenied, match="reviewers of P-"):
        vendor_links.invite(services, "aiden", back, "a@vendor.example.com")  # not needed
    with pytest.raises(NotFound):
        vendor_links.invite(services, "pat", back, "a@vendor.example.com")  # Police
    vendor_links.revoke(services, "sam", sent.link_id)  # a reviewer ends the links they sent
    with pytest.raises(NotFound):
        vendor_links.revoke(services, "aiden", sent.link_id)


def test_reviewers_invite_once_a_review_needs_them_and_only_while_it_can_change(
    services: Services, draft_id: int
):
    # a draft never submitted needs no sign-off yet: only its department's requesters invite
    with pytest.raises(PermissionDenied, match="reviewers of P-"):
        vendor_links.invite(services, "sam", draft_id, "a@vendor.example.com")
    in_review = submitted(services)
    with pytest.raises(PermissionDenied, match="draft or sent back"):
        vendor_links.invite(services, "sam", in_review.id, "a@vendor.example.com")


def test_the_request_page_and_the_service_agree_on_who_invites(
    services: Services, people: dict[str, str]
):
    from review.services import permissions

    from .support import changes_requested

    back = changes_requested(services)
    allowed = {
        who: permissions.for_request(services, who, back).invite_vendor.ok
        for who in ("dana", "sam", "aiden", "admin", "pat")
    }
    assert allowed == {"dana": True, "sam": True, "aiden": False, "admin": False, "pat": False}
    with pytest.raises(PermissionDenied):
        vendor_links.invite(services, "admin", back.id, "a@vendor.example.com")


# --- the vendor's documents -----------------------------------------------------------------


def test_a_vendors_documents_fill_the_form_and_go_with_the_answer(
    services: Services, draft_id: int
):
    from bench.questionnaire_files import caiq
    from tests.casefiles import DATA

    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    acr = (DATA / "acr" / "drupal-10-16.html").read_bytes()
    read = vendor_documents.upload(services, token, "acr", "drupal.html", acr)
    assert read.answers["accessibility"]["acr_provided"] is True
    assert set(read.answers) <= set(vendor_links.rules().sections)
    questionnaire = vendor_documents.upload(services, token, "caiq", "caiq.xlsx", caiq())
    assert questionnaire.answers["encryption"]["tls_min_version"] == "1.2"
    soc2 = vendor_documents.upload(services, token, "soc2_report", "soc2.pdf", b"%PDF-1.4 x")
    assert soc2.answers == {}  # stored, not read
    # the form gets what the documents say; what the vendor typed is kept
    form = {"incident_notification_hours": 24, "encryption": {"at_rest": False}}
    filled, kept = vendor_documents.fill(form, questionnaire.answers)
    assert form["incident_notification_hours"] == 24 and "incident_notification_hours" in kept
    assert form["encryption"] == {"at_rest": False, "tls_min_version": "1.2"}
    assert "encryption.tls_min_version" in filled and "encryption.at_rest" in kept
    assert [d.filename for d in vendor_documents.unsent(services, _access(services, token))] == [
        "drupal.html",
        "caiq.xlsx",
        "soc2.pdf",
    ]
    answer_id = vendor_answers.submit(services, token, form)
    [proposed] = vendor_answers.pending(services, "dana", draft_id)
    assert proposed.answer_id == answer_id
    assert [(d.kind, d.filename) for d in proposed.documents] == [
        ("acr", "drupal.html"),
        ("caiq", "caiq.xlsx"),
        ("soc2_report", "soc2.pdf"),
    ]
    assert vendor_documents.unsent(services, _access(services, token)) == []
    assert vendor_documents.content(services, "dana", proposed.documents[2].id) == (
        "soc2.pdf",
        b"%PDF-1.4 x",
    )
    with pytest.raises(NotFound):
        vendor_documents.content(services, "pat", proposed.documents[2].id)


def _access(services: Services, token: str) -> vendor_links.VendorAccess:
    return vendor_links.open_link(services, token)


def test_a_bad_vendor_document_is_refused_naming_it_and_nothing_is_stored(
    services: Services, draft_id: int
):
    from review.errors import FileProblem
    from review.services.attachments import MAX_UPLOAD

    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    with pytest.raises(FileProblem, match=r"big\.pdf: .*the limit is"):
        vendor_documents.upload(services, token, "acr", "big.pdf", b"x" * (MAX_UPLOAD + 1))
    with pytest.raises(FileProblem, match=r"notes\.txt: kind 'memo'"):
        vendor_documents.upload(services, token, "memo", "notes.txt", b"hello")
    with pytest.raises(FileProblem, match=r"broken\.json"):
        vendor_documents.upload(services, token, "sbom", "broken.json", b"{not json")
    with pytest.raises(LinkRefused):
        vendor_documents.upload(services, token + "x", "soc2_report", "soc2.pdf", b"%PDF")
    assert vendor_documents.unsent(services, _access(services, token)) == []


def test_only_what_the_vendor_changed_is_proposed(services: Services, draft_id: int):
    token = vendor_links.invite(services, "dana", draft_id, "a@vendor.example.com").token
    shown = vendor_answers.vendor_view(services, token)
    # the department moves the incident window after the vendor's page loaded
    record = proposals.get(services, "dana", draft_id).record
    record["proposal"]["incident_notification_hours"] = 36
    proposals.save_draft(services, "dana", draft_id, record)
    typed = copy.deepcopy(shown)
    typed["encryption"]["tls_min_version"] = "1.3"
    vendor_answers.submit(services, token, typed, shown=shown)
    [proposed] = vendor_answers.pending(services, "dana", draft_id)
    # the vendor's stale 48 is not proposed back over the department's 36
    assert [(c.field, c.current, c.proposed) for c in proposed.changes] == [
        ("encryption.tls_min_version", "1.2", "1.3")
    ]
    with pytest.raises(Refused, match="nothing to send"):
        vendor_answers.submit(services, token, copy.deepcopy(shown), shown=shown)
