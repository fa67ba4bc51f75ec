"""Placeholder."""

import streamlit as st

st.title("my_requests")
