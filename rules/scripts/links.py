"""Snakemake job `links`: the links between one LA's datasets (links.json)."""

from oversight import jobs
from oversight.quality import run_links

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_links(
        data=list(sm.input.data),
        datasets=list(sm.params.datasets),
        lines=list(sm.input.lines),
        quality=sm.params.quality,
        examples=sm.params.examples,
        out_links=sm.output.links,
    ),
    f"links {sm.wildcards.la}",
    sm,
)
