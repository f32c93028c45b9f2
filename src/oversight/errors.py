"""File-level problems: one clear message that tells an LA's data lead what to change.

Row-level problems never raise; they become rejects (see :mod:`oversight.ingest.validate`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ExtractError(Exception):
    """A problem with a file as a whole (unreadable, missing column, ambiguous header ...).

    Attributes name everything docs/design.md §6 asks for so the message can be rendered on the
    data-quality page as well as printed.
    """

    file: str
    problem: str
    expected: str = ""
    found: str = ""
    closest: str = ""
    fix: str = ""
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        parts = [f"{where}: {self.problem}"]
        if self.expected:
            parts.append(f"  expected: {self.expected}")
        if self.found:
            parts.append(f"  found:    {self.found}")
        if self.closest:
            parts.append(f"  closest:  {self.closest}")
        if self.fix:
            parts.append(f"  to fix:   {self.fix}")
        return "\n".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "problem": self.problem,
            "expected": self.expected,
            "found": self.found,
            "closest": self.closest,
            "fix": self.fix,
        }


class ConfigError(Exception):
    """The study or an authority configuration is invalid."""


class KeyMissingError(Exception):
    """Real (non-demo) data was about to be pseudonymised without a key."""


class LedgerError(Exception):
    """Rows in do not equal rows loaded plus rows rejected, or an extract could not be used."""


class DisclosureError(Exception):
    """A published table would let a reader work out a suppressed count (the attacker's
    audit, :mod:`oversight.disclosure.audit`): names the table, the cell and its interval."""
