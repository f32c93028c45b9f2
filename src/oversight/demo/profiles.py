"""The bundled demo LAs' systems, read from ``profiles.yaml`` (read once, when the module is
imported, and never changed): the file container each writes, the optional fields and dataset
it sends, and which LAs are planted as outliers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from oversight.config import load_yaml

_DATA: dict[str, Any] = load_yaml(Path(__file__).with_name("profiles.yaml"))
PROFILES: dict[str, dict[str, Any]] = _DATA["authorities"]


def base_slug(slug: str) -> str:
    """The bundled LA a benchmark copy stands for ("kent_copy_2" -> "kent")."""
    return re.sub(r"_copy_\d+$", "", slug)


def profile(slug: str) -> dict[str, Any]:
    """The profile of a bundled LA, or of the one a benchmark copy stands for."""
    return PROFILES[base_slug(slug)]


def outlier(kind: str) -> str:
    """The bundled LA planted as the ``low`` or ``high`` outlier."""
    return next(slug for slug, p in PROFILES.items() if p.get("outlier") == kind)
