"""Links into the workspace, for emails, webhooks and calendar entries."""

from __future__ import annotations

from urllib.parse import quote

from ..settings import Settings, settings


def base_of(config: Settings) -> str:
    """The workspace's public address (REVIEW_PUBLIC_URL), else where scripts/run serves it."""
    return (config.public_url or f"http://{config.host}:{config.port}").rstrip("/")


def base_url() -> str:
    return base_of(settings())


def system_link(system_id: int, base: str | None = None) -> str:
    """The Inventory page opened on one system (``base``: the app's address, when the
    caller read the settings once for many links)."""
    return f"{base or base_url()}/inventory?system={quote(f'S-{system_id}')}"


def deadlines_link(base: str | None = None) -> str:
    return f"{base or base_url()}/deadlines"
