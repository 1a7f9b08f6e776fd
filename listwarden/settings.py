"""The process's settings, declared once and read from the environment once (pydantic-settings).

    LISTWARDEN_SECRETS_DIR      where the key files are (default: $XDG_CONFIG_HOME/listwarden,
                                else ~/.config/listwarden)
    LISTWARDEN_WAREHOUSE_KEY    the warehouse's encryption key (else warehouse.key there)
    LISTWARDEN_SUBJECT_KEY      the key of the subjects' keyed hashes (else subject.key there)
    LISTWARDEN_MEMORY_LIMIT     DuckDB's memory limit, beyond which it spills to disk (2GB)
    LISTWARDEN_PLAINTEXT        a test setting: the warehouse unencrypted and uncompressed, so
                                that erasure's verification can read the file's bytes; refused
                                unless LISTWARDEN_ALLOW_PLAINTEXT is set as well
    LISTWARDEN_KILL_AT          a test setting: the process kills itself at this crash point

A bad value stops the command before anything runs, naming the variable. `current()` is what the
engine reads; `reload()` reads the environment again (a test that changed it).
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

CRASH_POINTS = ("land", "apply", "published", "compact", "replace")
# No telemetry leaves the machine: set before Prefect or Great Expectations is imported.
TELEMETRY_OFF = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false"}
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


class SettingsError(ValueError):
    """An environment variable listwarden reads holds a value it cannot use."""


def _default_secrets_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "listwarden"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LISTWARDEN_", frozen=True, extra="ignore")

    secrets_dir: Path = Field(default_factory=_default_secrets_dir)
    warehouse_key: SecretStr | None = None
    subject_key: SecretStr | None = None
    memory_limit: str = "2GB"
    plaintext: bool = False
    allow_plaintext: bool = False
    kill_at: str | None = None

    @field_validator("memory_limit")
    @classmethod
    def duckdb_size(cls, value: str) -> str:
        if not _MEMORY.fullmatch(value.strip()):
            raise ValueError("expected a size such as 2GB or 512MiB")
        return value.strip()

    @field_validator("kill_at")
    @classmethod
    def known_crash_point(cls, value: str | None) -> str | None:
        if value and value not in CRASH_POINTS:
            raise ValueError(f"expected one of {', '.join(CRASH_POINTS)}")
        return value or None

    @model_validator(mode="after")
    def plaintext_only_when_allowed(self) -> Settings:
        if self.plaintext and not self.allow_plaintext:
            raise ValueError("LISTWARDEN_PLAINTEXT turns the warehouse's encryption off and is for tests only; "
                             "set LISTWARDEN_ALLOW_PLAINTEXT=1 as well to use it")
        return self

    def key(self, name: str) -> str | None:
        """A key given in the environment (`warehouse` or `subject`), else None."""
        given = {"warehouse": self.warehouse_key, "subject": self.subject_key}[name]
        return given.get_secret_value() if given else None


@cache
def current() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(f"LISTWARDEN_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" if e["loc"]
                             else e["msg"].removeprefix("Value error, ") for e in error.errors())
        raise SettingsError(problems) from None


def reload() -> Settings:
    current.cache_clear()
    return current()


def disable_telemetry() -> None:
    for name, value in TELEMETRY_OFF.items():
        os.environ.setdefault(name, value)
