"""The request, review queue and approvals pages, for each role that sees them, and refusals.

The demo database is shared by this module's tests; a test that changes a request either
uses one nobody else asserts on, or files a fresh one through the services.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from review.core.safeyaml import load_file
from review.errors import PermissionDenied
from review.services import demo, proposals, reviews, signoffs, waivers
from review.services.context import Services
from review.services.roles import Role
from review.services.views import ProposalView
from review.store.database import Database

from .conftest import FAST, ROOT, open_app, signed_in

REQUEST = "review/ui/pages/request.py"
QUEUE = "review/ui/pages/queue.py"
APPROVALS = "review/ui/pages/approvals.py"
REVIEWERS = {d: u.username for u in demo.USERS for r, d in u.grants if r is Role.REVIEWER}


@pytest.fixture
def svc(app_env: Path) -> Iterator[Services]:
    """The services on the same database the app uses, to act behind the page's back."""
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    yield Services(db, hasher=FAST)
    db.engine.dispose()


def fresh(svc: Services, user: str, example: str) -> ProposalView:
    """A newly filed and submitted request (no contract), for tests that change things."""
    record = load_file(demo.EXAMPLES / example)
    draft = proposals.create_draft(svc, user, {"proposal": record["proposal"]})
    return proposals.get(svc, user, proposals.submit(svc, user, draft.proposal.id).id)


