"""Gates: the Great Expectations suites in expectations/, run on warehouse tables.

A suite file `expectations/<step>.<input|output>.json` is a plain GX suite; each expectation names
the table it checks in `meta.table` and says in `description` what a failure means. The suite
says what to check; this module decides how to run it and what to keep of the result: counts and
row numbers, never values (values can be phone numbers).

GX validates through its SQL datasource on the run's own DuckDB connection (the warehouse is
encrypted, so GX cannot open it by itself). Gate results go to work.gate_results; a failed
critical expectation raises GateFailed, which stops the flow.
"""

from __future__ import annotations

import enum
import itertools
import json
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb
from duckdb_engine import ConnectionWrapper

from listwarden import checks, contract, resources, warehouse

SAMPLE_ROWS = 20
ROW_NUMBER = "_row"
NOT_CHECKED = "not checked"
VOCABULARIES = {
    "checks": lambda: [check.name for check in checks.CHECKS],
    "severities": lambda: checks.SEVERITIES,
}
# Expectations a suite's JSON does not hold because they are made from a declaration.
GENERATED = {"ingest.input": contract.expectations}
_GX_RANDOM_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Outcome:
    gate: str
    table_name: str
    expectation: str
    column_name: str | None
    description: str
    severity: str
    success: bool
    unexpected_count: int | None
    sample_rows: list[int]


class GateFailed(RuntimeError):
    """A critical expectation failed; the message says where, without values."""

    def __init__(self, gate: str, failures: list[Outcome], sources: dict[str, str]):
        self.gate = gate
        self.failures = failures
        explained = {(f.table_name, f.column_name) for f in failures if not f.description.startswith(NOT_CHECKED)}
        shown = [f for f in failures
                 if not (f.description.startswith(NOT_CHECKED) and (f.table_name, f.column_name) in explained)]
        lines = dict.fromkeys(_describe(failure, sources) for failure in shown)  # once each, in order
        super().__init__(f"gate {gate} stopped the run: " + "; ".join(lines))

    @property
    def rejects_source(self) -> bool:
        """Every failure is about the source files as read (the landing tables): a source that
        does not fit the contract, not a step that went wrong."""
        return all(failure.table_name.startswith("landing.") for failure in self.failures)


def suite_path(gate: str) -> Path:
    return resources.EXPECTATIONS_DIR / f"{gate}.json"


def load_suite(gate: str) -> dict:
    """The suite, its generated expectations (GENERATED) first, with what its expectations name
    filled in: `meta.query`, the unexpected-rows query in sql/gates/<gate>/<query>.sql;
    `meta.value_set`, a vocabulary of the registries."""
    suite = json.loads(suite_path(gate).read_text(encoding="utf-8"))
    suite["expectations"] = [*GENERATED.get(gate, list)(), *suite["expectations"]]
    for expectation in suite["expectations"]:
        meta = expectation["meta"]
        if "query" in meta:
            expectation["kwargs"]["unexpected_rows_query"] = gate_query(gate, meta["query"], meta.get("column"))
        if "value_set" in meta:
            expectation["kwargs"]["value_set"] = list(VOCABULARIES[meta["value_set"]]())
    return suite


def gate_query(gate: str, name: str, column: str | None = None) -> str:
    """A gate's query without its leading comment lines, `{column}` replaced by the column the
    expectation names (an identifier of the suite or the contract, never data); a missing file
    fails loudly."""
    path = resources.SQL_DIR / "gates" / gate / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"suite {gate} names the query {name}, but {path} is missing")
    lines = path.read_text(encoding="utf-8").splitlines()
    query = "\n".join(itertools.dropwhile(lambda line: line.startswith("--"), lines)).strip()
    return query.replace("{column}", column) if column else query


def check(connection: duckdb.DuckDBPyConnection, gate: str, record: bool = True,
          in_transaction: bool = False) -> list[Outcome]:
    """Validate every table the suite names; raise GateFailed if a critical expectation failed.

    Outcomes are recorded in work.gate_results (published with the run) unless `record` is
    false: the report's gates run after the run was published. `in_transaction`: the caller's
    open transaction holds what the suite checks, so GX must run in the caller's own session.
    """
    suite = load_suite(gate)
    outcomes = []
    by_table = itertools.groupby(
        sorted(suite["expectations"], key=lambda e: e["meta"]["table"]), key=lambda e: e["meta"]["table"]
    )
    for table, expectations in by_table:
        outcomes += _validate_table(connection, gate, table, list(expectations), in_transaction)
    if record:
        checked_at = datetime.now(UTC)
        for outcome in outcomes:
            warehouse.run(connection, "runs/record_gate_result", **vars(outcome), checked_at=checked_at)
    failures = [o for o in outcomes if not o.success and o.severity == "critical"]
    if failures:
        raise GateFailed(gate, failures, _source_files(connection))
    return outcomes


