"""Sign in with a local account (the embedded default)."""

from __future__ import annotations

import streamlit as st

from review.errors import SignInPaused
from review.services import accounts
from review.ui import runtime, words

lang = words.language()
st.title(lang("Technology procurement review"))
st.write(
    lang(
        "Departments bring technology requests here for review against the City's standards; "
        "reviewers, approvers and administrators sign in to do their part."
    )
)
svc = runtime.services()
ended = st.session_state.pop(runtime.ENDED, None)
if ended:
    st.info(ended)
hint = accounts.first_admin_hint(svc)
if hint:
    st.warning(lang("No accounts exist yet."))
    st.code(hint, language=None)
if runtime.oidc_settings() is not None:
    st.button(
        lang("Sign in with your City account"),
        key="sign-in-oidc",
        on_click=st.login,
        type="primary",
    )
    st.caption(lang("Or, with a local account:"))
with st.form("sign-in", clear_on_submit=False):
    username = st.text_input(lang("Username"), key="sign-in-username", autocomplete="username")
    password = st.text_input(
        lang("Password"), type="password", key="sign-in-password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(lang("Sign in"))
if submitted:
    try:
        found = runtime.sign_in(svc, username, password)
    except SignInPaused as paused:
        st.error(str(paused), icon=":material/hourglass_top:")
    else:
        if found is None:
            st.error(lang("That username and password do not match an active account."))
        else:
            st.rerun()
