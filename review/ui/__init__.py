"""The Streamlit user interface. Pages gather input and render; every decision and every
check lives in the service layer (review.services)."""
