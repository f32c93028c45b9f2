"""Snakemake job: results/provenance.json, every figure and table ID traced to its job."""

import json
from pathlib import Path

from oversight import artefacts, jobs
from oversight.config import load_checked
from oversight.provenance import Artefact, assemble, check_outputs

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    records = [json.loads(Path(p).read_text(encoding="utf-8")) for p in sm.input.records]
    # After an interrupted run, never record hashes of outputs that are no longer there.
    check_outputs(records)
    catalogue = load_checked(sm.input.catalogue, "tables.schema.yaml")["tables"]
    tables = {Path(p).stem: p for p in sm.input.tables}
    items = [
        Artefact(spec["id"], tables[name], spec["title"], "table")
        for name, spec in catalogue.items()
    ]
    for manifest in sm.input.manifests:
        fig_dir = Path(manifest).parent
        for entry in json.loads(Path(manifest).read_text(encoding="utf-8")):
            path = (fig_dir / entry["svg"]).as_posix()
            items.append(Artefact(entry["id"], path, entry["caption"], "figure"))
    items += [
        Artefact(key, path, caption, "document")
        for key, path, caption in (
            ("REPORT-HTML", sm.input.html, "The regional report (HTML)"),
            ("REPORT-PDF", sm.input.pdf, "The regional report (PDF)"),
            ("REPORT-XLSX", sm.input.xlsx, "Every published table in one workbook"),
            ("REPORT-FINDINGS", sm.input.findings, "The findings with their IDs"),
        )
    ]
    items += [
        Artefact(f"ANNEX-{Path(p).stem}", p, f"Annex page for {Path(p).stem}", "document")
        for p in sm.input.annexes
    ]
    artefacts.write_json(assemble(records, items), sm.output[0])


jobs.run(sm.log[0], main, "provenance")
