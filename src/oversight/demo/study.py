"""What the demo writes: the window its extracts cover and the LAs it writes them for.

A :class:`Window` is passed to every function that needs dates, so nothing module-wide changes
when a study covers another year. A :class:`DemoAuthority` names one LA to write; an LA the
bundled demo does not know borrows the systems (dialects, file container, optional data) and
the volumes of a bundled LA (``like``), so a study of any region can be given demo extracts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.config import load_yaml
from oversight.demo import profiles


@dataclass(frozen=True)
class Window:
    """The study year and the follow-up months the extracts run on to (``data_end``)."""

    period_start: pd.Timestamp
    period_end: pd.Timestamp
    data_end: pd.Timestamp

    @classmethod
    def of(cls, period_start: str, period_end: str, data_end: str | None = None) -> Window:
        """A window from ISO dates (``data_end`` defaults to nine months after the year)."""
        end = pd.Timestamp(period_end)
        follow = pd.Timestamp(data_end) if data_end else end + pd.offsets.MonthEnd(9)
        return cls(pd.Timestamp(period_start), end, follow)

    @property
    def censuses(self) -> list[pd.Timestamp]:
        """The quarter ends from the start of the year to ``data_end``."""
        return list(pd.date_range(self.period_start, self.data_end, freq="QE"))

    @property
    def days(self) -> int:
        """Days from the start of the year to ``data_end``, both counted."""
        return (self.data_end - self.period_start).days + 1

    def month_ends(self) -> list[pd.Timestamp]:
        """The month ends from the start of the year to ``data_end``."""
        return list(pd.date_range(self.period_start, self.data_end, freq="ME"))

    @property
    def label(self) -> str:
        """The year as file names give it ("2024-25")."""
        return f"{self.period_start.year}-{str(self.period_end.year)[-2:]}"

    @property
    def spoken(self) -> str:
        """The year as an extract's title gives it ("1 April 2024 to 31 March 2025")."""
        day = self.period_start
        end = self.period_end
        return f"{day.day} {day:%B} {day.year} to {end.day} {end:%B} {end.year}"


# The bundled study's window: the year 2024-25 and its follow-up months to December 2025.
BUNDLED = Window.of("2024-04-01", "2025-03-31", "2025-12-31")


@dataclass(frozen=True)
class DemoAuthority:
    """One LA to write: its slug, GSS code and name, and the bundled demo LA whose systems and
    volumes it borrows (``like``; None for a bundled LA itself)."""

    slug: str
    la_code: str
    la_name: str
    like: str | None = None


@dataclass(frozen=True)
class Plan:
    """One LA as the generator writes it.

    ``dialect`` picks the LA's dialects, policy, identifier style and labels (the position of
    the LA it borrows from in the reference table); ``stream`` seeds its random streams (its
    own position), so each LA's data is the same whatever others are written with it.
    """

    slug: str
    la_code: str
    la_name: str
    ref: dict[str, str]  # the reference row its volumes come from
    dialect: int
    stream: int
    profile: dict[str, Any]
    outlier: str | None


def plans(
    ref: list[dict[str, str]], slugs: list[str], authorities: list[DemoAuthority] | None
) -> list[Plan]:
    """The LAs to write: every LA of the reference table (``slugs`` are their slugs), or the
    given ``authorities``, each borrowing from a reference LA."""
    if authorities is None:
        authorities = [
            DemoAuthority(slug, row["la_code_new"], row["la_name"])
            for slug, row in zip(slugs, ref, strict=True)
        ]
    out = []
    for stream, la in enumerate(authorities):
        source = la.like or la.slug
        at = slugs.index(source)
        own = profiles.PROFILES.get(la.slug, {}) if la.like is None else {}
        out.append(
            Plan(
                la.slug,
                la.la_code,
                la.la_name,
                ref[at],
                at,
                stream,
                profiles.profile(source),
                own.get("outlier"),
            )
        )
    return out


@dataclass(frozen=True)
class DemoStudy:
    """What ``demo.yaml`` beside a study's ``config.yaml`` asks the generator to write."""

    reference: Path  # the bundled demo LAs' reference table, whose volumes are borrowed
    authorities: list[DemoAuthority]
    window: Window
    impact: Path | None  # the study's impact plan: which LAs adopt the templates, and when


def load_demo_study(study_dir: Path, root: Path) -> DemoStudy:
    """The demo extracts of the study in ``study_dir`` (its ``config.yaml`` and
    ``demo.yaml``); paths in them are relative to the project ``root``."""
    demo = load_yaml(study_dir / "demo.yaml")
    config = load_yaml(study_dir / "config.yaml")
    study = config["study"]
    impact = config["paths"].get("impact")
    return DemoStudy(
        root / demo["reference"],
        [DemoAuthority(**la) for la in demo["authorities"]],
        Window.of(study["period_start"], study["period_end"], study.get("data_end")),
        root / impact if impact else None,
    )
