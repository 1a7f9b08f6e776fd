"""listwarden: data-governance batch jobs for SMS contact lists."""

__version__ = "0.1.0"
