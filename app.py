"""The review workspace: pages by role, business logic in review.services.

Run with ``streamlit run app.py`` (scripts/run does the set-up; with REVIEW_DEMO=1 it seeds
demonstration data). Streamlit finds the ``st.App`` below and serves it: its own routes plus
the two that set and clear the HttpOnly session cookie (review/ui/session_routes.py) and the
calendar feed (review/ui/feed_route.py). Each
page run executes this same file as ``__main__``, which draws the workspace.
"""

from __future__ import annotations

import streamlit as st

if __name__ == "__main__":  # a page run
    from review.ui.workspace import main

    main()
else:  # imported by the server that `streamlit run app.py` starts
    from review.ui import feed_route
    from review.ui.session_routes import routes

    # plus the calendar feed, /feed/<token>.ics (docs/lifecycle.md)
    app = st.App(__file__, routes=[*routes(), *feed_route.routes()])
