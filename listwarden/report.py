"""The auditor's report of a run, made from the audit trail alone.

The run's audit rows are copied to work.report_* (gated by report.input), rendered to one
self-contained HTML page (gated by report.output: no phone number of the warehouse on it),
then written to <reports>/<run_id>/index.html in one rename.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError

from listwarden import audit, checks, gates, ropa, warehouse
from listwarden.checks import PRINCIPLES, Check
from listwarden.policy import Policy

SERIOUS = ("critical", "high")
CERTIFICATE = "deletion-certificate.json"
REVIEW_SHOWN = 50
SAMPLES_PER_CHECK = 5
SUBJECT_SHOWN = 12
# How the report names phonenumbers' line types; FIXED_LINE_OR_MOBILE is never counted as mobile.
LINE_TYPE_LABELS = {
    "MOBILE": "mobile", "FIXED_LINE_OR_MOBILE": "mobile not confirmed", "FIXED_LINE": "fixed line",
    "TOLL_FREE": "toll-free", "PREMIUM_RATE": "premium rate", "SHARED_COST": "shared cost", "VOIP": "VoIP",
    "PERSONAL_NUMBER": "personal number", "PAGER": "pager", "UAN": "UAN", "VOICEMAIL": "voicemail",
    "INVALID": "invalid",
}


@dataclass
class CheckRow:
    check: Check
    findings: int  # held in the run, the new ones included
    samples: list[dict] = field(default_factory=list)
    enabled: bool = True  # false: the run's policy turns the check off
    new: int = 0  # opened by the run
    closed: int = 0  # closed by the run (no longer holding, or the record deleted)


@dataclass
class ReportData:
    run: dict
    checks: list[CheckRow]
    gates: list[dict]
    steps: list[dict]
    accuracy: dict | None  # None when the run did not normalise numbers
    review_queue: list[dict]
    metrics: dict[str, list[tuple[str, int]]]  # section -> (name, value)
    deletions: list[dict]  # audit.deletions rows of the run, phase by phase
    certificate: dict | None  # an erasure run's deletion certificate
    chain_head: audit.Head  # the audit chain's head as the run left it
    ropa: dict | None  # the record of processing under the run's policy (None: not recorded)
    trends: list[dict]  # line charts over the last 30 runs up to this one
    check_trends: dict[str, dict]  # check -> a sparkline of its findings over the same runs

    @property
    def total_findings(self) -> int:
        return sum(row.findings for row in self.checks)

    @property
    def outcome(self) -> str:
        """How the run ended: published, and what became of its deletions."""
        verified = [row for row in self.deletions if row["phase"] == "verify"]
        refused = [row for row in self.deletions if (row["outcome"] or "").startswith("refused")]
        if refused:
            return "published; deletions refused"
        if verified:
            return f"published; deletions {'verified' if verified[-1]['action'] == 'verified' else 'NOT verified'}"
        return "published"

    @property
    def failed_gates(self) -> list[dict]:
        return [gate for gate in self.gates if not gate["success"]]

    @property
    def verdicts(self) -> list[dict]:
        """Per principle: met, met with findings (medium or low only), not met (critical or high),
        or not checked (the run did not pass through the gates of its checks' step)."""
        gated_steps = {gate["gate"].split(".")[0] for gate in self.gates}
        verdicts = []
        for principle in PRINCIPLES[:-1]:
            rows = [row for row in self.checks if row.check.principle == principle]
            checked = [row for row in rows if row.enabled and row.check.job in gated_steps]
            serious = sum(row.findings for row in checked if row.check.severity in SERIOUS)
            minor = sum(row.findings for row in checked if row.check.severity not in SERIOUS)
            verdict = ("not checked" if not checked else "not met" if serious
                       else "met with findings" if minor else "met")
            verdicts.append({"principle": principle, "verdict": verdict, "serious": serious, "minor": minor,
                             "checks": [row.check.name for row in rows]})
        verdicts.append(self._security())
        return verdicts

    def _security(self) -> dict:
        """Encrypted storage and keyed hashes are how listwarden works; what a run can fail is a
        critical gate (its data did not fit) or a deletion that was not verified."""
        failed = [gate for gate in self.failed_gates if gate["severity"] == "critical"]
        unverified = [row for row in self.deletions if row["phase"] == "verify" and row["action"] != "verified"]
        return {"principle": "security", "verdict": "not met" if failed or unverified else "met",
                "serious": len(failed) + len(unverified), "minor": 0,
                "checks": ["critical gates passed", "deletions verified", "no number in this report (report.output)"]}


def select_run(connection: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """One run's audit rows as the views work.report_<table> (the report's gates and queries read them)."""
    for table in audit.AUDIT_TABLES:
        run = f"'{warehouse.literal(run_id)}'"
        rows = f"findings_of_run({run}, 'open')" if table == "violations" else f"audit.{table} WHERE run_id = {run}"
        warehouse.execute(connection, f"CREATE OR REPLACE VIEW work.report_{table} AS SELECT * FROM {rows}",
                          f"report_{table}")


def _run_policy(run: dict) -> Policy | None:
    """The policy the run recorded; None when it recorded none, or one of an older shape."""
    try:
        return Policy.model_validate_json(run["policy"]) if run["policy"] else None
    except ValidationError:
        return None


def collect(connection: duckdb.DuckDBPyConnection) -> ReportData:
    run_rows = warehouse.records(connection, "report/run")
    if not run_rows:
        raise warehouse.WarehouseError("the selected run is not in audit.runs")
    run = run_rows[0]
    for key in ("parameters", "inputs", "versions"):
        run[key] = json.loads(run[key]) if run[key] else {}
    counts = {row["check"]: row for row in warehouse.records(connection, "report/counts_per_check", run_id=run["run_id"])}
    samples: dict[str, list[dict]] = {}
    for sample in warehouse.records(connection, "report/samples", per_check=SAMPLES_PER_CHECK):
        sample["subject"] = (sample["subject"] or "")[:SUBJECT_SHOWN]
        samples.setdefault(sample["check"], []).append(sample)
    steps = warehouse.records(connection, "report/steps")
    deletions = warehouse.records(connection, "report/deletions")
    trend_runs = warehouse.records(connection, "report/trends", run_id=run["run_id"])
    for step in steps:
        step["detail"] = json.loads(step["detail"]) if step["detail"] else {}
    policy = _run_policy(run)
    return ReportData(
        run=run,
        checks=[CheckRow(check, count["findings"], samples.get(check.name, []), check.enabled(policy) if policy else True,
                         count["new"], count["closed"])
                for check in checks.CHECKS
                for count in [counts.get(check.name, {"findings": 0, "new": 0, "closed": 0})]],
        gates=warehouse.records(connection, "report/gate_results"),
        steps=steps,
        accuracy=_accuracy(connection),
        review_queue=_review_queue(connection),
        metrics=_metrics(connection),
        deletions=deletions,
        certificate=_certificate(connection, run, deletions),
        chain_head=audit.head(connection, run["run_id"]),
        ropa=ropa.record(policy) if policy else None,
        trends=_trends(trend_runs),
        check_trends=_check_trends(trend_runs, warehouse.run(connection, "report/trends_per_check",
                                                             run_id=run["run_id"]).fetchall()),
    )


def _certificate(connection: duckdb.DuckDBPyConnection, run: dict, deletions: list[dict]) -> dict | None:
    """What an erasure run deleted and how it was proved: keyed hashes and counts, no raw value."""
    if run["flow"] != "erasure":
        return None
    verified = [row for row in deletions if row["phase"] == "verify"]
    if not verified and not any(row["phase"] == "apply" for row in deletions):
        verification = {"verified": None, "outcome": "nothing held on this subject: nothing to delete"}
    else:
        verification = {"verified": bool(verified) and verified[-1]["action"] == "verified",
                        "outcome": verified[-1]["outcome"] if verified else "not verified yet"}
    return {
        "run_id": run["run_id"],
        "rule": "erasure_request",
        "requested_at": run["started_at"].isoformat(),
        "completed_at": verified[-1]["recorded_at"].isoformat() if verified else None,
        "subject": run["parameters"].get("subject"),
        "contact_key": run["parameters"].get("contact_key"),
        "subjects_erased": [row[0] for row in warehouse.run(connection, "report/erased_subjects").fetchall()],
        "tables": [{"table": row["table_name"], "action": row["action"], "rows": row["rows"]}
                   for row in deletions if row["phase"] == "apply"],
        "verification": verification,
    }


def _review_queue(connection: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = warehouse.records(connection, "report/review_queue", limit=REVIEW_SHOWN)
    for row in rows:
        row["subject"] = (row["subject"] or "")[:SUBJECT_SHOWN]
    return rows


def _metrics(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, int]]]:
    sections: dict[str, list[tuple[str, int]]] = {}
    for section, name, value in warehouse.run(connection, "report/metrics").fetchall():
        sections.setdefault(section, []).append((name, value))
    return sections


def _accuracy(connection: duckdb.DuckDBPyConnection) -> dict | None:
    rows = warehouse.records(connection, "report/accuracy")
    if not rows:
        return None
    accuracy = rows[0]
    counts = json.loads(accuracy["line_types"])
    accuracy["line_types"] = [(LINE_TYPE_LABELS.get(name, name), counts[name]) for name in sorted(counts, key=lambda n: -counts[n])]
    accuracy["mismatch_pairs"] = json.loads(accuracy["mismatch_pairs"])
    return accuracy


def render(data: ReportData) -> str:
    environment = Environment(
        loader=PackageLoader("listwarden", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["thousands"] = lambda number: f"{number:,}"
    return environment.get_template("report.html.j2").render(
        report=data, chart=_bar_chart(data.checks), samples_per_check=SAMPLES_PER_CHECK
    )


def markdown_summary(data: ReportData, report_path: Path) -> str:
    """The run's summary for the Prefect artifact: counts only, no record data."""
    lines = [
        f"# listwarden run {data.run['run_id']}",
        "",
        f"{data.total_findings:,} findings; {len(data.failed_gates)} failed expectations "
        f"(warnings included). Report: `{report_path}`",
        "",
        *_accuracy_lines(data.accuracy),
        "| principle | verdict |",
        "|---|---|",
        *(f"| {verdict['principle']} | {verdict['verdict']} |" for verdict in data.verdicts),
        "",
        *_deletion_lines(data.deletions),
        f"Audit chain head after this run: `{data.chain_head.text().strip()}` "
        f"(`listwarden audit verify --head {report_path.with_name(audit.HEAD_FILE)}`).",
        "",
        "| check | severity | open findings | new | closed |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {row.check.name} | {row.check.severity} | {row.findings:,} | {row.new:,} | {row.closed:,} |" if row.enabled
        else f"| {row.check.name} | {row.check.severity} | off by policy | | |"
        for row in data.checks
    ]
    return "\n".join(lines) + "\n"


def _deletion_lines(deletions: list[dict]) -> list[str]:
    if not deletions:
        return []
    deleted = sum(row["rows"] or 0 for row in deletions if row["phase"] == "apply" and row["action"] == "delete")
    last = deletions[-1]
    return [f"Deletions: {deleted:,} rows deleted; last phase {last['phase']}: {last['outcome']}.", ""]


def _accuracy_lines(accuracy: dict | None) -> list[str]:
    if accuracy is None:
        return []
    by_label = dict(accuracy["line_types"])
    return [
        f"Numbers: {accuracy['valid']:,} of {accuracy['contacts']:,} valid ({accuracy['valid_share']:.1%}); "
        f"mobile {by_label.get('mobile', 0):,}, mobile not confirmed {by_label.get('mobile not confirmed', 0):,}; "
        f"{accuracy['country_mismatches']:,} country hints contradicted by the number.",
        "",
    ]


def prepare(connection: duckdb.DuckDBPyConnection, run_id: str, in_transaction: bool = False) -> tuple[ReportData, str]:
    """Gate, render and gate the report of a run. Publish calls this inside its transaction, so
    that a run whose report could not be made is not published."""
    select_run(connection, run_id)
    gates.check(connection, "report.input", record=False, in_transaction=in_transaction)
    data = collect(connection)
    html = render(data)
    warehouse.run_script(connection, "report/reset_pages")
    warehouse.run(connection, "report/store_page", name="index.html", html=html)
    gates.check(connection, "report.output", record=False, in_transaction=in_transaction)
    return data, html


def publish(connection: duckdb.DuckDBPyConnection, run_id: str, reports_dir: Path) -> tuple[Path, ReportData]:
    """Gate, render, gate and write the report of a published run; return its path."""
    data, html = prepare(connection, run_id)
    pages = {"index.html": html, audit.HEAD_FILE: data.chain_head.text()}
    for gate in dict.fromkeys(outcome["gate"] for outcome in data.gates):
        pages[f"gates/{gate}.html"] = gates.data_docs(gate, [o for o in data.gates if o["gate"] == gate])
    if data.certificate:
        pages[CERTIFICATE] = json.dumps(data.certificate, indent=2) + "\n"
    path = _write_atomically(Path(reports_dir), run_id, pages)
    warehouse.run(connection, "report/record_written", run_id=run_id, path=str(path.resolve()))
    return path, data


def write_missing(connection: duckdb.DuckDBPyConnection, reports_dir: Path) -> list[str]:
    """Write the reports of published runs that never got one (a run killed after it published)."""
    missing = [row[0] for row in warehouse.run(connection, "report/missing").fetchall()]
    for run_id in missing:
        publish(connection, run_id, reports_dir)
    return missing


class ReportError(ValueError):
    """The report cannot be made as asked; the message says why."""


def print_pdf(html_path: Path) -> Path:
    """Print the report page to PDF beside it with headless Chromium (no maintained pure-Python
    library renders this HTML and SVG as faithfully)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise ReportError("--format pdf needs Chromium (Debian: apt-get install chromium)")
    pdf = html_path.with_suffix(".pdf")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html_path.resolve().as_uri()],
                   capture_output=True, timeout=120, check=True)
    return pdf


def _write_atomically(reports_dir: Path, run_id: str, pages: dict[str, str]) -> Path:
    reports_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{run_id}.", dir=reports_dir))
    for name, html in pages.items():
        (staging / name).parent.mkdir(exist_ok=True)
        (staging / name).write_text(html, encoding="utf-8")
    target = reports_dir / run_id
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target / "index.html"


TRENDS = (  # (series, title, how a value is shown)
    ("findings", "Findings per run", "{:,.0f}"),
    ("serious", "Critical and high findings per run", "{:,.0f}"),
    ("contacts", "Contacts on the list", "{:,.0f}"),
    ("valid_share", "Valid share of numbers", "{:.1%}"),
    ("opt_outs", "Opt-outs received per run", "{:,.0f}"),
)


def _trends(runs: list[dict]) -> list[dict]:
    """Geometry of small inline SVG line charts, one per series (runs without a value are skipped)."""
    width, height = 320, 90
    charts = []
    for series, title, shown in TRENDS:
        points = [(index, run[series]) for index, run in enumerate(runs) if run[series] is not None]
        if not points:
            continue
        low, high = min(v for _, v in points), max(v for _, v in points)
        xy = _polyline(points, len(runs), width, height, 6, low, high)
        charts.append({
            "series": series, "title": title, "width": width, "height": height, "runs": len(runs),
            "points": _svg_points(xy), "last": xy[-1],
            "latest": shown.format(points[-1][1]), "low": shown.format(low), "high": shown.format(high),
            "first_day": runs[0]["finished_at"].strftime("%Y-%m-%d"), "last_day": runs[-1]["finished_at"].strftime("%Y-%m-%d"),
        })
    return charts


def _check_trends(runs: list[dict], counts: list[tuple[str, str, int]]) -> dict[str, dict]:
    """A sparkline per check: its findings in each of the runs of the trends (0 when none)."""
    width, height = 120, 18
    found = {(run_id, check): findings for run_id, check, findings in counts}
    sparklines = {}
    for check in checks.CHECKS:
        values = [found.get((run["run_id"], check.name), 0) for run in runs]
        high = max(values, default=0)
        xy = _polyline(list(enumerate(values)), len(runs), width, height, 1, 0, high)
        sparklines[check.name] = {"points": _svg_points(xy), "width": width, "height": height, "high": high}
    return sparklines


def _polyline(points: list[tuple[int, float]], runs: int, width: int, height: int, pad: float,
              low: float, high: float) -> list[tuple[float, float]]:
    """SVG coordinates of (run index, value) points: runs across the width, low to high upwards."""
    steps, span = max(runs - 1, 1), (high - low) or 1
    return [(pad + (width - 2 * pad) * i / steps, pad + (height - 2 * pad) * (1 - (v - low) / span)) for i, v in points]


def _svg_points(xy: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)


def _bar_chart(rows: list[CheckRow]) -> dict:
    """Geometry of an inline SVG bar chart of findings per check (no scripts, prints well)."""
    label_width, bar_width, row_height = 230, 360, 20
    largest = max((row.findings for row in rows), default=0) or 1
    bars = [
        {
            "label": row.check.name,
            "value": row.findings,
            "y": index * row_height,
            "width": round(bar_width * row.findings / largest, 1),
            "severity": row.check.severity,
            "checked": row.enabled,
        }
        for index, row in enumerate(rows)
    ]
    return {"bars": bars, "label_width": label_width, "bar_width": bar_width,
            "row_height": row_height, "height": len(rows) * row_height}
