"""The server's own HTTP routes beside Streamlit's: they set and clear the session cookie.

A Streamlit page talks to the server over a WebSocket, which cannot set cookies, and a cookie
written by page script cannot be ``HttpOnly``. So after a sign-in the page loads
``/review-session/claim?c=CODE`` in a one-pixel frame: the server exchanges the single-use
code for the session's token and answers with ``Set-Cookie: review_session=TOKEN; HttpOnly;
SameSite=Strict; Path=/`` (and ``Secure`` over HTTPS). ``/review-session/end`` answers with
the cookie's deletion after a sign-out, and ends the session the cookie names.

``app.py`` serves these through ``st.App(routes=...)`` (Streamlit's ASGI app, run by
``streamlit run app.py``).
"""

from __future__ import annotations

from functools import cache

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route
from streamlit import config

from ..services import sessions
from ..services.context import Services
from ..services.startup import open_services
from ..settings import settings

CLAIM = "/review-session/claim"
END = "/review-session/end"
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def base_path() -> str:
    """The app's URL prefix (``server.baseUrlPath``), "" at the root."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def claim_url(code: str) -> str:
    return f"{base_path()}{CLAIM}?c={code}"


def end_url() -> str:
    return f"{base_path()}{END}"


@cache
def _services() -> Services:
    """The routes' own connection to the database (the pages hold theirs in runtime)."""
    return open_services(migrate=False)  # the workspace's start migrates, when allowed


def _secure(request: Request) -> bool:
    forced = settings().cookie_secure
    if forced is not None:
        return forced
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or proto == "https"


def _page(text: str, status: int = 200) -> HTMLResponse:
    body = f"<!doctype html><meta charset=utf-8><title>{text}</title>"
    return HTMLResponse(body, status_code=status, headers=_NO_STORE)


async def claim(request: Request) -> HTMLResponse:
    code = request.query_params.get("c", "")
    found = None
    if 0 < len(code) <= 128:
        found = await run_in_threadpool(sessions.claim, _services(), code)
    if found is None:
        return _page("Unknown or expired sign-in", 404)
    response = _page("Signed in")
    response.set_cookie(
        sessions.COOKIE,
        found.token,
        max_age=found.max_age,
        path=base_path() or "/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


async def end(request: Request) -> HTMLResponse:
    token = request.cookies.get(sessions.COOKIE)
    if token and len(token) <= 128:
        await run_in_threadpool(sessions.end_cookie, _services(), token)
    response = _page("Signed out")
    response.delete_cookie(
        sessions.COOKIE,
        path=base_path() or "/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


def routes() -> list[BaseRoute]:
    base = base_path()
    return [Route(base + CLAIM, claim, methods=["GET"]), Route(base + END, end, methods=["GET"])]
