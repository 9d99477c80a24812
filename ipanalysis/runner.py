"""Execute the report notebooks for every region, in parallel, into ``outputs/``.

:func:`run_notebooks` is what ``ipanalysis run`` calls. For each region it executes
``notebooks/trends.ipynb`` and ``notebooks/forecast.ipynb`` with papermill, and once per run
``notebooks/overview.ipynb``; each notebook runs in its own kernel, the notebooks run in parallel
worker processes (one per core by default). It writes::

    outputs/
      <region>/                       one folder per region, replaced as a whole
        trends.ipynb  trends.html     executed notebook and its HTML report
        forecast.ipynb  forecast.html
        assessment.csv                the region's verdicts (written by the package)
        <notebook>-<figure>.png       the figures, taken from the executed notebooks
      overview.ipynb  overview.html   across regions
      assessment.csv                  every reportable region's verdicts
      overview-<figure>.png
      _failed/<region>/<notebook>.ipynb   the executed notebook of a failed run (not committed)

Guarantees:

* **Refuse before running anything**: a region id that is not a slug, an unknown region, a
  parameter a notebook does not declare, a bad ``jobs``/``interval_level``/``min_reliability``
  raise :class:`RunConfigError` before any kernel starts.
* **Failures are contained**: a failing notebook does not stop the other regions. Its region
  keeps its previous outputs; the executed notebook (with the traceback) goes to
  ``outputs/_failed/<region>/``; :attr:`RunSummary.failures` lists it.
* **All or nothing per region**: everything is written into a staging folder
  ``outputs/.staging-*`` and swapped in with :func:`os.replace` once the region's set is
  complete. Staging folders are removed in ``finally``, also on KeyboardInterrupt.
* **Deterministic**: the executed notebooks are stripped of papermill's timestamps, durations
  and paths and of nbclient's timing metadata; the injected cell gets a fixed id. Running a
  notebook with plain ``papermill notebooks/forecast.ipynb out.ipynb -p region binhai`` gives
  the same cells and outputs (:func:`clean_notebook` removes only run-specific metadata), since
  the runner passes a parameter only when it differs from the notebook's default (``region``
  always).
"""

from __future__ import annotations

import ast
import base64
import contextlib
import dataclasses
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipanalysis import paths

#: Notebooks executed once per region, in this order.
REGION_NOTEBOOKS: tuple[str, ...] = ("trends", "forecast")
#: Notebook executed once per run, across regions.
OVERVIEW_NOTEBOOK = "overview"
#: Key used for the overview in results and in ``outputs/_failed/``.
OVERVIEW_KEY = "overview"
#: A region id must match this (it becomes a folder name).
REGION_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: Where failed executed notebooks are kept, inside the outputs folder.
FAILED_DIRNAME = "_failed"
#: Prefix of the per-run staging folders inside the outputs folder (git-ignored).
STAGING_PREFIX = ".staging-"
#: Name of the assessment table in each output folder.
ASSESSMENT_CSV = "assessment.csv"
#: Cell tag prefix naming a figure: a cell tagged ``figure-status`` yields ``<nb>-status.png``.
FIGURE_TAG_PREFIX = "figure-"
#: Titles of the HTML reports, after the region's names.
NOTEBOOK_TITLES = {
    "trends": "趋势 Trends",
    "forecast": "目标预测 Forecast",
    OVERVIEW_NOTEBOOK: "目标总览 Overview",
}
#: Minimum reliability grades understood by the package.
RELIABILITY_GRADES = ("A", "B", "C")

_PAPERMILL_RUN_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")
_CELL_RUN_KEYS = ("start_time", "end_time", "duration")


class RunConfigError(ValueError):
    """A run was refused before anything ran: bad region, parameter or option."""


@dataclass(frozen=True)
class NotebookResult:
    """The outcome of executing one notebook.

    Attributes
    ----------
    key : str
        The region id, or ``"overview"``.
    notebook : str
        The notebook's name without ``.ipynb``.
    ok : bool
        Whether it executed without error and its outputs were written.
    seconds : float
        Wall time of the execution and export.
    error : str or None
        A one-line description of the error (exception type and message, failing cell).
    failed_notebook : Path or None
        Where the executed notebook with the traceback was saved (failures only).
    started : float
        When the execution started (``time.time()``), for timelines.
    """

    key: str
    notebook: str
    ok: bool
    seconds: float
    error: str | None = None
    failed_notebook: Path | None = None
    started: float = 0.0


