"""Secrets held outside the warehouse: its encryption key and the key of subject hashes.

Each comes from its setting (LISTWARDEN_WAREHOUSE_KEY, LISTWARDEN_SUBJECT_KEY), else from a key
file in the secrets directory (LISTWARDEN_SECRETS_DIR, default `~/.config/listwarden`). Key files are created only by
`listwarden keys init` (and `listwarden demo`), never as a side effect: a key created silently
where one was lost would give every number a new subject, and erased people would come back.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from listwarden import settings

WAREHOUSE = "warehouse"
SUBJECT = "subject"
_ENVIRONMENT = {WAREHOUSE: "LISTWARDEN_WAREHOUSE_KEY", SUBJECT: "LISTWARDEN_SUBJECT_KEY"}
_HMAC_BLOCK = 64  # SHA-256's block size in bytes
# What the warehouse stores to recognise its subject key (listwarden/warehouse.py).
CHECK_MESSAGE = "listwarden subject key check"


class KeyMissing(RuntimeError):
    """A key is neither in its environment variable nor in its key file."""


def secrets_dir() -> Path:
    return settings.current().secrets_dir


def key_file(name: str) -> Path:
    return secrets_dir() / f"{name}.key"


def secret(name: str) -> str:
    given = settings.current().key(name)
    if given:
        return given
    path = key_file(name)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise KeyMissing(
            f"no {name} key: set {_ENVIRONMENT[name]} or create {path} with `listwarden keys init`"
        ) from None


def init() -> dict[str, str]:
    """Create the key files that are missing (mode 0600, directory 0700); never replace one.
    Returns, per key, what was done."""
    done = {}
    for name, variable in _ENVIRONMENT.items():
        path = key_file(name)
        if settings.current().key(name):
            done[name] = f"from {variable}"
        elif _create_key_file(path):
            done[name] = f"created {path}"
        else:
            done[name] = f"kept {path}"
    return done


def _create_key_file(path: Path) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="ascii") as key:
        key.write(secrets.token_hex(32) + "\n")
    return True


def subject_hash(number: str, key: str) -> str:
    """The keyed hash that stands for a phone number everywhere outside the warehouse."""
    return hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()


def contact_key(contact_id: str, key: str) -> str:
    """The keyed hash that names a deleted contact in the consent proofs and erasure requests."""
    return subject_hash(f"contact_id:{contact_id}", key)


def hmac_pads(key: str) -> dict[str, bytes]:
    """The key as the inner and outer pads of HMAC-SHA256, for the SQL macro keyed_hash."""
    block = key.encode()
    if len(block) > _HMAC_BLOCK:
        block = hashlib.sha256(block).digest()
    block = block.ljust(_HMAC_BLOCK, b"\0")
    return {"inner": bytes(b ^ 0x36 for b in block), "outer": bytes(b ^ 0x5C for b in block)}
