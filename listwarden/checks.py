"""The check registry, discovered from sql/checks/: a check is one SQL file and its cases beside it.

`sql/checks/<name>.sql` opens with a header that declares the check, YAML between `/* check` and
`*/`, and goes on with a query returning (record_table, record_id, subject, detail) per finding.
`sql/checks/<name>.cases.yaml` holds the case the check must catch (also planted in the demo
sources) and the case it must pass. Header keys:

    job          the job whose checks step runs it (jobs.py refuses a job without one)
    severity     one of SEVERITIES
    principle    one of PRINCIPLES (the report's verdicts)
    rule         the policy setting and the law or code it enforces
    explanation  one sentence, for the report
    finds        the exact rule, for the README's table of checks
    binds        {query parameter: policy setting path, or engine.<name> of ENGINE_VALUES}
    enabled_by   a boolean policy setting that turns the check on (off, it does not run)
    scope        `all` (the default: the check sees every record each run) or `changed`: it reads
                 the scoped relations (work.message_consent, work.scoped_inbound), which hold only
                 the records a nightly run re-checks (listwarden/compliance.py), and a finding of a
                 record out of the scope stays as it was

A file that does not declare itself so fails the import of this module, naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

import duckdb
import yaml

from listwarden import resources, warehouse
from listwarden.policy import Policy

CHECKS_DIR = resources.SQL_DIR / "checks"
SEVERITIES = ("critical", "high", "medium", "low")
# The report gives a verdict per principle; security is judged from the gates and deletions.
PRINCIPLES = ("consent", "purpose limitation", "opt-outs", "timing", "content", "accuracy", "minimisation",
              "retention", "security")
ENGINE_VALUES = {"number_like": warehouse.NUMBER_LIKE.pattern}
REQUIRED_KEYS = ("job", "severity", "principle", "rule", "explanation", "finds")
OPTIONAL_KEYS = ("binds", "enabled_by", "scope")
SCOPES = ("all", "changed")
_HEADER = re.compile(r"\A/\* check\n(?P<header>.*?)\n\*/\n(?P<query>.*)\Z", re.DOTALL)


class CheckError(ValueError):
    """A check file that does not declare itself; the message names the file and the key."""


@dataclass(frozen=True)
class Check:
    name: str
    job: str
    severity: str
    principle: str
    rule: str
    explanation: str
    finds: str
    query: str
    binds: dict[str, str] = field(default_factory=dict)
    enabled_by: str | None = None
    scope: str = "all"

    def enabled(self, policy: Policy) -> bool:
        return self.enabled_by is None or bool(setting(policy, self.enabled_by))

    def parameters(self, policy: Policy) -> dict:
        """The values the query binds, each from the policy setting (or engine value) it names."""
        return {name: ENGINE_VALUES[path.removeprefix("engine.")] if path.startswith("engine.") else setting(policy, path)
                for name, path in self.binds.items()}


def setting(policy: Policy, path: str) -> object:
    """A policy setting by its dotted path (frequency_cap.max_messages)."""
    return reduce(getattr, path.split("."), policy)


def discover(directory: Path = CHECKS_DIR) -> tuple[Check, ...]:
    """Every check of the directory, by name."""
    return tuple(_load(path) for path in sorted(directory.glob("*.sql")))


def _load(path: Path) -> Check:
    match = _HEADER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise CheckError(f"{path}: a check file opens with its header, between '/* check' and '*/'")
    try:
        header = yaml.safe_load(match.group("header"))
    except yaml.YAMLError as error:
        raise CheckError(f"{path}: its header is not YAML: {error}") from None
    if not isinstance(header, dict):
        raise CheckError(f"{path}: its header must be a mapping of keys")
    missing = [key for key in REQUIRED_KEYS if not header.get(key)]
    unknown = sorted(set(header) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if missing or unknown:
        raise CheckError(f"{path}: header keys missing: {missing}; unknown: {unknown}")
    for key, vocabulary in (("severity", SEVERITIES), ("principle", PRINCIPLES[:-1]), ("scope", SCOPES)):
        if key in header and header[key] not in vocabulary:
            raise CheckError(f"{path}: {key} {header[key]!r} is not one of {', '.join(vocabulary)}")
    check = Check(name=path.stem, query=match.group("query"), **header)
    _check_settings(path, check)
    return check


def _check_settings(path: Path, check: Check) -> None:
    """Every bound parameter is used by the query and names a policy setting or an engine value."""
    used = set(re.findall(r"\$(\w+)", check.query))
    if used != set(check.binds):
        raise CheckError(f"{path}: the query binds {sorted(used)} but the header declares {sorted(check.binds)}")
    paths = [*check.binds.values(), *([check.enabled_by] if check.enabled_by else [])]
    for dotted in paths:
        known = dotted.removeprefix("engine.") in ENGINE_VALUES if dotted.startswith("engine.") else _is_setting(dotted)
        if not known:
            raise CheckError(f"{path}: {dotted!r} is not a policy setting (nor engine.<{', '.join(ENGINE_VALUES)}>)")


def _is_setting(dotted: str) -> bool:
    model = Policy
    for part in dotted.split("."):
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return False
        model = fields[part].annotation
    return True


CHECKS = discover()
CHECKS_BY_NAME = {check.name: check for check in CHECKS}


def run_checks(connection: duckdb.DuckDBPyConnection, job: str, policy: Policy) -> dict[str, int]:
    """Run every enabled check of a job into work.violations; return findings per check."""
    found = {}
    for check in CHECKS:
        if check.job != job or not check.enabled(policy):
            continue
        with warehouse.uncompressed(connection):
            inserted = warehouse.execute(
                connection,
                "INSERT INTO work.violations "
                "SELECT $check_name, $check_severity, record_table, record_id, subject, detail, $check_rule "
                f"FROM ({check.query}) AS finding",
                check.name,
                {**check.parameters(policy), "check_name": check.name, "check_severity": check.severity,
                 "check_rule": check.rule},
            ).fetchone()[0]
        warehouse.execute(connection, "INSERT INTO work.checks_run VALUES ($check_name, $scope)", check.name,
                          {"check_name": check.name, "scope": check.scope})
        found[check.name] = inserted
    return found


def markdown_table() -> str:
    """The README's table of checks."""
    lines = ["| check | job | severity | principle | finds |", "|---|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.job} | {c.severity} | {c.principle} | {c.finds} |" for c in CHECKS]
    return "\n".join(lines) + "\n"
