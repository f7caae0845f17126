"""Phantom ML Studio: multi-tenant AutoML platform."""

__version__ = "0.1.0"
