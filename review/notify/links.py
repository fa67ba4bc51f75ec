"""Links into the workspace, for emails, webhooks and calendar entries."""

from __future__ import annotations

from urllib.parse import quote

from ..settings import settings


def base_url() -> str:
    return settings().app_url.rstrip("/")


def system_link(system_id: int) -> str:
    """The Inventory page opened on one system."""
    return f"{base_url()}/inventory?system={quote(f'S-{system_id}')}"


def deadlines_link() -> str:
    return f"{base_url()}/deadlines"
