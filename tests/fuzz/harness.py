"""What every fuzz trial checks, whatever the input: the file is loaded or refused with a clear
message; never a traceback, never a row lost; the ledger balances.

The outcome of every trial is tallied by test name. ``make fuzz`` runs the suites with many
more examples and writes the tally to ``benchmarks/results/fuzz.json`` (the counts quoted in
``docs/reliability.md``).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oversight.errors import ExtractError
from oversight.ingest.extracts import Authority, Result, ingest
from tests.helpers import KEY, STUDY, Sandbox

# Trials per property: small in CI (about a minute for the suite), large in `make fuzz`.
EXAMPLES = int(os.environ.get("OVERSIGHT_FUZZ_EXAMPLES", "40"))
TALLY: defaultdict[str, Counter] = defaultdict(Counter)


@dataclass
class Outcome:
    result: Result | None = None
    error: ExtractError | None = None

    @property
    def kind(self) -> str:
        if self.error is not None:
            return "refused with a file-level message"
        assert self.result is not None
        led = self.result.ledger
        if led["rows_rejected"] and led["rows_loaded"]:
            return "loaded, some rows rejected with reasons"
        if led["rows_rejected"]:
            return "every row rejected with reasons"
        return "loaded whole"


def run_ingest(box: Sandbox, la: Authority, dataset: str, tally: str) -> Outcome:
    """Ingest; only a file-level ExtractError may escape. Checks the outcome, tallies it."""
    try:
        outcome = Outcome(result=ingest(la, dataset, box.raw, STUDY, key=KEY))
    except ExtractError as exc:
        outcome = Outcome(error=exc)
    check(outcome, la.config["datasets"][dataset]["path"].split("*")[0])
    if tally:  # reference runs inside a property are not trials
        TALLY[tally][outcome.kind] += 1
    return outcome


def check(outcome: Outcome, path_prefix: str) -> None:
    """A refusal names the file and says what to change; a load accounts for every row."""
    if outcome.error is not None:
        text = str(outcome.error)
        assert text.startswith(outcome.error.file), text
        # A file is named by its plain path in the LA's folder, or by its keyed label
        # (a transcript always; oversight.ingest.filelabels).
        label = re.fullmatch(r"[TF]-[0-9a-f]{12}", outcome.error.file)
        assert label or outcome.error.file.startswith(path_prefix.rsplit("/", 1)[0]), text
        assert outcome.error.problem.strip(), text
        assert outcome.error.fix or outcome.error.expected, text
        assert "Traceback" not in text
        return
    result = outcome.result
    assert result is not None
    led = result.ledger
    assert led["rows_in"] == led["rows_loaded"] + led["rows_rejected"], led
    loaded = set(zip(result.data["source_file"], result.data["source_row"], strict=True))
    rejected = set(zip(result.rejects["source_file"], result.rejects["source_row"], strict=True))
    assert not loaded & rejected, "a row is both loaded and rejected"
    assert len(rejected) == led["rows_rejected"]
    for reject in result.rejects.itertuples(index=False):
        assert reject.rule and reject.message and reject.column, reject
        assert int(reject.source_row) >= 1


def write_tally(path: Path) -> None:
    """Merge this process's tally into ``path`` (several pytest workers may write)."""
    merged: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    for name, counts in TALLY.items():
        into = merged.setdefault(name, {})
        for kind, n in counts.items():
            into[kind] = into.get(kind, 0) + n
    path.write_text(json.dumps(dict(sorted(merged.items())), indent=2, sort_keys=True) + "\n")
