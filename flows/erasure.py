from prefect import flow

from flows import defaults
from flows.run import run_job
from listwarden import jobs

JOB = jobs.JOBS["erasure"]


@flow(name=JOB.name, description=JOB.description)
def erasure(
    subject: str | None = None,
    contact_key: str | None = None,
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
) -> str | None:
    """The person is named by keyed hashes only (`listwarden erase` computes them from a number or
    a contact id): flow parameters are stored in Prefect's database."""
    parameters = {"subject": subject, "contact_key": contact_key, "policy": policy, "warehouse": warehouse,
                  "reports": reports}
    return run_job(JOB, None, warehouse, reports, policy, parameters,
                    subject=subject, contact_key=contact_key)
