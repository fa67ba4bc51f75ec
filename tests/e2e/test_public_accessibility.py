"""axe-core (from npm, package.json) on every public page, in English and Spanish, at a
desktop width and at 390 px: zero WCAG 2.2 AA violations (GEN-10, ACC-1)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from review.services.context import Services
from review.store.database import Database
from tests.workflow.conftest import FAST_HASHER
from tests.workflow.register_support import ai, put_system, surveillance

from .conftest import Server
from .waiting import settle

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["register-approved", "register-surveillance", "register-ai", "verify"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def published(server: Server) -> Iterator[Server]:
    """Entries on every register (decided long enough ago to be published)."""
    db = Database.connect(f"sqlite:///{server.data_dir / 'review.db'}")
    services = Services(db, hasher=FAST_HASHER)
    long_ago = dt.date.today() - dt.timedelta(days=60)
    put_system(services, surveillance(), entered_on=long_ago)
    put_system(services, ai(publication={"purpose_es": "Responde preguntas"}), entered_on=long_ago)
    db.engine.dispose()
    yield server


def violations(page: Page) -> list[dict[str, object]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (scripts/setup does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        {"id": v["id"], "nodes": [(n["target"], n["html"][:120]) for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_public_page_has_no_axe_violations(
    page: Page, published: Server, lang: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    for path in PAGES:
        page.goto(f"/{path}?lang={lang}")
        expect(page.get_by_test_id("stApp")).to_be_visible()
        expect(page.locator("h1").first).to_be_visible()
        settle(page)
        found = violations(page)
        assert found == [], f"{path} ({lang}, {width}px): {json.dumps(found)}"
