"""Administration pages and the dashboard, through AppTest on the seeded demo database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from review.errors import PermissionDenied
from review.services import accounts
from review.services.context import Services
from review.services.roles import Role
from review.store.database import Database
from review.store.models import Proposal

from .conftest import FAST, ROOT, open_app, signed_in

PAGES = ROOT / "review" / "ui" / "pages"
ADMIN_PAGES = ["admin_users.py", "admin_standards.py", "admin_reevaluate.py"]


def page(name: str) -> str:
    return str(PAGES / name)


def demo_services(directory: Path) -> Services:
    return Services(Database.connect(f"sqlite:///{directory / 'review.db'}"), hasher=FAST)


def texts(at: AppTest) -> str:
    """Everything written on the page, for "does it say ..." checks."""
    parts = [m.value for m in at.markdown]
    parts += [c.value for c in at.caption]
    parts += [e.value for e in at.info]
    parts += [e.value for e in at.success]
    parts += [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def table_rows(at: AppTest) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for frame in at.dataframe:
        rows.extend(frame.value.to_dict("records"))
    return rows


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_render_for_the_admin(app_env: Path, name: str) -> None:
    at = open_app("admin", page=page(name))
    assert not at.exception
    assert not at.error
    assert at.title[0].value in ("Users and roles", "Standards and rules", "Re-evaluation")


def test_users_page_lists_accounts_with_roles(app_env: Path) -> None:
    at = open_app("admin", page=page("admin_users.py"))
    assert not at.exception
    rows = {r["Username"]: r for r in table_rows(at)}
    assert rows["iso"]["Roles"] == "waiver authority (Security) as Information Security Officer"
    assert rows["dana"]["Department"] == "Library"
    assert rows["dana"]["Status"] == "Active"


def test_add_a_user_and_grant_a_role(app_env: Path) -> None:
    at = open_app("admin", page=page("admin_users.py"))
    at.text_input(key="users-new-username").input("quinn")
    at.text_input(key="users-new-name").input("Quinn Q")
    at.text_input(key="users-new-email").input("quinn@city.example.gov")
    at.text_input(key="users-new-department").input("Digital Service")
    at.text_input(key="users-new-password").input("a long enough password")
    at.button(key="users-add-submit").click().run()
    assert not at.exception
    assert "Added quinn" in at.success[0].value
    assert any(r["Username"] == "quinn" and r["Roles"] == "none" for r in table_rows(at))

    at.selectbox(key="users-selected").set_value("quinn").run()
    assert not at.exception
    at.selectbox(key="users-grant-role").set_value(Role.WAIVER_AUTHORITY).run()
    assert not at.exception
    at.selectbox(key="users-grant-domain-waiver_authority").set_value("privacy").run()
    assert not at.exception
    assert "privacy counsel (City Attorney)" in texts(at)  # GEN-5 title shown
    at.button(key="users-grant-submit").click().run()
    assert not at.exception
    assert "Granted waiver authority (Privacy)" in at.success[0].value
    row = next(r for r in table_rows(at) if r["Username"] == "quinn")
    assert row["Roles"] == "waiver authority (Privacy) as privacy counsel (City Attorney)"

    # the new account works with its role
    svc = demo_services(app_env)
    assert accounts.authenticate(svc, "quinn", "a long enough password") is not None
    assert accounts.get_actor(svc, "quinn").has(Role.WAIVER_AUTHORITY, "privacy")
    svc.db.engine.dispose()


def test_revoke_deactivate_and_reset_password(app_env: Path) -> None:
    at = open_app("admin", page=page("admin_users.py"))
    at.text_input(key="users-new-username").input("rory")
    at.text_input(key="users-new-name").input("Rory R")
    at.text_input(key="users-new-email").input("rory@city.example.gov")
    at.text_input(key="users-new-password").input("first password 1")
    at.button(key="users-add-submit").click().run()
    at.selectbox(key="users-selected").set_value("rory").run()
    at.selectbox(key="users-grant-role").set_value(Role.APPROVER).run()
    at.button(key="users-grant-submit").click().run()
    assert not at.exception

    at.button(key="users-revoke-submit").click().run()
    assert not at.exception
    assert "Revoked approver from rory" in at.success[0].value

    at.text_input(key="users-password-new").input("second password 2")
    at.text_input(key="users-password-confirm").input("something else")
    at.button(key="users-password-submit").click().run()
    assert not at.exception
    assert "differ" in at.error[0].value
    at.text_input(key="users-password-new").input("short")
    at.text_input(key="users-password-confirm").input("short")
    at.button(key="users-password-submit").click().run()
    assert not at.exception
    assert "at least 12 characters" in at.error[0].value  # the service's refusal
    at.text_input(key="users-password-new").input("second password 2")
    at.text_input(key="users-password-confirm").input("second password 2")
    at.button(key="users-password-submit").click().run()
    assert not at.exception
    assert "Password of rory reset" in at.success[0].value

    at.button(key="users-active-toggle").click().run()
    assert not at.exception
    assert "rory is now deactivated" in at.success[0].value
    row = next(r for r in table_rows(at) if r["Username"] == "rory")
    assert row["Status"] == "Deactivated"

    svc = demo_services(app_env)
    assert accounts.authenticate(svc, "rory", "second password 2") is None  # deactivated
    svc.db.engine.dispose()

    # the admin cannot deactivate themselves: the service refuses, the page says so
    at.selectbox(key="users-selected").set_value("admin").run()
    at.button(key="users-active-toggle").click().run()
    assert not at.exception
    assert "cannot deactivate your own account" in at.error[0].value


def test_an_invalid_user_is_refused_with_the_services_message(app_env: Path) -> None:
    at = open_app("admin", page=page("admin_users.py"))
    at.text_input(key="users-new-username").input("dana")
    at.text_input(key="users-new-email").input("x@city.example.gov")
    at.button(key="users-add-submit").click().run()
    assert not at.exception
    assert "is taken" in at.error[0].value


@pytest.mark.parametrize("user", ["dana", "tess", "cara", "iso"])
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_non_admins_do_not_get_admin_pages(app_env: Path, user: str, name: str) -> None:
    at = open_app(user)
    assert not at.exception
    # st.navigation registers the administration pages for admins only; AppTest refuses to
    # switch to a page the navigation did not register
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page(name))


@pytest.mark.parametrize("name", ["admin_users.py", "admin_reevaluate.py"])
def test_admin_pages_refuse_a_non_admin_run_directly(app_env: Path, name: str) -> None:
    """Even run outside the navigation, the page shows nothing to act on."""
    at = AppTest.from_file(page(name), default_timeout=60)
    signed_in(at, "tess")
    at.run()
    assert not at.exception
    assert "Only admins" in at.error[0].value
    assert not at.button
    assert not at.text_input
    assert not at.dataframe


def test_services_refuse_non_admins_whatever_the_page(app_env: Path) -> None:
    svc = demo_services(app_env)
    with pytest.raises(PermissionDenied):
        accounts.grant(svc, "dana", "dana", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        accounts.list_users(svc, "tess")
    svc.db.engine.dispose()


def test_standards_browser_filters_and_searches(app_env: Path) -> None:
    at = open_app("admin", page=page("admin_standards.py"))
    assert not at.exception
    assert "2026.11" in texts(at)
    everything = len(at.expander)
    at.selectbox(key="standards-domain").set_value("security").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert labels and all(label.startswith("SEC-") for label in labels)
    assert len(labels) < everything

    at.text_input(key="standards-search").input("incident").run()
    assert not at.exception
    assert [e.label.split(" ")[0] for e in at.expander] == ["SEC-4"]
    rows = table_rows(at)
    assert rows and all(r["Severity"] in ("BLOCKER", "MAJOR", "MINOR", "INFO") for r in rows)
    assert all(r["Waivable"] in ("Yes", "No (rests on law)") for r in rows)

    at.text_input(key="standards-search").input("").run()
    at.selectbox(key="standards-domain").set_value("general").run()
    assert "Not judged from the record: enforced by the review workflow" in texts(at)
    at.selectbox(key="standards-area").set_value("security").run()
    assert not at.exception
    assert at.json


def test_reevaluation_from_the_page_shows_an_impact_report(app_env: Path) -> None:
    at = open_app("admin", page=page("admin_reevaluate.py"))
    assert not at.exception
    assert "No re-evaluation has been run" in texts(at)
    at.button(key="reevaluate-run").click().run()
    assert not at.exception
    metric = {m.label: m.value for m in at.metric}
    assert int(metric["Records re-evaluated"]) > 0
    rows = table_rows(at)
    assert len(rows) == int(metric["Records re-evaluated"])
    assert {"Request", "Standards before", "Standards after", "New findings"} <= set(rows[0])
    assert all(str(r["Request"]).startswith("P-") for r in rows)
    assert "records re-evaluated" in texts(at)

    # the report stays on screen across reruns
    at.checkbox(key="reevaluate-only-changed").check().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == metric


def _department_count(directory: Path, department: str | None) -> int:
    db = Database.connect(f"sqlite:///{directory / 'review.db'}")
    with db.session() as session:
        query = select(func.count(Proposal.id))
        if department is not None:
            query = query.where(Proposal.department == department)
        count = int(session.scalar(query) or 0)
    db.engine.dispose()
    return count


@pytest.mark.parametrize("user", ["dana", "tess", "cara", "admin"])
def test_dashboard_renders_for_every_role(app_env: Path, user: str) -> None:
    at = open_app(user)
    assert not at.exception
    assert at.title[0].value == "Dashboard"
    assert at.dataframe  # the numbers, not only charts
    at.selectbox(key="dashboard-findings-domain").set_value("accessibility").run()
    assert not at.exception


def test_dashboard_shows_a_requester_only_their_department(app_env: Path) -> None:
    at = open_app("dana")
    assert not at.exception
    assert "Library" in at.info[0].value
    metric = {m.label: m.value for m in at.metric}
    assert int(metric["Requests"]) == _department_count(app_env, "Library")
    assert {r["Department"] for r in table_rows(at) if "Department" in r} <= {"Library"}

    police = open_app("pat")  # in review: open items of their own department only
    assert not police.exception
    assert "Police" in police.info[0].value
    assert {r["Department"] for r in table_rows(police) if "Department" in r} == {"Police"}

    everyone = open_app("cara")
    assert not everyone.exception
    city = {m.label: m.value for m in everyone.metric}
    assert int(city["Requests"]) == _department_count(app_env, None)
    assert int(city["Requests"]) > int(metric["Requests"])
    assert not everyone.info or "department" not in everyone.info[0].value
