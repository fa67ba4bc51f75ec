"""Isolation and robustness of the durable_rules adapter, one measured sharp edge per test.

Each test names the edge of durable_rules it guards (../shared/guide/durable-rules.md):
state leaking between sessions, the fixed matcher stack (error 303), the timer threads, the
1,024-live-sessions cap, "not handled" facts, error codes that must surface, and memory.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.workloads import random_submission, worst_case_submission
from review.core.evaluate import Evaluator
from review.core.facts import FactSet
from review.core.matcher import DurableMatcher, _register
from review.core.records import Submission

from .casefiles import BASES
from .conftest import AS_OF

MINIMAL: dict[str, Any] = {
    "proposal": {
        "title": "Minimal",
        "department": "Library",
        "requester": {"name": "Dana Whitfield", "email": "dana.whitfield@library.city.gov"},
        "problem_statement": "Only what the form requires.",
    }
}


def _records(seed: int, count: int) -> list[Submission]:
    rng = random.Random(seed)
    return [Submission.model_validate(random_submission(rng)) for _ in range(count)]


def test_same_record_twice_gives_identical_results(durable: Evaluator) -> None:
    """Guards session isolation: a fresh session per evaluation, deleted afterwards, so no
    fact of one evaluation (or an identical re-asserted fact, MessageObservedException) can
    change the next."""
    for submission in [*_records(11, 20), Submission.model_validate(worst_case_submission())]:
        first = durable.evaluate(submission, AS_OF)
        second = durable.evaluate(submission, AS_OF)
        assert first == second


def test_worst_case_matches_reference_and_fires_most_rules(
    durable: Evaluator, reference: Evaluator
) -> None:
    """Guards error 303: one fact matching many rules overflowed the C matcher's fixed
    64-entry stack and the cleanup killed the process. The worst case must come back whole
    and equal to the plain-Python reference."""
    submission = Submission.model_validate(worst_case_submission())
    result = durable.evaluate(submission, AS_OF)
    assert result == reference.evaluate(submission, AS_OF)
    fired = {f.rule_id for f in result.findings}
    share = len(fired) / len(durable.book.rules)
    assert share > 0.4, f"only {len(fired)} of {len(durable.book.rules)} rules fired"
    assert result.tier == 3 and result.disposition == "blocked"


def test_threads_get_their_own_results(durable: Evaluator, reference: Evaluator) -> None:
    """Guards the threading edge: eight threads sharing the stock Host segfaulted or got
    wrong results. Eight threads evaluate different records at once, each result checked
    against the reference computed beforehand."""
    records = [Submission.model_validate(worst_case_submission()), *_records(21, 39)]
    expected = [reference.evaluate(s, AS_OF) for s in records]
    threads_n, rounds = 8, 40  # 320 evaluations
    failures: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def work(offset: int) -> None:
        try:
            barrier.wait()
            for step in range(rounds):
                index = (offset * 5 + step) % len(records)
                got = durable.evaluate(records[index], AS_OF)
                if got != expected[index]:
                    failures.append(f"thread {offset}, record {index}")
        except BaseException as exc:  # surfaced below, never lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors[:3]
    assert not failures, failures[:10]


def test_more_evaluations_than_the_session_cap(durable: Evaluator) -> None:
    """Guards the 1,024-live-sessions cap per ruleset (the next raised MemoryError): every
    evaluation deletes its sessions, so 2,100 in a row all succeed."""
    submission = Submission.model_validate(MINIMAL)
    first = durable.evaluate(submission, AS_OF)
    for _ in range(2_100):
        assert durable.evaluate(submission, AS_OF).tier == first.tier


def test_sessions_are_left_empty(durable: Evaluator, reference: Evaluator) -> None:
    """Guards the reused sessions: each ruleset keeps one session, and every fact a batch
    left in it (durable_rules stores only the facts that fire a rule) is retracted before
    the next batch, so no fact of one evaluation stays behind for the next."""
    import durable_rules_engine

    matcher = durable.matcher
    assert isinstance(matcher, DurableMatcher)
    for submission in [*_records(31, 30), Submission.model_validate(worst_case_submission())]:
        assert durable.evaluate(submission, AS_OF) == reference.evaluate(submission, AS_OF)
        for ruleset in _register(durable.book):
            if ruleset.sid:
                assert durable_rules_engine.get_facts(ruleset.handle, ruleset.sid) == "[]"


def test_fact_no_rule_matches_is_handled(durable: Evaluator, reference: Evaluator) -> None:
    """Guards "not handled": a fact no rule matches raised MessageNotHandledException, and
    deleting that session segfaulted. The catch-all rule handles every fact."""
    matcher = durable.matcher
    assert isinstance(matcher, DurableMatcher)
    # a general fact with a tier no phase-2 rule accepts, and nothing else: nothing matches
    lonely = FactSet({"general": [{"kind": "general", "id": "general", "tier": 0}]})
    assert matcher.match(2, lonely) == []
    submission = Submission.model_validate(MINIMAL)
    assert durable.evaluate(submission, AS_OF) == reference.evaluate(submission, AS_OF)


_WIDE_FACT_SCRIPT = """
import json

