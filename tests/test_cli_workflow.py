"""The review workflow's command line, run as a user would run it.

Most of the scenario goes through ``review.cli.main`` in this process (the real entry point,
with its one-line error handling) against a SQLite database in a temporary data directory; a
few steps run ``python -m review.cli`` in a subprocess, to show that refusals reach a user as
one line and an exit code, never a traceback. argon2 is deliberately slow, so in-process
commands hash passwords with the cheapest parameters (subprocesses create no users).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from review.cli import common as cli_common
from review.cli.main import main
from review.services import vendor_answers, vendor_documents, vendor_links
from review.services.context import Services
from review.store.database import Database
from tests.workflow.register_support import put_system, record

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = str(ROOT / "examples" / "library-room-booking.yaml")
CONTRACT = str(ROOT / "tests" / "data" / "bases" / "contract.yaml")
ACC = "ACC-003-partially-supports-public"  # the library request's one major finding
PASSWORD = "correct horse battery"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

# username: (department, role, domain)
STAFF = {
    "dana": ("Library", "requester", ""),
    "tess": ("Digital Service", "reviewer", "technology"),
    "sam": ("Digital Service", "reviewer", "security"),
    "alex": ("Digital Service", "reviewer", "accessibility"),
    "priya": ("City Attorney", "reviewer", "privacy"),
    "paul": ("Finance", "reviewer", "procurement"),
    "ada": ("City Manager", "waiver_authority", "accessibility"),
    "cara": ("City Manager", "approver", ""),
}
REVIEWER = {domain: user for user, (_, role, domain) in STAFF.items() if role == "reviewer"}
PROPOSAL_SIGNOFFS = ["technology", "security", "accessibility", "privacy"]


@dataclass
class Result:
    code: int
    out: str
    err: str


Review = Callable[..., Result]


def fast_services(db: Database) -> Services:
    return Services(db, hasher=FAST_HASHER)


@pytest.fixture
def review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Review:
    """Run ``review ARGS...`` in this process; returns the exit code and what it printed."""
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    for name in ("REVIEW_DATABASE_URL", "REVIEW_USER", "REVIEW_AUTO_MIGRATE", "REVIEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli_common, "make_services", fast_services)

    def run(*args: str) -> Result:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def ok(review: Review, *args: str) -> str:
    result = review(*args)
    assert result.code == 0, f"review {' '.join(args)}: {result.err}"
    return result.out


def data(review: Review, *args: str) -> Any:
    return json.loads(ok(review, *args, "--format", "json"))


def refused(result: Result, *needles: str) -> None:
    """A refusal is one line on stderr and a non-zero exit, never a traceback."""
    assert result.code != 0
    assert "Traceback" not in result.err + result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("review: "), result.err
    for needle in needles:
        assert needle in lines[0], lines[0]


def day(days: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)).isoformat()


def staffed(review: Review) -> None:
    """A bootstrap admin and one user for each role of the scenario."""
    assert "first admin" in ok(
        review, "users", "add", "admin", "--name", "Avery", "--email", "a@city.gov", "--password",
        PASSWORD,
    )  # fmt: skip
    for user, (department, role, domain) in STAFF.items():
        ok(
            review, "users", "add", user, "--name", user.title(), "--email", f"{user}@city.gov",
            "--department", department, "--password", PASSWORD, "--as", "admin",
        )  # fmt: skip
        ok(review, "users", "grant", user, role, "--domain", domain, "--as", "admin")


def submitted(review: Review) -> int:
    created = data(review, "proposal", "create", LIBRARY, "--as", "dana")
    assert created["missing"] == [] and created["state"] == "draft"
    view = data(review, "proposal", "submit", str(created["id"]), "--as", "dana")
    assert view["state"] == "submitted"
    return int(created["id"])


def sign_all(review: Review, pid: int, domains: list[str]) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for domain in domains:
        view = data(review, "signoff", str(pid), domain, "--as", REVIEWER[domain], "--note", "ok")
    return view


def show(review: Review, pid: int, user: str = "cara") -> dict[str, Any]:
    view: dict[str, Any] = data(review, "proposal", "show", f"P-{pid}", "--as", user)
    return view


def test_a_request_goes_from_intake_to_contract_approval(review: Review, tmp_path: Path) -> None:
    assert "upgraded" in ok(review, "db", "upgrade")
    staffed(review)
    users = {u["username"]: u for u in data(review, "users", "list", "--as", "admin")}
    assert users["sam"]["grants"] == [["reviewer", "security"]]
    pid = submitted(review)
    ref = f"P-{pid}"

    queue = data(review, "queue", "--as", "sam", "--sort", "severity")
    assert [(i["ref"], i["domain"]) for i in queue] == [(ref, "security")]
    assert ref in ok(review, "queue", "--as", "sam")

    # a conversation, a change request, and the department's answer
    ok(review, "comment", ref, "Which TLS versions?", "--domain", "security", "--as", "sam")
    out = ok(review, "request-changes", ref, "--domain", "security", "--reason", "Add the SOC 2 "
             "bridge letter.", "--as", "sam")  # fmt: skip
    assert "changes requested" in out
    assert "row version" in ok(review, "proposal", "save", ref, LIBRARY, "--as", "dana")
    view = data(review, "proposal", "resubmit", ref, "--response", "Attached.", "--as", "dana")
    assert view["state"] == "in_review"

    # the proposal stage: sign-offs, a condition on the major finding, the decision
    view = sign_all(review, pid, PROPOSAL_SIGNOFFS)
    assert view["state"] == "ready_for_approval" and view["missing_signoffs"] == []
    refused(review("decide", ref, "approve", "--as", "cara"), "open major finding")
    view = data(review, "condition", "add", ref, ACC, "--text", "Vendor fixes reflow.",
                "--owner", "Roomly / Library IT", "--due", day(365), "--as", "alex")  # fmt: skip
    [condition] = view["conditions"]
    assert [f["status"] for f in view["findings"] if f["rule_id"] == ACC] == ["conditioned"]
    view = data(review, "decide", ref, "approve-with-conditions", "--reason", "Reflow by June.",
                "--as", "cara", "--expect-version", str(view["row_version"]))  # fmt: skip
    assert view["state"] == "approved_with_conditions"

    # the contract stage
    view = data(review, "contract", "submit", ref, CONTRACT, "--as", "dana")
    assert view["state"] == "contract_submitted" and "procurement" in view["missing_signoffs"]
    view = sign_all(review, pid, [*PROPOSAL_SIGNOFFS, "procurement"])
    assert view["state"] == "contract_ready"
    # A contract cannot be approved "with conditions" and decide counts a conditioned major
    # finding as open, so the accessibility finding is waived (ADA Coordinator) first.
    ok(review, "waive", ref, ACC, "--justification", "Remediation plan on file.", "--controls",
       "Phone booking stays available.", "--expires", day(180), "--as", "ada")  # fmt: skip
    view = data(review, "decide", ref, "approve", "--as", "cara")
    assert view["state"] == "contract_approved"
    read_the_record(review, pid, condition["id"], tmp_path)


def read_the_record(review: Review, pid: int, condition: int, tmp_path: Path) -> None:
    """The approved request of the scenario above, as people and scripts read it."""
    ref = f"P-{pid}"
    view = show(review, pid, user="dana")
    assert [d["outcome"] for d in view["decisions"]] == [
        "approved_with_conditions",
        "contract_approved",
    ]
    assert [c["kind"] for c in view["comments"]] == ["comment", "change_request", "response"]
    assert [c["id"] for c in view["conditions"]] == [condition]
    assert [w["rule_id"] for w in view["waivers"]] == [ACC]
    assert {(s["stage"], s["valid"]) for s in view["signoffs"]} == {
        ("proposal", True),
        ("contract", True),
    }
    table = ok(review, "proposal", "show", ref, "--as", "cara")
    for text in ("contract_approved", "Findings", ACC, "waived", "Sign-offs", "Decisions"):
        assert text in table
    history = ok(review, "proposal", "history", ref, "--as", "dana")
    assert "Record versions" in history and "proposal.submit" in history
    assert [p["ref"] for p in data(review, "proposal", "list", "--mine", "--as", "dana")] == [ref]
    assert "no waiver has lapsed" in ok(review, "waivers", "expire")
    assert [w["proposal"] for w in data(review, "waivers", "list", "--as", "cara")] == [ref]
    [impact] = data(review, "reevaluate", "--as", "admin")
    assert impact["proposal"] == ref and impact["changed"] is False
    events = data(review, "audit", "log", "--proposal", ref, "--limit", "3", "--as", "dana")
    assert [e["action"] for e in events] == ["proposal.state", "decision", "proposal.reevaluate"]
    assert "audit log intact" in ok(review, "audit", "verify", "--as", "admin")
    assert data(review, "audit", "verify", "--as", "admin")["ok"] is True
    copy = tmp_path / "backup" / "review.db"
    copy.parent.mkdir()  # a backup into a missing folder is refused (issue 12)
    assert str(copy) in ok(review, "backup", str(copy))
    assert copy.stat().st_size > 0


def test_refusals_are_one_line_and_change_nothing(review: Review) -> None:
    ok(review, "db", "upgrade")
    staffed(review)
    pid = submitted(review)
    ref = f"P-{pid}"
    before = show(review, pid)["row_version"]

    refused(review("proposal", "list"), "--as USER", "REVIEW_USER")
    refused(review("queue", "--as", "nobody"), "no user 'nobody'")
    refused(review("signoff", ref, "security", "--as", "dana"), "not a security reviewer")
    refused(review("decide", ref, "approve", "--as", "sam"), "not a contract approver")
    refused(review("users", "grant", "sam", "admin", "--as", "sam"), "not an admin")
    refused(review("audit", "verify", "--as", "dana"), "not an admin")
    refused(
        review("comment", ref, "Late.", "--as", "sam", "--expect-version", str(before - 1)),
        "changed since you loaded it",
    )
    refused(review("proposal", "submit", ref, "--as", "dana"), "cannot submit", "submitted")
    refused(review("proposal", "save", ref, LIBRARY, "--as", "dana"), "can be edited only")
    bad_date = ["--text", "t", "--owner", "o", "--due", "2027-13-01", "--as", "alex"]
    refused(review("condition", "add", ref, ACC, *bad_date), "--due", "ISO 8601")
    refused(review("proposal", "show", "abc", "--as", "cara"), "proposal id")
    refused(review("proposal", "show", "P-99", "--as", "cara"), "no proposal P-99")
    refused(review("users", "deactivate", "admin", "--as", "admin"), "your own account")
    ok(review, "users", "deactivate", "sam", "--as", "admin")
    refused(review("queue", "--as", "sam"), "deactivated")
    ok(review, "users", "activate", "sam", "--as", "admin")

    assert show(review, pid)["row_version"] == before  # every refusal rolled back
    ok(review, "comment", ref, "On time.", "--as", "sam", "--expect-version", str(before))


def test_deciding_a_request_that_is_not_ready_is_refused_naming_its_state(
    review: Review,
) -> None:
    """Was ``internal error: AssertionError`` (exit 70) on a draft: a draft has no evaluation."""
    ok(review, "db", "upgrade")
    staffed(review)
    draft = data(review, "proposal", "create", LIBRARY, "--as", "dana")["id"]
    for form in (f"P-{draft}", str(draft)):
        result = review("decide", form, "approve", "--as", "cara")
        assert result.code == 2, result.err
        refused(result, f"cannot approve proposal P-{draft}", "it is draft", "allowed there")
    pid = submitted(review)
    result = review("decide", f"P-{pid}", "reject", "--reason", "no", "--as", "cara")
    assert result.code == 2
    refused(result, f"cannot reject proposal P-{pid}", "it is submitted")
    assert show(review, pid)["state"] == "submitted"


def test_demo_seed_prints_its_users_and_runs_once(review: Review) -> None:
    ok(review, "db", "upgrade")
    out = ok(review, "demo", "seed", "--password", PASSWORD)
    for user in ("admin", "dana", "sam", "cara", PASSWORD):
        assert user in out
    refused(review("demo", "seed"), "already has users")
    assert data(review, "queue", "--as", "sam")  # the seeded requests wait for security


def cli(tmp_path: Path, *commands: tuple[str | None, list[str]]) -> list[Result]:
    """Run ``python -m review.cli ARGS...`` for each (REVIEW_USER, ARGS), side by side, with
    no other REVIEW_ variable than REVIEW_DATA_DIR."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEW_")}
    env["REVIEW_DATA_DIR"] = str(tmp_path)
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "review.cli", *args],
            env=env | ({"REVIEW_USER": user} if user else {}),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user, args in commands
    ]
    results = []
    for proc in running:
        out, err = proc.communicate(timeout=120)
        results.append(Result(proc.returncode, out, err))
    return results