@dataclass
class RunSummary:
    """What a run did: one :class:`NotebookResult` per executed notebook.

    Attributes
    ----------
    outputs_dir : Path
        The folder written to.
    regions : list of str
        The regions run.
    results : list of NotebookResult
        Every notebook, in a stable order (regions as given, then the overview).
    written : list of str
        The output sets swapped in (region ids and ``"overview"``).
    seconds : float
        Wall time of the whole run.
    """

    outputs_dir: Path
    regions: list[str]
    results: list[NotebookResult] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self) -> list[NotebookResult]:
        """The notebooks that failed (empty when the run succeeded)."""
        return [result for result in self.results if not result.ok]

    @property
    def ok(self) -> bool:
        """Whether every notebook succeeded."""
        return not self.failures

    def __str__(self) -> str:
        """Return a plain-text report of the run, failures first."""
        n = len(self.results)
        lines = []
        if self.failures:
            lines.append(f"{len(self.failures)} of {n} notebooks failed:")
            for result in self.failures:
                lines.append(f"  {result.key}/{result.notebook}: {result.error}")
                if result.failed_notebook is not None:
                    lines.append(f"    executed notebook: {result.failed_notebook}")
            kept = sorted({r.key for r in self.failures})
            lines.append(f"  previous outputs kept for: {', '.join(kept)}")
        else:
            lines.append(f"All {n} notebooks ran.")
        if self.written:
            lines.append(f"Written to {self.outputs_dir}: {', '.join(self.written)}")
        lines.append(f"Took {self.seconds:.1f} s.")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Job:
    """One notebook to execute (picklable, sent to a worker process)."""

    key: str
    notebook: str
    input_path: str
    stage_dir: str
    failed_dir: str
    parameters: dict[str, Any]
    title: str = ""


# --------------------------------------------------------------------------------------------
# Notebook post-processing (pure functions on nbformat nodes)
# --------------------------------------------------------------------------------------------


def clean_notebook(nb: Any) -> Any:
    """Remove run-specific metadata from an executed notebook, in place.

    Drops papermill's timestamps, durations and input/output paths (notebook and cell
    metadata) and nbclient's ``execution`` timing, and gives the cells papermill inserts (the
    injected parameters, error markers) fixed ids instead of random ones. Cell sources and
    outputs are left untouched.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    nbformat.NotebookNode
        The same notebook.
    """
    meta = nb.metadata.get("papermill")
    if meta is not None:
        for key in _PAPERMILL_RUN_KEYS:
            meta.pop(key, None)
    seen: dict[str, int] = {}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell_meta = cell.metadata.get("papermill")
        if cell_meta is not None:
            for key in _CELL_RUN_KEYS:
                cell_meta.pop(key, None)
        tags = cell.metadata.get("tags", [])
        base = None
        if "injected-parameters" in tags:
            base = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            base = "papermill-error-cell"
        if base is not None and "id" in cell:
            seen[base] = seen.get(base, 0) + 1
            cell["id"] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return nb


def extract_figures(nb: Any, prefix: str) -> dict[str, bytes]:
    """Return the PNG images a notebook displays, keyed by a stable file name.

    A cell tagged ``figure-<name>`` names its images ``<prefix>-<name>.png`` (``-2``, ``-3``…
    for further images of the same cell); untagged cells give ``<prefix>-cell<NN>.png``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    prefix : str
        The notebook's name.

    Returns
    -------
    dict of str to bytes
        File name to PNG bytes, in the notebook's order.
    """
    figures: dict[str, bytes] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        names = [
            tag[len(FIGURE_TAG_PREFIX) :]
            for tag in cell.metadata.get("tags", [])
            if tag.startswith(FIGURE_TAG_PREFIX)
        ]
        stem = f"{prefix}-{names[0]}" if names else f"{prefix}-cell{index:02d}"
        k = 0
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            k += 1
            name = f"{stem}.png" if k == 1 else f"{stem}-{k}.png"
            payload = data["image/png"]
            if isinstance(payload, list):
                payload = "".join(payload)
            figures[name] = base64.b64decode(payload)
    return figures


_HTML_EXPORTER = None

#: The report template: nbconvert's "lab" page without its scripts (require.js and MathJax
#: from a CDN: a report must open offline, on a locked-down office machine) and with a small
#: stylesheet instead of JupyterLab's 400 kB one.
_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block notebook_css -%}
<style type="text/css">
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif;
  max-width: 1400px; margin: 2em auto; padding: 0 1.5em; color: #222; line-height: 1.55; }
