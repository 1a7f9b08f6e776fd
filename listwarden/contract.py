"""The data contract: the source tables listwarden reads and their columns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    required: bool = True
    timestamp_columns: tuple[str, ...] = ()


TABLES = (
    Table(
        "contacts",
        ("contact_id", "phone", "country", "created_at", "last_activity_at"),
        optional_columns=("country", "last_activity_at"),
        timestamp_columns=("created_at", "last_activity_at"),
    ),
    Table(
        "consents",
        ("event_id", "contact_id", "purpose", "action", "method", "occurred_at", "notice_version", "source"),
        optional_columns=("notice_version", "source"),
        timestamp_columns=("occurred_at",),
    ),
    Table(
        "messages",
        ("message_id", "contact_id", "to_phone", "purpose", "campaign_id", "sender_id", "body", "sent_at"),
        optional_columns=("campaign_id",),
        timestamp_columns=("sent_at",),
    ),
    Table("inbound", ("inbound_id", "from_phone", "body", "received_at"), timestamp_columns=("received_at",)),
    Table("deactivations", ("phone", "deactivated_at"), required=False, timestamp_columns=("deactivated_at",)),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
SOURCE_SUFFIXES = (".csv", ".csv.gz", ".parquet")
MANIFEST = "manifest.json"
# Parquet types a contract column may have: text, or an integer (ids exported as numbers);
# a timestamp column may also be a Parquet date or timestamp.
TEXT_TYPES = ("VARCHAR", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
              "UINTEGER", "UBIGINT", "UHUGEINT")
TIMESTAMP_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")
