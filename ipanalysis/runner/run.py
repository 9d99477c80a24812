"""The run: check, plan, execute, commit (what ``ipanalysis run`` calls)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipanalysis import paths
from ipanalysis.assess import assess
from ipanalysis.assess.track_record import run_backtest
from ipanalysis.data.cache import load_dataset
from ipanalysis.data.dataset import Dataset
from ipanalysis.data.regions import check_region_ids, check_slug, reportable_region_ids
from ipanalysis.data.vintage import as_of_years, vintage_dataset
from ipanalysis.errors import RegionError
from ipanalysis.model.damped import estimate_pools
from ipanalysis.report.benchmark import benchmark_ids
from ipanalysis.report.files import BACKTEST_FILES, write_backtest, write_csv
from ipanalysis.report.forecasts import FORECASTS_CSV, write_forecasts
from ipanalysis.report.needs import write_needs_templates
from ipanalysis.runner import manifest
from ipanalysis.runner.commit import (
    commit_outputs,
    owned_files,
    remove_orphan_staging,
    table_companions,
)
from ipanalysis.runner.execute import default_jobs, describe_error, execute_jobs
from ipanalysis.runner.interrupt import deferred_interrupt, interrupt_guard
from ipanalysis.runner.plan import (
    ASSESSMENT_CSV,
    OVERVIEW_KEY,
    OVERVIEW_NOTEBOOK,
    REGION_NOTEBOOKS,
    STAGING_PREFIX,
    VARIANTS_DIRNAME,
    Job,
    RunConfigError,
    check_declared,
    check_options,
    declared_parameters,
    expected_costs,
    plan_jobs,
    region_display_names,
    variant_slug,
)
from ipanalysis.runner.results import NotebookResult, RunSummary
from ipanalysis.scope import Scope
from ipanalysis.writes import ensure_folder, make_temp_folder


@dataclass(frozen=True)
class TableWriter:
    """A table the package writes in the main process, beside the notebooks' outputs.

    Attributes
    ----------
    name : str
        Its file name in an output set (``assessment.csv``).
    per_region : bool
        True: one per region folder and one for the overview (across regions); False: only
        the overview's, at the top of the outputs folder.
    write : callable
        ``write(dataset, regions, scope, path)``: ``regions`` is ``[region]`` or None
        (every reportable region), ``scope`` the run's :class:`~ipanalysis.scope.Scope`.
    """

    name: str
    per_region: bool
    write: Callable[[Dataset, Sequence[str] | None, Scope, Path], None]


def table_writers() -> list[TableWriter]:
    """Return the package-side tables a run writes.

    This is the hook for further tables computed from the dataset rather than by a notebook
    (e.g. ``outputs/backtest.csv``: ``TableWriter("backtest.csv", False, <writer>)``). Each is
    skipped, like a notebook, when its inputs (data, package, parameters) are unchanged, and
    a failure keeps its set's previous outputs.

    Returns
    -------
    list of TableWriter
        The assessment CSVs and the forecast of every series (``forecasts.csv``).
    """
    return [
        TableWriter(ASSESSMENT_CSV, True, lambda *args: _write_assessment(*args)),
        TableWriter(FORECASTS_CSV, True, lambda *args: write_forecasts(*args)),
    ]


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
    force: bool = False,
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
        Where to write; default :func:`ipanalysis.paths.outputs_dir`. A run with any
        parameter other than the notebooks' defaults is a *variant*: it writes to
        ``<outputs_dir>/variants/<slug>/`` (:func:`~ipanalysis.runner.plan.variant_slug`),
        with its own overview and manifest, and never touches the current reports.
    progress : bool
        Show a progress bar (rich) on stderr.
    notebooks_dir : path, optional
        Where the notebooks are; default :data:`ipanalysis.paths.NOTEBOOKS_DIR`.
    overview : bool
        Also run the overview notebook (always across every reportable region).
    dataset : ipanalysis.data.dataset.Dataset, optional
        The dataset already loaded (and validated) by the caller; loaded here otherwise. It
        gives the valid region ids, the data digests and the package-side tables; the
        notebooks load their own.
    force : bool
        Execute every notebook, even those whose inputs are unchanged since their outputs
        were made (see :mod:`ipanalysis.runner.manifest`).
    **extra_parameters
        Further notebook parameters (e.g. ``target_years=[2025]``); every notebook run must
        declare them, with a value of the type of the declared default.

    Returns
    -------
    RunSummary
        The results; ``summary.failures`` is empty when everything ran.

    Raises
    ------
    RunConfigError
        Before anything runs: unknown or non-slug region, undeclared or wrongly typed
        parameter, bad option, ``as_of`` outside the years the dataset supports.
    KeyboardInterrupt
        On Ctrl-C, after every process of the run was stopped and the staging folder
        removed: the outputs are as they were (see :mod:`ipanalysis.runner.interrupt`).
    """
    started = time.perf_counter()
    if isinstance(regions, str):
        regions = [regions]
    if dataset is None:
        dataset = _load_dataset()
    check_options(jobs, min_reliability, interval_level, as_of, _as_of_years(dataset))
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS_DIR
    base = Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()
    # Slugs before the notebooks are read: a bad id must never reach the file system.
    for region in regions or ():
        _refuse_region(check_slug, region)

    names = list(REGION_NOTEBOOKS) + ([OVERVIEW_NOTEBOOK] if overview else [])
    declared = {name: declared_parameters(nb_dir / f"{name}.ipynb") for name in names}
    given: dict[str, Any] = {
        "as_of": as_of,
        "min_reliability": min_reliability,
        "interval_level": interval_level,
        **extra_parameters,
    }
    check_declared(given, declared)

    valid = reportable_region_ids(dataset.regions)
    run_regions = _refuse_region(
        check_region_ids, valid if regions is None else regions, dataset.regions
    )
    defaults = {k: v for name in reversed(names) for k, v in declared[name].items()}
    slug = variant_slug(given, defaults)
    outputs = base if slug is None else base / VARIANTS_DIRNAME / slug
    # Effective values (notebook defaults overridden by the run's) drive the tables.
    effective = {**declared.get("forecast", declared[REGION_NOTEBOOKS[0]]), **given}
    scope = Scope(as_of, min_reliability, interval_level, effective.get("target_years"))
    keys = list(run_regions) + ([OVERVIEW_KEY] if overview else [])

    with interrupt_guard():
        summary = RunSummary(outputs_dir=outputs, regions=list(run_regions))
        staging = _make_staging(outputs)
        try:
            all_jobs = plan_jobs(
                run_regions,
                names,
                nb_dir,
                staging,
                declared,
                given,
                expected_costs(dataset, run_regions, effective),
                region_display_names(dataset),
            )
            pools = _pools_fingerprint(dataset, scope)
            inputs = _inputs(dataset, all_jobs, keys, given, pools)
            recorded = manifest.read_manifest(outputs)
            fresh = set() if force else _fresh(inputs, recorded, outputs)
            if slug is None and overview:  # the current reports' track record, before they run
                inputs.update(_refresh_backtest(dataset, outputs, recorded, force))
            results = _execute(dataset, all_jobs, keys, fresh, scope, staging, jobs, progress)
            summary.results = _order_results(results, run_regions, names)
            with deferred_interrupt():
                commit_outputs(summary, staging, outputs, keys)
                _record(outputs, recorded, inputs, summary, valid)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _make_staging(outputs: Path) -> Path:
    """Create the run's staging folder in ``outputs`` (created too), or say why it cannot be.

    Raises
    ------
    ipanalysis.writes.WriteError
        ``outputs`` is a file, read-only, or cannot be created: before anything ran.
    """
    ensure_folder(outputs)
    remove_orphan_staging(outputs)
    return make_temp_folder(outputs, f"{STAGING_PREFIX}{os.getpid()}-")


