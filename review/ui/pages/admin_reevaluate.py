"""Placeholder."""

import streamlit as st

st.title("admin_reevaluate")
