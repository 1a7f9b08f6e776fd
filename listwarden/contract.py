"""The data contract: the source tables listwarden reads and their columns, declared once.

The ingest.input gate's structural expectations (`expectations()`) and the typed promote of each
table to staging (`promote_query()`) are both made from this declaration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What promote makes of a column's text, by contract type. Timestamps without an offset are UTC
# (the warehouse session's time zone).
CASTS = {
    "text": "CAST({column} AS VARCHAR)",
    "trimmed_text": "nullif(trim(CAST({column} AS VARCHAR)), '')",  # a blank value is none
    "country_code": "nullif(upper(trim(CAST({column} AS VARCHAR))), '')",
    "timestamp": "iso_timestamp({column})",
}
# Contract names are written into SQL as they are, so they must be plain identifiers.
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
TIMESTAMP_QUERY = "timestamp"  # sql/gates/ingest.input/timestamp.sql, for every timestamp column
NOT_A_TIMESTAMP = ("is not an ISO 8601 timestamp (a date, or date and time with seconds, and Z or an offset "
                   "up to 14 h)")


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"  # a key of CASTS
    required: bool = False  # never empty
    unique: bool = False  # an id
    optional: bool = False  # may be absent from the file
    values: tuple[str, ...] = ()  # the only values allowed, when not empty

    def __post_init__(self):
        if not _IDENTIFIER.fullmatch(self.name):
            raise ValueError(f"contract column {self.name!r} is not a plain identifier")
        if self.type not in CASTS:
            raise ValueError(f"contract column {self.name}: unknown type {self.type!r} (one of {', '.join(CASTS)})")


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required: bool = True  # the source must hold the file
    keeps_declared_fields: bool = False  # the policy's declared_fields are loaded beside the contract columns

    def __post_init__(self):
        if not _IDENTIFIER.fullmatch(self.name):
            raise ValueError(f"contract table {self.name!r} is not a plain identifier")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def optional_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.optional)

    @property
    def timestamp_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.type == "timestamp")

    @property
    def id_column(self) -> str | None:
        """The column that identifies a row across deliveries (None: the whole row does)."""
        return next((column.name for column in self.columns if column.unique), None)


TABLES = (
    Table("contacts", (
        Column("contact_id", required=True, unique=True),
        Column("phone"),
        Column("country", "country_code", optional=True),
        Column("created_at", "timestamp", required=True),
        Column("last_activity_at", "timestamp", optional=True),
    ), keeps_declared_fields=True),
    Table("consents", (
        Column("event_id", required=True, unique=True),
        Column("contact_id", required=True),
        Column("purpose", required=True),
        Column("action", required=True, values=("opt_in", "opt_out")),
        Column("method", "trimmed_text"),
        Column("occurred_at", "timestamp", required=True),
        Column("notice_version", "trimmed_text", optional=True),
        Column("source", optional=True),
    )),
    Table("messages", (
        Column("message_id", required=True, unique=True),
        Column("contact_id", required=True),
        Column("to_phone"),
        Column("purpose", required=True),
        Column("campaign_id", optional=True),
        Column("sender_id"),
        Column("body"),
        Column("sent_at", "timestamp", required=True),
    )),
    Table("inbound", (
        Column("inbound_id", required=True, unique=True),
        Column("from_phone", required=True),
        Column("body"),
        Column("received_at", "timestamp", required=True),
    )),
    Table("deactivations", (
        Column("phone", required=True),
        Column("deactivated_at", "timestamp", required=True),
    ), required=False),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
SOURCE_SUFFIXES = (".csv", ".csv.gz", ".parquet")
MANIFEST = "manifest.json"
# Parquet types a contract column may have: text, or an integer (ids exported as numbers);
# a timestamp column may also be a Parquet date or timestamp.
TEXT_TYPES = ("VARCHAR", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
              "UINTEGER", "UBIGINT", "UHUGEINT")
TIMESTAMP_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")


def expectations(tables: tuple[Table, ...] = TABLES) -> list[dict]:
    """The ingest.input gate's structural expectations, as GX suite entries (gates.load_suite
    adds them to the hand-written ones of expectations/ingest.input.json)."""
    return [expectation for table in tables for expectation in table_expectations(table)]


def table_expectations(table: Table) -> list[dict]:
    """Every column the file must have exists; required columns are never empty, ids unique,
    a column with values holds only those, and timestamps are ISO 8601."""
    columns = table.columns
    return [
        *(_column_expectation(table, "expect_column_to_exist", c, f"the data contract requires column {c.name}")
          for c in columns if not c.optional),
        *(_column_expectation(table, "expect_column_values_to_not_be_null", c, f"{c.name} is empty")
          for c in columns if c.required),
        *(_column_expectation(table, "expect_column_values_to_be_unique", c, f"{c.name} is not unique")
          for c in columns if c.unique),
        *(_column_expectation(table, "expect_column_values_to_be_in_set", c,
                              f"{c.name} is neither {' nor '.join(c.values)}", value_set=list(c.values))
          for c in columns if c.values),
        *({"type": "unexpected_rows_expectation", "kwargs": {},
           "meta": {"table": f"landing.{table.name}", "column": c.name, "query": TIMESTAMP_QUERY},
           "description": f"{c.name} {NOT_A_TIMESTAMP}"}
          for c in columns if c.type == "timestamp"),
    ]


def _column_expectation(table: Table, kind: str, column: Column, description: str, **kwargs) -> dict:
    return {"type": kind, "kwargs": {"column": column.name, **kwargs}, "meta": {"table": f"landing.{table.name}"},
            "description": description}


def promote_query(table: Table) -> str:
    """The typed rows of landing.<table> with their `_row`: each contract column cast by its type,
    then (where the table keeps them) the declared fields as read."""
    casts = ["_row"] + [f"{CASTS[column.type].format(column=column.name)} AS {column.name}" for column in table.columns]
    if table.keeps_declared_fields:
        casts.append(f"* EXCLUDE (_row, {', '.join(table.column_names)})")
    return "SELECT\n    " + ",\n    ".join(casts) + f"\nFROM landing.{table.name}"
