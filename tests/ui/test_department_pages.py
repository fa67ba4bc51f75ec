"""Department workspace: the intake form, drafts, live preview, submit, my requests."""

from __future__ import annotations

from pathlib import Path

from .conftest import open_app

NEW = "review/ui/pages/new_request.py"
MINE = "review/ui/pages/my_requests.py"


def test_intake_form_saves_a_draft_and_previews_findings(app_env: Path) -> None:
    at = open_app("dana", page=NEW)
    assert not at.exception
    at.text_input(key="f-proposal-title").input("Digital signage for branches")
    at.text_area(key="f-proposal-problem_statement").input("Paper notices go stale.")
    at.run()
    assert not at.exception
    # the live preview already judges the partial record
    assert any("Tier" in m.value for m in at.markdown)
    at.button(key="intake-save").click().run()
    assert not at.exception
    assert any("Saved P-" in s.value for s in at.success), [s.value for s in at.success]


def test_my_requests_lists_only_my_department_with_next_steps(app_env: Path) -> None:
    at = open_app("dana", page=MINE)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Meeting room booking" in text  # the Library's request
    assert "license plate" not in text.lower()  # the Police request is not the Library's
    captions = " ".join(c.value for c in at.caption)
    assert "Next:" in captions


def test_requester_edits_a_change_request(app_env: Path) -> None:
    # hana's AI screening request had changes requested by the AI reviewer (demo data)
    at = open_app("hana", page=MINE)
    assert not at.exception
    edit = [b for b in at.button if b.key and b.key.startswith("edit-")]
    assert edit, "a request with changes requested offers Edit"
    edit[0].click().run()
    assert not at.exception