import durable_rules_engine

from review.core.matcher import DurableMatcher, _register, encode_fact
from review.errors import EngineError
from review.core.evaluate import evaluator
from review.core.facts import FactSet

durable = evaluator("durable")
matcher = durable.matcher
assert isinstance(matcher, DurableMatcher)
wide = {"kind": "general", "id": "general", "tier": 2, **{f"x{i}": i for i in range(300)}}
narrow = {"kind": "general", "id": "general", "tier": 2}
# only the fields the rules read reach durable_rules: a wide fact fires what its narrow twin does
for phase in (1, 2):
    assert matcher.match(phase, FactSet({"general": [dict(wide)]})) == matcher.match(
        phase, FactSet({"general": [dict(narrow)]})
    ), phase
# and what is sent is still refused above the engine's limit, with a message naming the fact
try:
    encode_fact(wide, "wide")
except EngineError as exc:
    assert "properties" in str(exc) and "'general'" in str(exc), exc
else:
    raise SystemExit("encode_fact sent a fact with 304 properties")
# the guard exists because durable_rules itself refuses such a fact with a bare code
handle = _register(durable.book)[0].handle
try:
    durable_rules_engine.assert_fact(handle, json.dumps({**wide, "sid": "wide"}))
except Exception as exc:
    assert "302" in str(exc), exc
else:
    raise SystemExit("durable_rules accepted a fact with 304 properties")
print("ok")
"""


def test_engine_error_code_surfaces_as_engine_error() -> None:
    """Guards bare error codes: durable_rules refuses a fact with more than 255 flattened
    properties with a bare error 302 (and its batch call crashed or dropped the fact). The
    adapter sends only the fields a ruleset's rules read, so a wide fact matches as its narrow
    twin does, and refuses to send more than the limit with an EngineError naming the fact,
    never a crash or a silent pass. Run in a child process, so a
    segfault in the C module is reported as a failure instead of ending the test run."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", _WIDE_FACT_SCRIPT],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", (
        f"exit status {done.returncode} (negative: killed by signal)\n"
        f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )


_STACK_SCRIPT = """
import json
import sys

import durable_rules_engine

from review.core import matcher

def ruleset(name, alternatives_of_a):  # each kind's tag as the matcher sends it: a short name
    # rules of kind a, each with two alternatives that both hold, beside 60 alternatives of b
    rules = {}
    for kind, count in (("b", 60), ("a", alternatives_of_a)):
        for i in range(count // 2):
            either = {"$or": [{"$gt": {"x": -i}}, {"$nex": {f"y{i}": 1}}]}
            tag = {kind.upper(): True}
            rules[f"{kind}{i}"] = {"all": [{"m": {"$and": [tag, either]}}]}
    return durable_rules_engine.create_ruleset(name, json.dumps(rules))

fact = json.dumps([{"A": True, "x": 1, "id": 1, "sid": "1"}])
durable_rules_engine.assert_facts(ruleset("fits", 64), fact)
try:
    durable_rules_engine.assert_facts(ruleset("overflows", 66), fact)
except Exception as exc:
    assert "303" in str(exc), exc
else:
    sys.exit("66 alternatives of one kind no longer overflow the matcher's stack")
assert matcher.MAX_BRANCHES <= 64 - 8, matcher.MAX_BRANCHES
print("ok")
"""


def test_matcher_stack_limit_keeps_its_margin() -> None:
    """Guards error 303: the C matcher's fixed stack held 64 alternatives of the asserted
    fact's kind holding at once (whatever other kinds' rules share the ruleset) and
    overflowed at 66; the matcher packs at most MAX_BRANCHES alternatives of one kind into a
    ruleset, which must stay clear of that limit. Run in a child process."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", _STACK_SCRIPT],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", (
        f"exit status {done.returncode} (negative: killed by signal)\n"
        f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )


_CUT_SHORT_SCRIPT = """
from review.core import matcher
from review.core.evaluate import evaluator
from review.core.facts import FactSet
from review.errors import EngineError

