"""The Publication delays page (GEN-10): a department asks for its entry to be published
later, the Director grants or refuses, a refusal names the field and keeps what was typed,
and a granted delay keeps the entry off the public register (listing the delay) until it
ends. Each test puts its own systems into the module's demo database."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from review.services import publication_delays, registers
from review.services.context import Services
from review.store.database import Database
from tests.workflow.register_support import put_system, record

from .conftest import FAST, ROOT, open_app, signed_in

DELAYS = "review/ui/pages/publication_delays.py"
APPROVED = "review/ui/pages/register_approved.py"
LONG_AGO = dt.timedelta(days=60)  # decided long enough ago to be published without a delay
_titles = itertools.count(1)


def services(app_env: Path) -> Services:
    return Services(Database.connect(f"sqlite:///{app_env / 'review.db'}"), hasher=FAST)


def library_system(app_env: Path, *, department: str = "Library") -> tuple[int, str]:
    """A system of ``department`` in use, decided 60 days ago: its id and title."""
    title = f"Room booking {next(_titles)}"
    svc = services(app_env)
    try:
        sid = put_system(
            svc,
            record(title=title, department=department),
            entered_on=dt.date.today() - LONG_AGO,
        )
    finally:
        svc.db.engine.dispose()
    return sid, title


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.value for e in at.error] + [h.value for h in at.header]
    parts += [str(getattr(e, "value", "")) for e in at.get("html")]  # the page's tables
    return "\n".join(str(p) for p in parts)


def ask(at: AppTest, sid: int, until: dt.date, reason: str) -> AppTest:
    at.selectbox(key="delay-system").set_value(sid)
    at.date_input(key="delay-until").set_value(until)
    at.text_area(key="delay-reason").input(reason)
    next(b for b in at.button if b.label == "Ask for the delay").click()
    return at.run()


def requested(app_env: Path, sid: int, reason: str = "RFP open") -> int:
    svc = services(app_env)
    try:
        until = dt.date.today() + dt.timedelta(days=90)
        return publication_delays.request(svc, "dana", sid, until=until, reason=reason).id
    finally:
        svc.db.engine.dispose()


def test_a_requester_asks_and_sees_the_ask_waiting(app_env: Path) -> None:
    sid, title = library_system(app_env)
    at = open_app("dana", page=DELAYS)
    assert not at.exception
    assert at.title[0].value == "Publication delays"
    assert title in text(at) and "Published" in text(at)  # decided 60 days ago
    until = dt.date.today() + dt.timedelta(days=45)
    ask(at, sid, until, "The RFP for the next phase is open")
    assert not at.exception and not at.error
    assert at.success and f"S-{sid} until" in at.success[0].value
    shown = text(at)
    assert "The RFP for the next phase is open" in shown
    assert "Asked for, not yet decided" in shown and "Held while the Director decides" in shown
    assert at.text_area(key="delay-reason").value == ""  # done: the form is empty again
    assert "Only the Director of Digital Service decides." in shown  # dana cannot decide
    assert not [b for b in at.button if b.label in ("Grant", "Refuse")]


@pytest.mark.parametrize(
    ("days", "reason", "label", "problem"),
    [
        (-1, "RFP open", "Publish on", "is not after today"),
        (0, "RFP open", "Publish on", "is not after today"),
        (400, "RFP open", "Publish on", "is more than 12 months after the decision"),
        (30, "   ", "Reason, published with the delay", "a delay needs a stated reason"),
    ],
)
def test_a_refused_ask_names_the_field_and_keeps_what_was_typed(
    app_env: Path, days: int, reason: str, label: str, problem: str
) -> None:
    sid, _ = library_system(app_env)
    at = open_app("dana", page=DELAYS)
    until = dt.date.today() + dt.timedelta(days=days)
    ask(at, sid, until, reason)
    assert not at.exception and not at.success
    (error,) = at.error
    assert error.value.startswith(f"**{label}**") and problem in error.value
    assert at.text_area(key="delay-reason").value == reason
    assert at.date_input(key="delay-until").value == until
    assert at.selectbox(key="delay-system").value == sid
    assert f"S-{sid}" not in {d.system for d in _delays(app_env)}  # nothing was stored


def _delays(app_env: Path) -> list[publication_delays.Delay]:
    svc = services(app_env)
    try:
        return publication_delays.overview(svc, "admin").delays
    finally:
        svc.db.engine.dispose()


def test_another_department_can_neither_ask_for_nor_see_this_ones_entry(
    app_env: Path,
) -> None:
    sid, title = library_system(app_env)
    requested(app_env, sid, reason="Library reason")
    police, _ = library_system(app_env, department="Police")
    at = open_app("pat", page=DELAYS)
    assert not at.exception
    options = at.selectbox(key="delay-system").options  # as shown: "S-3 · title"
    assert any(o.startswith(f"S-{police} ") for o in options)
    assert not any(o.startswith(f"S-{sid} ") for o in options)
    assert title not in text(at) and "Library reason" not in text(at)


def test_only_the_director_decides(app_env: Path) -> None:
    sid, _ = library_system(app_env)
    delay = requested(app_env, sid)
    for user in ("dana", "admin"):  # they see the ask, without a way to decide it
        at = open_app(user, page=DELAYS)
        assert f"D-{delay}" in text(at)
        assert "Only the Director of Digital Service decides." in text(at)
        assert not [b for b in at.button if b.key == f"delay-grant-{delay}"]
    assert "Every department's entries" in text(at)  # an admin asks for any department
    # an approver is neither a department nor the Director: no page in the navigation, and
    # run on its own the page refuses naming who may use it
    at = open_app("cara")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(DELAYS)
    at = AppTest.from_file(str(ROOT / DELAYS), default_timeout=60)
    signed_in(at, "cara")
    at.run()
    assert not at.exception
    assert "cara cannot see publication delays" in at.error[0].value
    assert not at.button and not at.text_area


def test_the_director_refuses_with_a_reason(app_env: Path) -> None:
    sid, _ = library_system(app_env)
    delay = requested(app_env, sid)
    at = open_app("director", page=DELAYS)
    assert not at.exception
    at.button(key=f"delay-refuse-{delay}").click().run()  # no reason: refused, still asked
    (error,) = at.error
    assert error.value.startswith("**Reason for the decision**")
    assert "a refusal needs a reason" in error.value
    at.text_area(key=f"delay-note-{delay}").input("Procurement is not confidential")
    at.button(key=f"delay-refuse-{delay}").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == f"D-{delay} refused."
    assert "Procurement is not confidential" in text(at) and "Refused" in text(at)
    svc = services(app_env)
    try:  # refused: the entry is on the register at once (decided 60 days ago)
        page = registers.page(svc, "approved", limit=500)
        assert f"S-{sid}" in {e.values["ref"] for e in page.entries}
    finally:
        svc.db.engine.dispose()


def test_a_granted_delay_keeps_the_entry_off_the_register_until_it_ends(
    app_env: Path,
) -> None:
    sid, title = library_system(app_env)
    delay = requested(app_env, sid, reason="Negotiation with the vendor is open")
    at = open_app("director", page=DELAYS)
    at.button(key=f"delay-grant-{delay}").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == f"D-{delay} granted."
    assert "Granted" in text(at)

    public = open_app(None, page=APPROVED)
    assert not public.exception
    entries, delays = (t.value for t in public.table)
    assert title not in entries.to_csv()  # held
    listed = delays.to_csv()
    assert f"S-{sid}" in listed and "Negotiation with the vendor is open" in listed
    svc = services(app_env)
    try:
        until = dt.date.today() + dt.timedelta(days=90)
        ends = registers.page(svc, "approved", until, limit=500)
        assert f"S-{sid}" in {e.values["ref"] for e in ends.entries}  # published on its day
        assert f"S-{sid}" not in {d.ref for d in ends.delays}
    finally:
        svc.db.engine.dispose()


def test_the_page_speaks_spanish(app_env: Path) -> None:
    at = open_app("dana", page=DELAYS, lang="es")
    assert not at.exception
    assert at.title[0].value == "Aplazamientos de publicación"
    assert "Pedir un aplazamiento" in [s.value for s in at.subheader]


def test_peoples_text_is_shown_as_text(app_env: Path) -> None:
    title = "**Bold** <img src=x onerror=alert(1)> [link](http://x.example)"
    svc = services(app_env)
    try:
        sid = put_system(svc, record(title=title, department="Library"))
    finally:
        svc.db.engine.dispose()
    requested(app_env, sid, reason="- not a list\n_not emphasis_ <b>no</b>")
    at = open_app("director", page=DELAYS)
    assert not at.exception
    shown = "\n".join(m.value for m in at.markdown)
    assert "\\*\\*Bold\\*\\* \\<img" in shown  # markdown sees characters, not markup
    assert "\\- not a list" in shown and "\\_not emphasis\\_ \\<b\\>no\\</b\\>" in shown
    tables = "\n".join(str(getattr(e, "value", "")) for e in at.get("html"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in tables and "<img" not in tables


def test_every_word_of_the_page_is_in_both_catalogs() -> None:
    """The catalog template holds what the page says, and Spanish translates all of it (the
    other staff pages' words are in the catalogs too, their Spanish still to come)."""
    import io

    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    locale = ROOT / "review" / "locale"
    template = {m.id for m in read_po(io.BytesIO((locale / "review.pot").read_bytes())) if m.id}
    said = {
        message
        for _, message, _, _ in extract_from_file(
            "python", str(ROOT / DELAYS), keywords={"lang": None, "N_": None}
        )
    }
    assert said and said <= template, sorted(said - template)
    spanish = read_po(io.BytesIO((locale / "es" / "LC_MESSAGES" / "review.po").read_bytes()))
    missing = [m.id for m in spanish if m.id in said and (not m.string or m.fuzzy)]
    assert missing == []
    assert {m.id for m in spanish if m.id} >= template
