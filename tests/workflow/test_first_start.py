"""An application start: demonstration accounts only when asked for (REVIEW_DEMO=1); a
production start on an empty database says how to create the first admin."""

from __future__ import annotations

from review.services import accounts, demo
from review.services.context import Services


def test_a_production_start_creates_no_accounts_and_says_how(services: Services) -> None:
    lines = demo.prepare(services, demo=False)
    assert accounts.user_count(services) == 0
    text = "\n".join(lines)
    assert "No accounts exist yet" in text and "REVIEW_DEMO is not set" in text
    assert "review users add NAME --name 'Full Name' --email name@city.gov" in text
    assert "made an admin" in text


def test_the_demo_is_seeded_only_when_asked(services: Services) -> None:
    assert demo.prepare(services, demo=True) == []
    assert accounts.user_count(services) == len(demo.USERS)
    # a later start, demo or not, neither seeds again nor asks for a first admin
    assert demo.prepare(services, demo=False) == []
    assert demo.prepare(services, demo=True) == []
    assert accounts.user_count(services) == len(demo.USERS)
