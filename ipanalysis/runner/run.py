"""The run: check, plan, execute, commit (what ``ipanalysis run`` calls)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ipanalysis import paths
from ipanalysis.runner.commit import commit_outputs, remove_orphan_staging
from ipanalysis.runner.execute import default_jobs, describe_error, execute_jobs, mp_context
from ipanalysis.runner.plan import (
    ASSESSMENT_CSV,
    OVERVIEW_KEY,
    OVERVIEW_NOTEBOOK,
    REGION_NOTEBOOKS,
    STAGING_PREFIX,
    RunConfigError,
    check_options,
    check_region_ids,
    declared_parameters,
    expected_costs,
    plan_jobs,
    region_display_names,
)
from ipanalysis.runner.results import NotebookResult, RunSummary


def run_notebooks(
    regions: Sequence[str] | str | None = None,
    *,
    jobs: int | None = None,
    as_of: int | None = None,
    min_reliability: str = "C",
    interval_level: float = 0.8,
    outputs_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    notebooks_dir: str | os.PathLike[str] | None = None,
    overview: bool = True,
    dataset: Any = None,
    **extra_parameters: Any,
) -> RunSummary:
    """Execute the report notebooks for ``regions`` and the overview, writing ``outputs/``.

    Parameters
    ----------
    regions : sequence of str, str or None
        Region ids (``binhai``…); None runs every city and district in ``regions.csv``.
    jobs : int, optional
        Worker processes; default one per core.
    as_of : int, optional
        Assess as if only figures up to this year were known (passed to the notebooks).
    min_reliability : {"A", "B", "C"}
        Use only figures from sources at least this reliable.
    interval_level : float
        Coverage of the forecast intervals (0 < level < 1).
    outputs_dir : path, optional
        Where to write; default :func:`ipanalysis.paths.outputs_dir`.
    progress : bool
        Show a progress bar (rich) on stderr.
    notebooks_dir : path, optional
        Where the notebooks are; default :data:`ipanalysis.paths.NOTEBOOKS_DIR`.
    overview : bool
        Also run the overview notebook (always across every reportable region).
    dataset : ipanalysis.dataset.Dataset, optional
        The dataset already loaded (and validated) by the caller; loaded here otherwise. It
        gives the valid region ids and the assessment CSVs; the notebooks load their own.
    **extra_parameters
        Further notebook parameters (e.g. ``target_years=[2025]``); every notebook run must
        declare them.

    Returns
    -------
    RunSummary
        The results; ``summary.failures`` is empty when everything ran.

    Raises
    ------
    RunConfigError
        Before anything runs: unknown or non-slug region, undeclared parameter, bad option.

    Notes
    -----
    Workers are forked from a fork server (spawned on Windows), which imports the caller's
    main module again: a script calling this function needs the usual
    ``if __name__ == "__main__":`` guard, as with any use of :mod:`multiprocessing`.
    """
    started = time.perf_counter()
    if isinstance(regions, str):
        regions = [regions]
    check_options(jobs, min_reliability, interval_level)
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS_DIR
    outputs = Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()
    # Slugs first: they need no data, and a bad id must never reach the file system.
    if regions is not None:
        for region in regions:
            check_region_ids([region], valid=[region])

    mp_context(start=True)  # warm up the workers' parent while the checks below run
    names = list(REGION_NOTEBOOKS) + ([OVERVIEW_NOTEBOOK] if overview else [])
    declared = {name: declared_parameters(nb_dir / f"{name}.ipynb") for name in names}
    given: dict[str, Any] = {
        "as_of": as_of,
        "min_reliability": min_reliability,
        "interval_level": interval_level,
        **extra_parameters,
    }
    if "region" in given or "regions" in given:
        raise RunConfigError("Pass regions as the first argument, not as a notebook parameter.")
    for name in names:
        missing = sorted(set(given) - set(declared[name]))
        if name in REGION_NOTEBOOKS and "region" not in declared[name]:
            missing.append("region")
        if missing:
            raise RunConfigError(
                f"{name}.ipynb does not declare parameter(s) {', '.join(missing)}; it declares "
                f"{', '.join(declared[name])}."
            )

    if dataset is None:
        dataset = _load_dataset()
    valid = _reportable_regions(dataset)
    run_regions = check_region_ids(valid if regions is None else regions, valid)
    # Effective values (notebook defaults overridden by the run's) drive the assessment CSVs.
    effective = {**declared.get("forecast", declared[REGION_NOTEBOOKS[0]]), **given}

    summary = RunSummary(outputs_dir=outputs, regions=list(run_regions))
    outputs.mkdir(parents=True, exist_ok=True)
    remove_orphan_staging(outputs)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=outputs))
    keys = list(run_regions) + ([OVERVIEW_KEY] if overview else [])
    csv_failures: list[NotebookResult] = []
    try:
        costs = expected_costs(dataset, run_regions, effective)
        jobs_list = plan_jobs(
            run_regions,
            names,
            nb_dir,
            staging,
            declared,
            given,
            costs,
            region_display_names(dataset),
        )
        results = execute_jobs(
            jobs_list,
            jobs or default_jobs(),
            progress,
            on_idle=lambda: csv_failures.extend(
                _write_assessments(dataset, keys, effective, staging)
            ),
        )
        summary.results = _order_results(results + csv_failures, run_regions, names)
        commit_outputs(summary, staging, outputs, run_regions, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _order_results(
    results: Sequence[NotebookResult], run_regions: Sequence[str], names: Sequence[str]
) -> list[NotebookResult]:
    order = {key: i for i, key in enumerate([*run_regions, OVERVIEW_KEY])}
    nb_order = {name: i for i, name in enumerate([*names, ASSESSMENT_CSV])}
    return sorted(results, key=lambda r: (order.get(r.key, 99), nb_order.get(r.notebook, 99)))


# Package-side hooks (monkeypatched in tests)


def _load_dataset() -> Any:
    """Load and validate the dataset (raises on bad data; cached while nothing changed)."""
    from ipanalysis.report import load_dataset

    return load_dataset()


def _reportable_regions(dataset: Any) -> list[str]:
    """Return the ids of the regions reports are made for (cities and districts)."""
    return list(dataset.region_ids(("city", "district")))


def _write_assessment(
    dataset: Any, regions: Sequence[str] | None, parameters: Mapping[str, Any], path: Path
) -> None:
    """Write the assessment CSV for ``regions`` (None: all reportable) with the run's options."""
    from ipanalysis import report

    table = report.assessment_table(
        dataset,
        regions=regions,
        target_years=parameters.get("target_years"),
        as_of=parameters.get("as_of"),
        min_reliability=parameters.get("min_reliability", "C"),
        interval_level=parameters.get("interval_level", 0.8),
    )
    report.write_csv(table, path)


def _write_assessments(
    dataset: Any,
    keys: Sequence[str],
    parameters: Mapping[str, Any],
    staging: Path,
) -> list[NotebookResult]:
    """Write the assessment CSVs into staging (in the main process, beside the workers).

    Returns a failed result for each CSV that could not be computed; its region then keeps
    its previous outputs like a region whose notebook failed.
    """
    failures = []
    for key in keys:
        start = time.perf_counter()
        regions = None if key == OVERVIEW_KEY else [key]
        try:
            _write_assessment(dataset, regions, parameters, staging / key / ASSESSMENT_CSV)
        except Exception as exc:  # noqa: BLE001 - reported in the summary
            failures.append(
                NotebookResult(
                    key, ASSESSMENT_CSV, False, time.perf_counter() - start, describe_error(exc)
                )
            )
    return failures
