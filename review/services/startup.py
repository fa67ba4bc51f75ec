"""How an entry point gets its services: the configured database, refused (or migrated, when
allowed) unless it is at the current revision. The workspace opens the database only through
here, so the UI never imports the store (an import-linter contract)."""

from __future__ import annotations

from ..store.database import Database
from .context import Services


def open_services(*, migrate: bool) -> Services:
    db = Database.connect()
    db.require_migrated(migrate=migrate)
    return Services(db)
