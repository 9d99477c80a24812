"""Time ``ipanalysis run`` against plain papermill, and each notebook against a floor.

Three measurements, on this machine, in one invocation:

0. **Incremental rerun.** ``ipanalysis run`` into an empty scratch folder (everything runs),
   then again with nothing changed (every notebook is skipped: see
   ``ipanalysis/runner/manifest.py``). Target: the second run takes < 10 % of the first.
1. **Whole run.** ``ipanalysis run`` (all regions, default options, one process per core)
   against a serial loop of ``papermill`` command-line calls over the same notebooks and
   parameters (two per region, plus the overview). Both write to scratch folders outside the
   repository. The runner does *more* work than the loop (HTML export, figure extraction,
   assessment CSVs); it is timed as the user runs it, from the shell. The two alternate
   ``--repeat`` times; the ratio is of the medians. Target on 2 cores: ratio <= 0.5. The
   runner is called with ``--force`` here, so that every repetition executes everything.
2. **One notebook against the floor.** A notebook's floor is a notebook with the same
   parameters cell and the same import line and nothing else, plus an import of every
   ``ipanalysis`` module (and matplotlib's Agg backend) the notebook ends up loading, since
   the package imports statsmodels, scipy and the PNG backend lazily: a kernel start plus
   the import time of the same libraries, the part no notebook can avoid. The modules are
   found by running each notebook once with an extra cell listing ``sys.modules``. Every
   report notebook and the floors are executed with papermill's Python API from this
   process, ``--repeat`` times each, interleaved; medians are compared. Target: each notebook
   <= 1.5 x its floor.

One untimed papermill call first warms the operating system's file cache, so neither side
pays for a cold disk. Results are printed and written as JSON to ``--results-dir`` (default:
``$XDG_CACHE_HOME/ipanalysis/benchmark`` or ``~/.cache/ipanalysis/benchmark``, outside the
repository).

Usage::

    python scripts/benchmark.py [--repeat 3] [--jobs N] [--results-dir DIR] [--rerun-only]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import papermill

from ipanalysis import paths
from ipanalysis.data import load_dataset
from ipanalysis.data.regions import reportable_region_ids
from ipanalysis.runner import OVERVIEW_NOTEBOOK, REGION_NOTEBOOKS

BIN = Path(sys.executable).parent
WHOLE_RUN_TARGET = 0.5
RERUN_TARGET = 0.1
NOTEBOOK_TARGET = 1.5


def default_results_dir() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "ipanalysis" / "benchmark"


def _tool(name: str) -> list[str]:
    """The console script next to this interpreter, or ``python -m`` as a fallback."""
    exe = BIN / name
    if exe.exists():
        return [str(exe)]
    module = {"ipanalysis": "ipanalysis.cli", "papermill": "papermill"}[name]
    return [sys.executable, "-m", module]


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _jobs_plan(regions: list[str]) -> list[tuple[str, dict[str, str]]]:
    plan = [(nb, {"region": r}) for r in regions for nb in REGION_NOTEBOOKS]
    return plan + [(OVERVIEW_NOTEBOOK, {})]


def _papermill_cli(notebook: str, params: dict[str, str], out_dir: Path) -> list[str]:
    key = params.get("region", "all")
    cmd = [
        *_tool("papermill"),
        str(paths.NOTEBOOKS_DIR / f"{notebook}.ipynb"),
        str(out_dir / f"{notebook}-{key}.ipynb"),
    ]
    for name, value in params.items():
        cmd += ["-p", name, value]
    return cmd


LIST_MODULES = (
    "import sys\n"
    "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'ipanalysis'"
    " or m == 'matplotlib.backends.backend_agg')))"
)


def _loaded_modules(notebook: str, params: dict[str, str], scratch: Path) -> list[str]:
    """Run the notebook once with a last cell listing the package modules it loaded."""
    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{notebook}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(LIST_MODULES))
    probe = scratch / f"probe-{notebook}.ipynb"
    nbformat.write(nb, probe)
    out = papermill.execute_notebook(
        str(probe), None, parameters=params or None, progress_bar=False, log_output=False
    )
    return out.cells[-1].outputs[0]["text"].split()


def _floor_notebook(notebook: str, modules: list[str], path: Path) -> None:
    """The notebook's parameters cell, its import lines and the modules it loads."""
    source = nbformat.read(paths.NOTEBOOKS_DIR / f"{notebook}.ipynb", as_version=4)
    params = next(c for c in source.cells if "parameters" in c.metadata.get("tags", []))
    imports = [
        line
        for cell in source.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if line.startswith(("import ", "from "))
    ]
    imports += [f"import {m}" for m in modules]
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(params.source, metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("\n".join(imports)),
        ],
        metadata=source.metadata,
    )
    nbformat.write(nb, path)


