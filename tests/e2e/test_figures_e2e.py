"""End to end: in the demo run every figure image says, inside the image, that its LA figures
are synthetic, and names its source; every manifest's alt text says so too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from oversight.figures.style import notes

pytestmark = pytest.mark.e2e

MANIFESTS = ("figures.json", "links.json", "survey.json", "impact.json")


def test_every_demo_figure_carries_the_demo_mark_and_a_source_note(demo_run: Path):
    out = demo_run / "results" / "figures"
    entries = [e for m in MANIFESTS for e in json.loads((out / m).read_text())]
    svgs = sorted(out.glob("*.svg"))
    assert {e["svg"] for e in entries} == {p.name for p in svgs}
    assert len(svgs) == len(entries) >= 25  # 12 comparison, 4 link, 1 survey, 8 impact
    assert sorted(p.stem for p in out.glob("*.png")) == [p.stem for p in svgs]
    mark = notes()["demo_mark"]
    # The network's figures draw DfE releases alone: real figures, never marked synthetic.
    dfe = {p for p in svgs if p.stem.startswith(("FIG-S47-", "FIG-KPI-"))}
    assert len(dfe) >= 5
    for svg in svgs:
        text = svg.read_text()
        source = re.search(r'<g id="source-note"><title>(Source: [^<]+)</title>', text)
        assert source, svg.name
        if svg in dfe:
            assert "demo-mark" not in text and "DfE" in source.group(1), svg.name
            continue
        assert f'<g id="demo-mark"><title>{mark}</title>' in text, svg.name
        assert "synthetic demonstration data" in source.group(1), svg.name
    for entry in entries:
        if entry["id"].startswith(("FIG-S47-", "FIG-KPI-")):
            assert not entry["alt"].startswith(notes()["demo_alt"]), entry["id"]
            continue
        assert entry["alt"].startswith(notes()["demo_alt"]), entry["id"]
        assert entry["caption"].endswith(notes()["demo_caption"]), entry["id"]
