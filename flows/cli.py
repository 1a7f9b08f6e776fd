"""The `listwarden` command: thin over the flows (jobs) and the engine (everything else).

Exit codes: 0 the run completed (findings are a completed run), 2 the input or the policy was
rejected, 3 a gate stopped the run (or refused its deletions), 4 the warehouse could not be
opened (in use, a key missing or wrong), 5 the audit chain does not verify, 6 deletions were
applied but their verification found a deleted value (the run is published and reported),
1 anything else.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from pathlib import Path

import typer

from flows import defaults
from listwarden import settings

settings.disable_telemetry()  # before Prefect or GX is imported

app = typer.Typer(help="Data-governance jobs for SMS contact lists.", no_args_is_help=True, add_completion=False)
run_app = typer.Typer(help="Run a job by hand (each is a Prefect flow run).", no_args_is_help=True)
app.add_typer(run_app, name="run")

Source = typer.Option(..., "--source", help="Directory holding contacts, consents, messages, inbound (CSV or Parquet).")
Policy = typer.Option(Path(defaults.POLICY), "--policy", help="Policy file.")
Warehouse = typer.Option(Path(defaults.WAREHOUSE), "--warehouse", help="Warehouse file (encrypted DuckDB).")
Reports = typer.Option(Path(defaults.REPORTS), "--reports", help="Directory of per-run reports.")
DEMO_SOURCE = Path("var/demo-source")


class Format(str, Enum):
    csv = "csv"
    json = "json"


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="Directory to write the demo sources to."),
    contacts: int = typer.Option(1000, "--contacts", min=30, help="Number of contacts."),
    seed: int = typer.Option(7, "--seed", help="Same seed and date, same data."),
    as_of: datetime = typer.Option(None, "--as-of", formats=["%Y-%m-%d"], help="Day the data ends (default: today, UTC)."),
) -> None:
    """Write deterministic demo sources (CSV) with planted violations of every check."""
    from listwarden.demo import generate as generate_sources

    counts = generate_sources(out, contacts=contacts, seed=seed, as_of=as_of.date() if as_of else None)
    typer.echo(f"wrote {out}: " + ", ".join(f"{name} {rows:,}" for name, rows in counts.items()))


DryRun = typer.Option(False, "--dry-run", help="Plan and report the deletions; delete nothing.")
Full = typer.Option(False, "--full", help="Re-check everything, not only what changed since the last check.")
AllowLarge = typer.Option(False, "--allow-large-deletion",
                          help="Let the plan delete more than the policy's retention.max_deletion_share of a table.")


@run_app.command("nightly")
def run_nightly(
    source: Path = Source,
    policy: Path = Policy,
    warehouse: Path = Warehouse,
    reports: Path = Reports,
    retention_dry_run: bool = typer.Option(False, "--retention-dry-run", help="Plan the retention deletions only."),
    allow_large_deletion: bool = AllowLarge,
    full: bool = Full,
) -> None:
    """Ingest, accuracy, optouts, compliance, retention; publish; compact and verify; report."""
    from flows.nightly import nightly

    _run(lambda: nightly(str(source), str(policy), str(warehouse), str(reports), retention_dry_run, allow_large_deletion,
                         full), policy, source)


@run_app.command("ingest")
def run_ingest(source: Path = Source, policy: Path = Policy, warehouse: Path = Warehouse, reports: Path = Reports) -> None:
    """Load a source into staging, through the ingest gates."""
    from flows.ingest import ingest

    _run(lambda: ingest(str(source), str(policy), str(warehouse), str(reports)), policy, source)


@run_app.command("accuracy")
def run_accuracy(policy: Path = Policy, warehouse: Path = Warehouse, reports: Path = Reports) -> None:
    """Normalise the staged numbers and check list accuracy."""
    from flows.accuracy import accuracy

    _run(lambda: accuracy(str(policy), str(warehouse), str(reports)), policy)


@run_app.command("optouts")
def run_optouts(policy: Path = Policy, warehouse: Path = Warehouse, reports: Path = Reports) -> None:
    """Classify the staged inbound messages (opt-out, opt-in, help, unclear, other)."""
    from flows.optouts import optouts

    _run(lambda: optouts(str(policy), str(warehouse), str(reports)), policy)


@run_app.command("compliance")
def run_compliance(policy: Path = Policy, warehouse: Path = Warehouse, reports: Path = Reports,
                   full: bool = Full) -> None:
    """Check the staged messages against consent: what changed since the last check, or everything."""
    from flows.compliance import compliance

    _run(lambda: compliance(str(policy), str(warehouse), str(reports), full=full), policy)


@run_app.command("retention")
def run_retention(
    policy: Path = Policy,
    warehouse: Path = Warehouse,
    reports: Path = Reports,
    dry_run: bool = DryRun,
    allow_large_deletion: bool = AllowLarge,
) -> None:
    """Delete what the retention rules say must go (plan, gate, apply, compact, verify)."""
    from flows.retention import retention

    _run(lambda: retention(str(policy), str(warehouse), str(reports), dry_run, allow_large_deletion), policy)


@run_app.command("report")
def run_report(
    warehouse: Path = Warehouse,
    reports: Path = Reports,
    run_id: str = typer.Option(None, "--run", help="Run to report on (default: the latest)."),
) -> None:
    """Write the report of a published run from its audit records."""
    from flows.report import report

    _run(lambda: report(str(warehouse), str(reports), run_id))


@app.command()
def ropa(
    policy: Path = Policy,
    out: Path = typer.Option(None, "--out", help="Markdown file to write (default: standard output)."),
) -> None:
    """The GDPR Article 30 record of processing, made from the policy file."""
    from listwarden import ropa as engine
    from listwarden.policy import load_policy

    with _errors_as_exit_codes():
        text = engine.markdown(load_policy(policy))
    if out:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")
    else:
        sys.stdout.write(text)


@app.command("checks")
def list_checks() -> None:
    """The checks the registry found (sql/checks/), as the README's Markdown table."""
    from listwarden import checks

    sys.stdout.write(checks.markdown_table())


