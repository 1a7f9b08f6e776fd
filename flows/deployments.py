"""prefect.yaml's deployments as runner deployments, for `listwarden serve` (one source of truth)."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron


def runner_deployments(config: Path) -> list[RunnerDeployment]:
    spec = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
    return [_deployment(entry) for entry in spec["deployments"]]


def _deployment(entry: dict) -> RunnerDeployment:
    path, function = entry["entrypoint"].split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    schedules = [Cron(schedule["cron"], timezone=schedule.get("timezone")) for schedule in entry.get("schedules", [])]
    return getattr(module, function).to_deployment(
        name=entry["name"],
        description=entry.get("description"),
        tags=entry.get("tags"),
        parameters=entry.get("parameters"),
        schedules=schedules or None,
        concurrency_limit=entry.get("concurrency_limit"),
    )