def _execute(
    dataset: Dataset,
    all_jobs: Sequence[Job],
    keys: Sequence[str],
    fresh: set[str],
    scope: Scope,
    staging: Path,
    jobs: int | None,
    progress: bool,
) -> list[NotebookResult]:
    """Execute the notebooks and write the tables whose inputs changed, into ``staging``.

    Returns a result for each, and a skipped result for each output still fresh.
    """
    todo = [job for job in all_jobs if f"{job.key}/{job.notebook}" not in fresh]
    tables = [
        (key, writer)
        for key in keys
        for writer in table_writers()
        if (writer.per_region or key == OVERVIEW_KEY) and f"{key}/{writer.name}" not in fresh
    ]
    table_results: list[NotebookResult] = []
    results = execute_jobs(
        todo,
        jobs or default_jobs(),
        progress,
        on_idle=lambda: table_results.extend(_write_assessments(dataset, tables, scope, staging)),
        log_dir=staging,
    )
    skipped = [
        NotebookResult(*entry.split("/", 1), ok=True, seconds=0.0, skipped=True)
        for entry in sorted(fresh)
    ]
    return results + table_results + skipped


def _inputs(
    dataset: Any,
    all_jobs: Sequence[Job],
    keys: Sequence[str],
    given: Mapping[str, Any],
    pools: str = "",
) -> dict[str, dict[str, str]]:
    """Return the digests of every output's inputs, keyed ``"<key>/<notebook or table>"``.

    Besides its region's data, every forecast and assessment depends on the growth pools,
    which are estimated from every region's figures (:func:`_pools_fingerprint`): a figure
    that moves the pools reruns every region's forecast, one that does not reruns its own.
    """
    package = manifest.package_fingerprint()
    data = _data_fingerprints(dataset, [k for k in keys if k != OVERVIEW_KEY])
    notebooks: dict[str, str] = {}
    inputs: dict[str, dict[str, str]] = {}
    for job in all_jobs:
        if job.input_path not in notebooks:
            notebooks[job.input_path] = manifest.notebook_fingerprint(Path(job.input_path))
        inputs[f"{job.key}/{job.notebook}"] = {
            "data": data.get(job.key, ""),
            "notebook": notebooks[job.input_path],
            "package": package,
            "parameters": manifest.parameters_fingerprint(job.parameters),
        }
        if job.notebook != "trends":  # the trends report fits no model
            inputs[f"{job.key}/{job.notebook}"]["pools"] = pools
    for key in keys:
        for writer in table_writers():
            if writer.per_region or key == OVERVIEW_KEY:
                inputs[f"{key}/{writer.name}"] = {
                    "data": data.get(key, ""),
                    "package": package,
                    "parameters": manifest.parameters_fingerprint(given),
                    "pools": pools,
                }
    return inputs