class FindingStatus(str, Enum):
    open = "open"
    new = "new"
    closed = "closed"


class ReportFormat(str, Enum):
    html = "html"
    pdf = "pdf"


@app.command("report")
def report_command(
    run_id: str = typer.Option(None, "--run", help="Run to report on (default: the latest)."),
    warehouse: Path = Warehouse,
    reports: Path = Reports,
    output_format: ReportFormat = typer.Option(ReportFormat.html, "--format",
                                               help="html, or pdf too (printed by headless Chromium)."),
) -> None:
    """Rebuild a run's report from the audit tables alone (the same bytes as at run time)."""
    from listwarden import report, runs
    from listwarden.warehouse import open_warehouse

    with _errors_as_exit_codes():
        with open_warehouse(warehouse) as connection:
            path, _ = report.publish(connection, runs.published_run_id(connection, run_id), reports)
        if output_format is ReportFormat.pdf:
            path = report.print_pdf(path)
    typer.echo(f"report: {path}")


@app.command()
def violations(
    warehouse: Path = Warehouse,
    run_id: str = typer.Option(None, "--run", help="Run whose findings to export (default: the latest)."),
    output_format: Format = typer.Option(..., "--format", help="csv or json."),
    status: FindingStatus = typer.Option(FindingStatus.open, "--status",
                                         help="open (held in the run), new (the run opened them) or closed (the run closed them)."),
) -> None:
    """Export a run's findings to stdout: open, new or closed ones."""
    from listwarden import audit, runs
    from listwarden.warehouse import open_warehouse

    with _errors_as_exit_codes(), open_warehouse(warehouse, read_only=True) as connection:
        frame = audit.violations(connection, runs.published_run_id(connection, run_id), status.value)
    if output_format is Format.csv:
        frame.write_csv(sys.stdout)
    else:
        sys.stdout.write(frame.write_json() + "\n")


