"""Dashboard: how the review is performing (issue: performance metrics)."""

from __future__ import annotations

import streamlit as st

from review.ui import runtime

st.title("Dashboard")
st.caption("Placeholder until the metrics land.")
svc = runtime.services()
