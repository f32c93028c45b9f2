"""What every pipeline job shares: a log file, and failing with one clear message.

File-level problems (:class:`ExtractError`), configuration errors and a missing key are
expected failures: they are written to the job's log and to stderr as one message, without a
Python traceback, and the job exits non-zero so Snakemake stops that LA's chain.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from oversight.errors import ConfigError, ExtractError, KeyMissingError, LedgerError

EXPECTED = (ExtractError, ConfigError, KeyMissingError, LedgerError)


def run(log_path: str | Path, job: Callable[[], None], name: str) -> None:
    """Run ``job`` with logging to ``log_path``; expected failures exit with their message."""
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
    log.info("done")
