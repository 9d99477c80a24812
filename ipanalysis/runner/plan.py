"""Planning a run: which notebooks, with which parameters, after which checks.

Nothing here starts a kernel or writes a file: a run that is refused is refused here, with a
:class:`RunConfigError` naming what to change.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipanalysis import paths
from ipanalysis.data.vintage import as_of_problem
from ipanalysis.vocab import RELIABILITY_GRADES

#: Notebooks executed once per region, in this order.
REGION_NOTEBOOKS: tuple[str, ...] = ("trends", "forecast")
#: Notebook executed once per run, across regions.
OVERVIEW_NOTEBOOK = "overview"
#: Key used for the overview in results and in ``outputs/_failed/``.
OVERVIEW_KEY = "overview"
#: Where failed executed notebooks are kept, inside the outputs folder.
FAILED_DIRNAME = "_failed"
#: Prefix of the per-run staging folders inside the outputs folder (git-ignored).
STAGING_PREFIX = ".staging-"
#: Name of the assessment table in each output folder.
ASSESSMENT_CSV = "assessment.csv"
#: Titles of the HTML reports, after the region's names.
NOTEBOOK_TITLES = {
    "trends": "趋势 Trends",
    "forecast": "目标预测 Forecast",
    OVERVIEW_NOTEBOOK: "目标总览 Overview",
}
#: Where variant runs (non-default parameters) write, inside the outputs folder (git-ignored).
VARIANTS_DIRNAME = paths.VARIANTS_DIRNAME
#: Short labels of the usual options in a variant's folder name.
VARIANT_LABELS = {"as_of": "as-of", "min_reliability": "min", "interval_level": "level"}
#: Names the runner sets itself, and the option of ``ipanalysis run`` that sets them.
RUNNER_OPTIONS = {
    "as_of": "--as-of",
    "min_reliability": "--min-reliability",
    "interval_level": "--interval-level",
    "region": "--region",
    "regions": "--region",
    "jobs": "--jobs",
    "force": "--force",
    "outputs_dir": "the IPANALYSIS_OUTPUTS_DIR environment variable",
    "notebooks_dir": "a notebooks folder of your own (run_notebooks(notebooks_dir=...))",
    "dataset": "the IPANALYSIS_DATA_DIR environment variable",
    "progress": "nothing (the progress bar is always shown)",
    "overview": "nothing (the overview always runs)",
}


class RunConfigError(ValueError):
    """A run was refused before anything ran: bad region, parameter or option."""


@dataclass(frozen=True)
class Job:
    """One notebook to execute (picklable, sent to a worker process)."""

    key: str
    notebook: str
    input_path: str
    stage_dir: str
    failed_dir: str
    parameters: dict[str, Any]
    title: str = ""


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Return the parameters a notebook declares, with their default values.

    The cell tagged ``parameters`` is read as papermill reads it: each ``name = value``
    assignment declares ``name``. Parsed here with :mod:`ast` (no papermill import: a run
    with nothing to do stays quick).

    Parameters
    ----------
    notebook : Path
        A notebook with a cell tagged ``parameters``.

    Returns
    -------
    dict of str to object
        Name to default (evaluated as a Python literal; the source text if not a literal).

    Raises
    ------
    RunConfigError
        When the notebook is missing, is not a notebook, or has no parameters cell.
    """
    if not notebook.is_file():
        raise RunConfigError(f"Notebook not found: {notebook}")
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise RunConfigError(f"{notebook.name} is not a readable notebook: {err}") from None
    source = next(
        (
            "".join(cell.get("source", ""))
            for cell in cells
            if "parameters" in cell.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if source is None:
        raise RunConfigError(f"{notebook.name} has no cell tagged 'parameters'.")
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise RunConfigError(
            f"{notebook.name}: the parameters cell is not Python: {err}"
        ) from None
    defaults: dict[str, Any] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    defaults[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    defaults[target.id] = ast.get_source_segment(source, node.value)
    if not defaults:
        raise RunConfigError(f"{notebook.name}: the cell tagged 'parameters' assigns nothing.")
    return defaults


def check_options(
    jobs: int | None,
    min_reliability: str,
    interval_level: float,
    as_of: Any = None,
    as_of_years: tuple[int, int] | None = None,
) -> None:
    """Refuse a bad worker count, reliability grade, interval level or year.

    Parameters
    ----------
    jobs : int or None
        Worker processes (positive) or None for the default.
    min_reliability : str
        One of :data:`RELIABILITY_GRADES`.
    interval_level : float
        Strictly between 0 and 1.
    as_of : int or None
        A year, within ``as_of_years`` when given.
    as_of_years : tuple of int, optional
        The first and last year the dataset supports
        (:func:`ipanalysis.data.vintage.as_of_years`).

    Raises
    ------
    RunConfigError
        Naming the option, the value found and what is expected.
    """
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise RunConfigError(f"jobs must be a positive integer, not {jobs!r}.")
    if min_reliability not in RELIABILITY_GRADES:
        raise RunConfigError(
            f"min_reliability must be one of {', '.join(RELIABILITY_GRADES)}, "
            f"not {min_reliability!r}."
        )
    if (
        not isinstance(interval_level, int | float)
        or isinstance(interval_level, bool)
        or not 0 < interval_level < 1
    ):
        raise RunConfigError(
            f"interval_level must be a number between 0 and 1, not {interval_level!r}."
        )
    if as_of is not None and (not isinstance(as_of, int) or isinstance(as_of, bool)):
        raise RunConfigError(
            f"as_of must be a year (an integer such as 2022), not {as_of!r} "
            f"({type(as_of).__name__})."
        )
    problem = as_of_problem(as_of, as_of_years)
    if problem is not None:
        raise RunConfigError(problem)


def check_parameter_names(names: Iterable[str]) -> None:
    """Refuse notebook parameters that the runner sets itself, naming the option to use.

    Parameters
    ----------
    names : iterable of str
        Names given as extra notebook parameters (``--param NAME=VALUE``).

    Raises
    ------
    RunConfigError
        For a name in :data:`RUNNER_OPTIONS`.
    """
    for name in names:
        if name in RUNNER_OPTIONS:
            raise RunConfigError(
                f"--param {name}=…: {name!r} is set by the runner itself; "
                f"use {RUNNER_OPTIONS[name]} instead."
            )


def check_declared(given: Mapping[str, Any], declared: Mapping[str, Mapping[str, Any]]) -> None:
    """Refuse parameters a notebook does not declare, or whose type differs from its default.

    Parameters
    ----------
    given : mapping
        The run's parameters (regions are not among them: they are the run's first argument).
    declared : mapping
        Notebook name to its declared parameters and defaults.

    Raises
    ------
    RunConfigError
        Naming the notebook, the parameters it lacks and those it declares; or, from
        :func:`check_parameter_types`, the parameter of the wrong type.
    """
    if "region" in given or "regions" in given:
        raise RunConfigError("Pass regions as the first argument, not as a notebook parameter.")
    for name, defaults in declared.items():
        missing = sorted(set(given) - set(defaults))
        if name in REGION_NOTEBOOKS and "region" not in defaults:
            missing.append("region")
        if missing:
            raise RunConfigError(
                f"{name}.ipynb does not declare parameter(s) {', '.join(missing)}; it declares "
                f"{', '.join(defaults)}."
            )
    check_parameter_types(given, declared)


#: What a parameter whose notebook default is None ("all") takes otherwise.
NONE_DEFAULT_EXAMPLES = {"target_years": [2025, 2026]}


def check_parameter_types(
    given: Mapping[str, Any], declared: Mapping[str, Mapping[str, Any]]
) -> None:
    """Refuse a parameter whose value does not have the type of the notebook's default.

    The default in the parameters cell is the specification: ``interval_level = 0.8`` wants a
    number, ``min_reliability = "C"`` a string. A default of ``None`` ("all") accepts None or a
    value like the parameter's :data:`NONE_DEFAULT_EXAMPLES` entry (``target_years``: a list of
    integers), and anything when it has none (the runner checks its own options).

    Parameters
    ----------
    given : mapping
        The run's parameters.
    declared : mapping
        Notebook name to its declared parameters and defaults.

    Raises
    ------
    RunConfigError
        Naming the parameter, the notebook, the value found and the type expected.
    """
    for name, value in given.items():
        for notebook, defaults in declared.items():
            if name not in defaults:
                continue
            default = defaults[name]
            if default is None and value is not None:
                default = NONE_DEFAULT_EXAMPLES.get(name)
            expected = _expected_type(value, default)
            if expected is not None:
                raise RunConfigError(
                    f"Parameter {name}: found {value!r} ({type(value).__name__}), expected "
                    f"{expected} ({notebook}.ipynb declares {name} = {defaults[name]!r})."
                )


def _expected_type(value: Any, default: Any) -> str | None:
    """Return what ``value`` should be, judged by ``default``; None when it fits."""
    if default is None:
        return None
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "True or False"
    if isinstance(default, int):
        return None if isinstance(value, int) and not isinstance(value, bool) else "an integer"
    if isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "a number"
    if isinstance(default, str):
        return None if isinstance(value, str) else "a string (quote it: NAME='text')"
    if isinstance(default, list | tuple):
        of = f" of {type(default[0]).__name__}" if default else ""
        wanted = f"a list{of} like {default!r}"
        if not isinstance(value, list | tuple):
            return wanted
        if default and any(_expected_type(item, default[0]) is not None for item in value):
            return wanted
        return None
    if isinstance(default, dict):
        return None if isinstance(value, dict) else f"a dict like {default!r}"
    return None if isinstance(value, type(default)) else f"a {type(default).__name__}"


def variant_slug(given: Mapping[str, Any], defaults: Mapping[str, Any]) -> str | None:
    """Return the name of a variant run's folder, or None for the current reports.

    A run whose parameters all equal the notebooks' defaults writes the current reports; any
    other value makes it a variant, written to ``outputs/variants/<slug>/``. The slug names
    the values that differ: ``as-of-2022``, ``as-of-2022_min-A``, ``level-0.9``,
    ``target-years-2025``.

    Parameters
    ----------
    given : mapping
        The run's parameters.
    defaults : mapping
        The notebooks' declared defaults.

    Returns
    -------
    str or None
        The slug (``[A-Za-z0-9.-]`` parts joined by ``_``).
    """
    order = {name: i for i, name in enumerate(VARIANT_LABELS)}
    parts = []
    for name in sorted(given, key=lambda n: (order.get(n, len(order)), n)):
        value = given[name]
        if name in defaults and defaults[name] == value:
            continue
        label = VARIANT_LABELS.get(name, name.replace("_", "-"))
        parts.append(f"{label}-{_slug_value(value)}")
    return "_".join(parts) or None


def _slug_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        text = "-".join(str(v) for v in value) or "none"
    else:
        text = str(value)
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-") or "x"


def notebook_parameters(
    declared: Mapping[str, Any], given: Mapping[str, Any], always: Iterable[str]
) -> dict[str, Any]:
    """Return the parameters to pass: those in ``always`` and those differing from defaults.

    Parameters
    ----------
    declared : mapping
        The notebook's declared parameters and their defaults.
    given : mapping
        The run's parameters.
    always : iterable of str
        Names passed even when equal to the default (``region``).

    Returns
    -------
    dict of str to object
        What papermill injects.
    """
    always = set(always)
    return {
        name: value
        for name, value in given.items()
        if name in always or name not in declared or declared[name] != value
    }


# --------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------


def plan_jobs(
    run_regions: Sequence[str],
    names: Sequence[str],
    nb_dir: Path,
    staging: Path,
    declared: Mapping[str, Mapping[str, Any]],
    given: Mapping[str, Any],
    costs: Mapping[tuple[str, str], float] | None = None,
    names_of: Mapping[str, str] | None = None,
) -> list[Job]:
    """Return the jobs, the longest expected first, so that the pool's workers end together.

    Parameters
    ----------
    run_regions : sequence of str
        The regions to run.
    names : sequence of str
        The notebooks (region notebooks, then the overview if it runs).
    nb_dir, staging : Path
        Where the notebooks are; the run's staging folder.
    declared : mapping
        Each notebook's declared parameters.
    given : mapping
        The run's parameters.
    costs : mapping, optional
        ``(key, notebook)`` to an expected duration (see :func:`expected_costs`); without it,
        forecasts go first, then the overview, then the trends.
    names_of : mapping, optional
        Region id to display name, for the report titles.

    Returns
    -------
    list of Job
        Sorted by expected duration, longest first.
    """
    planned: list[Job] = []
    for name in names:
        keys = [OVERVIEW_KEY] if name == OVERVIEW_NOTEBOOK else list(run_regions)
        for key in keys:
            if name == OVERVIEW_NOTEBOOK:
                params = notebook_parameters(declared[name], given, always=())
            else:
                params = notebook_parameters(
                    declared[name], {"region": key, **given}, always=("region",)
                )
            planned.append(
                Job(
                    key=key,
                    notebook=name,
                    input_path=str(nb_dir / f"{name}.ipynb"),
                    stage_dir=str(staging / key),
                    failed_dir=str(staging / FAILED_DIRNAME / key),
                    parameters=params,
                    title=report_title(key, name, names_of or {}),
                )
            )
    default = {"forecast": 3.0, OVERVIEW_NOTEBOOK: 2.5}
    costs = costs or {}
    return sorted(
        planned,
        key=lambda j: -costs.get((j.key, j.notebook), default.get(j.notebook, 2.0)),
    )


def report_title(key: str, notebook: str, names_of: Mapping[str, str]) -> str:
    """Return the HTML report's title: the region's names and what the report is."""
    what = NOTEBOOK_TITLES.get(notebook, notebook)
    if key == OVERVIEW_KEY:
        return f"天津市及各区 Tianjin and its districts — {what}"
    return f"{names_of.get(key, key)} — {what}"


def region_display_names(dataset: Any) -> dict[str, str]:
    """Return ``region id → "name_zh name_en"`` (empty when the dataset has no such table)."""
    try:
        regions = dataset.regions
        return {
            r: f"{zh} {en}"
            for r, zh, en in zip(
                regions["region_id"], regions["name_zh"], regions["name_en"], strict=True
            )
        }
    except (AttributeError, KeyError, TypeError):
        return {}


def expected_costs(
    dataset: Any, run_regions: Sequence[str], parameters: Mapping[str, Any]
) -> dict[tuple[str, str], float]:
    """Guess each notebook's duration in seconds from how many panels its figure will have.

    A rough model measured on the shipped notebooks (a kernel start plus imports, then about
    0.01 s per trends sparkline and 0.05 s per forecast panel); only the order matters: the
    longest notebooks must not be left to run alone at the end.

    Parameters
    ----------
    dataset : ipanalysis.data.dataset.Dataset
        The dataset.
    run_regions : sequence of str
        The regions to run.
    parameters : mapping
        The run's effective parameters (``as_of``, ``min_reliability``, ``target_years``).

    Returns
    -------
    dict
        ``(key, notebook)`` to seconds; empty when the dataset cannot say.
    """
    try:
        series = dataset.series(min_reliability=parameters.get("min_reliability", "C"))
        as_of = parameters.get("as_of")
        if as_of is not None:
            series = series[series["year"] <= as_of]
        counts = series.groupby(["region", "indicator"]).size()
        targets = dataset.targets
        years = parameters.get("target_years")
        if years is not None:
            targets = targets[targets["target_year"].isin(list(years))]
    except Exception:  # noqa: BLE001 - an estimate only: fall back to the default order
        return {}
    costs: dict[tuple[str, str], float] = {(OVERVIEW_KEY, OVERVIEW_NOTEBOOK): 2.6}
    for region in run_regions:
        per_region = counts[counts.index.get_level_values(0) == region]
        panels = int((per_region >= 2).sum())
        with_figures = set(per_region.index.get_level_values(1))
        region_targets = targets[targets["region"] == region]
        target_panels = int(region_targets["indicator"].isin(with_figures).sum())
        costs[(region, "trends")] = 1.6 + 0.01 * panels
        costs[(region, "forecast")] = 2.65 + 0.05 * target_panels
    return costs
