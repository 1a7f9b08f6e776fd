"""What the package ships besides its code, found with importlib.resources: the queries (sql/),
the gates' suites (expectations/) and the default policy. They are package data of the wheel; in
a checkout the package's sql, expectations and policies are links to the repository's folders."""

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("listwarden")))
SQL_DIR = PACKAGE / "sql"
EXPECTATIONS_DIR = PACKAGE / "expectations"
DEFAULT_POLICY = PACKAGE / "policies" / "default.yaml"
