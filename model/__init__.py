"""bridgeproof: bridges as symbolic state machines, checked by Z3 and replayed on a reference."""

__version__ = "0.1.0"
