"""Sign-in sessions that survive a page reload: a signed, expiring token in a cookie.

The token names the user and an expiry and carries an HMAC-SHA256 over both with a secret
kept under the data directory (created on first use, mode 0600). Nothing is stored per
session: the user's roles and active flag are read again on every action, so deactivating
a user or revoking a role takes effect at once; rotating the secret signs everyone out.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from ..store.database import data_dir

LIFETIME = dt.timedelta(hours=12)
COOKIE = "review_session"


def _secret(directory: Path | None = None) -> bytes:
    path = (directory or data_dir()) / "keys" / "session.key"
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, value)
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return value


def issue(username: str, now: dt.datetime, *, directory: Path | None = None) -> str:
    expires = int((now + LIFETIME).timestamp())
    body = f"{username}|{expires}".encode()
    mac = hmac.new(_secret(directory), body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(body + b"|" + mac).decode().rstrip("=")


def verify(token: str, now: dt.datetime, *, directory: Path | None = None) -> str | None:
    """The username a valid, unexpired token names; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        username, expires, mac = raw.split(b"|", 2)
    except (ValueError, TypeError):
        return None
    expected = hmac.new(_secret(directory), username + b"|" + expires, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        if int(expires) < now.timestamp():
            return None
        return username.decode()
    except (ValueError, UnicodeDecodeError):
        return None
