"""qmt-sim: a simulated QMT trading server speaking the real server's HTTP protocol.

Run it with ``python -m qmt_sim`` (see ``qmt_sim/README.md``). It is an optional
extra (``sim``) and never imported by the ``qmt_facade`` client.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
