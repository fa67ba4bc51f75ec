"""Every ``REVIEW_*`` environment variable, read in one place and documented in
docs/deploy.md. Read at call time (``settings()``), not at import, so a test or a command
that sets a variable sees it; a malformed value is refused naming the variable.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigurationError


class Settings(BaseSettings):
    """The deployment's settings. Field ``x`` is the environment variable ``REVIEW_X``."""

    model_config = SettingsConfigDict(env_prefix="REVIEW_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        Path("data"), description="Where the SQLite database, signing keys and demo accounts live."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite review.db in the data directory."
    )
    auto_migrate: bool = Field(
        False, description="Migrate the database on start instead of refusing an old schema."
    )
    demo: bool = Field(
        False, description="Seed demonstration accounts and requests into an empty database."
    )
    debug: bool = Field(False, description="Show tracebacks for internal errors (CLI).")
    host: str = Field("127.0.0.1", description="The address scripts/run serves the workspace on.")
    port: int = Field(8501, ge=1, le=65535, description="The port scripts/run serves it on.")
    autosave_seconds: float = Field(
        15,
        ge=2,
        le=600,
        description="How often the New request form saves a changed draft on its own.",
    )
    packet_template: Path | None = Field(
        None, description="A Word template (.docx) for approval packets instead of the built-in."
    )


def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"REVIEW_{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"bad setting: {problems}") from None
