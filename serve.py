"""The workspace and its calendar feed route on one server (Streamlit's st.App, 1.67+).

``streamlit run serve.py`` serves app.py exactly as ``streamlit run app.py`` does, plus
``/feed/<token>.ics`` (review/ui/feed_route.py). docs/lifecycle.md explains the feed.
"""

import streamlit as st

from review.ui.feed_route import routes

app = st.App("app.py", routes=routes())