def text(at: AppTest) -> str:
    """Everything written on the page, as one string."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "subheader"):
        parts += [str(getattr(e, "value", "")) for e in at.get(kind)]
    for table in at.table:
        parts.append(table.value.to_string())
    return "\n".join(parts)


def keys(at: AppTest, kind: str) -> set[str]:
    return {str(e.key) for e in at.get(kind) if getattr(e, "key", None)}


def forms(at: AppTest) -> set[str]:
    return {str(f.proto.form.form_id) for f in at.get("form")}


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    return ok(at)


# --- the request page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "user", ["dana", "tess", "sam", "alex", "priya", "iso", "director", "cara", "admin"]
)
def test_request_page_for_everyone_who_may_see_it(app_env: Path, user: str) -> None:
    at = ok(open_app(user, page=REQUEST, id="1"))
    page = text(at)
    assert "P-1: Meeting room booking for branch libraries" in page
    assert "Approved with conditions" in page
    assert "What is needed next" in page
    assert "MAJOR" in page  # severity in words (the conditioned accessibility finding)
    assert "Conditioned" in page
    assert "comment-form" in forms(at)
    assert "Library" in page and "vendor_cloud" in page  # key facts


def test_request_page_sections(app_env: Path) -> None:
    at = ok(open_app("tess", page=REQUEST, id="6"))
    page = text(at)
    for heading in ("Resolved findings", "Waivers", "Conditions of approval", "Decisions"):
        assert heading in page
    # the waiver from the demo data, with its finding shown as waived
    assert "SEC-002-single-sign-on" in page and "Waived" in page and "active" in page
    assert "BLOCKER" in page  # severities written out
    assert "unknown section" not in page  # every citation has its section title
    assert any("department: Fire" in c.value for c in at.code)  # the full record as YAML


def test_request_picker_when_no_id(app_env: Path) -> None:
    at = ok(open_app("tess", page=REQUEST))
    picker = at.selectbox(key="request-pick")
    assert picker.value is None
    picker.set_value(2).run()
    ok(at)
    assert "P-2: Automated license plate readers" in text(at)


def test_requester_sees_only_their_department(app_env: Path) -> None:
    at = ok(open_app("dana", page=REQUEST))
    options = at.selectbox(key="request-pick").options
    assert options and all(o.startswith("P-1:") for o in options)

    at = ok(open_app("dana", page=REQUEST, id="2"))
    assert [e.value for e in at.error] == ["no proposal P-2 that you can see"]
    assert "Automated license plate" not in text(at)
    assert not forms(at)
    submit(at, "request-choose-another")  # back to the picker of what dana may see
    assert at.selectbox(key="request-pick").value is None


def test_requester_has_no_reviewer_forms(app_env: Path) -> None:
    at = ok(open_app("dana", page=REQUEST, id="1"))
    assert forms(at) == {"comment-form"}  # approved: nothing to resubmit or withdraw


def test_the_page_says_which_steps_are_the_readers_own(app_env: Path, svc: Services) -> None:
    view = fresh(svc, "dana", "library-room-booking.yaml")
    mine = "**You can:**"

    def says(user: str) -> str:
        page = text(ok(open_app(user, page=REQUEST, id=str(view.id))))
        assert "**Next steps in the review:** start review" in page
        return next(line for line in page.splitlines() if line.startswith(mine))

    assert says("dana") == f"{mine} withdraw (see Actions)."  # not the reviewers' steps
    assert "request changes" in says("tess") and "withdraw" not in says("tess")
    assert (
        says("iso") == f"{mine} nothing on this request at this stage; the steps above are others'."
    )


def test_changes_between_versions(app_env: Path, svc: Services) -> None:
    record = load_file(demo.EXAMPLES / "hr-ai-resume-screening.yaml")
    saved = proposals.create_draft(svc, "hana", record)
    changed = dict(record)
    changed["proposal"] = dict(record["proposal"], title="Resume screening, second draft")
    proposals.save_draft(svc, "hana", saved.proposal.id, changed)
    at = ok(open_app("hana", page=REQUEST, id=str(saved.proposal.id)))
    page = text(at)
    assert "1 field(s) changed" in page
    assert "proposal.title" in page and "Resume screening, second draft" in page


def test_changes_compare_the_last_reviewed_version_with_the_current(
    app_env: Path, svc: Services
) -> None:
    view = fresh(svc, "carl", "community-development-permitting.yaml")
    reviews.request_changes(
        svc, "olga", view.id, domain="open_source", reason="Name the license, please."
    )
    record = proposals.get(svc, "carl", view.id).record
    for title in ("Permitting, draft A", "Permitting, draft B"):  # two saves after the review
        record = dict(record, proposal=dict(record["proposal"], title=title))
        proposals.save_draft(svc, "carl", view.id, record)
    current = proposals.get(svc, "olga", view.id)
    (reviewed,) = [c.version_number for c in current.comments if c.kind == "change_request"]
    at = ok(open_app("olga", page=REQUEST, id=str(view.id)))
    assert at.selectbox(key="changes-old").value == reviewed
    assert at.selectbox(key="changes-new").value == current.current_version
    assert current.current_version - reviewed == 2  # not simply the previous version
    assert "the last one reviewed" in text(at)


# --- reviewer actions ---------------------------------------------------------------------


def test_reviewer_signs_off_their_domain(app_env: Path) -> None:
    at = ok(open_app("alex", page=REQUEST, id="4"))
    assert at.selectbox(key="signoff-domain").options == ["Accessibility"]
    at.text_area(key="signoff-note").input("Checked the ACR.")
    submit(at, "signoff-submit")
    page = text(at)
    assert "Accessibility signed off on P-4." in page
    assert "Valid" in page and "Alex Kim (accessibility)" in page and "Checked the ACR." in page
    assert "In review" in page  # the first reviewer action started the review
    assert "signoff-form" not in forms(at)  # nothing left for alex to sign


def test_reviewer_offered_only_needed_domains(app_env: Path) -> None:
    at = ok(open_app("tess", page=REQUEST, id="2"))  # technology already signed on P-2
    assert "signoff-form" not in forms(at)
    assert "changes-form" in forms(at)


def test_reviewer_requests_changes(app_env: Path, svc: Services) -> None:
    view = fresh(svc, "carl", "community-development-permitting.yaml")
    at = ok(open_app("olga", page=REQUEST, id=str(view.id)))
    submit(at, "changes-submit")  # empty reason: the service refuses with its message
    assert any("must not be empty" in e.value for e in at.error)
    at.text_area(key="changes-reason").input("Identify the license of cascade-fee-calculator.")
    submit(at, "changes-submit")
    page = text(at)
    assert "Changes requested" in page
    assert "Identify the license of cascade-fee-calculator." in page
    assert proposals.get(svc, "admin", view.id).state == "changes_requested"


def test_reviewer_adds_one_condition_to_a_rules_findings_and_marks_it_met(
    app_env: Path, svc: Services
) -> None:
    """GEN-8: the two WCAG criteria of one rule take one condition, recorded per finding."""
    at = ok(open_app("alex", page=REQUEST, id="6"))
    picker = at.selectbox(key="condition-rule")
    assert all(o.startswith("MAJOR · Accessibility") for o in picker.options)
    picker.set_value("ACC-003-does-not-support-staff").run()
    chosen = at.multiselect(key="condition-findings-ACC-003-does-not-support-staff")
    assert len(chosen.value) == 2  # every finding of the rule, unless the reviewer removes some
    at.text_area(key="condition-text").input("Vendor fixes contrast before go-live.")
    at.text_input(key="condition-owner").input("Fire IT")
    submit(at, "condition-submit")
    page = text(at)
    assert "Condition added to ACC-003-does-not-support-staff." in page
    assert "Vendor fixes contrast before go-live." in page
    conditioned = [
        f
        for f in proposals.get(svc, "alex", 6).findings
        if f["rule_id"] == "ACC-003-does-not-support-staff"
    ]
    assert [f.status for f in conditioned] == ["conditioned", "conditioned"]
    assert len({c.id for f in conditioned for c in f.conditions}) == 2  # one row per finding
    at.radio(key="condition-status-value").set_value("met")
    submit(at, "condition-status-submit")
    assert "marked met" in text(at)
    assert "**Met** · \\#" in text(at)


def test_reviewer_cannot_waive(app_env: Path, svc: Services) -> None:
    at = ok(open_app("sam", page=REQUEST, id="6"))
    assert "waive-form" not in forms(at)
    with pytest.raises(KeyError):
        at.selectbox(key="waive-rule")
    # the service refuses the same action however it is reached
    view = proposals.get(svc, "sam", 6)
    with pytest.raises(PermissionDenied, match="only the Information Security Officer"):
        waivers.grant(
            svc,
            "sam",
            6,
            "SEC-011-audit-log-retention",
            justification="x",
            compensating_controls="y",
            expires_on=svc.today() + dt.timedelta(days=30),
            expected_version=view.row_version,
        )


def test_waiver_authority_sees_only_their_domain(app_env: Path) -> None:
    at = ok(open_app("ada", page=REQUEST, id="6"))
    options = at.selectbox(key="waive-rule").options
    assert options and all("· Accessibility ·" in o for o in options)
    assert all("INFO" not in o for o in options)  # information findings are not waivable
    assert "Security — Information Security Officer" in text(at)


def test_waiver_authority_waives_a_finding(app_env: Path, svc: Services) -> None:
    at = ok(open_app("iso", page=REQUEST, id="6"))
    expires = at.date_input(key="waive-expires")
    assert expires.value == waivers.latest_expiry(svc.today(), 6)  # default: six months
    at.selectbox(key="waive-rule").set_value("SEC-011-audit-log-retention").run()
    at.text_area(key="waive-justification").input("Logs are exported nightly to the SIEM.")
    at.text_area(key="waive-controls").input("SIEM keeps 13 months; monthly check.")
    submit(at, "waive-submit")
    page = text(at)
    assert "Waiver of SEC-011-audit-log-retention granted." in page
    assert "Logs are exported nightly to the SIEM." in page
    finding = next(
        f for f in proposals.get(svc, "iso", 6).findings if f.key == "SEC-011-audit-log-retention|"
    )
    assert finding.status == "waived"
    assert "SEC-011-audit-log-retention" not in at.selectbox(key="waive-rule").options


def test_waiver_authority_waives_a_rules_findings_at_once(app_env: Path, svc: Services) -> None:
    """Two end-of-support platforms under one rule: one decision, a waiver for each."""
    view = fresh(svc, "felix", "fire-records-renewal.yaml")
    rule = "SEC-007-end-of-support"
    at = ok(open_app("iso", page=REQUEST, id=str(view.id)))
    picker = at.selectbox(key="waive-rule")
    picker.set_value(rule).run()
    assert "(2 findings)" in picker.format_func(rule)
    chosen = at.multiselect(key=f"waive-findings-{rule}")
    assert len(chosen.value) == 2
    at.text_area(key="waive-justification").input("Replacement servers arrive in March.")
    at.text_area(key="waive-controls").input("Isolated VLAN; weekly patch review.")
    submit(at, "waive-submit")
    assert f"Waiver of {rule} granted for 2 findings." in text(at)
    after = proposals.get(svc, "iso", view.id)
    waived = [f for f in after.findings if f["rule_id"] == rule]
    assert [f.status for f in waived] == ["waived", "waived"]
    assert len({w.id for w in after.waivers if w.rule_id == rule}) == 2  # one per finding


def test_sign_off_with_open_blockers_in_the_domain_must_be_confirmed(
    app_env: Path, svc: Services
) -> None:
    view = fresh(svc, "felix", "fire-records-renewal.yaml")
    at = ok(open_app("sam", page=REQUEST, id=str(view.id)))
    warning = " ".join(w.value for w in at.warning)
    assert "2 open blocker findings of your domain (SEC-007-end-of-support ×2 (" in warning
    submit(at, "signoff-submit")  # not confirmed: nothing is signed
    assert any("Confirm that you have read the open blockers" in e.value for e in at.error)
    assert "security" in proposals.get(svc, "sam", view.id).missing_signoffs
    at.checkbox(key="signoff-confirm").check()
    submit(at, "signoff-submit")
    assert "Security signed off on" in text(at)
    assert "security" not in proposals.get(svc, "sam", view.id).missing_signoffs


def test_sign_off_without_blockers_needs_no_confirmation(app_env: Path, svc: Services) -> None:
    view = fresh(svc, "clara", "clerk-public-records-portal.yaml")
    domain = view.required_signoffs[0]
    at = ok(open_app(REVIEWERS[domain], page=REQUEST, id=str(view.id)))
    with pytest.raises(KeyError):
        at.checkbox(key="signoff-confirm")
    submit(at, "signoff-submit")
    assert domain not in proposals.get(svc, "admin", view.id).missing_signoffs


def test_waiver_expiry_beyond_twelve_months_is_refused_by_the_service(
    app_env: Path, svc: Services
) -> None:
    view = proposals.get(svc, "iso", 6)
    with pytest.raises(Exception, match="more than 12 months"):
        waivers.grant(
            svc,
            "iso",
            6,
            "SEC-011-audit-log-retention",
            justification="x",
            compensating_controls="y",
            expires_on=waivers.latest_expiry(svc.today()) + dt.timedelta(days=1),
            expected_version=view.row_version,
        )


# --- requester actions --------------------------------------------------------------------


def test_requester_resubmits_with_a_response(app_env: Path) -> None:
    at = ok(open_app("hana", page=REQUEST, id="3"))
    assert {"resubmit-form", "withdraw-form"} <= forms(at)
    at.text_area(key="resubmit-response").input("Impact assessment attached.")
    submit(at, "resubmit-submit")
    page = text(at)
    assert "P-3 was resubmitted for review." in page
    assert "In review" in page and "Impact assessment attached." in page


def test_requester_withdraws_with_a_reason(app_env: Path) -> None:
    at = ok(open_app("parker", page=REQUEST, id="5"))
    submit(at, "withdraw-submit")
    assert any("say why" in e.value for e in at.error)
    at.text_area(key="withdraw-reason").input("Budget moved to next year.")
    submit(at, "withdraw-submit")
    page = text(at)
    assert "P-5 was withdrawn." in page and "Withdrawn" in page


def test_stale_version_is_refused(app_env: Path, svc: Services) -> None:
    at = ok(open_app("tess", page=REQUEST, id="4"))
    reviews.comment(svc, "sam", 4, "Pen test report, please.")  # behind the page's back
    at.text_area(key="comment-body").input("Architecture looks fine.")
    submit(at, "comment-submit")
    assert any("changed since you loaded it" in e.value for e in at.error)
    assert "Architecture looks fine." not in text(at)
    submit(at, "comment-submit")  # the page now shows the new version: trying again works
    assert "Comment posted." in text(at)


# --- the review queue ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("tess", "open-P-4-technology"),
        ("sam", "open-P-2-security"),
        ("priya", "open-P-2-privacy"),
        ("olga", "open-P-4-open_source"),
        ("aiden", "open-P-7-ai"),
        ("paul", "open-P-7-procurement"),
        ("iso", "open-P-2-security"),
        ("ada", "open-P-4-accessibility"),
        ("counsel", None),
        ("director", "open-P-4-open_source"),
    ],
)
def test_queue_for_reviewers_and_waiver_authorities(
    app_env: Path, user: str, expected: str | None
) -> None:
    at = ok(open_app(user, page=QUEUE))
    assert "Review queue" in [t.value for t in at.title]
    if expected is not None:
        assert f'id="{expected}"' in html(at)


def html(at: AppTest) -> str:
    return "\n".join(str(getattr(e, "value", "")) for e in at.get("html"))


def test_queue_is_a_table_whose_links_name_the_request(app_env: Path) -> None:
    at = ok(open_app("sam", page=QUEUE))
    table = html(at)
    assert '<table class="review-queue"><caption>Requests waiting for your sign-off</caption>' in (
        table
    )
    assert '<th scope="col">Worst severity</th>' in table
    assert '<td data-label="Worst severity">BLOCKER</td>' in table  # labelled cards on phones
    assert 'href="request?id=2"' in table and ">Open P-2</a>" in table
    assert ">Open</a>" not in table  # every link names its request
    assert "@media (max-width: 640px)" in table


def test_queue_text_is_escaped(app_env: Path, svc: Services) -> None:
    record = load_file(demo.EXAMPLES / "parks-crew-task-board.yaml")
    record["proposal"]["title"] = "<b>Crew</b> board & <script>alert(1)</script>"
    draft = proposals.create_draft(svc, "parker", {"proposal": record["proposal"]})
    proposals.submit(svc, "parker", draft.proposal.id)
    table = html(ok(open_app("tess", page=QUEUE)))
    assert "&lt;b&gt;Crew&lt;/b&gt; board &amp; &lt;script&gt;" in table
    assert "<script>alert" not in table


def test_queue_filters_sort_and_pages(app_env: Path) -> None:
    at = ok(open_app("sam", page=QUEUE))
    assert at.multiselect(key="queue-domains").options == ["Security"]
    at.selectbox(key="queue-state").set_value("in_review").run()
    ok(at)
    assert 'id="open-P-2-security"' in html(at) and 'id="open-P-6-security"' not in html(at)
    at.selectbox(key="queue-state").set_value(None)
    at.radio(key="queue-sort").set_value("severity").run()
    ok(at)
    first = re.search(r'id="(open-P-\d+-security)"', html(at))
    assert first and first.group(1) in {"open-P-2-security", "open-P-6-security"}  # blockers
    at.number_input(key="queue-page").set_value(2).run()
    ok(at)
    assert "No more items." in text(at)


def test_queue_is_not_in_a_requesters_navigation(app_env: Path) -> None:
    at = ok(open_app("dana"))
    for page in (QUEUE, APPROVALS):
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(page)
    ok(at.run())
    assert "review-queue" not in html(at)
    assert "Review queue" not in [t.value for t in at.title]


@pytest.mark.parametrize(("page", "user"), [(QUEUE, "dana"), (QUEUE, "cara"), (APPROVALS, "sam")])
def test_pages_refuse_on_their_own(app_env: Path, page: str, user: str) -> None:
    """Run straight (no navigation), a page still shows nothing to the wrong role."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    signed_in(at, user)
    ok(at.run())
    assert at.error and "only for" in at.error[0].value
    assert not any(k.startswith(("open-", "packet-")) for k in keys(at, "button"))
    assert not forms(at)


