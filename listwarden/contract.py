"""The data contract: the source tables listwarden reads and their columns (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    required: bool = True


TABLES = (
    Table(
        "contacts",
        ("contact_id", "phone", "country", "created_at", "last_activity_at"),
        optional_columns=("country", "last_activity_at"),
    ),
    Table(
        "consents",
        ("event_id", "contact_id", "purpose", "action", "method", "occurred_at", "notice_version", "source"),
        optional_columns=("notice_version", "source"),
    ),
    Table(
        "messages",
        ("message_id", "contact_id", "to_phone", "purpose", "campaign_id", "sender_id", "body", "sent_at"),
        optional_columns=("campaign_id",),
    ),
    Table("inbound", ("inbound_id", "from_phone", "body", "received_at")),
    Table("deactivations", ("phone", "deactivated_at"), required=False),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
SOURCE_SUFFIXES = (".csv", ".csv.gz", ".parquet")
