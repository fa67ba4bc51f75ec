"""The audit chain's key: an HMAC-SHA256 secret kept outside the database.

Someone who can write to the database but cannot read this file cannot append, rewrite or
re-link an event without the chain showing it. The file is ``keys/audit.key`` under the data
directory, or ``REVIEW_AUDIT_KEY_FILE``; every app instance and the command line must read the
same file. It is created (64 hex digits, mode 0600) only while no keyed event exists, so an
instance that lost or never had the deployment's key refuses to write rather than start a
chain nobody can verify.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigurationError
from ..settings import settings

MIN_BYTES = 32
_cache: dict[tuple[Path, int, int], bytes] = {}  # (path, mtime, inode): a replaced file is reread
_lock = threading.Lock()


@dataclass(frozen=True)
class ChainKey:
    secret: bytes
    path: Path

    @property
    def id(self) -> str:
        """A public name for the key (not a secret): which key signed an event."""
        return hmac.new(self.secret, b"review audit key id", hashlib.sha256).hexdigest()[:16]

    def mac(self, purpose: bytes, body: bytes) -> str:
        return hmac.new(self.secret, purpose + body, hashlib.sha256).hexdigest()


def key_path() -> Path:
    current = settings()  # read once: every audited transaction asks for the key
    if current.audit_key_file is not None:
        return current.audit_key_file
    return current.data_dir / "keys" / "audit.key"


def _parse(raw: bytes, path: Path) -> bytes:
    text = raw.strip()
    try:
        secret = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        secret = raw
    if len(secret) < MIN_BYTES:
        raise ConfigurationError(
            f"{path}: the audit key must hold at least {MIN_BYTES} random bytes "
            f"(64 hex digits); it holds {len(secret)}"
        )
    return secret


def _create(path: Path) -> None:
    """Write a new key without exposing a partial file; the first writer wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path.parent, 0o700)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (secrets.token_hex(MIN_BYTES) + "\n").encode())
    finally:
        os.close(fd)
    try:
        os.link(temp, path)  # fails if another process created the key first: theirs stands
    except FileExistsError:
        pass
    finally:
        temp.unlink(missing_ok=True)


def load(*, create: bool) -> ChainKey | None:
    """The deployment's key; None when it does not exist and ``create`` is False."""
    path = key_path().resolve()
    with _lock:
        if not path.exists():
            if not create:
                return None
            _create(path)
        try:
            info = path.stat()
            stamp = (path, info.st_mtime_ns, info.st_ino)
            secret = _cache.get(stamp) or _parse(path.read_bytes(), path)
        except OSError as exc:
            raise ConfigurationError(f"cannot read the audit key {path}: {exc.strerror}") from None
        _cache[stamp] = secret
        return ChainKey(secret, path)


def created() -> ChainKey:
    """The deployment's key, made now if it does not exist yet (the chain's first event)."""
    found = load(create=True)
    if found is None:  # load() creates the file it did not find, or raises
        raise ConfigurationError(f"the audit key {key_path()} could not be created")
    return found


def require() -> ChainKey:
    found = load(create=False)
    if found is None:
        raise ConfigurationError(
            f"the audit key {key_path()} does not exist: copy the deployment's key there "
            "(or point REVIEW_AUDIT_KEY_FILE at it); events signed with it cannot be "
            "verified or continued without it"
        )
    return found
