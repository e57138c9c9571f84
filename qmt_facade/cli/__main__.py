"""`python -m qmt_facade.cli`: the `qmt` command without the console script."""

from qmt_facade.cli import main

main()
