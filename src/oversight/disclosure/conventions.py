"""DfE's conventions for published statistics, as data: rounding and the symbols of a cell.

The conventions themselves live in ``config/dfe_conventions.yaml`` (validated by
``config/schemas/dfe_conventions.schema.yaml``), each with the DfE or GSS document it comes
from. This module applies them:

- **Halves up.** DfE rounds a value exactly half-way up (away from zero), as its own R package
  does (``dfeR::round_five_up``), not to the even neighbour as Python's :func:`round` and
  pandas do: 285 to the nearest 10 is 290 for DfE, 280 for ``round(28.5) * 10``. Values are
  rounded in decimal arithmetic, so that 2.85 to one place is 2.9 although the binary float
  2.85 is a little under it.
- **Totals to a base.** A rule (``rounding.rules``) rounds published totals above a threshold
  to the nearest ``base`` (10 for DfE's national and regional figures); values up to the
  threshold are published exact.
- **Symbols.** ``c`` confidential, ``x`` not available, ``z`` not applicable, ``u`` low
  reliability, ``low`` (or ``k``) rounds to 0 but is not 0; older releases' ``:`` and ``~``
  stand for ``x`` and ``low``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from oversight.config import config_file, load_checked

# Read through config_file so that every rule running this module declares the file as an
# input (oversight.code_inputs): a changed convention reruns the jobs that apply it.
DEFAULT_PATH = config_file("config/dfe_conventions.yaml")
SCHEMA = "dfe_conventions.schema.yaml"


@dataclass(frozen=True)
class Rule:
    """Published values above ``above`` rounded to the nearest ``base``; others exact."""

    name: str
    base: int
    above: int
    source: str

    @property
    def error(self) -> int:
        """The most a published whole number can differ from the true one: with halves up,
        ``n`` is published as ``r`` when ``r - base/2 <= n < r + base/2``."""
        return self.base // 2


@dataclass(frozen=True)
class Conventions:
    """The rounding rules and symbols of ``config/dfe_conventions.yaml``."""

    rules: dict[str, Rule]
    symbols: dict[str, str]  # symbol -> meaning
    obsolete: dict[str, str]  # an older release's symbol -> today's
    rounds_to_zero: str  # the symbol of a value that rounds to 0 but is not 0
    path: Path

    def rule(self, name: str) -> Rule:
        """The rounding rule ``name``; a ``KeyError`` naming the file and the rules it has."""
        if name not in self.rules:
            known = ", ".join(sorted(self.rules))
            raise KeyError(f"{self.path}: no rounding rule {name!r} under rounding.rules ({known})")
        return self.rules[name]


def _parse(data: dict[str, Any], path: Path) -> Conventions:
    """The validated YAML as :class:`Conventions`."""
    rules = {
        name: Rule(name, int(r["base"]), int(r["above"]), r["source"])
        for name, r in data["rounding"]["rules"].items()
    }
    symbols = {s: spec["meaning"] for s, spec in data["symbols"].items()}
    obsolete = {old: s for s, spec in data["symbols"].items() for old in spec.get("replaces", [])}
    return Conventions(rules, symbols, obsolete, data["rounds_to_zero"]["symbol"], path)


@cache
def load_conventions(path: str | Path = DEFAULT_PATH) -> Conventions:
    """``config/dfe_conventions.yaml`` (or ``path``), checked against its schema."""
    path = Path(path)
    return _parse(load_checked(path, SCHEMA), path)


def _decimal(value: float | int | Decimal) -> Decimal:
    """``value`` as the decimal it is written as (2.85, not 2.84999999999999964...)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"a number to round must be numeric, not {value!r}")
    if isinstance(value, numbers.Integral):  # int and numpy's integers
        return Decimal(int(value))
    return Decimal(repr(float(value)))


def _missing(value: object) -> bool:
    """True for None and NaN (a missing value stays missing when rounded)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(d: Decimal) -> int | float:
    """A decimal result as an ``int`` when whole, else a ``float``."""
    return int(d) if d == d.to_integral_value() else float(d)


def round_half_up(value: float, base: float = 1) -> int | float:
    """``value`` to the nearest multiple of ``base``, halves away from zero (DfE's rounding).

    ``round_half_up(285, 10) == 290`` and ``round_half_up(-285, 10) == -290``; a missing
    value (NaN) stays missing.
    """
    if _missing(value):
        return value
    step = _decimal(base)
    if step <= 0:
        raise ValueError(f"the base to round to must be positive, not {base!r}")
    multiple = (_decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _number(multiple * step)


def round_five_up(number: float, dp: int = 0) -> int | float:
    """``dfeR::round_five_up``: ``number`` to ``dp`` decimal places, fives rounded up; a
    negative ``dp`` rounds to tens (-1), hundreds (-2) and so on."""
    if _missing(number):
        return number
    step = Decimal(1).scaleb(-int(dp))
    return _number((_decimal(number) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)


def rounded_total(
    n: float, rule: str | Rule = "totals", conventions: Conventions | None = None
) -> float:
    """A published total: exact up to the rule's ``above``, else to the nearest ``base``
    with halves up. Missing values stay missing."""
    if not isinstance(rule, Rule):
        rule = (conventions or load_conventions()).rule(rule)
    if _missing(n) or n <= rule.above:
        return n
    return float(round_half_up(n, rule.base))


def shown(value: float, base: float, conventions: Conventions | None = None) -> str:
    """``value`` as DfE would print it rounded to ``base``: the rounded number, or the
    rounds-to-zero symbol (``low``) where a value that is not 0 would print as 0; a true 0
    stays 0. ``shown(499, 1000) == "low"``."""
    out = round_half_up(value, base)
    if out == 0 and value != 0:
        return (conventions or load_conventions()).rounds_to_zero
    return str(out)


def current_symbol(text: str, conventions: Conventions | None = None) -> str | None:
    """The symbol a published cell holds, in today's form (an older release's ``:`` is
    ``x``, ``~`` is ``low``), or None when the cell holds no symbol."""
    conv = conventions or load_conventions()
    key = str(text).strip()
    key = conv.obsolete.get(key, key.lower())
    return key if key in conv.symbols else None


def meaning(symbol: str, conventions: Conventions | None = None) -> str:
    """What ``symbol`` means, from the conventions (``c``: confidential ...)."""
    conv = conventions or load_conventions()
    key = current_symbol(symbol, conv)
    if key is None:
        raise KeyError(f"{conv.path}: {symbol!r} is not a symbol (symbols: {sorted(conv.symbols)})")
    return conv.symbols[key]
