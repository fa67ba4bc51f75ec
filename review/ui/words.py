"""The workspace's words: what a person reads goes through the gettext catalogs
(review/i18n.py, review/locale/) as the public pages' words do, so the staff pages can be
translated by adding a catalog's entries, not by editing pages.

A page calls ``lang = words.language()`` and writes ``lang("Save draft")``; a module-level
table marks its strings with ``N_("...")`` and translates them where they are shown; a helper
with no ``lang`` at hand calls ``t("...")``. The catalogs are extracted with
``-k lang -k N_ -k t`` (docs/publication.md). The language is ``?lang=`` when it names a
catalog, else English; the staff pages show no switch of their own yet (the public pages and
the Publication delays page do).
"""

from __future__ import annotations

from functools import cache

import streamlit as st

from review.core.publication import N_ as N_
from review.i18n import Language, available


@cache
def _language(code: str) -> Language:
    return Language(code)


@cache
def _codes() -> frozenset[str]:
    return frozenset(available())


def language() -> Language:
    """The reader's language (one object per language for the process: a page asks often)."""
    asked = st.query_params.get("lang", "en")
    return _language(asked if asked in _codes() else "en")


def t(message: str) -> str:
    """``message`` in the reader's language."""
    return language()(message)