h1 { font-size: 1.7em; margin-bottom: 0.3em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #e5e5e5; }
a.anchor-link { display: none; }
table { border-collapse: collapse; margin: 0.6em 0 1.6em; font-size: 0.9em; }
th, td { border: 1px solid #d9d9d9; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
img { max-width: 100%; height: auto; }
code { background: #f4f4f4; padding: 0 0.3em; border-radius: 3px; }
em { color: #555; }
pre { white-space: pre-wrap; }
</style>
{%- endblock notebook_css -%}
"""


def export_html(nb: Any, title: str) -> str:
    """Render an executed notebook as a standalone HTML report (code cells hidden).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    title : str
        The page title.

    Returns
    -------
    str
        The HTML document: images embedded, no script, nothing outside it needed to read it.
    """
    global _HTML_EXPORTER
    if _HTML_EXPORTER is None:
        from jinja2 import DictLoader
        from nbconvert import HTMLExporter

        _HTML_EXPORTER = HTMLExporter(
            template_name="lab",
            template_file="ipanalysis-report.html.j2",
            extra_loaders=[DictLoader({"ipanalysis-report.html.j2": _REPORT_TEMPLATE})],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    body, _ = _HTML_EXPORTER.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


# --------------------------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------------------------


def _describe_error(exc: BaseException) -> str:
    """Return a one-line description of a notebook failure."""
    ename = getattr(exc, "ename", None)
    if ename is not None:  # PapermillExecutionError
        evalue = getattr(exc, "evalue", "")
        cell = getattr(exc, "exec_count", None)
        where = f" (cell [{cell}])" if cell is not None else ""
        return f"{ename}: {evalue}{where}"
    return f"{type(exc).__name__}: {exc}"


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_notebook(nb: Any, path: Path) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        nbformat.write(nb, handle)  # ends the file with a newline


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " / ".join(line.strip() for line in text.strip().splitlines()[-lines:])


def _quiet_kernel_manager(log_path: Path) -> type:
    """Return a kernel manager class whose kernels write their own logs to ``log_path``.

    A kernel's stdout/stderr (its start-up chatter, not the notebook's outputs, which travel
    over ZMQ) would otherwise go to the terminal and scramble the progress bar. The log is
    quoted in the error when a kernel dies.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: Any) -> None:
            handle = open(log_path, "ab")  # noqa: SIM115 - inherited by the kernel process
            try:
                kw.setdefault("stdout", handle)
                kw.setdefault("stderr", handle)
                await self._async_start_kernel(**kw)
            finally:
                handle.close()

    return QuietKernelManager


def _execute_job(job: _Job) -> NotebookResult:
    """Execute one notebook in this (worker) process and write its outputs to staging."""
    import nbformat
    import papermill

    start = time.perf_counter()
    started = time.time()
    stage = Path(job.stage_dir)
    out_path = stage / f"{job.notebook}.ipynb"
    stage.mkdir(parents=True, exist_ok=True)
    kernel_log = stage / f".{job.notebook}.kernel.log"
    try:
        nb = papermill.execute_notebook(
            job.input_path,
            str(out_path),
            parameters=job.parameters,
            progress_bar=False,
            log_output=False,
            kernel_manager_class=_quiet_kernel_manager(kernel_log),
            # Every output is in once the last cell has run: kill the kernel rather than
            # wait ~0.5 s for its interpreter to tear pandas, matplotlib & co. down.
            shutdown_kernel="immediate",
        )
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        failed = Path(job.failed_dir) / f"{job.notebook}.ipynb"
        saved: Path | None = None
        if out_path.exists():
            try:
                nb = nbformat.read(out_path, as_version=4)
                _write_notebook(clean_notebook(nb), failed)
                saved = failed
            except Exception:  # noqa: BLE001 - a corrupt partial notebook: keep the error
                saved = None
            out_path.unlink(missing_ok=True)
        error = _describe_error(exc)
        if saved is None:
            error += " | " + traceback.format_exc(limit=3).strip().splitlines()[-1]
            log_tail = _tail(kernel_log)
            if log_tail:
                error += f" | kernel said: {log_tail}"
        kernel_log.unlink(missing_ok=True)
        return NotebookResult(
            job.key, job.notebook, False, time.perf_counter() - start, error, saved, started
        )
    kernel_log.unlink(missing_ok=True)
    clean_notebook(nb)
    _write_notebook(nb, out_path)
    html = export_html(nb, title=job.title or f"{job.key} — {job.notebook}")
    _write_bytes(stage / f"{job.notebook}.html", html.encode("utf-8"))
    for name, png in extract_figures(nb, job.notebook).items():
        _write_bytes(stage / name, png)
    return NotebookResult(
        job.key, job.notebook, True, time.perf_counter() - start, started=started
    )


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Return the parameters a notebook declares, with their default values.

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
        When the notebook is missing or has no parameters cell.
    """
    import papermill

    if not notebook.is_file():
        raise RunConfigError(f"Notebook not found: {notebook}")
    declared = papermill.inspect_notebook(str(notebook))
    if not declared:
        raise RunConfigError(f"{notebook.name} has no cell tagged 'parameters'.")
    defaults = {}
    for name, info in declared.items():
        text = info.get("default")
        try:
            defaults[name] = ast.literal_eval(text) if text is not None else None
        except (ValueError, SyntaxError):
            defaults[name] = text
    return defaults


def executed_parameters(notebook: str | os.PathLike[str]) -> dict[str, Any]:
    """Return the parameters an executed notebook ran with (defaults, then injected values).

    Parameters
    ----------
    notebook : path
        A notebook executed by papermill (e.g. ``outputs/binhai/forecast.ipynb``).

    Returns
    -------
    dict of str to object
        The parameters cell's defaults overridden by ``metadata.papermill.parameters``.
    """
    import nbformat

    path = Path(notebook)
    values = declared_parameters(path)
    nb = nbformat.read(path, as_version=4)
    values.update(nb.metadata.get("papermill", {}).get("parameters", {}))
    return values


def check_region_ids(regions: Iterable[str], valid: Sequence[str]) -> list[str]:
    """Return ``regions`` de-duplicated, after checking each is a known slug.

    Parameters
    ----------
    regions : iterable of str
        Region ids asked for.
    valid : sequence of str
        The region ids reports can be made for.

    Returns
    -------
    list of str
        The regions, in the order given, without repeats.

    Raises
    ------
    RunConfigError
        For an id that is not a plain slug (``^[a-z][a-z0-9_]*$``) or is not in ``valid``.
    """
    out: list[str] = []
    for region in regions:
        if not isinstance(region, str) or not REGION_ID_PATTERN.fullmatch(region):
            raise RunConfigError(
                f"Region id {region!r} is not a plain slug (lower-case letters, digits and "
                f"underscores, starting with a letter: {REGION_ID_PATTERN.pattern})."
            )
        if region not in valid:
            raise RunConfigError(
                f"Unknown region {region!r}. Valid regions: {', '.join(sorted(valid))}."
            )
        if region not in out:
            out.append(region)
    return out


def _check_options(jobs: int | None, min_reliability: str, interval_level: float) -> None:
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise RunConfigError(f"jobs must be a positive integer, not {jobs!r}.")
    if min_reliability not in RELIABILITY_GRADES:
        raise RunConfigError(
            f"min_reliability must be one of {', '.join(RELIABILITY_GRADES)}, "
            f"not {min_reliability!r}."
        )
    if not isinstance(interval_level, int | float) or not 0 < interval_level < 1:
        raise RunConfigError(
            f"interval_level must be a number between 0 and 1, not {interval_level!r}."
        )


def _notebook_parameters(
    declared: Mapping[str, Any], given: Mapping[str, Any], always: Iterable[str]
) -> dict[str, Any]:
    """Return the parameters to pass: those in ``always`` and those differing from defaults."""
    always = set(always)
    return {
        name: value
        for name, value in given.items()
        if name in always or name not in declared or declared[name] != value
    }


# --------------------------------------------------------------------------------------------
# Package-side hooks (monkeypatched in tests)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Staging and commits
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[None]:
    """Hold back Ctrl-C while a set of files is swapped in, then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
        if received:
            raise KeyboardInterrupt


def _replace_dir(new: Path, target: Path, trash: Path) -> None:
    """Swap folder ``new`` in at ``target``; the old one goes to ``trash``, then is removed."""
    with _deferred_interrupt():
        if target.exists():
            os.replace(target, trash)
        os.replace(new, target)
    shutil.rmtree(trash, ignore_errors=True)


def _replace_files(new_dir: Path, target_dir: Path, names: Iterable[str], stale: Iterable[Path]):
    """Move files ``names`` from ``new_dir`` into ``target_dir`` and delete ``stale`` ones."""
    with _deferred_interrupt():
        for name in names:
            os.replace(new_dir / name, target_dir / name)
        for path in stale:
            path.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_orphan_staging(outputs: Path) -> None:
    """Remove staging folders left by runs that were killed (their process is gone)."""
    for path in outputs.glob(f"{STAGING_PREFIX}*"):
        match = re.fullmatch(re.escape(STAGING_PREFIX) + r"(\d+)-.*", path.name)
        if path.is_dir() and match and not _pid_alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_PRELOAD = ["papermill", "nbformat", "nbconvert", "jupyter_client.manager", "ipanalysis.runner"]


def _mp_context(start: bool = False) -> multiprocessing.context.BaseContext:
    """Return forkserver (POSIX) or spawn: never fork a process that runs threads.

    With ``start``, launch the fork server now: it imports papermill and nbconvert once, in
    the background, while the caller loads the dataset; workers are then forked from it
    ready to run.
    """
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        if start:
            from multiprocessing import forkserver

            forkserver.ensure_running()
        return ctx
    return multiprocessing.get_context("spawn")


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
    _check_options(jobs, min_reliability, interval_level)
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS_DIR
    outputs = Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()
    # Slugs first: they need no data, and a bad id must never reach the file system.
    if regions is not None:
        for region in regions:
            check_region_ids([region], valid=[region])

    _mp_context(start=True)  # warm up the workers' parent while the checks below run
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
    _remove_orphan_staging(outputs)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=outputs))
    keys = list(run_regions) + ([OVERVIEW_KEY] if overview else [])
    csv_failures: list[NotebookResult] = []
    try:
        costs = _expected_costs(dataset, run_regions, effective)
        jobs_list = _plan_jobs(
            run_regions, names, nb_dir, staging, declared, given, costs, _region_names(dataset)
        )
        results = _execute_all(
            jobs_list,
            jobs or _default_jobs(),
            progress,
            on_idle=lambda: csv_failures.extend(
                _write_assessments(dataset, keys, effective, staging)
            ),
        )
        summary.results = _order_results(results + csv_failures, run_regions, names)
        _commit(summary, staging, outputs, run_regions, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _plan_jobs(
    run_regions: Sequence[str],
    names: Sequence[str],
    nb_dir: Path,
    staging: Path,
    declared: Mapping[str, Mapping[str, Any]],
    given: Mapping[str, Any],
    costs: Mapping[tuple[str, str], float] | None = None,
    names_of: Mapping[str, str] | None = None,
) -> list[_Job]:
    """Return the jobs, the longest expected first, so that the pool's workers end together.

    ``costs`` maps (key, notebook) to an expected duration (see :func:`_expected_costs`);
    without it, forecasts go first, then the overview, then the trends.
    """
    planned: list[_Job] = []
    for name in names:
        keys = [OVERVIEW_KEY] if name == OVERVIEW_NOTEBOOK else list(run_regions)
        for key in keys:
            if name == OVERVIEW_NOTEBOOK:
                params = _notebook_parameters(declared[name], given, always=())
            else:
                params = _notebook_parameters(
                    declared[name], {"region": key, **given}, always=("region",)
                )
            planned.append(
                _Job(
                    key=key,
                    notebook=name,
                    input_path=str(nb_dir / f"{name}.ipynb"),
                    stage_dir=str(staging / key),
                    failed_dir=str(staging / FAILED_DIRNAME / key),
                    parameters=params,
                    title=_title(key, name, names_of or {}),
                )
            )
    default = {"forecast": 3.0, OVERVIEW_NOTEBOOK: 2.5}
    costs = costs or {}
    return sorted(
        planned,
        key=lambda j: -costs.get((j.key, j.notebook), default.get(j.notebook, 2.0)),
    )


def _title(key: str, notebook: str, names_of: Mapping[str, str]) -> str:
    what = NOTEBOOK_TITLES.get(notebook, notebook)
    if key == OVERVIEW_KEY:
        return f"天津市及各区 Tianjin and its districts — {what}"
    return f"{names_of.get(key, key)} — {what}"


def _region_names(dataset: Any) -> dict[str, str]:
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


def _expected_costs(
    dataset: Any, run_regions: Sequence[str], parameters: Mapping[str, Any]
) -> dict[tuple[str, str], float]:
    """Guess each notebook's duration in seconds from how many panels its figure will have.

    A rough model measured on the shipped notebooks (a kernel start plus imports, then about
    0.01 s per trends sparkline and 0.05 s per forecast panel); only the order matters: the
    longest notebooks must not be left to run alone at the end.
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
                    key, ASSESSMENT_CSV, False, time.perf_counter() - start, _describe_error(exc)
                )
            )
    return failures


def _execute_all(
    jobs_list: Sequence[_Job], n_workers: int, progress: bool, on_idle: Callable[[], None]
) -> list[NotebookResult]:
    """Run the jobs in a process pool and return all results.

    ``on_idle`` (the main process's own work, the assessment CSVs) is called once, as soon as
    a worker has nothing left to do: while the last notebooks run, a core is free for it;
    before that, both cores are busy with kernels and it would only slow them down.
    """
    n_workers = max(1, min(n_workers, len(jobs_list)))
    results: list[NotebookResult] = []
    bar = _progress_bar() if progress else None
    with (
        ProcessPoolExecutor(max_workers=n_workers, mp_context=_mp_context()) as pool,
        bar if bar is not None else contextlib.nullcontext(),
    ):
        task = bar.add_task("notebooks", total=len(jobs_list)) if bar is not None else None
        futures: dict[Future[NotebookResult], _Job] = {}
        try:
            for job in jobs_list:
                futures[pool.submit(_execute_job, job)] = job
            idle_done = False
            for future in as_completed(list(futures)):
                job = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool as exc:
                    result = NotebookResult(
                        job.key, job.notebook, False, 0.0, f"worker process died: {exc}"
                    )
                results.append(result)
                if bar is not None:
                    mark = "✓" if result.ok else "✗"
                    bar.update(
                        task, advance=1, description=f"{mark} {result.key}/{result.notebook}"
                    )
                if not idle_done and len(futures) - len(results) < n_workers:
                    idle_done = True
                    on_idle()
            if not idle_done:
                on_idle()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return results


def _progress_bar() -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]Running notebooks[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        refresh_per_second=4,
    )


def _order_results(
    results: Sequence[NotebookResult], run_regions: Sequence[str], names: Sequence[str]
) -> list[NotebookResult]:
    order = {key: i for i, key in enumerate([*run_regions, OVERVIEW_KEY])}
    nb_order = {name: i for i, name in enumerate([*names, ASSESSMENT_CSV])}
    return sorted(results, key=lambda r: (order.get(r.key, 99), nb_order.get(r.notebook, 99)))


def _commit(
    summary: RunSummary,
    staging: Path,
    outputs: Path,
    run_regions: Sequence[str],
    names: Sequence[str],
) -> None:
    """Swap complete output sets into ``outputs``; move failed notebooks to ``_failed``."""
    failed_root = outputs / FAILED_DIRNAME
    keys = list(run_regions) + ([OVERVIEW_KEY] if OVERVIEW_NOTEBOOK in names else [])
    by_key: dict[str, list[NotebookResult]] = {}
    for result in summary.results:
        by_key.setdefault(result.key, []).append(result)
    final_results = []
    for key in keys:
        results = by_key.get(key, [])
        stage = staging / key
        if results and all(r.ok for r in results):
            if key == OVERVIEW_KEY:
                _commit_overview(stage, outputs)
            else:
                _replace_dir(stage, outputs / key, staging / f"{key}.old")
            _remove_failed(failed_root, key)
            summary.written.append(key)
            final_results.extend(results)
            continue
        staged_failed = staging / FAILED_DIRNAME / key
        if staged_failed.exists():
            failed_root.mkdir(exist_ok=True)
            _replace_dir(staged_failed, failed_root / key, staging / f"{key}.failed.old")
        for result in results:
            if result.failed_notebook is not None:
                moved = failed_root / key / result.failed_notebook.name
                result = dataclasses.replace(result, failed_notebook=moved)
            final_results.append(result)
    summary.results = final_results
    if failed_root.exists() and not any(failed_root.iterdir()):
        failed_root.rmdir()


def _remove_failed(failed_root: Path, key: str) -> None:
    target = failed_root / key
    if target.exists():
        shutil.rmtree(target)
    if failed_root.exists() and not any(failed_root.iterdir()):
        failed_root.rmdir()


def _commit_overview(stage: Path, outputs: Path) -> None:
    """Move the overview files into the top of ``outputs``, removing its stale figures."""
    new_names = sorted(p.name for p in stage.iterdir() if p.is_file())
    stale = [
        p
        for p in outputs.glob(f"{OVERVIEW_NOTEBOOK}-*.png")
        if p.is_file() and p.name not in new_names
    ]
    _replace_files(stage, outputs, new_names, stale)
