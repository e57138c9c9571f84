"""Benchmarks of qmt_facade against hand-written baselines (``python -m bench``).

See ``bench/README.md``. Results go to ``bench/results/`` (git-ignored).
"""