durable = evaluator("durable").matcher
general = {"kind": "general", "id": "general", "tcv": 5e6, "restricted": True}
whole = durable.match(1, FactSet({"general": [dict(general)]}))
assert whole, whole
sent = matcher._payload
# the engine's name for tcv in the phase-one ruleset
tcv = '"' + dict(matcher._register(durable.book)[0].kinds["general"].values)["tcv"] + '":'
for damage in (tcv + '1e-05,"x":', '"broken":,' + tcv):  # refused by durable_rules' parser
    matcher._payload = lambda *args: sent(*args).replace(tcv, damage, 1)
    try:
        durable.match(1, FactSet({"general": [dict(general)]}))
    except EngineError as exc:
        assert "sentinel" in str(exc), exc
    else:
        raise SystemExit(f"a batch cut short by {damage} went unnoticed")
    matcher._payload = sent
    assert durable.match(1, FactSet({"general": [dict(general)]})) == whole
print("ok")
"""


def test_batch_cut_short_is_an_engine_error() -> None:
    """Guards the batch call: durable_rules stops silently at the first fact it cannot parse
    (exponent notation, or anything malformed), and a batch whose first fact failed left an
    undefined session state that crashed the process. Each batch opens with a fact no rule
    reads and ends with a sentinel its rule must report: a batch cut short raises
    EngineError, abandons the session, and the next batch matches whole again. Run in a
    child process, so a crash is reported as a failure."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", _CUT_SHORT_SCRIPT],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", (
        f"exit status {done.returncode} (negative: killed by signal)\n"
        f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )


def _rss_bytes() -> int:
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * resource.getpagesize()


def test_memory_stays_flat(durable: Evaluator) -> None:
    """Guards memory held by sessions in the C matcher (and any cache of ours growing per
    evaluation): with every session deleted, memory stayed flat over 100,000 evaluations.
    20,000 evaluations must not grow the resident set by more than 20 MB between the
    2,000th and the 20,000th. The records are small (the rule-case bases and a minimal
    proposal) to keep the run short; each still opens and deletes every ruleset's session."""
    if not Path("/proc/self/statm").exists():  # pragma: no cover - Linux only
        pytest.skip("needs /proc/self/statm")
    pool = [Submission.model_validate(MINIMAL)]
    for name in ("tier1", "saas", "contract"):
        record = yaml.safe_load((BASES / f"{name}.yaml").read_text(encoding="utf-8"))
        pool.append(Submission.model_validate(record))
    baseline = 0
    for index in range(20_000):
        durable.evaluate(pool[index % len(pool)], AS_OF)
        if index == 2_000:
            baseline = _rss_bytes()
    growth = _rss_bytes() - baseline
    assert growth < 20 * 2**20, f"resident set grew {growth / 2**20:.1f} MB"


def test_numbers_in_exponent_notation(durable: Evaluator, reference: Evaluator) -> None:
    """Guards durable_rules' JSON parser, which refuses exponent notation (``1e-05``, error
    204) and, through the batch call, once crashed or silently dropped such a fact: tiny and
    very large values must give exactly the reference's findings."""
    record = yaml.safe_load((BASES / "contract.yaml").read_text(encoding="utf-8"))
    record["proposal"]["incident_notification_hours"] = 0.00001
    record["proposal"]["cost"]["one_time"] = 1e-05
    record["proposal"]["cyber_insurance_usd"] = 5e11
    record["contract"]["clauses"]["insurance_usd"] = 1e-05
    record["contract"]["value_usd"] = 999_999_999_999.0
    submission = Submission.model_validate(record)
    result = durable.evaluate(submission, AS_OF)
    assert result == reference.evaluate(submission, AS_OF)
    assert any(f.rule_id == "SEC-005-contract-insurance" for f in result.findings)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("cost", "one_time"), 1e17),
        (("cost", "term_years"), 1e17),
        (("incident_notification_hours",), 1e9),
        (("cost", "annual_escalation_pct"), 1e6),
    ],
)
def test_implausible_numbers_are_refused_at_intake(path: tuple[str, ...], value: float) -> None:
    """Values no record can mean (a typo) are refused by the intake schema, naming the field,
    before date arithmetic could overflow or the engine see them."""
    from review.core.loading import submission_from_data
    from review.errors import RecordInvalid

    record: dict[str, Any] = {"proposal": dict(MINIMAL["proposal"])}
    node = record["proposal"]
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    with pytest.raises(RecordInvalid) as refused:
        submission_from_data(record)
    assert ".".join(("proposal", *path)) in str(refused.value)
    assert "larger than any plausible" in str(refused.value)