# --- approvals ----------------------------------------------------------------------------


def _ready(svc: Services) -> ProposalView:
    view = fresh(svc, "clara", "clerk-public-records-portal.yaml")
    for domain in view.required_signoffs:
        view = signoffs.sign_off(svc, REVIEWERS[domain], view.id, domain)
    assert view.state == "ready_for_approval"
    return view


def test_approver_decides_a_ready_request(app_env: Path, svc: Services) -> None:
    view = _ready(svc)
    at = ok(open_app("cara", page=APPROVALS))
    assert f"decide-form-{view.id}" in forms(at)
    page = text(at)
    assert "Packet preview" in [e.label for e in at.expander]
    assert "Sign-offs:" in page
    outcome = "approve" if view.disposition == "clear" else "approve_with_conditions"
    at.radio(key=f"decide-outcome-{view.id}").set_value(outcome)
    submit(at, f"decide-submit-{view.id}")
    assert f"{view.ref}: " in text(at) and "recorded." in text(at)
    decided = proposals.get(svc, "cara", view.id)
    assert decided.state in ("approved", "approved_with_conditions")
    assert f"decide-form-{view.id}" not in forms(at)
    # the decided request's packet
    submit(at, f"packet-final-{view.id}")
    assert not at.error
    downloads: list[Any] = list(at.get("download_button"))
    assert downloads, "a download button for the packet"


