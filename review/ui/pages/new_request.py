"""Placeholder."""

import streamlit as st

st.title("new_request")
