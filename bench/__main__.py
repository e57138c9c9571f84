"""Entry point: ``python -m bench [--quick] [--profile]``."""

from bench.runner import main

raise SystemExit(main())
