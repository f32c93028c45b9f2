"""Measure the redactor on the labelled corpus: recall and precision, per category and overall.

    python benchmarks/redaction.py                 # table for train, test and all sentences
    python benchmarks/redaction.py --misses train  # also list the missed spans of a split
    python benchmarks/redaction.py --timing        # time to redact the demo's free text

The corpus is ``tests/fixtures/redaction/corpus.yaml``: sentences written for the purpose,
each with the spans that must go. A span is *recalled* when every one of its letters and
digits is inside a redacted span. *Precision* is the share of redacted letters and digits that
lie inside a labelled span (so redacting "DOB" beside a date costs precision, not recall).
A sentence's LA (``la``) brings that LA's configured identifier patterns; ``names`` are the
session's participants; every LA name from the configuration is passed as known words, as the
pipeline does. *Leaked past the gate* counts missed spans in sentences that
:func:`oversight.ingest.redact.publishable` would still let through once redacted.

Timing: every focus-group turn and survey comment of the demo's interim outputs
(``data/interim/<la>/transcripts.parquet`` and ``survey.parquet``), redacted once cold and once
warm (gazetteer loaded, word frequencies cached).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from oversight.ingest import redact  # noqa: E402
from oversight.ingest.identifiers import rules_from_config  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "redaction" / "corpus.yaml"
AUTHORITIES = ROOT / "config" / "authorities"


def load_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text("utf-8"))


def la_context() -> tuple[dict[str, list[Any]], list[str]]:
    """Each LA's identifier patterns (by config file stem) and every LA name."""
    patterns, la_names = {}, []
    for path in sorted(AUTHORITIES.glob("*.yaml")):
        config = yaml.safe_load(path.read_text("utf-8"))
        rules = rules_from_config(config, path)
        patterns[path.stem] = [r.pattern for r in rules.values() if r.pattern is not None]
        la_names.append(config.get("la_name", ""))
    return patterns, la_names


def _locate(text: str, spans: list[list[str]]) -> list[tuple[int, int, str, str]]:
    """Labelled spans as offsets, each occurrence after the previous one of the same text."""
    out, after = [], defaultdict(int)
    for piece, kind in spans:
        start = text.index(piece, after[piece])
        after[piece] = start + len(piece)
        out.append((start, start + len(piece), piece, kind))
    return out


def _alnum(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if text[i].isalnum()}


def measure(corpus: list[dict[str, Any]], split: str | None = None) -> dict[str, Any]:
    """Recall by span kind, precision by sentence kind, overall figures and the misses."""
    patterns, la_names = la_context()
    found = defaultdict(lambda: [0, 0])  # kind -> [recalled, labelled]
    chars = defaultdict(lambda: [0, 0])  # sentence kind -> [redacted in labels, redacted]
    misses, leaked = [], []
    for item in corpus:
        if split and item["split"] != split:
            continue
        text = item["text"]
        names = item.get("names", [])
        ids = patterns[item["la"]] if item.get("la") else []
        got = redact.find(text, names, ids, la_names)
        covered = set().union(*(_alnum(text, s.start, s.end) for s in got)) if got else set()
        labelled = set()
        for start, end, piece, kind in _locate(text, item["spans"]):
            need = _alnum(text, start, end)
            labelled |= need
            found[kind][1] += 1
            if need <= covered:
                found[kind][0] += 1
            else:
                misses.append((item["id"], kind, piece, text))
                published = redact.redact(text, names, ids, la_names)
                if redact.publishable(published, known=la_names):
                    leaked.append((item["id"], kind, piece))
        chars[item["kind"]][0] += len(covered & labelled)
        chars[item["kind"]][1] += len(covered)
    recalled = sum(v[0] for v in found.values())
    total = sum(v[1] for v in found.values())
    in_labels = sum(v[0] for v in chars.values())
    redacted = sum(v[1] for v in chars.values())
    return {
        "recall": recalled / total if total else 1.0,
        "precision": in_labels / redacted if redacted else 1.0,
        "spans": total,
        "recalled": recalled,
        "by_kind": {k: (v[0], v[1]) for k, v in sorted(found.items())},
        "precision_by_kind": {k: (v[0], v[1]) for k, v in sorted(chars.items())},
        "misses": misses,
        "leaked": leaked,
        "sentences": sum(1 for i in corpus if not split or i["split"] == split),
    }


def table(results: dict[str, dict[str, Any]]) -> str:
    """A Markdown table: one row per category, one recall column per split, then overall."""
    splits = list(results)
    kinds = sorted({k for r in results.values() for k in r["by_kind"]})
    head = "| category | " + " | ".join(f"recall ({s})" for s in splits) + " |"
    lines = [head, "|---" * (len(splits) + 1) + "|"]
    for kind in kinds:
        cells = []
        for s in splits:
            hit, n = results[s]["by_kind"].get(kind, (0, 0))
            cells.append(f"{hit}/{n}" if n else "-")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")

    def row(label: str, cell) -> str:
        return f"| **{label}** | " + " | ".join(cell(results[s]) for s in splits) + " |"

    lines.append(row("recall", lambda r: f"{r['recall']:.1%} ({r['recalled']}/{r['spans']})"))
    lines.append(row("precision (characters)", lambda r: f"{r['precision']:.1%}"))
    none_p = [results[s]["precision_by_kind"].get("none", (0, 0))[1] for s in splits]
    lines.append(
        "| **characters redacted in sentences with nothing to redact** | "
        + " | ".join(str(n) for n in none_p)
        + " |"
    )
    lines.append(
        row("missed spans that the publishing gate lets through", lambda r: str(len(r["leaked"])))
    )
    lines.append(row("sentences", lambda r: str(r["sentences"])))
    return "\n".join(lines)


def timing() -> str:
    """Seconds to redact the demo's focus-group turns and survey comments, cold and warm."""
    import pandas as pd

    texts = []
    for la_dir in sorted((ROOT / "data" / "interim").iterdir()):
        for name, column in (("transcripts.parquet", "text"), ("survey.parquet", "free_text")):
            path = la_dir / name
            if path.exists():
                texts += [
                    t
                    for t in pd.read_parquet(path, columns=[column])[column]
                    if isinstance(t, str) and t
                ]
    if not texts:
        return "no demo interim outputs: run the demo first"
    _, la_names = la_context()
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        for t in texts:
            redact.redact(t, (), (), la_names)
        runs.append(time.perf_counter() - start)
    chars = sum(len(t) for t in texts)
    return (
        f"{len(texts)} texts, {chars} characters: {runs[0]:.2f} s cold (loading the gazetteer "
        f"and word frequencies), {runs[1]:.2f} s warm ({chars / runs[1] / 1000:.0f} k chars/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", choices=["train", "test", "all"], help="list missed spans")
    parser.add_argument("--timing", action="store_true", help="time the demo's free text")
    args = parser.parse_args()
    corpus = load_corpus()
    results = {s: measure(corpus, s) for s in ("train", "test")}
    results["all"] = measure(corpus)
    print(table(results))
    if args.misses:
        for miss in results[args.misses]["misses"]:
            print("missed", *miss, sep=" | ")
    if args.timing:
        print(timing())


if __name__ == "__main__":
    main()
