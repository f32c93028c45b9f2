"""oversight: a reproducible pipeline for the regional management-oversight study."""

# The one place the version is written: pyproject.toml reads it (dynamic version) and
# CITATION.cff must say the same (tests/core/test_citation.py).
__version__ = "0.2.0"


def citation() -> str:
    """The one-line citation of this version of the software, from its CITATION.cff:
    "The oversight contributors (2026). oversight: ... Version 0.2.0."."""
    from oversight.cite import text  # on first use: importing the package stays light

    return text()
