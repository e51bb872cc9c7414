"""Are two signpost result directories the same results?

    python3 tests/cluster/same_results.py EXPECTED ACTUAL

Every file must be present in both and byte-identical, except for the run
facts (how long it took, on how many threads: they describe the machine,
not the results): ``run.json`` and ``portfolio.json`` are compared without
them, ``report.html`` without its one timing line. The same rule as
``same_files`` of python/tests/test_signpost.py and of
tests/integration/distributed.rs. Prints ``IDENTICAL (N files)`` and exits
0, or one ``DIFF`` line per difference and exits 1. Used by the Slurm and
the Spark tests, which compare a distributed run with ``signpost run`` of
the same scenario, seed and replications.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import List

#: run.json fields that describe the run, not its results.
RUN_FACTS = ("wall_seconds", "threads", "events_per_second")
#: report.html's line on the run's timing.
TIMING = re.compile(rb"\d+ threads?; [\d,]+ events in [\d.]+ s \([\d,]+ events/s\)")


def _files(root: Path) -> List[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _run_json_without_facts(path: Path) -> dict:
    doc = json.loads(path.read_text())
    for key in RUN_FACTS:
        doc.pop(key, None)
    return doc


def differences(expected: Path, actual: Path) -> List[str]:
    """What differs between the two result directories (empty: the same)."""
    expected_files, actual_files = _files(expected), _files(actual)
    found = [f"DIFF only in {expected}: {f}" for f in sorted(set(expected_files) - set(actual_files))]
    found += [f"DIFF only in {actual}: {f}" for f in sorted(set(actual_files) - set(expected_files))]
    for name in sorted(set(expected_files) & set(actual_files)):
        a, b = expected / name, actual / name
        if Path(name).name in ("run.json", "portfolio.json"):
            same = _run_json_without_facts(a) == _run_json_without_facts(b)
        elif Path(name).name == "report.html":
            same = TIMING.sub(b"", a.read_bytes()) == TIMING.sub(b"", b.read_bytes())
        else:
            same = a.read_bytes() == b.read_bytes()
        if not same:
            found.append(f"DIFF {name}")
    return found


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} EXPECTED_DIR ACTUAL_DIR", file=sys.stderr)
        return 2
    expected, actual = Path(argv[1]), Path(argv[2])
    for d in (expected, actual):
        if not d.is_dir():
            print(f"{d}: not a directory", file=sys.stderr)
            return 2
    found = differences(expected, actual)
    for line in found:
        print(line)
    if found:
        return 1
    print(f"IDENTICAL ({len(_files(expected))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
