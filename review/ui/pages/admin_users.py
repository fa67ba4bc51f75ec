"""Users and roles (admins): accounts, role grants (GEN-4, GEN-5), activation, passwords,
sign-in pauses after failed attempts, and linking an account to the identity provider.

Every change goes through review.services.accounts, which checks that the actor is an admin
and writes the audit event; this page only gathers input and shows the result.
"""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import accounts
from review.services.accounts import UserView
from review.services.roles import Role, valid_domains, waiver_title
from review.ui import downloads, runtime
from review.ui.components import DOMAIN_TITLE
from review.ui.policy_text import literal

FLASH = "admin-users-flash"
ROLE_TITLE = {
    Role.REQUESTER: "Requester (their department's requests)",
    Role.REVIEWER: "Reviewer (one sign-off domain)",
    Role.WAIVER_AUTHORITY: "Waiver authority (one finding domain, GEN-5)",
    Role.APPROVER: "Approver",
    Role.ADMIN: "Admin",
}


def grant_text(role: str, domain: str) -> str:
    if not domain:
        return role.replace("_", " ")
    text = f"{role.replace('_', ' ')} ({DOMAIN_TITLE.get(domain, domain)})"
    if role == Role.WAIVER_AUTHORITY.value:
        text += f" as {waiver_title(domain)}"
    return text


def status_text(user: UserView) -> str:
    text = "Active" if user.active else "Deactivated"
    if user.paused_until is not None:
        text += f"; sign-in paused until {user.paused_until:%H:%M} UTC"
    if user.identity_linked:
        text += "; City sign-in"
    elif user.identity_link_allowed:
        text += "; City sign-in may link"
    return text


def done(message: str) -> None:
    """Show ``message`` after the rerun that refreshes the lists."""
    st.session_state[FLASH] = message
    st.rerun()


svc = runtime.services()
actor = runtime.actor(svc)
st.title("Users and roles")
if actor is None or not actor.is_admin:
    st.error("Only admins manage users and roles.")
    st.stop()
assert actor is not None

flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

try:
    users = accounts.list_users(svc, actor.username)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

# --- every account --------------------------------------------------------------------------
st.subheader("Accounts")
st.caption(f"{len(users)} accounts; {sum(1 for u in users if not u.active)} deactivated.")
st.dataframe(
    [
        {
            "Username": u.username,
            "Name": u.display_name,
            "Email": u.email,
            "Department": u.department or "—",
            "Status": status_text(u),
            "Roles": "; ".join(grant_text(r, d) for r, d in u.grants) or "none",
        }
        for u in users
    ],
    hide_index=True,
    key="users-table",
)

# --- add a user -----------------------------------------------------------------------------
with (
    st.expander("Add a user", key="users-add-expander"),
    st.form("users-add", clear_on_submit=True),
):
    new_username = st.text_input(
        "Username (letters, digits, '.' and '-')", key="users-new-username"
    )
    new_name = st.text_input("Full name", key="users-new-name")
    new_email = st.text_input("Email", key="users-new-email")
    new_department = st.text_input(
        "Department (requesters see only their department's requests)",
        key="users-new-department",
    )
    new_password = st.text_input(
        f"Initial password (at least {accounts.MIN_PASSWORD} characters)",
        type="password",
        key="users-new-password",
        autocomplete="new-password",
    )
    add = st.form_submit_button("Add user", key="users-add-submit")
if add:
    try:
        created = accounts.create_user(
            svc,
            actor.username,
            username=new_username.strip(),
            display_name=new_name.strip() or new_username.strip(),
            email=new_email.strip(),
            department=new_department.strip() or None,
            password=new_password or None,
        )
    except ReviewError as exc:
        st.error(str(exc))
    else:
        done(f"Added {created.username}. Grant a role so they can work.")

# --- manage one account ---------------------------------------------------------------------
st.subheader("Manage an account")
by_name: dict[str, UserView] = {u.username: u for u in users}
selected = st.selectbox(
    "Account",
    list(by_name),
    format_func=lambda name: f"{name} — {by_name[name].display_name}",
    key="users-selected",
)
user = by_name.get(selected) if selected else None
if user is None:
    st.stop()
assert user is not None

held = ", ".join(grant_text(r, d) for r, d in user.grants) or "no roles"
status = status_text(user).lower().replace("city", "City")
st.markdown(
    f"**{literal(user.display_name)}** ({literal(user.username)}), "
    f"{literal(user.department or 'no department')}; "
    f"{status}; holds {held}."
)

