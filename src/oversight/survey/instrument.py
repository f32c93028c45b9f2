"""The common staff survey instrument: loading, validation and the artefacts LAs circulate.

``config/survey.yaml`` holds constructs, answer scales, scored items, the coarse "about you"
questions and mappings of earlier LA surveys. :func:`load_instrument` reads and validates it;
:func:`render_questionnaire` (HTML for staff) and :func:`import_template` (an xlsx workbook LAs
fill or paste an export into) are pure; :func:`write_questionnaire` and
:func:`write_import_template` do the file I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from oversight.artefacts import write_text
from oversight.config import load_yaml
from oversight.resources import root

# The shipped instrument and templates: the installed package's copy, else the checkout's.
ROOT = root()
DEFAULT_PATH = ROOT / "config" / "survey.yaml"
TEMPLATE_DIR = ROOT / "report_templates"
QUESTIONNAIRE_TEMPLATE = "questionnaire.html.j2"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class InstrumentError(ValueError):
    """The instrument file is malformed; the message names the offending entry."""


@dataclass(frozen=True)
class Item:
    """One question. ``scale`` is a scale id for scored items; demographics carry ``options``."""

    id: str
    construct: str
    text: str
    scale: str | None = None
    reverse: bool = False
    options: tuple[str, ...] = ()
    # (pair id, "discussed" | "recorded") for the paired discussed-versus-recorded items
    compare: tuple[str, str] | None = None

    @property
    def scored(self) -> bool:
        return self.scale is not None


@dataclass(frozen=True)
class LegacyQuestion:
    header: str
    construct: str
    reverse: bool = False


@dataclass(frozen=True)
class LegacyMapping:
    """An LA's earlier survey: its headers mapped to constructs, with its answer labels."""

    name: str
    description: str
    conversion: str
    labels: tuple[str, ...]
    questions: tuple[LegacyQuestion, ...]


@dataclass(frozen=True)
class Instrument:
    constructs: dict[str, str]
    scales: dict[str, tuple[str, ...]]
    items: tuple[Item, ...]
    demographics: tuple[Item, ...] = ()
    legacy_mappings: dict[str, LegacyMapping] = field(default_factory=dict)

    @property
    def item_ids(self) -> list[str]:
        """Ids of the scored items, in questionnaire order."""
        return [i.id for i in self.items]

    def item(self, item_id: str) -> Item:
        for it in (*self.items, *self.demographics):
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def construct_items(self, construct: str) -> list[Item]:
        """Scored items of ``construct`` (raises KeyError for an unknown construct)."""
        if construct not in self.constructs:
            raise KeyError(construct)
        return [i for i in self.items if i.construct == construct]

    @property
    def scored_constructs(self) -> list[str]:
        """Constructs with at least one scored item, in file order."""
        return [c for c in self.constructs if any(i.construct == c for i in self.items)]

    def scale_points(self, item_id: str) -> int:
        scale = self.item(item_id).scale
        if scale is None:
            raise KeyError(f"{item_id} is not a scored item")
        return len(self.scales[scale])


