"""The server's cookie routes, over HTTP as a browser meets them: the claim sets an HttpOnly,
SameSite=Strict cookie (Secure over HTTPS or behind a TLS proxy), once; sign-out deletes it
and ends the session the cookie names."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from review.services import sessions
from review.ui import session_routes

from .test_admin_pages import demo_services


class Client:
    """A browser's requests to the routes, through the ASGI app itself."""

    def __init__(self, base_url: str = "http://review") -> None:
        self.base_url = base_url

    def get(
        self, url: str, *, headers: dict[str, str] | None = None, token: str | None = None
    ) -> httpx.Response:
        async def run() -> httpx.Response:
            transport = httpx.ASGITransport(app=Starlette(routes=session_routes.routes()))
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url) as client:
                if token is not None:
                    headers_ = {**(headers or {}), "Cookie": f"review_session={token}"}
                    return await client.get(url, headers=headers_)
                return await client.get(url, headers=headers)

        return asyncio.run(run())


@pytest.fixture
def client(app_env: Path) -> Client:
    session_routes._services.cache_clear()  # the routes' services follow REVIEW_DATA_DIR
    return Client()


def claim_code(app_env: Path, user: str = "dana") -> tuple[str, int]:
    svc = demo_services(app_env)
    started = sessions.start(svc, user)
    svc.db.engine.dispose()
    return started.claim, started.session_id


def test_the_claim_sets_an_http_only_strict_cookie_once(client: Client, app_env: Path) -> None:
    code, session_id = claim_code(app_env)
    response = client.get(f"/review-session/claim?c={code}")
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("review_session=")
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    assert "secure" not in attributes  # plain HTTP: a Secure cookie would never come back
    (max_age,) = [int(p.split("=")[1]) for p in attributes if p.startswith("max-age=")]
    assert 12 * 3600 - 60 < max_age <= 12 * 3600  # until the session's absolute end
    assert response.headers["cache-control"] == "no-store"
    token = cookie.split(";")[0].split("=", 1)[1]
    svc = demo_services(app_env)
    assert sessions.resume_cookie(svc, token).session_id == session_id
    svc.db.engine.dispose()
    again = client.get(f"/review-session/claim?c={code}")
    assert again.status_code == 404 and "set-cookie" not in again.headers


def test_behind_tls_the_cookie_is_secure(client: Client, app_env: Path) -> None:
    code, _ = claim_code(app_env)
    proxied = client.get(f"/review-session/claim?c={code}", headers={"X-Forwarded-Proto": "https"})
    assert "secure" in {p.strip().lower() for p in proxied.headers["set-cookie"].split(";")}
    code, _ = claim_code(app_env)
    response = Client("https://review").get(f"/review-session/claim?c={code}")
    assert "secure" in {p.strip().lower() for p in response.headers["set-cookie"].split(";")}


def test_an_unknown_code_sets_nothing(client: Client) -> None:
    for url in (
        "/review-session/claim?c=made-up",
        "/review-session/claim",
        "/review-session/claim?c=" + "x" * 500,
    ):
        response = client.get(url)
        assert response.status_code == 404 and "set-cookie" not in response.headers


def test_sign_out_deletes_the_cookie_and_ends_its_session(client: Client, app_env: Path) -> None:
    code, session_id = claim_code(app_env)
    token = client.get(f"/review-session/claim?c={code}").cookies["review_session"]
    response = client.get("/review-session/end", token=token)
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith('review_session=""') and "max-age=0" in cookie
    assert "httponly" in cookie and "samesite=strict" in cookie
    svc = demo_services(app_env)
    assert sessions.resume(svc, session_id).actor is None
    svc.db.engine.dispose()