def _execute(path: Path, params: dict[str, str]) -> float:
    start = time.perf_counter()
    papermill.execute_notebook(
        str(path), None, parameters=params or None, progress_bar=False, log_output=False
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per notebook (median)")
    parser.add_argument("--jobs", type=int, default=None, help="ipanalysis run --jobs")
    parser.add_argument("--results-dir", type=Path, default=default_results_dir())
    parser.add_argument(
        "--rerun-only", action="store_true", help="only measurement 0 (unchanged rerun)"
    )
    args = parser.parse_args()

    regions = reportable_region_ids(load_dataset().regions)
    plan = _jobs_plan(regions)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    scratch = Path(tempfile.mkdtemp(prefix="ipanalysis-benchmark-"))
    env = {**os.environ, "IPANALYSIS_OUTPUTS_DIR": str(scratch / "run-outputs")}
    try:
        print(f"{len(plan)} notebooks ({', '.join(regions)} + overview); {cores} cores")
        _timed(_papermill_cli(*plan[0], scratch), env)  # warm the file cache, untimed

        run_cmd = [*_tool("ipanalysis"), "run"]
        if args.jobs:
            run_cmd += ["--jobs", str(args.jobs)]
        fresh_env = {**env, "IPANALYSIS_OUTPUTS_DIR": str(scratch / "incremental-outputs")}
        t_first = _timed(run_cmd, fresh_env)
        t_second = _timed(run_cmd, fresh_env)
        rerun_ratio = t_second / t_first
        verdict = "OK" if rerun_ratio < RERUN_TARGET else "over target"
        print(f"first run (everything):  {t_first:6.1f} s")
        print(f"second run (no change):  {t_second:6.1f} s")
        print(
            f"second / first:          {rerun_ratio:6.1%}  "
            f"(target < {RERUN_TARGET:.0%}: {verdict})"
        )
        if args.rerun_only:
            return 0
        run_cmd.append("--force")
        serial_dir = scratch / "papermill"
        serial_dir.mkdir()
        run_times, serial_times = [], []
        for _ in range(args.repeat):  # alternated: drift in machine load hits both alike
            run_times.append(_timed(run_cmd, env))
            serial_times.append(
                sum(_timed(_papermill_cli(nb, p, serial_dir), env) for nb, p in plan)
            )
        t_run, t_serial = statistics.median(run_times), statistics.median(serial_times)
        ratio = t_run / t_serial
        spread = ", ".join(f"{r / s:.2f}" for r, s in zip(run_times, serial_times, strict=True))
        print(f"ipanalysis run:          {t_run:6.1f} s  (median of {args.repeat})")
        print(f"serial papermill CLI:    {t_serial:6.1f} s  (median of {args.repeat})")
        print(f"ratio per repetition:    {spread}")
        verdict = "OK" if ratio <= WHOLE_RUN_TARGET else "over target"
        print(f"ratio:                   {ratio:6.2f}  (target <= {WHOLE_RUN_TARGET}: {verdict})")

        kinds = {nb: p for nb, p in plan}  # one probe per notebook (the first region's)
        floors: dict[str, Path] = {}
        floor_modules: dict[str, list[str]] = {}
        for nb, p in kinds.items():
            floor_modules[nb] = _loaded_modules(nb, p, scratch)
            floors[nb] = scratch / f"floor-{nb}.ipynb"
            _floor_notebook(nb, floor_modules[nb], floors[nb])
        floor_times: dict[str, list[float]] = {nb: [] for nb in floors}
        nb_times: dict[str, list[float]] = {f"{nb}/{p.get('region', 'all')}": [] for nb, p in plan}
        for _ in range(args.repeat):  # interleaved: drift in machine load hits both alike
            for nb, path in floors.items():
                floor_times[nb].append(_execute(path, kinds[nb]))
            for nb, p in plan:
                path = paths.NOTEBOOKS_DIR / f"{nb}.ipynb"
                nb_times[f"{nb}/{p.get('region', 'all')}"].append(_execute(path, p))
        floor = {nb: statistics.median(times) for nb, times in floor_times.items()}
        print(f"\nfloors (kernel + the same imports), median of {args.repeat}:")
        for nb, seconds in floor.items():
            print(f"  {nb:22s} {seconds:5.2f} s  ({len(floor_modules[nb])} package modules)")
        per_notebook = {}
        for key, times in nb_times.items():
            median = statistics.median(times)
            base = floor[key.split("/")[0]]
            per_notebook[key] = {"seconds": median, "floor": base, "ratio": median / base}
            mark = "" if median / base <= NOTEBOOK_TARGET else "  over target"
            print(f"  {key:22s} {median:5.2f} s  {median / base:4.2f} x floor{mark}")
        worst = max(v["ratio"] for v in per_notebook.values())
        verdict = "OK" if worst <= NOTEBOOK_TARGET else "over target"
        print(f"worst notebook: {worst:.2f} x floor  (target <= {NOTEBOOK_TARGET}: {verdict})")

        result = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cores": cores, "platform": platform.platform(), "python": sys.version},
            "notebooks": len(plan),
            "first_run_seconds": t_first,
            "unchanged_rerun_seconds": t_second,
            "rerun_ratio": rerun_ratio,
            "run_seconds": t_run,
            "serial_papermill_seconds": t_serial,
            "run_runs": run_times,
            "serial_runs": serial_times,
            "run_ratio": ratio,
            "floor_seconds": floor,
            "floor_runs": floor_times,
            "floor_modules": floor_modules,
            "per_notebook": per_notebook,
            "worst_notebook_ratio": worst,
            "repeat": args.repeat,
        }
        args.results_dir.mkdir(parents=True, exist_ok=True)
        out = args.results_dir / f"benchmark-{datetime.now():%Y%m%d-%H%M%S}.json"
        out.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(f"\nresults: {out}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