def _fresh(
    inputs: Mapping[str, Mapping[str, str]],
    recorded: Mapping[str, Mapping[str, str]],
    outputs: Path,
) -> set[str]:
    """Return the outputs whose inputs are unchanged and whose files are all there."""
    fresh = set()
    for entry, digests in inputs.items():
        if not digests.get("data") or manifest.changed_inputs(recorded.get(entry), digests):
            continue
        key, name = entry.split("/", 1)
        folder = outputs if key == OVERVIEW_KEY else outputs / key
        files = {p.name for p in owned_files(folder, name, key)}
        needed = {f"{name}.ipynb", f"{name}.html"}
        if "." in name:
            needed = {name, *table_companions(name, key)}
        if needed <= files:
            fresh.add(entry)
    return fresh


def _record(
    outputs: Path,
    recorded: Mapping[str, Mapping[str, str]],
    inputs: Mapping[str, Mapping[str, str]],
    summary: RunSummary,
    valid: Sequence[str],
) -> None:
    """Update the manifest: new entries for the sets swapped in, old ones kept otherwise.

    A set that failed, and the overview withheld because of it, keep their previous outputs
    but lose their entries: the next run makes them again (and then clears ``_failed/<key>``)
    even when nothing else changed, as the run's summary promises.
    """
    redo = {result.key for result in summary.failures} | set(summary.withheld)
    entries = {
        entry: dict(digests)
        for entry, digests in recorded.items()
        if entry.split("/", 1)[0] in {*valid, OVERVIEW_KEY} - redo
    }
    if BACKTEST_ENTRY in inputs:  # written before the notebooks ran, whatever they did
        entries[BACKTEST_ENTRY] = dict(inputs[BACKTEST_ENTRY])
    for result in summary.results:
        if result.key in summary.written:
            entries[f"{result.key}/{result.notebook}"] = dict(
                inputs[f"{result.key}/{result.notebook}"]
            )
    if entries != recorded:
        manifest.write_manifest(outputs, entries)


def _order_results(
    results: Sequence[NotebookResult], run_regions: Sequence[str], names: Sequence[str]
) -> list[NotebookResult]:
    order = {key: i for i, key in enumerate([*run_regions, OVERVIEW_KEY])}
    tables = [writer.name for writer in table_writers()]
    nb_order = {name: i for i, name in enumerate([*names, *tables])}
    return sorted(results, key=lambda r: (order.get(r.key, 99), nb_order.get(r.notebook, 99)))


# Package-side hooks (monkeypatched in tests)

#: The manifest entry of the track record (``backtest.csv`` and ``backtest_targets.csv``).
BACKTEST_ENTRY = f"{OVERVIEW_KEY}/{BACKTEST_FILES[0]}"


