"""The policy file: pydantic models of policies/*.yaml, with errors that name the key path."""

from __future__ import annotations

import hashlib
import re
from datetime import time
from pathlib import Path
from typing import Literal

import phonenumbers
import snowballstemmer
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from listwarden.contract import TABLES

PURPOSE_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
LINE_TYPES = {
    "FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST",
    "VOIP", "PERSONAL_NUMBER", "PAGER", "UAN", "VOICEMAIL", "UNKNOWN",
}


class PolicyError(ValueError):
    """The policy file cannot be used; the message names the file, the key path and the reason."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Purpose(Strict):
    name: str
    consent_required: bool

    @field_validator("name")
    @classmethod
    def dotted_name(cls, name: str) -> str:
        if not PURPOSE_NAME.fullmatch(name):
            raise ValueError("a purpose is a dotted lowercase name such as marketing.offers")
        return name


class Consent(Strict):
    evidence_fields: list[Literal["method", "notice_version", "source"]] = ["method", "notice_version"]


class OptOut(Strict):
    record_within_hours: int = Field(24, gt=0)
    # An opt-out reply whose number matches no contact is suppressed and counted; also a finding?
    unmatched_is_finding: bool = False


class Inbound(Strict):
    # Region (ISO 3166 alpha-2) for reply numbers typed nationally that no contact's number matches.
    default_region: str | None = None

    @field_validator("default_region")
    @classmethod
    def known_region(cls, region: str | None) -> str | None:
        if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("not a region phonenumbers knows (ISO 3166 alpha-2, e.g. US)")  # value not echoed: it may be a number
        return region


class ReplyLanguage(Strict):
    """How replies in one language are read; words are matched after folding case, accents and width."""

    spaced: bool = True  # false for scripts written without spaces (Japanese, Chinese): words match inside text
    stemmer: str | None = None  # Snowball algorithm: slot words then match their inflections
    opt_out: list[str] = []  # whole-reply keywords that are an opt-out per se
    opt_in: list[str] = []
    help: list[str] = []
    unclear: list[str] = []  # whole-reply words a person must read (an opt-out in one language, not in another)
    filler: list[str] = []  # words that may surround a keyword without changing what it asks
    negations: list[str] = []
    slots: dict[str, list[str]] = {}  # named word groups for requests: {stop}, {send}, ...
    requests: list[str] = []  # "{stop} {send} me": slots, literal words, "..." for up to three other words
    ignore: list[str] = []  # uses of a keyword that ask for nothing ("stop by", "reply stop")

    @field_validator("stemmer")
    @classmethod
    def known_stemmer(cls, name: str | None) -> str | None:
        if name is not None and name not in snowballstemmer.algorithms():
            raise ValueError(f"{name!r} is not a Snowball stemmer; known: {', '.join(snowballstemmer.algorithms())}")
        return name

    @model_validator(mode="after")
    def slots_declared(self) -> ReplyLanguage:
        for pattern in (*self.requests, *self.ignore):
            missing = set(re.findall(r"\{(\w+)\}", pattern)) - set(self.slots) - {"neg"}
            if missing:
                raise ValueError(f"{pattern!r} uses slots that are not declared: {sorted(missing)}")
        return self


class QuietHoursWindow(Strict):
    """Inclusive local times: a message at exactly allowed_from or allowed_until is inside."""

    allowed_from: time
    allowed_until: time

    @model_validator(mode="after")
    def ordered(self) -> QuietHoursWindow:
        if self.allowed_from >= self.allowed_until:
            raise ValueError("allowed_from must be earlier than allowed_until")
        return self


class QuietHours(QuietHoursWindow):
    allowed_from: time = time(8, 0)
    allowed_until: time = time(21, 0)
    # Keyed by the region of the number (ISO 3166 alpha-2), e.g. {FR: {allowed_from: "10:00", ...}}.
    country_overrides: dict[str, QuietHoursWindow] = {}


class FrequencyCap(Strict):
    max_messages: int = Field(2, gt=0)
    window_hours: int = Field(24, gt=0)


class Content(Strict):
    opt_out_instructions: list[str]


class Length(Strict):
    max_segments: int = Field(3, gt=0)


class Accuracy(Strict):
    not_sms_capable: list[str]
    # The accuracy.output gate stops a run whose share of valid numbers fell by more than this
    # (a fraction: 0.05 is five percentage points) against the previous run: a broken export.
    max_valid_share_drop: float = Field(0.05, ge=0, le=1)

    @field_validator("not_sms_capable")
    @classmethod
    def known_line_types(cls, types: list[str]) -> list[str]:
        unknown = sorted(set(types) - LINE_TYPES)
        if unknown:
            raise ValueError(f"unknown line types {unknown}; known: {sorted(LINE_TYPES)}")
        return types


class Retention(Strict):
    no_opt_in_days: int = Field(90, gt=0)
    withdrawn_days: int = Field(30, gt=0)
    inactive_days: int = Field(730, gt=0)
    messages_days: int = Field(730, gt=0)
    inbound_days: int = Field(730, gt=0)
    consent_proof_years: int = Field(5, gt=0)
    overdue_grace_days: int = Field(7, ge=0)
    max_deletion_share: float = Field(0.10, gt=0, le=1)


Delivered = Literal["snapshot", "append"]


class Delivery(Strict):
    """How each source table arrives: `snapshot` (the whole table every time; what is missing is
    gone) or `append` (new rows only; a row delivered before is recognised by its id)."""

    contacts: Delivered = "snapshot"
    consents: Delivered = "snapshot"
    messages: Delivered = "append"
    inbound: Delivered = "append"
    deactivations: Delivered = "snapshot"

    @model_validator(mode="after")
    def append_needs_an_id(self) -> Delivery:
        for table in TABLES:
            if getattr(self, table.name) == "append" and table.id_column is None:
                raise ValueError(f"{table.name} has no id column: it can only be delivered as a snapshot")
        return self


class Policy(Strict):
    version: int = Field(ge=1, le=1)
    sender_names: list[str] = Field(min_length=1)
    declared_fields: list[str] = []
    purposes: list[Purpose] = Field(min_length=1)
    consent: Consent = Consent()
    opt_out: OptOut = OptOut()
    inbound: Inbound = Inbound()
    replies: dict[str, ReplyLanguage] = Field(min_length=1)  # keyed by language (ISO 639-1)
    help_reply_within_minutes: int = Field(60, gt=0)
    quiet_hours: QuietHours = QuietHours()
    frequency_cap: FrequencyCap = FrequencyCap()
    content: Content
    duplicate_send_window_minutes: int = Field(60, gt=0)
    length: Length = Length()
    accuracy: Accuracy
    retention: Retention = Retention()
    delivery: Delivery = Delivery()

    @model_validator(mode="after")
    def unique_purposes(self) -> Policy:
        names = [p.name for p in self.purposes]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"purposes listed twice: {duplicated}")
        return self

    @model_validator(mode="after")
    def replies_can_opt_out(self) -> Policy:
        if not any(language.opt_out for language in self.replies.values()):
            raise ValueError("replies: no language lists an opt_out keyword (STOP at least)")
        return self

    def consent_required(self, purpose: str) -> bool:
        """The setting of the purpose or of its nearest listed ancestor; unknown purposes need consent."""
        listed = {p.name: p.consent_required for p in self.purposes}
        parts = purpose.split(".")
        for depth in range(len(parts), 0, -1):
            ancestor = ".".join(parts[:depth])
            if ancestor in listed:
                return listed[ancestor]
        return True


def load_policy(path: Path) -> Policy:
    return read_policy(path)[0]


def read_policy(path: Path) -> tuple[Policy, str]:
    """The policy and the sha256 of the very bytes it was read from."""
    try:
        data = Path(path).read_bytes()
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise PolicyError(f"{path}: policy file not found") from None
    except IsADirectoryError:
        raise PolicyError(f"{path}: is a directory, not a policy file") from None
    except UnicodeDecodeError as error:
        raise PolicyError(f"{path}: not UTF-8 text (byte {error.start + 1})") from None
    return _parse(path, text), hashlib.sha256(data).hexdigest()


def _parse(path: Path, text: str) -> Policy:
    try:
        _refuse_duplicate_keys(yaml.compose(text, Loader=yaml.SafeLoader), ())
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PolicyError(f"{path}: not valid YAML: {error}") from None
    except PolicyError as error:
        raise PolicyError(f"{path}: {error}") from None
    if not isinstance(document, dict):
        raise PolicyError(f"{path}: the policy must be a mapping of settings")
    try:
        return Policy.model_validate(document)
    except ValidationError as error:
        raise PolicyError(f"{path}: " + "; ".join(_describe(e) for e in error.errors())) from None


def _refuse_duplicate_keys(node: yaml.Node | None, path: tuple[str, ...]) -> None:
    """YAML lets a key appear twice, the last value winning: in a policy that silently changes a
    rule, so a repeated key is refused, naming its key path and line."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise PolicyError(f"{'.'.join((*path, name))}: given twice (line {key.start_mark.line + 1})")
            seen.add(name)
            _refuse_duplicate_keys(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _refuse_duplicate_keys(item, (*path, str(index)))


def _describe(error: dict) -> str:
    key_path = ".".join(str(part) for part in error["loc"]) or "(top level)"
    return f"{key_path}: {error['msg']}"
