"""The review workspace: pages by role, business logic in review.services.

Run with ``streamlit run app.py`` (scripts/run does the set-up; with REVIEW_DEMO=1 it seeds
demonstration data). Streamlit finds the ``st.App`` below and serves it: its own routes plus
the two that set and clear the HttpOnly session cookie (review/ui/session_routes.py). Each
page run executes this same file as ``__main__``, which draws the workspace.
"""

from __future__ import annotations

import streamlit as st

if __name__ == "__main__":  # a page run
    from review.ui.workspace import main

    main()
else:  # imported by the server that `streamlit run app.py` starts
    from review.ui.session_routes import routes

    app = st.App(__file__, routes=routes())