def test_rejection_needs_a_reason(app_env: Path, svc: Services) -> None:
    view = _ready(svc)
    at = ok(open_app("cara", page=APPROVALS))
    at.radio(key=f"decide-outcome-{view.id}").set_value("reject")
    submit(at, f"decide-submit-{view.id}")
    assert any("a rejection needs a reason" in e.value for e in at.error)
    at.text_area(key=f"decide-reason-{view.id}").input("Duplicates the county portal.")
    submit(at, f"decide-submit-{view.id}")
    assert proposals.get(svc, "cara", view.id).state == "rejected"


def test_approval_stale_version_is_refused(app_env: Path, svc: Services) -> None:
    view = _ready(svc)
    at = ok(open_app("cara", page=APPROVALS))
    reviews.comment(svc, "tess", view.id, "One more thing about hosting.")
    at.radio(key=f"decide-outcome-{view.id}").set_value("reject")
    at.text_area(key=f"decide-reason-{view.id}").input("No.")
    submit(at, f"decide-submit-{view.id}")
    assert any("changed since you loaded it" in e.value for e in at.error)
    assert proposals.get(svc, "cara", view.id).state == "ready_for_approval"


def test_packet_preview_for_a_ready_request(app_env: Path, svc: Services) -> None:
    view = _ready(svc)
    at = ok(open_app("cara", page=APPROVALS))
    submit(at, f"packet-draft-{view.id}")
    assert not at.error
    assert list(at.get("download_button"))


