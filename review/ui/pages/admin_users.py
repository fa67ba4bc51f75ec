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
from review.ui import downloads, runtime, words
from review.ui.components import DOMAIN_TITLE
from review.ui.policy_text import literal

FLASH = "admin-users-flash"
ROLE_TITLE = {
    Role.REQUESTER: words.N_("Requester (their department's requests)"),
    Role.REVIEWER: words.N_("Reviewer (one sign-off domain)"),
    Role.WAIVER_AUTHORITY: words.N_("Waiver authority (one finding domain, GEN-5)"),
    Role.APPROVER: words.N_("Approver"),
    Role.ADMIN: words.N_("Admin"),
}


def grant_text(role: str, domain: str) -> str:
    if not domain:
        return role.replace("_", " ")
    text = f"{role.replace('_', ' ')} ({DOMAIN_TITLE.get(domain, domain)})"
    if role == Role.WAIVER_AUTHORITY.value:
        return words.t("%(grant)s as %(title)s") % {"grant": text, "title": waiver_title(domain)}
    return text


def status_text(user: UserView) -> str:
    t = words.t
    parts = [t("Active") if user.active else t("Deactivated")]
    if user.paused_until is not None:
        parts.append(
            t("sign-in paused until %(time)s UTC") % {"time": f"{user.paused_until:%H:%M}"}
        )
    if user.identity_linked:
        parts.append(t("City sign-in"))
    elif user.identity_link_allowed:
        parts.append(t("City sign-in may link"))
    return "; ".join(parts)


def done(message: str) -> None:
    """Show ``message`` after the rerun that refreshes the lists."""
    st.session_state[FLASH] = message
    st.rerun()


lang = words.language()
svc = runtime.services()
actor = runtime.actor(svc)
st.title(lang("Users and roles"))
if actor is None or not actor.is_admin:
    st.error(lang("Only admins manage users and roles."))
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
st.subheader(lang("Accounts"))
st.caption(
    lang("%(accounts)s accounts; %(inactive)s deactivated.")
    % {"accounts": len(users), "inactive": sum(1 for u in users if not u.active)}
)
st.dataframe(
    [
        {
            lang("Username"): u.username,
            lang("Name"): u.display_name,
            lang("Email"): u.email,
            lang("Department"): u.department or "—",
            lang("Status"): status_text(u),
            lang("Roles"): "; ".join(grant_text(r, d) for r, d in u.grants) or lang("none"),
        }
        for u in users
    ],
    hide_index=True,
    key="users-table",
)

# --- add a user -----------------------------------------------------------------------------
with (
    st.expander(lang("Add a user"), key="users-add-expander"),
    st.form("users-add", clear_on_submit=True),
):
    new_username = st.text_input(
        lang("Username (letters, digits, '.' and '-')"), key="users-new-username"
    )
    new_name = st.text_input(lang("Full name"), key="users-new-name")
    new_email = st.text_input(lang("Email"), key="users-new-email")
    new_department = st.text_input(
        lang("Department (requesters see only their department's requests)"),
        key="users-new-department",
    )
    new_password = st.text_input(
        lang("Initial password (at least %(count)s characters)") % {"count": accounts.MIN_PASSWORD},
        type="password",
        key="users-new-password",
        autocomplete="new-password",
    )
    add = st.form_submit_button(lang("Add user"), key="users-add-submit")
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
        done(lang("Added %(user)s. Grant a role so they can work.") % {"user": created.username})

# --- manage one account ---------------------------------------------------------------------
st.subheader(lang("Manage an account"))
by_name: dict[str, UserView] = {u.username: u for u in users}
selected = st.selectbox(
    lang("Account"),
    list(by_name),
    format_func=lambda name: f"{name} — {by_name[name].display_name}",
    key="users-selected",
)
user = by_name.get(selected) if selected else None
if user is None:
    st.stop()
assert user is not None

held = ", ".join(grant_text(r, d) for r, d in user.grants) or lang("no roles")
status = status_text(user).lower().replace("city", "City")
st.markdown(
    lang("**%(name)s** (%(user)s), %(department)s; %(status)s; holds %(roles)s.")
    % {
        "name": literal(user.display_name),
        "user": literal(user.username),
        "department": literal(user.department) if user.department else lang("no department"),
        "status": status,
        "roles": held,
    }
)

grant_col, revoke_col = st.columns(2)
with grant_col:
    st.markdown(lang("**Grant a role**"))
    role = st.selectbox(
        lang("Role"),
        list(Role),
        format_func=lambda r: lang(ROLE_TITLE[Role(r)]),
        key="users-grant-role",
    )
    domain = ""
    if role is not None and role in (Role.REVIEWER, Role.WAIVER_AUTHORITY):
        domain = (
            st.selectbox(
                lang("Review domain") if role is Role.REVIEWER else lang("Finding domain"),
                list(valid_domains(role)),
                format_func=lambda d: DOMAIN_TITLE.get(d, d),
                key=f"users-grant-domain-{role.value}",
            )
            or ""
        )
        if role is Role.WAIVER_AUTHORITY and domain:
            st.caption(
                lang("GEN-5: waivers of %(domain)s findings are granted by the %(title)s.")
                % {"domain": DOMAIN_TITLE.get(domain, domain), "title": waiver_title(domain)}
            )
    if st.button(lang("Grant role"), key="users-grant-submit") and role is not None:
        try:
            accounts.grant(svc, actor.username, user.username, Role(role), domain)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            done(
                lang("Granted %(grant)s to %(user)s.")
                % {"grant": grant_text(role.value, domain), "user": user.username}
            )

