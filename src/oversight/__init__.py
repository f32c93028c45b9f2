"""oversight: a reproducible pipeline for the regional management-oversight study."""

__version__ = "0.1.0"
