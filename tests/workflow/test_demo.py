"""The demo seed: users for every role and requests in several states, with a true history."""

from __future__ import annotations

from collections import Counter

from review.services import accounts, audit, demo, proposals
from review.services.context import Services

PASSWORD = "demo passphrase 1"


def test_demo_seed(services: Services) -> None:
    passwords = demo.seed(services, password=PASSWORD)
    assert set(passwords) == {u.username for u in demo.USERS}
    assert set(passwords.values()) == {PASSWORD}
    with services.transaction() as tx:
        report = audit.verify(tx.session)
    assert report.ok, report.problems
    assert report.events > 50
    states = Counter(s.state for s in proposals.list_proposals(services, "admin"))
    assert states["draft"] == 1
    assert states["submitted"] >= 1
    assert states["in_review"] >= 1
    assert states["changes_requested"] == 1
    assert states["approved_with_conditions"] >= 1
    assert len(states) >= 5
    # the requester sees their department's request only
    mine = proposals.list_proposals(services, "pat")
    assert [s.department for s in mine] == ["Police"]
    # the demo accounts sign in with the given password
    actor = accounts.authenticate(services, "cara", PASSWORD)
    assert actor is not None and actor.is_approver
    assert accounts.authenticate(services, "cara", "not the password") is None