def _validate_table(
    connection: duckdb.DuckDBPyConnection, gate: str, table: str, expectations: list[dict], in_transaction: bool
) -> list[Outcome]:
    import great_expectations as gx

    schema, name = table.split(".")
    columns = _columns(connection, schema, name)
    if columns is None:
        return [_not_checked(gate, table, e, f"table {table} is missing") for e in expectations]
    # An expectation on an absent column is not run: expect_column_to_exist reports the absence.
    runnable = [e for e in expectations if e["type"] == "expect_column_to_exist" or _column(e) in (None, *columns)]
    absent = [_not_checked(gate, table, e, f"{NOT_CHECKED}: column {_column(e)} is missing")
              for e in expectations if e not in runnable]
    context = _context()
    datasource = context.data_sources.add_or_update_sql(
        name="warehouse",
        connection_string="duckdb:///:memory:",
        create_temp_table=False,
        kwargs={"creator": lambda: _gate_connection(connection, in_transaction)},
    )
    asset = datasource.add_table_asset(name=table, table_name=name, schema_name=schema)
    batch = asset.add_batch_definition_whole_table("whole table").get_batch()
    results = []
    try:
        for result_format, group in _by_result_format(runnable, ROW_NUMBER in columns):
            suite = gx.ExpectationSuite(name=f"{gate}:{table}", expectations=[_expectation(e) for e in group])
            results += batch.validate(suite, result_format=result_format).results
    finally:
        _close(datasource.get_execution_engine())
        context.data_sources.delete("warehouse")
    return [_outcome(gate, table, r) for r in results] + absent


def _column(expectation: dict) -> str | None:
    return expectation["kwargs"].get("column") or expectation["meta"].get("column")


def _not_checked(gate: str, table: str, expectation: dict, why: str) -> Outcome:
    return Outcome(gate, table, expectation["type"], _column(expectation), why,
                   expectation.get("severity", "critical"), False, None, [])


def _by_result_format(expectations: list[dict], has_row_numbers: bool) -> list[tuple[object, list[dict]]]:
    """Ask each kind of expectation for row numbers, never values, in the format that gives them:
    an SQL expectation returns its query's rows only when COMPLETE; column expectations name rows
    by `_row` in SUMMARY (a sample, not every unexpected value)."""
    sql = [e for e in expectations if e["type"] == "unexpected_rows_expectation"]
    columns = [e for e in expectations if e["type"] != "unexpected_rows_expectation"]
    summary = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS}
    if has_row_numbers:
        summary["unexpected_index_column_names"] = [ROW_NUMBER]
    return [(form, group) for form, group in (("COMPLETE", sql), (summary, columns)) if group]


def _expectation(document: dict):
    from great_expectations.expectations.registry import get_expectation_impl

    return get_expectation_impl(document["type"])(
        **document["kwargs"],
        meta=document["meta"],
        description=document["description"],
        severity=document.get("severity", "critical"),
    )


def _outcome(gate: str, table: str, result) -> Outcome:
    config = result.expectation_config
    details = result.result or {}
    count = details.get("unexpected_count", details.get("observed_value"))
    description = config.description
    if _raised(result.exception_info):
        description += " (the expectation could not be evaluated)"
    return Outcome(
        gate=gate,
        table_name=table,
        expectation=config.type,
        column_name=config.kwargs.get("column") or (config.meta or {}).get("column"),
        description=description,
        severity=config.severity.value,
        success=bool(result.success),
        unexpected_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        sample_rows=_row_numbers(details),
    )


def _raised(exception_info: dict) -> bool:
    """GX reports an error either directly or per metric, keyed by the metric's id."""
    if "raised_exception" in exception_info:
        return bool(exception_info["raised_exception"])
    return any(isinstance(info, dict) and info.get("raised_exception") for info in exception_info.values())


def _row_numbers(details: dict) -> list[int]:
    rows = details.get("partial_unexpected_index_list") or details.get("details", {}).get("unexpected_rows") or []
    numbers = [row[ROW_NUMBER] for row in rows if isinstance(row, dict) and ROW_NUMBER in row]
    return sorted(int(n) for n in numbers)[:SAMPLE_ROWS]


def _columns(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str] | None:
    rows = warehouse.run(connection, "runs/table_columns", schema_name=schema, table_name=table).fetchall()
    return [row[0] for row in rows] or None


