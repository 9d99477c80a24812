"""Time ``ipanalysis validate`` on a dataset with many invalid rows; print the timing.

A scratch copy of ``data/`` gets ``--rows`` extra rows in ``observations.csv`` (default
200,000), each with three problems: a value written with its unit word (``1.5万``), an unknown
region, and a key repeated from an earlier row (the years cycle over 200), so the error list
has three times as many entries. ``ipanalysis validate`` runs on
it from the shell, as a user would run it, without the dataset cache. Target: under a minute,
with a capped list (the first problems of each kind, then a count of the rest).

Usage::

    python scripts/benchmark_validate.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ipanalysis import paths

BIN = Path(sys.executable).parent
#: Seconds ``ipanalysis validate`` may take on 200,000 invalid rows.
TARGET_SECONDS = 60.0


def make_invalid_data(folder: Path, rows: int) -> Path:
    """Copy ``data/`` into ``folder`` and append ``rows`` invalid rows to its observations."""
    data = folder / "data"
    shutil.copytree(paths.data_dir(), data)
    path = data / "observations.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
        first = next(csv.DictReader(handle, fieldnames=header))
    template = dict.fromkeys(header, "")
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        for i in range(rows):
            writer.writerow(
                template
                | {
                    "region": "nowhere",
                    "indicator": "valid_patents",
                    "year": str(1900 + i % 200),
                    "value": "1.5万",
                    "source": first["source"],
                    "quote": "有效专利1.5万件",
                }
            )
    return data


def main() -> None:
    """Build the scratch dataset, time ``ipanalysis validate`` on it, print the result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="invalid rows to add")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ipanalysis-bench-validate-") as scratch:
        data = make_invalid_data(Path(scratch), args.rows)
        env = {
            **os.environ,
            "IPANALYSIS_DATA_DIR": str(data),
            "IPANALYSIS_OUTPUTS_DIR": str(Path(scratch) / "outputs"),
            "IPANALYSIS_NO_CACHE": "1",
        }
        command = [str(BIN / "ipanalysis"), "validate"]
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
    lines = done.stdout.splitlines()
    print(
        f"ipanalysis validate on {args.rows:,} invalid rows: {seconds:.1f} s, exit code "
        f"{done.returncode}, {len(lines):,} lines printed (target < {TARGET_SECONDS:.0f} s)"
    )
    print("  first lines: " + " | ".join(lines[:3]))
    print("  last line:   " + (lines[-1] if lines else "(none)"))
    if done.stderr.strip():
        print("  stderr: " + done.stderr.strip().splitlines()[-1])
    sys.exit(0 if seconds < TARGET_SECONDS and done.returncode == 1 else 1)


if __name__ == "__main__":
    main()