audit_app = typer.Typer(help="The audit trail: verify its hash chain, export it for auditors.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    warehouse: Path = Warehouse,
    export_dir: Path = typer.Option(None, "--export", help="Verify an `audit export` directory instead (no key needed)."),
    head: Path = typer.Option(None, "--head", help="A chain_head.txt kept outside (default for --export: the export's own)."),
) -> None:
    """Recompute the audit chain; exit 5 naming the first row that does not match."""
    from listwarden import audit
    from listwarden.warehouse import open_warehouse

    with _errors_as_exit_codes():
        head = head or (export_dir / audit.HEAD_FILE if export_dir else None)
        expected = audit.Head.parse(head.read_text(encoding="ascii")) if head else None
        if export_dir:
            connection = audit.open_export(export_dir)
            try:
                result = audit.verify(connection, expected)
            finally:
                connection.close()
        else:
            with open_warehouse(warehouse, read_only=True) as connection:
                result = audit.verify(connection, expected, check_keys=True)
    if not result.verified:
        _fail(5, f"audit chain broken: {result.problem}")
    typer.echo(f"audit chain verified: {result.head.seq:,} rows, head {result.head.sha256}")


@audit_app.command("export")
def audit_export(
    out: Path = typer.Option(..., "--out", help="Directory to write the audit tables (Parquet) and chain_head.txt to."),
    warehouse: Path = Warehouse,
) -> None:
    """Write the audit tables as Parquet with the chain head, for auditors without the warehouse key."""
    from listwarden import audit
    from listwarden.warehouse import open_warehouse

    with _errors_as_exit_codes(), open_warehouse(warehouse, read_only=True) as connection:
        current = audit.export(connection, out)
    typer.echo(f"wrote {out}: {len(audit.AUDIT_TABLES)} tables, chain head {current.text().strip()}")


