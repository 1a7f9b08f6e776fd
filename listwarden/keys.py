"""Secrets held outside the warehouse: its encryption key and the key of subject hashes.

Each comes from an environment variable, else from a key file in the secrets directory
(`LISTWARDEN_SECRETS_DIR`, default `~/.config/listwarden`), created with mode 0600 on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

WAREHOUSE = "warehouse"
SUBJECT = "subject"
_ENVIRONMENT = {WAREHOUSE: "LISTWARDEN_WAREHOUSE_KEY", SUBJECT: "LISTWARDEN_SUBJECT_KEY"}


def secrets_dir() -> Path:
    configured = os.environ.get("LISTWARDEN_SECRETS_DIR")
    if configured:
        return Path(configured)
    config_home = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config_home) / "listwarden"


def secret(name: str) -> str:
    from_environment = os.environ.get(_ENVIRONMENT[name])
    if from_environment:
        return from_environment
    path = secrets_dir() / f"{name}.key"
    if not path.exists():
        _create_key_file(path)
    return path.read_text(encoding="ascii").strip()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return
    with os.fdopen(descriptor, "w", encoding="ascii") as key_file:
        key_file.write(secrets.token_hex(32) + "\n")


def subject_hash(number: str, key: str) -> str:
    """The keyed hash that stands for a phone number everywhere outside the warehouse."""
    return hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()


def contact_key(contact_id: str, key: str) -> str:
    """The keyed hash that names a deleted contact in the consent proofs and erasure requests."""
    return subject_hash(f"contact_id:{contact_id}", key)
