"""Every ``REVIEW_*`` environment variable, read in one place and documented in
docs/deploy.md. Read at call time (``settings()``), not at import, so a test or a command
that sets a variable sees it; a malformed value is refused naming the variable.

Two variables are read by the command line's options rather than here, because they are
defaults of an option a person may also type: ``REVIEW_USER`` (``--as``) and
``REVIEW_PASSWORD`` (``--password``); ``CLI_VARIABLES`` names them for the documentation
test. ``python -m review.settings NAME...`` prints settings for shell scripts (scripts/run).
"""

import os
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from .errors import ConfigurationError

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

# read by typer options of the command line (review/cli/common.py), not by Settings
CLI_VARIABLES = {
    "REVIEW_USER": "Default of --as: the user a command acts as.",
    "REVIEW_PASSWORD": "Default of --password for `review users add` and `users password`.",
}


class Settings(BaseModel):
    """The deployment's settings. Field ``x`` is the environment variable ``REVIEW_X`` (any
    case). A plain model read from ``os.environ`` by :func:`settings`: pydantic-settings cost
    every command about 45 ms to import and build, for nothing these types need."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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
    cache_dir: Path | None = Field(
        None,
        description="Where the compiled rule book is cached (default ~/.cache/city-tech-review).",
    )
    autosave_seconds: float = Field(
        15,
        ge=2,
        le=600,
        description="How often the New request form saves a changed draft on its own.",
    )
    packet_template: Path | None = Field(
        None, description="A Word template (.docx) for approval packets instead of the built-in."
    )
    # --- notifications (GEN-9): email and webhooks (links use public_url) ------------------
    smtp_host: str | None = Field(
        None, description="SMTP server for notification email; unset: email is not sent."
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port (587 submission).")
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        "starttls",
        description="starttls (upgrade the connection), tls (implicit TLS, port 465) or none.",
    )
    smtp_username: str | None = Field(None, description="SMTP login; unset: no AUTH.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_from: str = Field(
        "Technology Review <technology-review@city.example.gov>",
        description="The From address of notification email.",
    )
    smtp_ca_file: Path | None = Field(
        None, description="A CA bundle to trust for the SMTP server (a City's internal CA)."
    )
    smtp_timeout: float = Field(30.0, gt=0, le=600, description="Seconds before SMTP gives up.")
    webhook_url: str | None = Field(
        None, description="A Microsoft Teams or Slack incoming-webhook URL for urgent notices."
    )
    webhook_kind: Literal["slack", "teams"] = Field(
        "slack", description="The payload shape the webhook expects."
    )
    notify_max_attempts: int = Field(
        8, ge=1, le=100, description="Delivery attempts before a message is marked failed."
    )
    notify_lease_seconds: int = Field(
        300, ge=1, le=86_400, description="How long a sender owns a claimed message (s)."
    )
    audit_key_file: Path | None = Field(
        None,
        description="The audit chain's HMAC key (default: keys/audit.key in the data directory);"
        " the same file on every app instance and for the command line.",
    )
    audit_checkpoint_dir: Path | None = Field(
        None,
        description="Where `review audit verify --checkpoint` writes signed checkpoints of the"
        " audit chain's head (default: audit-checkpoints in the data directory); one location"
        " every instance can read.",
    )
    session_idle_minutes: int = Field(
        30, ge=1, le=24 * 60, description="A signed-in session ends after this long unused."
    )
    session_hours: int = Field(
        12, ge=1, le=24 * 30, description="A signed-in session ends this long after sign-in."
    )
    cookie_secure: bool | None = Field(
        None,
        description="Mark the session cookie Secure; default: when the request came over HTTPS"
        " (directly or as told by the proxy's X-Forwarded-Proto).",
    )
    client_address_header: str | None = Field(
        None,
        description="A header set by the reverse proxy that names the client's address (for"
        " example X-Forwarded-For; its last entry is used); default: the connection's address.",
    )
    signin_account_failures: int = Field(
        5, ge=1, description="Failed sign-ins on one account before it is paused."
    )
    signin_address_failures: int = Field(
        20, ge=1, description="Failed sign-ins from one client address before it is paused."
    )
    signin_lockout_seconds: int = Field(
        60, ge=1, description="The first pause; each further failure doubles it."
    )
    signin_lockout_max_seconds: int = Field(
        3600, ge=1, description="The longest pause (an admin can unlock sooner)."
    )
    signin_window_minutes: int = Field(
        15, ge=1, description="Failures are forgotten this long after the last failure or pause."
    )
    public_url: str | None = Field(
        None,
        description="The address people use to reach the workspace, such as "
        "https://review.city.example.gov; packets print it as where to verify them.",
    )
    log_level: LogLevel | None = Field(
        None,
        description="Least severe log records written to stderr; default INFO for the "
        "workspace, WARNING for the command line (whose refusals already print one line).",
    )
    host: str = Field("127.0.0.1", description="Address scripts/run serves the workspace on.")
    port: int = Field(8501, ge=1, le=65535, description="Port scripts/run serves it on.")


_read: tuple[tuple[tuple[str, str], ...], Settings] | None = None


def settings() -> Settings:
    """The settings for the environment as it is now, built again only when a ``REVIEW_*``
    variable changed: every audited action reads them (twice), and building them with
    pydantic-settings had cost about 12 ms each time."""
    global _read
    environment = tuple(
        sorted((k, v) for k, v in os.environ.items() if k.upper().startswith("REVIEW_"))
    )
    read = _read
    if read is not None and read[0] == environment:
        return read[1]
    fields = {f"REVIEW_{name.upper()}": name for name in Settings.model_fields}
    values = {fields[k.upper()]: v for k, v in environment if k.upper() in fields}
    try:
        built = Settings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(f"REVIEW_{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"bad setting: {problems}") from None
    _read = (environment, built)
    return built


def main(names: list[str]) -> int:
    """Print the named settings, one per line, for a shell script; exit 3 on a bad value."""
    try:
        current = settings()
    except ConfigurationError as exc:
        sys.stderr.write(f"review: {exc}\n")
        return 3
    unknown = [n for n in names if n not in Settings.model_fields]
    if unknown:
        sys.stderr.write(f"review: no setting {', '.join(unknown)}\n")
        return 2
    for name in names:
        value = getattr(current, name)
        sys.stdout.write(("" if value is None else str(value)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
