"""End-to-end harness: the real app under ``streamlit run``, driven by Debian's Chromium.

The server gets a fresh data directory holding a migrated database seeded with the demo data
(through the service layer, with cheap password hashes, as tests/ui does), so it starts in a
few seconds and every test run begins from the same state. The server is always stopped, and
its output is printed when it fails to start.

No browser is ever downloaded: Playwright launches /usr/bin/chromium, and the tests are
skipped when it is not installed. Screenshots go to ``artifacts/e2e/`` (ignored by git).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, Page, expect, sync_playwright

from review.services import demo
from review.services.context import Services
from review.store.database import Database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "e2e-demo-password-1"
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
START_TIMEOUT_S = 120.0
TIMEOUT_MS = 30_000  # any single wait for the page
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server_services(directory: Path) -> Iterator[Services]:
    """The services over the server's database, acting as the server would: with its data
    directory, where the audit chain's key lives (created there on first use)."""
    db = Database.connect(f"sqlite:///{directory / 'review.db'}")
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("REVIEW_DATA_DIR", str(directory))
            yield Services(db, hasher=FAST)
    finally:
        db.engine.dispose()


def seed_database(directory: Path) -> None:
    """A migrated database with the demo users (password ``PASSWORD``) and requests."""
    with server_services(directory) as services:
        services.db.upgrade()
        demo.seed(services, password=PASSWORD)


def server_env(directory: Path, *, public_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REVIEW_DEMO", "REVIEW_DATABASE_URL"):
        env.pop(name, None)
    env.update(
        REVIEW_DATA_DIR=str(directory),
        REVIEW_AUTO_MIGRATE="1",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        PYTHONUNBUFFERED="1",
    )
    if public_url:
        env["REVIEW_PUBLIC_URL"] = public_url
    return env


def die_with_parent() -> None:
    """In the server's process: get SIGTERM when pytest dies, even when pytest is killed and
    cannot run the fixture's clean-up (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_until_healthy(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"streamlit exited with code {process.returncode} before it was healthy; "
                f"its output:\n{server.output()}"
            )
        if healthy(server.url):
            return
        time.sleep(0.25)
    pytest.fail(
        f"streamlit did not answer {server.url}/_stcore/health within {START_TIMEOUT_S:.0f} s; "
        f"its output:\n{server.output()}"
    )


def stop(process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    try:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
    finally:
        log.close()


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"end-to-end tests need Debian's Chromium at {CHROMIUM} (not installed)")
    return CHROMIUM


@contextmanager
def running_app(directory: Path, *, public_url: bool = False) -> Iterator[Server]:
    """``streamlit run app.py`` on a free port over ``directory``, stopped on exit; with
    ``public_url`` the app's links (digests, feeds) name the server's own address."""
    port = free_port()
    found = Server(f"http://127.0.0.1:{port}", directory, directory / "streamlit.log")
    log = found.log.open("wb")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=server_env(directory, public_url=found.url if public_url else None),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent if sys.platform == "linux" else None,
    )
    try:
        wait_until_healthy(process, found)
        yield found
    finally:
        stop(process, log)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app over a freshly seeded data directory."""
    directory = tmp_path_factory.mktemp("e2e-data")
    seed_database(directory)
    with running_app(directory) as found:
        yield found


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in {*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("FAILED-*")}:
        old.unlink(missing_ok=True)
    return ARTIFACTS


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, server: Server, artifacts: Path
) -> Iterator[Page]:
    """A fresh browser context on the app; on failure, a screenshot, the page's HTML and the
    server's output are kept in artifacts/e2e/."""
    context = browser.new_context(
        base_url=server.url, accept_downloads=True, viewport={"width": 1400, "height": 1000}
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)  # assertions wait as long as actions
    opened = context.new_page()
    try:
        yield opened
        call = request.node.stash.get(REPORTS, {}).get("call")
        if call is not None and call.failed:
            name = f"FAILED-{safe_name(request.node.name)}"
            opened.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
            (artifacts / f"{name}.html").write_text(opened.content())
            (artifacts / f"{name}-server.log").write_text(server.output())
    finally:
        context.close()
