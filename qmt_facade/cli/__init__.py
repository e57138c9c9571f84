"""`qmt`: the command line for operators, a user of the public qmt_facade API.

Built with typer (on click) and rich. typer because the commands are typed
functions: the options come from the signatures, mypy checks the bodies,
and click underneath gives the usage errors (exit 2), prompts and the test
runner. rich draws the tables (wide Chinese characters measured right) and
works in Windows terminals.

    qmt --help
    qmt accounts
    qmt buy 000001 --price 10.5 --shares 100 -i 0
"""

from __future__ import annotations

from qmt_facade.cli.app import app
from qmt_facade.cli.exit_codes import ExitCode

__all__ = ["ExitCode", "app", "main"]


def main() -> None:
    """The console script's entry point."""
    app(prog_name="qmt")
