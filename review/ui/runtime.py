"""What every page needs: the shared services, the signed-in actor, and session handling.

The services are one per server process (``st.cache_resource``). The actor is read from the
session, or from the signed session cookie after a page reload, and re-read from the
database on every run so a revoked role or a deactivated account takes effect at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from .. import logs
from ..errors import NotFound, PermissionDenied, ReviewError
from ..services import accounts, demo, identity, sessions
from ..services.context import Actor, Services
from ..services.startup import open_services
from ..settings import settings

SESSION_USER = "signed_in_user"


@st.cache_resource(show_spinner="Starting the review service…")
def services() -> Services:
    """Connect, migrate when allowed, and seed demonstration data on an empty demo database."""
    svc = open_services(migrate=settings().auto_migrate)
    if settings().demo:
        demo.seed_once(svc)
    return svc


def oidc_settings() -> dict[str, Any] | None:
    """The identity-provider settings, when the deployment configured ``[auth]`` and the
    group-to-role mapping ``[review.group_roles]`` in ``.streamlit/secrets.toml``."""
    try:
        if "auth" not in st.secrets:
            return None
        review = st.secrets.get("review", {})
        return {
            "group_roles": dict(review.get("group_roles", {})),
            "groups_claim": review.get("groups_claim", "groups"),
        }
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return None


def _oidc_actor(svc: Services, settings: dict[str, Any]) -> Actor | None:
    user = st.user
    if not user.get("is_logged_in"):
        return None
    username = str(user.get("preferred_username") or user.get("email") or user.get("sub"))
    claim: Any = user.get(settings["groups_claim"]) or []
    groups = [str(g) for g in claim] if isinstance(claim, list) else [str(claim)]
    grants = identity.grants_for(groups, settings["group_roles"])
    return identity.sync_user(
        svc,
        username=username,
        display_name=str(user.get("name") or username),
        email=str(user.get("email") or username),
        grants=grants,
    )


def actor(svc: Services) -> Actor | None:
    """The signed-in user with their current roles, or None."""
    settings = oidc_settings()
    if settings is not None and st.session_state.get(SESSION_USER) is None:
        try:
            found = _oidc_actor(svc, settings)
        except ReviewError as exc:
            logs.refusal(exc, "sign-in with the identity provider")
            st.error(str(exc))
            return None
        if found is not None:
            return found
    username = st.session_state.get(SESSION_USER)
    if username is None:
        token = st.context.cookies.get(sessions.COOKIE) if _has_context() else None
        # the browser keeps sending the cookie it loaded the page with until the next
        # reload, so a token signed out in this session must not sign it in again
        if token and token != st.session_state.get(_SIGNED_OUT):
            username = sessions.verify(token, svc.now())
            if username:
                st.session_state[SESSION_USER] = username
    if username is None:
        return None
    try:
        return accounts.get_actor(svc, username)
    except (NotFound, PermissionDenied):
        sign_out()
        return None


def require_actor(svc: Services) -> Actor:
    """The signed-in actor; pages are only offered to signed-in users, so stop otherwise."""
    found = actor(svc)
    if found is None:
        st.warning("Please sign in.")
        st.stop()
        raise RuntimeError("unreachable: st.stop() ends the run")
    return found


def _has_context() -> bool:
    try:
        return st.context.cookies is not None
    except Exception:  # pragma: no cover - outside a Streamlit session
        return False


def sign_in(svc: Services, username: str, password: str) -> Actor | None:
    found = accounts.authenticate(svc, username.strip(), password)
    if found is None:
        logs.sign_in_failed("local account")
        return None
    st.session_state[SESSION_USER] = found.username
    st.session_state[_PENDING_COOKIE] = (
        sessions.issue(found.username, svc.now()),
        int(sessions.LIFETIME.total_seconds()),
    )
    return found


_SIGNED_OUT = "signed_out_token"


def sign_out() -> None:
    st.session_state.pop(SESSION_USER, None)
    st.session_state[_PENDING_COOKIE] = ("", 0)
    if _has_context():
        st.session_state[_SIGNED_OUT] = st.context.cookies.get(sessions.COOKIE)
    if oidc_settings() is not None and st.user.get("is_logged_in"):
        st.logout()


_PENDING_COOKIE = "pending_session_cookie"


def flush_cookie() -> None:
    """Streamlit reads cookies but cannot set them; a tiny same-origin script does, on the
    first run after sign-in or sign-out (a rerun right after the click would drop it)."""
    pending = st.session_state.pop(_PENDING_COOKIE, None)
    if pending is None:
        return
    value, max_age = pending
    script = (
        "<script>window.parent.document.cookie = "
        f"'{sessions.COOKIE}={value}; path=/; max-age={max_age}; SameSite=Strict';</script>"
    )
    st.iframe(script, height=1)  # our own constant markup: no user input reaches it


PAGES = Path(__file__).resolve().parent / "pages"