export_app = typer.Typer(help="Write files for other systems.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("sendable")
def export_sendable(
    purpose: str = typer.Option(..., "--purpose", help="A consent-requiring purpose of the policy, e.g. marketing.offers."),
    out: Path = typer.Option(..., "--out", help="CSV file to write (contact_id, e164)."),
    warehouse: Path = Warehouse,
) -> None:
    """Write who may receive PURPOSE now (consent, valid SMS-capable number, not suppressed)."""
    from listwarden import export
    from listwarden.warehouse import open_warehouse

    with _errors_as_exit_codes(), open_warehouse(warehouse) as connection:
        rows = export.sendable(connection, purpose, out)
    typer.echo(f"wrote {rows:,} numbers to {out}")


Phone = typer.Option(None, "--phone", help="The person's number (E.164, or national with --country); "
                                           "visible to other users in `ps`: prefer --phone-from.")
PhoneFrom = typer.Option(None, "--phone-from", help="A file holding the number on its first line, or - for standard input.")
Country = typer.Option(None, "--country", help="Region for a national number (ISO 3166 alpha-2).")
ContactId = typer.Option(None, "--contact-id", help="The contact's id instead of a number.")


@app.command()
def erase(
    phone: str = Phone,
    phone_from: Path = PhoneFrom,
    country: str = Country,
    contact_id: str = ContactId,
    policy: Path = Policy,
    warehouse: Path = Warehouse,
    reports: Path = Reports,
) -> None:
    """Erase one person everywhere on request; write a deletion certificate (no raw number in it)."""
    from flows.erasure import erasure
    from listwarden import access
    from listwarden.report import CERTIFICATE

    phone = _one_of(phone, phone_from, contact_id)
    with _errors_as_exit_codes():
        subject = access.subject_of(phone, country) if phone else None
        contact_key = access.contact_key_of(contact_id) if contact_id else None
    report_path = _flow(lambda: erasure(subject, contact_key, str(policy), str(warehouse), str(reports)), policy)
    certificate = Path(report_path).with_name(CERTIFICATE)
    typer.echo(f"erased; certificate: {certificate}; report: {report_path}")


@app.command()
def access(
    out: Path = typer.Option(..., "--out", help="JSON file to write (readable by its owner only)."),
    phone: str = Phone,
    phone_from: Path = PhoneFrom,
    country: str = Country,
    contact_id: str = ContactId,
    warehouse: Path = Warehouse,
) -> None:
    """Export everything held on one person (data-subject access request)."""
    from listwarden import access as engine
    from listwarden.warehouse import open_warehouse

    phone = _one_of(phone, phone_from, contact_id)
    with _errors_as_exit_codes(), open_warehouse(warehouse, read_only=True) as connection:
        subject = engine.subject_of(phone, country) if phone else None
        counts = engine.export(connection, out, subject=subject, contact_id=contact_id)
    typer.echo(f"wrote {out}: " + ", ".join(f"{name} {rows}" for name, rows in counts.items()))


@app.command()
def subject(phone: str = Phone, phone_from: Path = PhoneFrom, country: str = Country,
            contact_id: str = ContactId) -> None:
    """Print the keyed hash that names a number (or a contact id) in listwarden, e.g. to run the
    erasure deployment without putting the number into Prefect's database."""
    from listwarden import access as engine

    phone = _one_of(phone, phone_from, contact_id)
    with _errors_as_exit_codes():
        typer.echo(engine.subject_of(phone, country) if phone else engine.contact_key_of(contact_id))


def _one_of(phone: str | None, phone_from: Path | None, contact_id: str | None) -> str | None:
    """The number asked for (from --phone, or read from --phone-from), or None for --contact-id."""
    if sum(map(bool, (phone, phone_from, contact_id))) != 1:
        _fail(2, "rejected: give one of --phone, --phone-from or --contact-id")
    if phone_from is None:
        return phone
    try:
        text = sys.stdin.read() if str(phone_from) == "-" else phone_from.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail(2, f"rejected: --phone-from {phone_from}: cannot be read ({type(error).__name__})")
    number = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not number:
        _fail(2, f"rejected: --phone-from {phone_from}: holds no number")
    return number


review_app = typer.Typer(help="The review queue: replies a person must read and decide.", no_args_is_help=True)
app.add_typer(review_app, name="review")


class Decision(str, Enum):
    opt_out = "opt-out"
    not_opt_out = "not-opt-out"


@review_app.command("list")
def review_list(warehouse: Path = Warehouse) -> None:
    """Show the queued replies of the latest run with their text (numbers masked), oldest first."""
    from listwarden import review
    from listwarden.warehouse import open_warehouse

    with _errors_as_exit_codes(), open_warehouse(warehouse, read_only=True) as connection:
        queued = review.queued(connection)
    for inbound_id, received_at, reason, text in queued:
        typer.echo(f"{inbound_id}\t{received_at:%Y-%m-%d %H:%M}\t{reason}\t{text}")
    typer.echo(f"{len(queued)} replies to review" if queued else "nothing to review", err=True)


@review_app.command("decide")
def review_decide(
    inbound_id: str = typer.Argument(..., help="The reply's inbound_id, as `review list` shows it."),
    decision: Decision = typer.Argument(..., help="opt-out or not-opt-out."),
    by: str = typer.Option(None, "--by", help="Who decides (default: the login name)."),
    warehouse: Path = Warehouse,
) -> None:
    """Record a decision on a queued reply; the next run applies it (an opt-out counts from the reply's received_at)."""
    import getpass

    from listwarden import review
    from listwarden.warehouse import open_warehouse

    decided_by = by or getpass.getuser()
    with _errors_as_exit_codes(), open_warehouse(warehouse) as connection:
        decided_at = review.decide(connection, inbound_id, decision.value, decided_by)
    typer.echo(f"recorded: {inbound_id} {decision.value} by {decided_by} at {decided_at:%Y-%m-%d %H:%M:%S %Z}")


keys_app = typer.Typer(help="The warehouse key and the subject key, held outside the warehouse.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("init")
def keys_init() -> None:
    """Create the key files that are missing (0600); an existing key is never replaced."""
    from listwarden import keys

    for name, done in keys.init().items():
        typer.echo(f"{name} key: {done}")


@app.command()
def demo(
    out: Path = typer.Option(DEMO_SOURCE, "--out", help="Where to generate the demo sources."),
    contacts: int = typer.Option(1000, "--contacts", min=30),
    seed: int = typer.Option(7, "--seed"),
    warehouse: Path = Warehouse,
    reports: Path = Reports,
) -> None:
    """Create the keys if missing, generate demo sources, run the nightly job on them, print
    where the report is."""
    keys_init()
    generate(out=out, contacts=contacts, seed=seed, as_of=None)
    run_nightly(source=out, policy=Path(defaults.POLICY), warehouse=warehouse, reports=reports,
                retention_dry_run=False, allow_large_deletion=False, full=False)


@app.command()
def serve(config: Path = typer.Option(Path("prefect.yaml"), "--config", help="Deployments to serve.")) -> None:
    """Serve every deployment of prefect.yaml from this process (schedules included), no worker needed."""
    from prefect import serve as serve_deployments

    from flows.deployments import runner_deployments

    serve_deployments(*runner_deployments(config))


def _run(flow_call: Callable[[], str | None], policy: Path | None = None, source: Path | None = None) -> None:
    report_path = _flow(flow_call, policy, source)
    typer.echo(f"completed; report: {report_path}" if report_path else "completed")


def _flow(flow_call: Callable[[], str | None], policy: Path | None = None, source: Path | None = None) -> str | None:
    """Run a flow, after checking what can be checked in a second (the settings, the policy, the
    source directory, the keys) before Prefect's temporary server takes its 10-20 s to start."""
    from flows.server import api
    from listwarden import ingest, keys
    from listwarden.policy import load_policy

    with _errors_as_exit_codes():
        settings.current()
        if policy is not None:
            load_policy(policy)
        if source is not None:
            ingest.find_sources(source)
        keys.secret(keys.WAREHOUSE), keys.secret(keys.SUBJECT)
        with api():
            return flow_call()


@contextmanager
def _errors_as_exit_codes() -> Iterator[None]:
    """Known failures become one clear line on stderr and an exit code; others propagate."""
    try:
        yield
    except Exception as error:
        status = exit_status(error)
        if status is None:
            raise
        _fail(*status)


def exit_status(error: BaseException) -> tuple[int, str] | None:
    """The exit code and the one line a known failure is reported with (None: not a known one)."""
    from listwarden.export import ExportError
    from listwarden.gates import GateFailed
    from listwarden.ingest import SourceError
    from listwarden.keys import KeyMissing
    from listwarden.policy import PolicyError
    from listwarden.report import ReportError
    from listwarden.retention import DeletionNotVerified, DeletionRefused
    from listwarden.review import UnknownReply
    from listwarden.warehouse import WarehouseError

    if isinstance(error, settings.SettingsError):
        return 2, f"settings: {error}"
    if isinstance(error, (SourceError, PolicyError, ExportError, ReportError, UnknownReply)):
        return 2, f"rejected: {error}"
    if isinstance(error, GateFailed):
        return (2, f"rejected: {error}") if error.rejects_source else (3, f"stopped: {error}")
    if isinstance(error, DeletionRefused):
        return 3, f"deletions refused: {error}"
    if isinstance(error, DeletionNotVerified):
        return 6, f"deletions not verified: {error}"
    if isinstance(error, (WarehouseError, KeyMissing)):
        return 4, f"warehouse: {error}"
    return None


def _fail(code: int, message: str) -> None:
    typer.secho(message, err=True, fg="red")
    raise typer.Exit(code)
