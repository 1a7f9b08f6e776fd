from functools import partial
from pathlib import Path

from prefect import flow

from flows import defaults, tasks
from flows.run import run
from listwarden import retention as engine
from listwarden.policy import load_policy


@flow(name="erasure")
def erasure(
    subject: str | None = None,
    contact_key: str | None = None,
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
) -> str | None:
    """Erase one person everywhere, on request, and write a deletion certificate.

    The person is named by keyed hashes only (`listwarden erase` computes them from a number or
    a contact id): flow parameters are stored in Prefect's database.
    """
    loaded_policy = load_policy(Path(policy))
    parameters = {"subject": subject, "contact_key": contact_key, "policy": policy, "warehouse": warehouse,
                  "reports": reports}
    with run("erasure", None, warehouse, policy, reports, parameters) as current:
        tasks.step(warehouse, "erasure plan",
                   partial(engine.plan_erasure, policy=loaded_policy, subject=subject, contact_key=contact_key))
        tasks.gate(warehouse, "retention.output")
    return current.report