def test_the_real_command_line(review: Review, tmp_path: Path) -> None:
    [unmigrated] = cli(tmp_path, (None, ["queue", "--as", "sam"]))
    refused(unmigrated, "has no tables", "review db upgrade")
    assert review("db", "current").code == 1
    assert "upgraded" in ok(review, "db", "upgrade")
    assert "up to date" in ok(review, "db", "current")

    staffed(review)  # in this process: cheap password hashes; the same database
    pid = submitted(review)
    stale = str(show(review, pid)["row_version"] - 1)
    unknown, wrong_role, late, again = cli(
        tmp_path,
        (None, ["queue", "--as", "nobody"]),
        ("dana", ["signoff", str(pid), "security"]),  # REVIEW_USER=dana
        ("sam", ["signoff", f"P-{pid}", "security", "--expect-version", stale]),
        ("dana", ["proposal", "submit", str(pid)]),
    )
    refused(unknown, "no user 'nobody'")
    refused(wrong_role, "not a security reviewer")
    refused(late, "changed since you loaded it")
    refused(again, "cannot submit")


def test_vendor_link_commands(review: Review, tmp_path: Path) -> None:
    ok(review, "db", "upgrade")
    staffed(review)
    created = data(review, "proposal", "create", LIBRARY, "--as", "dana")
    pid = f"P-{created['id']}"
    out = ok(review, "vendor", "invite", pid, "sales@vendor.example.com", "--as", "dana")
    assert "vendor link 1 for sales@vendor.example.com" in out and "outbox" in out
    refused(review("vendor", "invite", pid, "nobody", "--as", "dana"), "email")
    refused(review("vendor", "check", "made-up-token"), "not valid")
    assert "no vendor answers" in ok(review, "vendor", "pending", pid, "--as", "dana")
    assert "revoked" in ok(review, "vendor", "revoke", "1", "--as", "dana")
    refused(review("vendor", "decide", "99", "--as", "dana"), "no vendor answer 99")
    # a reviewer of the request invites once it is sent back; one it does not need cannot
    ok(review, "proposal", "submit", pid, "--as", "dana")
    refused(review("vendor", "invite", pid, "a@vendor.example.com", "--as", "sam"), "sent back")
    ok(review, "request-changes", pid, "--domain", "security", "--reason", "Ask them.", "--as",
       "sam")  # fmt: skip
    out = ok(review, "vendor", "invite", pid, "sales@vendor.example.com", "--as", "sam")
    assert "vendor link 2 for sales@vendor.example.com" in out
    refused(review("vendor", "invite", pid, "a@vendor.example.com", "--as", "paul"), "reviewers")
    # what the vendor sends, documents included, waits for the requester
    db = Database.connect(f"sqlite:///{tmp_path / 'review.db'}")
    try:
        svc = fast_services(db)
        token = vendor_links.invite(svc, "dana", int(pid[2:]), "b@vendor.example.com").token
        vendor_documents.upload(svc, token, "insurance_certificate", "coi.pdf", b"%PDF-1.7")
        vendor_answers.submit(svc, token, {"incident_notification_hours": 24})
    finally:
        db.engine.dispose()
    out = ok(review, "vendor", "pending", pid, "--as", "dana")
    assert "incident_notification_hours" in out
    assert "Certificate of cyber insurance, coi.pdf (8 bytes)" in out


def test_a_delay_refused_from_the_command_line_needs_a_reason(
    review: Review, tmp_path: Path
) -> None:
    ok(review, "db", "upgrade")
    staffed(review)
    ok(
        review, "users", "add", "director", "--name", "Morgan", "--email", "d@city.gov",
        "--department", "Digital Service", "--password", PASSWORD, "--as", "admin",
    )  # fmt: skip
    ok(review, "users", "grant", "director", "waiver_authority", "--domain", "general", "--as",
       "admin")  # fmt: skip
    db = Database.connect(f"sqlite:///{tmp_path / 'review.db'}")
    try:
        sid = put_system(fast_services(db), record(department="Library"))
    finally:
        db.engine.dispose()
    asked = ok(review, "delay", "ask", f"S-{sid}", "--until", day(30), "--reason", "RFP open",
               "--as", "dana")  # fmt: skip
    assert asked.startswith("D-1: delay of")
    blank = review("delay", "decide", "D-1", "refuse", "--as", "director")
    refused(blank, "note: a refusal needs a reason")
    assert blank.code == 2
    done = ok(review, "delay", "decide", "D-1", "refuse", "--note", "Not confidential", "--as",
              "director")  # fmt: skip
    assert done.strip() == "D-1: refused"
