"""Prefect flows: orchestration only. Each job is a flow; nightly composes them."""