def _need(entry: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise InstrumentError(f"{where}: missing {key!r}")
    return entry[key]


def _compare(raw: Any, where: str) -> tuple[str, str] | None:
    """An item's ``compare: {pair, side}`` as (pair, side)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or raw.get("side") not in ("discussed", "recorded"):
        raise InstrumentError(f"{where}: compare needs pair and side: discussed or recorded")
    return str(_need(raw, "pair", where)), str(raw["side"])


def _check_pairs(items: list[Item]) -> None:
    """Each compared pair has exactly one discussed and one recorded item."""
    sides: dict[str, list[str]] = {}
    for item in items:
        if item.compare:
            sides.setdefault(item.compare[0], []).append(item.compare[1])
    for pair, found in sorted(sides.items()):
        if sorted(found) != ["discussed", "recorded"]:
            raise InstrumentError(
                f"compare pair {pair!r}: needs one discussed and one recorded item"
            )


def parse_instrument(raw: Mapping[str, Any]) -> Instrument:
    """Validate a parsed ``survey.yaml`` mapping and build an :class:`Instrument`.

    Checks: ids are unique snake_case; every item names a known construct and scale; scales
    have at least two labels; demographics have options; legacy questions name constructs.
    Items without ``scale`` default to ``agree5`` when that scale exists (the original
    ten-item file had no scale field).
    """
    constructs = {str(k): str(v) for k, v in (raw.get("constructs") or {}).items()}
    if not constructs:
        raise InstrumentError("no constructs defined")
    scales = {str(k): tuple(str(x) for x in v) for k, v in (raw.get("scales") or {}).items()}
    for name, labels in scales.items():
        if len(labels) < 2:
            raise InstrumentError(f"scale {name!r}: needs at least two labels")
    seen: set[str] = set()

    def _common(entry: Mapping[str, Any], where: str) -> tuple[str, str, str]:
        item_id = str(_need(entry, "id", where))
        if not _ID.match(item_id):
            raise InstrumentError(f"{where}: id {item_id!r} is not snake_case")
        if item_id in seen:
            raise InstrumentError(f"{where}: duplicate id {item_id!r}")
        seen.add(item_id)
        construct = str(_need(entry, "construct", f"{where} ({item_id})"))
        if construct not in constructs:
            raise InstrumentError(f"{where} ({item_id}): unknown construct {construct!r}")
        return item_id, construct, str(_need(entry, "text", f"{where} ({item_id})"))

    items = []
    for n, entry in enumerate(raw.get("items") or []):
        item_id, construct, text = _common(entry, f"items[{n}]")
        scale = entry.get("scale") or ("agree5" if "agree5" in scales else None)
        if scale not in scales:
            raise InstrumentError(f"items[{n}] ({item_id}): unknown scale {scale!r}")
        reverse = entry.get("reverse", False)
        if not isinstance(reverse, bool):
            raise InstrumentError(f"items[{n}] ({item_id}): reverse must be true or false")
        compare = _compare(entry.get("compare"), f"items[{n}] ({item_id})")
        items.append(Item(item_id, construct, text, scale, reverse, (), compare))
    if not items:
        raise InstrumentError("no items defined")
    _check_pairs(items)

    demographics = []
    for n, entry in enumerate(raw.get("demographics") or []):
        item_id, construct, text = _common(entry, f"demographics[{n}]")
        options = tuple(str(x) for x in _need(entry, "options", f"demographics[{n}]"))
        demographics.append(Item(item_id, construct, text, None, False, options))

    legacy = {}
    for name, spec in (raw.get("legacy_mappings") or {}).items():
        where = f"legacy_mappings.{name}"
        questions = []
        for q in _need(spec, "questions", where):
            construct = str(_need(q, "construct", where))
            if construct not in constructs:
                raise InstrumentError(f"{where}: unknown construct {construct!r}")
            questions.append(
                LegacyQuestion(str(_need(q, "header", where)), construct, bool(q.get("reverse")))
            )
        conversion = str(spec.get("conversion", "linear_unit"))
        if conversion != "linear_unit":
            raise InstrumentError(f"{where}: unknown conversion {conversion!r}")
        labels = tuple(str(x) for x in _need(spec, "labels", where))
        legacy[str(name)] = LegacyMapping(
            str(name), str(spec.get("description", "")), conversion, labels, tuple(questions)
        )
    return Instrument(constructs, scales, tuple(items), tuple(demographics), legacy)


def load_instrument(path: str | Path = DEFAULT_PATH) -> Instrument:
    """Read and validate ``config/survey.yaml`` (or another instrument file)."""
    raw = load_yaml(Path(path)) or {}
    return parse_instrument(raw)


def _sections(instrument: Instrument) -> list[dict[str, Any]]:
    sections = []
    for construct, heading in instrument.constructs.items():
        questions = [
            {
                "id": it.id,
                "text": it.text,
                "options": list(instrument.scales[it.scale] if it.scale else it.options),
                "scale": it.scale or "choice",
            }
            for it in (*instrument.items, *instrument.demographics)
            if it.construct == construct
        ]
        if questions:
            sections.append({"id": construct, "heading": heading, "questions": questions})
    return sections


def render_questionnaire(
    instrument: Instrument,
    title: str = "Staff survey: supervision and management oversight",
    la_name: str | None = None,
    template_dir: str | Path = TEMPLATE_DIR,
) -> str:
    """Accessible HTML questionnaire: one ``<fieldset>`` per construct, one radio group per item.

    Every question is its own ``<fieldset>`` with the question text as ``<legend>``, so screen
    readers announce the question with each option; inputs are named by item id, which is the
    column an export must carry for ingest.
    """
    env = Environment(
        loader=FileSystemLoader(str(template_dir)),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(QUESTIONNAIRE_TEMPLATE).render(
        title=title, la_name=la_name, sections=_sections(instrument)
    )


def import_template(instrument: Instrument) -> Workbook:
    """Workbook LAs fill with one row per respondent.

    Sheet "Responses": columns ``respondent_id``, ``wave``, then one column per question
    (demographics first, then scored items), item id in row 1 and the question text in row 2;
    answers start at row 3. Sheet "Notes": for each column, the allowed answers.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    fixed = [
        ("respondent_id", "Respondent identifier (any code that is not a name)", "Free text"),
        ("wave", "Survey wave", "baseline; follow_up"),
    ]
    questions = [*instrument.demographics, *instrument.items]
    columns = [(c, t) for c, t, _ in fixed] + [(q.id, q.text) for q in questions]
    for col, (item_id, text) in enumerate(columns, start=1):
        ws.cell(row=1, column=col, value=item_id).font = Font(bold=True)
        cell = ws.cell(row=2, column=col, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[cell.column_letter].width = 28
    ws.freeze_panes = "A3"

    notes = wb.create_sheet("Notes")
    notes.append(["item_id", "construct", "question", "allowed answers (lowest first)", "reverse"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for item_id, text, allowed in fixed:
        notes.append([item_id, "", text, allowed, ""])
    for q in questions:
        labels = instrument.scales[q.scale] if q.scale else q.options
        notes.append([q.id, q.construct, q.text, "; ".join(labels), "yes" if q.reverse else ""])
    notes.append([])
    notes.append(
        [
            "",
            "",
            "Enter answers exactly as listed, or leave blank for no answer. "
            "Do not add names or other identifying details.",
        ]
    )
    return wb


def write_questionnaire(instrument: Instrument, path: str | Path, **kwargs: Any) -> Path:
    """Render the questionnaire and write it (UTF-8) to ``path``."""
    out = Path(path)
    write_text(render_questionnaire(instrument, **kwargs), out)
    return out


def write_import_template(instrument: Instrument, path: str | Path) -> Path:
    """Build the import template workbook and save it to ``path``."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    import_template(instrument).save(out)
    return out
