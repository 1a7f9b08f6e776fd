"""The report as a browser renders it: headless Chromium's DOM holds the summary and the charts."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from support import run_engine

from listwarden import report
from listwarden.checks import CHECKS
from listwarden.warehouse import open_warehouse

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
def test_the_rendered_report_shows_the_verdicts_and_the_charts(tmp_path, demo_source, policy):
    warehouse = tmp_path / "warehouse.duckdb"
    for run_id in ("yesterday", "today"):
        run_engine(demo_source, warehouse, policy, with_gates=True, run_id=run_id)
    with open_warehouse(warehouse) as connection:
        path, _ = report.publish(connection, "today", tmp_path / "reports")
    rendered = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    verdicts = rendered[rendered.index('<table id="verdicts">'):]
    verdicts = verdicts[:verdicts.index("</table>")]
    assert verdicts.count("<tr>") == 1 + len(report.PRINCIPLES)  # the header and one row per principle
    assert '<span class="fail">not met</span>' in verdicts
    trends = rendered[rendered.index('<section id="trends">'):]
    trends = trends[:trends.index("</section>")]
    series = re.findall(r'<svg role="img" aria-label="[^"]+" data-series="([a-z_]+)"', trends)
    assert series == ["findings", "serious", "contacts", "valid_share", "opt_outs"]
    assert all(len(points.split()) == 2 for points in re.findall(r'<polyline points="([^"]+)"', trends))
    assert '<svg role="img" aria-label="Findings per check"' in rendered
    assert rendered.count('<svg class="sparkline"') == len(CHECKS)  # violations per check over the runs


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
def test_the_report_prints_to_pdf(tmp_path, demo_source, policy):
    from typer.testing import CliRunner

    from flows.cli import app

    warehouse = tmp_path / "warehouse.duckdb"
    run_engine(demo_source, warehouse, policy, run_id="printed")
    result = CliRunner().invoke(app, ["report", "--run", "printed", "--format", "pdf", "--warehouse", str(warehouse),
                                      "--reports", str(tmp_path / "reports")])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "reports" / "printed" / "index.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
