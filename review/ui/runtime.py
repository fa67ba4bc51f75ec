"""What every page needs: the shared services, the signed-in actor, and session handling.

The services are one per server process (``st.cache_resource``). The actor comes from the
server-side session (``review.services.sessions``), found through this page's state or, after
a reload, through the HttpOnly cookie the server set (``review.ui.session_routes``), and is
checked against the database on every run, so a sign-out, a revoked role or a deactivated
account takes effect at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from .. import logs
from ..errors import ReviewError, SignInPaused
from ..services import accounts, demo, identity, sessions
from ..services.context import Actor, Services
from ..services.startup import open_services
from ..settings import settings
from . import session_routes, words

SESSION_USER = "signed_in_user"


@st.cache_resource(show_spinner="Starting the review service…")
def services() -> Services:
    """Connect, migrate when allowed, and seed demonstration data only when asked for
    (REVIEW_DEMO=1); a production start on an empty database says how to make the first admin."""
    svc = open_services(migrate=settings().auto_migrate)
    for line in demo.prepare(svc, demo=settings().demo):
        sys.stderr.write(line + "\n")
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
        subject=f"{user.get('iss') or ''}|{user.get('sub') or ''}",
        username=username,
        display_name=str(user.get("name") or username),
        email=str(user.get("email") or ""),
        email_verified=user.get("email_verified") is True,
        grants=grants,
    )


def actor(svc: Services) -> Actor | None:
    """The signed-in user with their current roles, or None.

    A local sign-in is a row in the session table, checked on every run: revoked, idle too
    long or past its lifetime, it signs the page out, whatever the browser still holds."""
    oidc = oidc_settings()
    if oidc is not None and st.session_state.get(SESSION_ID) is None:
        try:
            found = _oidc_actor(svc, oidc)
        except ReviewError as exc:
            logs.refusal(exc, "sign-in with the identity provider")
            st.error(str(exc))
            return None
        if found is not None:
            return found
    session_id = st.session_state.get(SESSION_ID)
    if session_id is not None:
        resumed = sessions.resume(svc, int(session_id))
    else:
        token = _cookie()
        # the browser sends the cookie it connected with until the next reload: a token
        # already refused (signed out, expired) is not looked up on every run
        if not token or token == st.session_state.get(_REFUSED_TOKEN):
            return None
        resumed = sessions.resume_cookie(svc, token)
        if resumed.actor is None:
            st.session_state[_REFUSED_TOKEN] = token
            st.session_state[_PENDING_FRAME] = session_routes.end_url()  # drop the dead cookie
    if resumed.actor is None:
        _forget()
        if resumed.ended:
            st.session_state[ENDED] = resumed.ended
        return None
    st.session_state[SESSION_ID] = resumed.session_id
    st.session_state[SESSION_USER] = resumed.actor.username
    return resumed.actor


def require_actor(svc: Services) -> Actor:
    """The signed-in actor; pages are only offered to signed-in users, so stop otherwise."""
    found = actor(svc)
    if found is None:
        st.warning(words.t("Please sign in."))
        st.stop()
        raise RuntimeError("unreachable: st.stop() ends the run")
    return found


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(sessions.COOKIE)
    except Exception:  # pragma: no cover - outside a Streamlit session
        return None
    return str(value) if value else None


def client_address() -> str:
    """The client's address for sign-in limits: the proxy's header when one is configured
    (its last entry, the one the proxy itself added), else the connection's address."""
    header = settings().client_address_header
    try:
        forwarded = st.context.headers.get(header) if header else None
        address = st.context.ip_address
    except Exception:  # pragma: no cover - outside a Streamlit session
        return "local"
    if isinstance(forwarded, str) and forwarded.strip():
        return forwarded.split(",")[-1].strip()[:64] or "unknown"
    return address[:64] if isinstance(address, str) and address else "local"


def sign_in(svc: Services, username: str, password: str) -> Actor | None:
    """Check the password (raises SignInPaused with the message to show), then start a
    server-side session; the page's next run hands the browser its cookie."""
    try:
        found = accounts.authenticate(svc, username.strip(), password, address=client_address())
    except SignInPaused as paused:
        logs.refusal(paused, "sign-in with a local account")
        raise
    if found is None:
        logs.sign_in_failed("local account")
        return None
    started = sessions.start(svc, found.username, address=client_address())
    st.session_state[SESSION_ID] = started.session_id
    st.session_state[SESSION_USER] = found.username
    st.session_state[_PENDING_FRAME] = session_routes.claim_url(started.claim)
    st.session_state.pop(ENDED, None)
    return found


def _forget() -> None:
    st.session_state.pop(SESSION_ID, None)
    st.session_state.pop(SESSION_USER, None)


def sign_out(svc: Services) -> None:
    """End the session on the server (the cookie no longer works anywhere) and have the
    browser drop the cookie."""
    session_id = st.session_state.get(SESSION_ID)
    _forget()
    if session_id is not None:
        sessions.end(svc, int(session_id))
    token = _cookie()
    if token:
        st.session_state[_REFUSED_TOKEN] = token
    st.session_state[_PENDING_FRAME] = session_routes.end_url()
    if oidc_settings() is not None and st.user.get("is_logged_in"):
        st.logout()


def session_frame() -> None:
    """Load the pending cookie route once, in a one-pixel frame: the server's response sets
    (after sign-in) or deletes (after sign-out) the HttpOnly cookie. Rendered on the run after
    the click, since a rerun right after it would drop the frame before it loaded."""
    url = st.session_state.pop(_PENDING_FRAME, None)
    if url:
        st.iframe(url, height=1)  # a same-origin path we built; no user input reaches it


SESSION_ID = "signed_in_session"
ENDED = "session_ended_message"  # why the last session ended, for the sign-in page
_PENDING_FRAME = "pending_session_frame"
_REFUSED_TOKEN = "refused_session_token"


PAGES = Path(__file__).resolve().parent / "pages"
