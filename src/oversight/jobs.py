"""What every pipeline job shares: a log file, and failing with one clear message.

File-level problems (:class:`ExtractError`), configuration errors, a missing key and
provenance that no longer matches the files on disk are expected failures: they are written
to the job's log and to stderr as one message, without a Python traceback, and the job exits
non-zero so Snakemake stops that LA's chain.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from oversight.errors import (
    ConfigError,
    DisclosureError,
    ExtractError,
    KeyMissingError,
    LedgerError,
)
from oversight.provenance import ProvenanceError

EXPECTED = (
    ExtractError,
    ConfigError,
    KeyMissingError,
    LedgerError,
    ProvenanceError,
    DisclosureError,
)


def run(log_path: str | Path, job: Callable[[], None], name: str, sm: Any = None) -> None:
    """Run ``job`` with logging to ``log_path``; expected failures exit with their message.

    With the Snakemake object ``sm`` and a ``prov`` output, the job's provenance (inputs and
    outputs with their SHA-256, parameters, code version) is recorded there once it succeeds.
    """
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=str(log_path),
        filemode="w",
        level=logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,
    )
    log = logging.getLogger(name)
    try:
        job()
    except EXPECTED as exc:
        message = f"{name} stopped: {exc}"
        log.error(message)
        print(message, file=sys.stderr)
        sys.exit(1)
    # Snakemake's output list holds paths: the name must be looked up among its keys.
    if sm is not None and "prov" in sm.output.keys():  # noqa: SIM118
        # Imported here: hashing and git are only needed once the work is done.
        from oversight.artefacts import write_json
        from oversight.provenance import job_record

        write_json(job_record(sm), sm.output.prov)
    log.info("done")