def _source_files(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """landing.<table> -> the file it was read from, to name the file in messages."""
    rows = warehouse.run(connection, "runs/input_files").fetchall()
    return {f"landing.{table}": Path(file).name for table, file in rows}


def _describe(failure: Outcome, sources: dict[str, str]) -> str:
    where = sources.get(failure.table_name, failure.table_name)
    if failure.sample_rows:
        shown = ", ".join(str(n) for n in failure.sample_rows[:5])
        count = failure.unexpected_count or len(failure.sample_rows)
        label = "row" if count == 1 else "rows"
        where = f"{where} {label} {shown}" + (f" ({count} in all)" if count > 5 else "")
    elif failure.unexpected_count:
        where = f"{where} ({failure.unexpected_count} {'row' if failure.unexpected_count == 1 else 'rows'})"
    column = f", column {failure.column_name}" if failure.column_name else ""
    return f"{where}{column}: {failure.description}"


@cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import sqlalchemy_execution_engine

    # GX keeps one connection open only for dialects it lists; on any other it reads results
    # after handing the connection back, and DuckDB has dropped them by then.
    duckdb_dialect = enum.Enum("GXDuckDBDialect", {"DUCKDB": "duckdb"}, type=str).DUCKDB
    sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS = (
        *sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS, duckdb_dialect,
    )
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _close(execution_engine) -> None:
    """Hand GX's connection back before the warehouse connection closes under it."""
    if execution_engine._connection is not None:  # the persisted connection (see _context)
        execution_engine._connection.close()
    execution_engine.engine.dispose()


def _gate_connection(connection: duckdb.DuckDBPyConnection, in_transaction: bool) -> ConnectionWrapper:
    """For GX's SQLAlchemy engine: a cursor on the run's connection (same database, its own
    session), or inside a transaction the connection itself, wrapped so that GX may neither
    commit, roll back nor close it (SQLAlchemy rolls back every connection handed back to it)."""
    from sqlalchemy.exc import SAWarning

    # duckdb_engine does not map DuckDB's LIST type for SQLAlchemy; GX never needs it to.
    warnings.filterwarnings("ignore", message="Did not recognize type", category=SAWarning)

    if in_transaction:
        return _CallersSession(connection)
    cursor = connection.cursor()
    warehouse.configure_session(cursor)
    return ConnectionWrapper(cursor)


class _CallersSession(ConnectionWrapper):
    """The caller's own session: its transaction stays the caller's."""

    def begin(self) -> None:
        pass

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def data_docs(gate: str, outcomes: list[dict]) -> str:
    """The Great Expectations Data Docs page of a gate's recorded outcomes (counts and row
    numbers, never values), rendered from the audit trail so that a rebuilt report is the same.

    GX stamps its pages with the render time and random element ids; both are made stable here.
    """
    from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView

    suite = {(e["meta"]["table"], e["type"], e["description"]): e for e in load_suite(gate)["expectations"]}
    results = []
    for outcome in outcomes:
        described = outcome["description"].removesuffix(" (the expectation could not be evaluated)")
        document = suite.get((outcome["table_name"], outcome["expectation"], described), {})
        config = ExpectationConfiguration(
            type=outcome["expectation"], kwargs=document.get("kwargs", {}),
            meta={"table": outcome["table_name"], "severity": outcome["severity"]}, description=outcome["description"],
        )
        count = outcome["unexpected_count"]
        # GX's page lays columns out from this expectation's observed list: give it the expected one.
        observed = config.kwargs.get("column_list", []) if outcome["expectation"] == "expect_table_columns_to_match_ordered_list" else count
        results.append(ExpectationValidationResult(
            success=outcome["success"], expectation_config=config,
            result={"observed_value": observed, "unexpected_count": count, "unexpected_index_list": outcome["sample_rows"]},
        ))
    passed = sum(result.success for result in results)
    validation = ExpectationSuiteValidationResult(
        success=passed == len(results), results=results, suite_name=gate, meta={},
        statistics={"evaluated_expectations": len(results), "successful_expectations": passed,
                    "unsuccessful_expectations": len(results) - passed,
                    "success_percent": 100.0 * passed / len(results) if results else None},
    )
    html = DefaultJinjaPageView().render(ValidationResultsPageRenderer().render(validation))
    html = re.sub(r"(logo-long\.png)\?d=[0-9T.Z]+", r"\1", html)
    ids = {}
    return _GX_RANDOM_ID.sub(lambda match: ids.setdefault(match.group(0), f"block-{len(ids) + 1}"), html)