def _ready_blocked(svc: Services) -> ProposalView:
    """Every sign-off in, two security blockers open (the reviewers confirmed them)."""
    view = fresh(svc, "felix", "fire-records-renewal.yaml")
    for domain in view.required_signoffs:
        view = signoffs.sign_off(svc, REVIEWERS[domain], view.id, domain)
    assert view.state == "ready_for_approval" and view.disposition == "blocked"
    return view


def test_a_blocked_request_is_offered_only_rejection_and_says_why(
    app_env: Path, svc: Services
) -> None:
    view = _ready_blocked(svc)
    at = ok(open_app("cara", page=APPROVALS))
    assert at.radio(key=f"decide-outcome-{view.id}").options == ["Reject"]
    captions = [c.value for c in at.caption]
    reason = next(c for c in captions if c.startswith("Approve is not offered"))
    assert "open blocker finding" in reason and "(SEC-007-end-of-support ×2 (" in reason
    assert reason.count(".") <= 2 and reason.endswith(".")  # one sentence
    assert any(c.startswith("Approve with conditions is not offered") for c in captions)


def test_the_service_refuses_with_the_pages_sentence(app_env: Path, svc: Services) -> None:
    from review.errors import Refused
    from review.services import decisions, permissions

    view = _ready_blocked(svc)
    may = permissions.for_request(svc, "cara", view)
    with pytest.raises(Refused) as refused:
        decisions.decide(svc, "cara", view.id, "approve")
    assert str(refused.value) == may.outcomes["approve"].reason
    assert "must be resolved or, where waivable, waived first (GEN-8)" in str(refused.value)