with revoke_col:
    st.markdown(lang("**Revoke a role**"))
    if not user.grants:
        st.caption(lang("%(user)s holds no roles.") % {"user": user.username})
    else:
        revoked = st.selectbox(
            lang("Role held"),
            [f"{r}|{d}" for r, d in user.grants],
            format_func=lambda item: grant_text(*item.split("|", 1)),
            key="users-revoke-grant",
        )
        if st.button(lang("Revoke role"), key="users-revoke-submit") and revoked:
            r, d = revoked.split("|", 1)
            try:
                accounts.revoke(svc, actor.username, user.username, Role(r), d)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                done(
                    lang("Revoked %(grant)s from %(user)s.")
                    % {"grant": grant_text(r, d), "user": user.username}
                )

active_col, password_col = st.columns(2)
with active_col:
    st.markdown(lang("**Account status**"))
    st.caption(
        lang("A deactivated account cannot sign in and loses access at once; its history stays.")
    )
    if st.button(
        lang("Deactivate account") if user.active else lang("Activate account"),
        key="users-active-toggle",
    ):
        try:
            accounts.set_active(svc, actor.username, user.username, not user.active)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            done(
                (
                    lang("%(user)s is now deactivated.")
                    if user.active
                    else lang("%(user)s is now active.")
                )
                % {"user": user.username}
            )

with password_col, st.form("users-password", clear_on_submit=True):
    st.markdown(lang("**Reset the password**"))
    password = st.text_input(
        lang("New password (at least %(count)s characters)") % {"count": accounts.MIN_PASSWORD},
        type="password",
        key="users-password-new",
        autocomplete="new-password",
    )
    confirm = st.text_input(
        lang("Repeat the new password"),
        type="password",
        key="users-password-confirm",
        autocomplete="new-password",
    )
    reset = st.form_submit_button(lang("Reset password"), key="users-password-submit")
if reset:
    if password != confirm:
        st.error(lang("The two passwords differ; nothing was changed."))
    else:
        try:
            accounts.set_password(svc, actor.username, user.username, password)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            done(lang("Password of %(user)s reset.") % {"user": user.username})

# --- sign-in: pauses after failed attempts, and the identity provider's link ------------------
pause_col, link_col = st.columns(2)
with pause_col:
    st.markdown(lang("**Sign-in**"))
    if user.paused_until is None:
        st.caption(
            lang("%(user)s may sign in (no pause after failed attempts).") % {"user": user.username}
        )
    else:
        st.warning(
            lang(
                "Sign-in for %(user)s is paused until %(time)s UTC after repeated failed attempts."
            )
            % {"user": user.username, "time": f"{user.paused_until:%H:%M}"}
        )
        if st.button(lang("Unlock sign-in"), key="users-unlock-submit"):
            try:
                accounts.unlock(svc, actor.username, username=user.username)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                done(lang("Sign-in for %(user)s unlocked.") % {"user": user.username})
with link_col:
    st.markdown(lang("**City sign-in (identity provider)**"))
    if user.identity_linked:
        st.caption(lang("%(user)s signs in with their City account.") % {"user": user.username})
    elif user.identity_link_allowed:
        st.caption(
            lang("The next City sign-in with the username %(user)s will be linked to this account.")
            % {"user": user.username}
        )
    else:
        st.caption(
            lang(
                "A City sign-in with the same username is refused, so it cannot take this account "
                "over. Allow it once you know the City account is this person's."
            )
        )
        if st.button(lang("Allow the City sign-in to link"), key="users-link-submit"):
            try:
                accounts.allow_identity_link(svc, actor.username, user.username)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                done(
                    lang("The next City sign-in as %(user)s will be linked to this account.")
                    % {"user": user.username}
                )

try:
    addresses = accounts.paused_addresses(svc, actor.username)
except ReviewError as exc:
    st.error(str(exc))
    addresses = []
if addresses:
    st.subheader(lang("Paused client addresses"))
    st.caption(lang("Sign-in from these addresses is paused after many failed attempts."))
    for pause in addresses:
        left, right = st.columns([3, 1])
        left.write(
            lang("`%(address)s`: %(failures)s failures; until %(time)s UTC")
            % {"address": pause.key, "failures": pause.failures, "time": f"{pause.until:%H:%M}"}
        )
        if right.button(lang("Unlock"), key=f"users-unlock-address-{pause.key}"):
            accounts.unlock(svc, actor.username, address=pause.key)
            done(lang("Sign-in from %(address)s unlocked.") % {"address": pause.key})

st.subheader(lang("Audit log"))
st.caption(lang("Every audit event, oldest first, as a file (admins only)."))
downloads.offer(svc, actor, "audit", name="audit-log", what=lang("the audit log"))
