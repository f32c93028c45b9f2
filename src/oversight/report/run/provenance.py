"""Rule ``provenance`` as one function: every figure, table and document ID traced to the job
that made it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oversight import artefacts
from oversight.config import load_checked
from oversight.provenance import Artefact, assemble, check_outputs
from oversight.report.run.reading import Paths, read_json

# The report's documents in results/provenance.json: ID, caption.
DOCUMENTS = {
    "html": ("REPORT-HTML", "The regional report (HTML)"),
    "pdf": ("REPORT-PDF", "The regional report (PDF)"),
    "xlsx": ("REPORT-XLSX", "Every published table in one workbook"),
    "findings": ("REPORT-FINDINGS", "The findings with their IDs"),
}


def provenance_items(
    tables: Mapping[str, str | Path],
    specs: Mapping[str, Mapping[str, Any]],
    manifests: Paths,
    documents: Mapping[str, str | Path],
    annexes: Paths,
) -> list[Artefact]:
    """Every traced ID: each published table (``tables`` by name), each figure in the
    manifests, the report's documents (``documents`` keyed as :data:`DOCUMENTS`) and the
    annex pages."""
    items = [
        Artefact(spec["id"], str(tables[name]), spec["title"], "table")
        for name, spec in specs.items()
    ]
    for manifest in manifests:
        fig_dir = Path(manifest).parent
        for entry in read_json(manifest):
            path = (fig_dir / entry["svg"]).as_posix()
            items.append(Artefact(entry["id"], path, entry["caption"], "figure"))
    items += [
        Artefact(key, str(documents[name]), caption, "document")
        for name, (key, caption) in DOCUMENTS.items()
    ]
    items += [
        Artefact(f"ANNEX-{Path(p).stem}", str(p), f"Annex page for {Path(p).stem}", "document")
        for p in annexes
    ]
    return items


def run_provenance(
    *,
    records: Paths,
    tables: Paths,
    catalogue: str | Path,
    manifests: Paths,
    html: str | Path,
    pdf: str | Path,
    xlsx: str | Path,
    findings: str | Path,
    annexes: Paths,
    out: str | Path,
) -> None:
    """results/provenance.json: each table, figure and document ID with the job records
    (``records``, one per job) that made it and its inputs."""
    jobs = [read_json(p) for p in records]
    # After an interrupted run, never record hashes of outputs that are no longer there.
    check_outputs(jobs)
    specs = load_checked(catalogue, "tables.schema.yaml")["tables"]
    documents = {"html": html, "pdf": pdf, "xlsx": xlsx, "findings": findings}
    items = provenance_items(
        {Path(p).stem: p for p in tables}, specs, manifests, documents, annexes
    )
    artefacts.write_json(assemble(jobs, items), out)