def _pools_fingerprint(dataset: Dataset, scope: Scope) -> str:
    """Return the digest of the growth pools the run's forecasts share ("" if unknown)."""
    try:
        data = dataset if scope.as_of is None else vintage_dataset(dataset, scope.as_of)
        series = data.series(min_reliability=scope.min_reliability)
        pools = estimate_pools(series, data.indicators)
    except Exception:  # noqa: BLE001 - a stand-in dataset (tests): the data digests decide
        return ""
    return manifest.parameters_fingerprint({name: repr(pool) for name, pool in pools.items()})


def _refresh_backtest(
    dataset: Any, outputs: Path, recorded: Mapping[str, Mapping[str, str]], force: bool
) -> dict[str, dict[str, str]]:
    """Rewrite the track record when the data or the package changed; return its manifest entry.

    The overview notebook shows ``backtest.csv``: it must be current before the notebooks
    run, so it is written first (each file atomically), not swapped in with them at the end.
    The backtest uses every figure and every source's publication date: its data digest is
    the overview's.
    """
    digests = {
        "data": _data_fingerprints(dataset, []).get(OVERVIEW_KEY, ""),
        "package": manifest.package_fingerprint(),
    }
    if not digests["data"]:
        return {}  # a stand-in dataset (tests): no backtest
    unchanged = not manifest.changed_inputs(recorded.get(BACKTEST_ENTRY), digests)
    if force or not unchanged or not all((outputs / f).is_file() for f in BACKTEST_FILES):
        write_backtest(*run_backtest(dataset), folder=outputs)
    return {BACKTEST_ENTRY: digests}


def _data_fingerprints(dataset: Any, regions: Sequence[str]) -> dict[str, str]:
    """Return the digest of the data each region (and the overview) reads; empty if unknown.

    An empty digest means "unknown": the outputs are then always remade.
    """
    try:
        return manifest.data_fingerprints(dataset, regions, OVERVIEW_KEY)
    except (AttributeError, KeyError, TypeError):
        return {}


def _as_of_years(dataset: Any) -> tuple[int, int] | None:
    """Return the years ``as_of`` may take with this dataset (None for a stand-in: unbounded)."""
    try:
        return as_of_years(dataset)
    except (AttributeError, KeyError, TypeError):
        return None


def _load_dataset() -> Dataset:
    """Load and validate the dataset (raises on bad data; cached while nothing changed)."""
    return load_dataset()


def _refuse_region(check: Callable[..., Any], *args: Any) -> Any:
    """Run a region check (:mod:`ipanalysis.data.regions`), its refusal as a RunConfigError."""
    try:
        return check(*args)
    except RegionError as err:
        raise RunConfigError(str(err)) from None


def _write_assessment(
    dataset: Dataset, regions: Sequence[str] | None, scope: Scope, path: Path
) -> None:
    """Write the assessment CSV for ``regions`` (None: all reportable, and the benchmark).

    A region's set also gets its template of the figures that would settle its
    insufficient-data targets (:func:`~ipanalysis.report.needs.write_needs_templates`) and
    its Word brief (:func:`~ipanalysis.report.brief.write_brief`), made from the same
    assessment and so from the same inputs (:func:`~ipanalysis.runner.commit.table_companions`).
    """
    if regions is None:  # every target in the data: the national benchmark's too
        covered = [*reportable_region_ids(dataset.regions), *benchmark_ids(dataset)]
    else:
        covered = regions
    table = assess(dataset, scope, regions=covered)
    write_csv(table, path)
    if regions is not None:  # the region's template of figures needed, which its report links
        write_needs_templates(
            dataset, table, regions=regions, out_dir=path.parent, as_of=scope.as_of
        )
        from ipanalysis.report.brief import write_brief  # docx and plots: only when needed

        for region in regions:
            write_brief(dataset, table, region, scope, path.parent)


def _write_assessments(
    dataset: Any,
    tables: Sequence[tuple[str, TableWriter]],
    scope: Scope,
    staging: Path,
) -> list[NotebookResult]:
    """Write the package-side tables into staging (in the main process, beside the workers).

    Returns a result for each table; one that could not be computed fails, and its set then
    keeps its previous outputs like a set whose notebook failed.
    """
    results = []
    for key, writer in tables:
        start = time.perf_counter()
        regions = None if key == OVERVIEW_KEY else [key]
        try:
            writer.write(dataset, regions, scope, staging / key / writer.name)
        except Exception as exc:  # noqa: BLE001 - reported in the summary
            results.append(
                NotebookResult(
                    key, writer.name, False, time.perf_counter() - start, describe_error(exc)
                )
            )
        else:
            results.append(NotebookResult(key, writer.name, True, time.perf_counter() - start))
    return results
