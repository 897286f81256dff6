"""pytest-testorbit: HTTP API test groups in YAML, every step a pytest item."""

__version__ = "0.1.0"
