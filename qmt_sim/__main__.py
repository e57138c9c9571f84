"""``python -m qmt_sim``: run the simulated QMT server."""

from .cli import main

raise SystemExit(main())