grant_col, revoke_col = st.columns(2)
with grant_col:
    st.markdown("**Grant a role**")
    role = st.selectbox(
        "Role",
        list(Role),
        format_func=lambda r: ROLE_TITLE[Role(r)],
        key="users-grant-role",
    )
    domain = ""
    if role is not None and role in (Role.REVIEWER, Role.WAIVER_AUTHORITY):
        domain = (
            st.selectbox(
                "Review domain" if role is Role.REVIEWER else "Finding domain",
                list(valid_domains(role)),
                format_func=lambda d: DOMAIN_TITLE.get(d, d),
                key=f"users-grant-domain-{role.value}",
            )
            or ""
        )
        if role is Role.WAIVER_AUTHORITY and domain:
            st.caption(
                f"GEN-5: waivers of {DOMAIN_TITLE.get(domain, domain)} findings are granted by "
                f"the {waiver_title(domain)}."
            )
    if st.button("Grant role", key="users-grant-submit") and role is not None:
        try:
            accounts.grant(svc, actor.username, user.username, Role(role), domain)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            done(f"Granted {grant_text(role.value, domain)} to {user.username}.")

with revoke_col:
    st.markdown("**Revoke a role**")
    if not user.grants:
        st.caption(f"{user.username} holds no roles.")
    else:
        revoked = st.selectbox(
            "Role held",
            [f"{r}|{d}" for r, d in user.grants],
            format_func=lambda item: grant_text(*item.split("|", 1)),
            key="users-revoke-grant",
        )
        if st.button("Revoke role", key="users-revoke-submit") and revoked:
            r, d = revoked.split("|", 1)
            try:
                accounts.revoke(svc, actor.username, user.username, Role(r), d)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                done(f"Revoked {grant_text(r, d)} from {user.username}.")

active_col, password_col = st.columns(2)
with active_col:
    st.markdown("**Account status**")
    st.caption("A deactivated account cannot sign in and loses access at once; its history stays.")
    if st.button(
        "Deactivate account" if user.active else "Activate account",
        key="users-active-toggle",
    ):
        try:
            accounts.set_active(svc, actor.username, user.username, not user.active)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            done(f"{user.username} is now {'deactivated' if user.active else 'active'}.")

with password_col, st.form("users-password", clear_on_submit=True):
    st.markdown("**Reset the password**")
    password = st.text_input(
        f"New password (at least {accounts.MIN_PASSWORD} characters)",
        type="password",
        key="users-password-new",
        autocomplete="new-password",
    )
    confirm = st.text_input(
        "Repeat the new password",
        type="password",
        key="users-password-confirm",
        autocomplete="new-password",
    )
    reset = st.form_submit_button("Reset password", key="users-password-submit")
if reset:
    if password != confirm:
        st.error("The two passwords differ; nothing was changed.")
    else:
        try:
            accounts.set_password(svc, actor.username, user.username, password)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            done(f"Password of {user.username} reset.")

# --- sign-in: pauses after failed attempts, and the identity provider's link ------------------
pause_col, link_col = st.columns(2)
with pause_col:
    st.markdown("**Sign-in**")
    if user.paused_until is None:
        st.caption(f"{user.username} may sign in (no pause after failed attempts).")
    else:
        st.warning(
            f"Sign-in for {user.username} is paused until {user.paused_until:%H:%M} UTC after "
            "repeated failed attempts."
        )
        if st.button("Unlock sign-in", key="users-unlock-submit"):
            try:
                accounts.unlock(svc, actor.username, username=user.username)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                done(f"Sign-in for {user.username} unlocked.")
with link_col:
    st.markdown("**City sign-in (identity provider)**")
    if user.identity_linked:
        st.caption(f"{user.username} signs in with their City account.")
    elif user.identity_link_allowed:
        st.caption(
            f"The next City sign-in with the username {user.username} will be linked to this "
            "account."
        )
    else:
        st.caption(
            "A City sign-in with the same username is refused, so it cannot take this account "
            "over. Allow it once you know the City account is this person's."
        )
        if st.button("Allow the City sign-in to link", key="users-link-submit"):
            try:
                accounts.allow_identity_link(svc, actor.username, user.username)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                done(f"The next City sign-in as {user.username} will be linked to this account.")

try:
    addresses = accounts.paused_addresses(svc, actor.username)
except ReviewError as exc:
    st.error(str(exc))
    addresses = []
if addresses:
    st.subheader("Paused client addresses")
    st.caption("Sign-in from these addresses is paused after many failed attempts.")
    for pause in addresses:
        left, right = st.columns([3, 1])
        left.write(f"`{pause.key}`: {pause.failures} failures; until {pause.until:%H:%M} UTC")
        if right.button("Unlock", key=f"users-unlock-address-{pause.key}"):
            accounts.unlock(svc, actor.username, address=pause.key)
            done(f"Sign-in from {pause.key} unlocked.")

st.subheader("Audit log")
st.caption("Every audit event, oldest first, as a file (admins only).")
downloads.offer(svc, actor, "audit", name="audit-log", what="the audit log")
