"""Snakemake job: apply the codebook to every source and write the coding outputs."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.coding.codebook import load_codebook
from oversight.coding.coder import (
    code_frequencies,
    code_units,
    cooccurrence,
    exemplars,
    units_from_inspections,
    units_from_survey,
    units_from_transcripts,
)
from oversight.coding.inspectors import oversight_by_grade, oversight_mentions, oversight_quotes
from oversight.coding.refi import codebook_to_qdc, project_to_qdpx
from oversight.coding.themes import theme_summary
from oversight.ingest.redact import publishable
from oversight.quality.exclusions import drop_las, unreliable

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    codebook = load_codebook(sm.input.codebook)
    transcripts = pd.concat([pd.read_parquet(p) for p in sm.input.transcripts], ignore_index=True)
    survey = pd.concat([pd.read_parquet(p) for p in sm.input.survey], ignore_index=True)
    # Each source leaves the LAs whose dataset of it the ledger marks unreliable.
    bad = unreliable(pd.read_csv(sm.input.ledger, dtype={"la_code": str}))
    transcripts = drop_las(transcripts, bad, ["transcripts"])
    survey = drop_las(survey, bad, ["survey"])
    inspections = pd.read_parquet(sm.input.inspections)
    units = pd.concat(
        [
            units_from_transcripts(transcripts),
            units_from_survey(survey),
            units_from_inspections(inspections),
        ],
        ignore_index=True,
    )
    segments = code_units(units, codebook)
    artefacts.write_parquet(segments, sm.output.segments)
    # Each LA's counts and the region's (all LAs together), whose counts are rarely small.
    by_la = code_frequencies(segments, by=["source", "la_code"], units=units)
    region = code_frequencies(segments, by=["source"], units=units)
    region.insert(1, "la_code", sm.params.region_code)
    artefacts.write_csv(
        pd.concat([by_la, region], ignore_index=True)[by_la.columns], sm.output.frequencies
    )
    artefacts.write_csv(cooccurrence(segments).reset_index(), sm.output.cooccurrence)
    artefacts.write_csv(theme_summary(segments, codebook, units), sm.output.themes)
    # Quotes with a word the redactor is unsure of stay in the secure coding outputs only.
    withheld: list[dict] = []
    quotes = exemplars(
        segments,
        units,
        id_patterns=dict(sm.params.id_patterns),
        known=list(sm.params.known),
        withheld=withheld,
    )
    artefacts.write_csv(quotes, sm.output.quotes)
    artefacts.write_csv(
        pd.DataFrame(
            withheld,
            columns=["code", "unit_id", "sentence_index", "la_code", "quote", "unsure"],
        ),
        sm.output.withheld,
    )
    mentions = oversight_mentions(inspections, codebook, known=list(sm.params.known))
    artefacts.write_csv(oversight_by_grade(mentions), sm.output.inspectors)
    artefacts.write_csv(oversight_quotes(mentions), sm.output.inspector_quotes)
    with artefacts.atomic_path(sm.output.qdc) as tmp:
        tmp.write_bytes(codebook_to_qdc(codebook))
    focus = units[units["source"] == "transcript"]
    # The exchange project carries whole turns: a turn the redactor is unsure of is left out.
    focus = focus[focus["text"].map(lambda t: publishable(t, known=list(sm.params.known)))]
    with artefacts.atomic_path(sm.output.qdpx) as tmp:
        tmp.write_bytes(
            project_to_qdpx(
                segments[
                    (segments["source"] == "transcript")
                    & segments["unit_id"].isin(focus["unit_id"])
                ],
                focus,
                codebook,
            )
        )


jobs.run(sm.log[0], main, "coding", sm)
