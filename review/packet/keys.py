"""The deployment's Ed25519 packet-signing key, kept under the data directory.

``data_dir()/keys/packet-signing.pem`` holds the private key (PKCS#8 PEM, mode 0600, created
on first use, never stored in the database). Public keys the deployment still trusts (for
example the key used before a rotation) are PEM files in ``data_dir()/keys/trusted/``; the
current key is always trusted. A fingerprint is ``SHA256:`` and the unpadded base64 of the
SHA-256 of the raw 32-byte public key (the OpenSSH convention).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import ConfigurationError

PRIVATE_NAME = "packet-signing.pem"
TRUSTED_DIR = "trusted"
CURRENT_KEY = "this deployment's signing key"


def keys_dir() -> Path:
    from ..store.database import data_dir

    return data_dir() / "keys"


def fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    path: Path

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    @property
    def public_pem(self) -> str:
        return public_pem(self.public)

    def sign(self, digest: str, context: bytes) -> str:
        """Ed25519 over ``context`` and the hex digest: a context per kind of statement, so a
        signature made for one kind can never be passed off as another."""
        return base64.b64encode(self.private.sign(context + digest.encode())).decode()


def _create(path: Path) -> None:
    """Write a new key without ever exposing a partial file; the first writer wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process created it first
            os.link(temp, path)  # atomic: the key appears whole or not at all
    finally:
        temp.unlink(missing_ok=True)


def signing_key(*, create: bool = True) -> SigningKey:
    """The deployment's key, created on first use (mode 0600 in a 0700 directory)."""
    path = keys_dir() / PRIVATE_NAME
    if not path.exists():
        if not create:
            raise ConfigurationError(f"no packet signing key at {path}")
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigurationError(
            f"the packet signing key {path} is readable by others (mode {mode:o}); "
            f"run: chmod 600 {path}"
        )
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"cannot read the packet signing key {path}: {exc}") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} is not an Ed25519 private key")
    return SigningKey(loaded, path)


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """Every public key a packet may be signed with here, by fingerprint."""
    return {fp: public for fp, (public, _) in _trusted().items()}


def key_names() -> dict[str, str]:
    """What each trusted key is, by fingerprint: the current key, or its file in trusted/."""
    return {fp: name for fp, (_, name) in _trusted().items()}


def _trusted() -> dict[str, tuple[Ed25519PublicKey, str]]:
    keys: dict[str, tuple[Ed25519PublicKey, str]] = {}
    folder = keys_dir() / TRUSTED_DIR
    if folder.is_dir():
        for pem in sorted(folder.glob("*.pem")):
            try:
                loaded = serialization.load_pem_public_key(pem.read_bytes())
            except (ValueError, TypeError) as exc:
                raise ConfigurationError(f"cannot read trusted key {pem}: {exc}") from None
            if isinstance(loaded, Ed25519PublicKey):
                keys[fingerprint(loaded)] = (loaded, f"an earlier key (trusted/{pem.name})")
    private = keys_dir() / PRIVATE_NAME
    if private.exists():
        current = signing_key(create=False).public
        keys[fingerprint(current)] = (current, CURRENT_KEY)
    return keys


def signature_valid(public: Ed25519PublicKey, digest: str, signature: str, context: bytes) -> bool:
    try:
        public.verify(base64.b64decode(signature, validate=True), context + digest.encode())
    except (InvalidSignature, ValueError):
        return False
    return True