# --- inviting a vendor from the request page (issue 14) ----------------------------------


def test_a_reviewer_of_a_sent_back_request_invites_a_vendor_from_its_actions(
    app_env: Path, svc: Services
) -> None:
    view = fresh(svc, "carl", "community-development-permitting.yaml")
    reviews.request_changes(svc, "olga", view.id, domain="open_source", reason="Ask the vendor.")
    reviewers = {"tess": "technology", "sam": "security", "olga": "open_source", "aiden": "ai"}
    reviewers |= {"paul": "procurement", "priya": "privacy"}
    unrelated = next(u for u, d in reviewers.items() if d not in view.required_signoffs)
    at = ok(open_app("olga", page=REQUEST, id=str(view.id)))
    assert "request-vendor-invite" in forms(at)
    at.text_input(key="request-vendor-invite-email").input("sales@vendor.example.com")
    at.button(key="FormSubmitter:request-vendor-invite-Send the invitation").click().run()
    assert "Invitation queued for sales@vendor.example.com" in text(ok(at))
    assert "request-vendor-invite" in forms(ok(open_app("carl", page=REQUEST, id=str(view.id))))
    for other in (unrelated, "admin"):  # sees the request, is not one of its reviewers
        assert "request-vendor-invite" not in forms(
            ok(open_app(other, page=REQUEST, id=str(view.id)))
        )
