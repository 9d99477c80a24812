"""The atomic commit of a run's outputs: staging folder → swap into ``outputs/``.

Workers write everything into ``outputs/.staging-<pid>-*/<key>/``. A region's set replaces its
folder in one :func:`os.replace` once every notebook and table of the set succeeded; the
overview's files are moved into the top of ``outputs/`` together. Ctrl-C is held back while a
set is being swapped, so a set is either the old one or the new one, never a mix.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from ipanalysis.report.files import brief_name
from ipanalysis.report.needs import template_name
from ipanalysis.runner.interrupt import deferred_interrupt
from ipanalysis.runner.plan import (
    ASSESSMENT_CSV,
    FAILED_DIRNAME,
    OVERVIEW_KEY,
    OVERVIEW_NOTEBOOK,
    STAGING_PREFIX,
)
from ipanalysis.runner.results import NotebookResult, RunSummary
from ipanalysis.writes import WriteError, replace_all


def _replace_dir(new: Path, target: Path, aside: Path) -> None:
    """Swap folder ``new`` in at ``target``, or leave ``target`` as it was (a file open in it).

    The old folder is moved into ``aside`` (the staging folder), then removed.
    """
    with deferred_interrupt():
        replace_all([(new, target)], aside)


def _replace_files(
    new_dir: Path, target_dir: Path, names: Iterable[str], stale: Iterable[Path], aside: Path
) -> None:
    """Move files ``names`` from ``new_dir`` to ``target_dir`` (all or none); delete ``stale``."""
    with deferred_interrupt():
        replace_all([(new_dir / name, target_dir / name) for name in names], aside)
        for path in stale:
            path.unlink(missing_ok=True)


def remove_orphan_staging(outputs: Path) -> None:
    """Remove staging folders left by runs that were killed (their process is gone)."""
    import psutil

    for path in outputs.glob(f"{STAGING_PREFIX}*"):
        match = re.fullmatch(re.escape(STAGING_PREFIX) + r"(\d+)-.*", path.name)
        if path.is_dir() and match and not psutil.pid_exists(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def commit_outputs(summary: RunSummary, staging: Path, outputs: Path, keys: Sequence[str]) -> None:
    """Swap complete output sets into ``outputs``; move failed notebooks to ``_failed``.

    A set (a region's folder, or the overview's files) is swapped in when something in it
    was executed and everything in it succeeded; the files of its skipped notebooks and
    tables (unchanged inputs) are carried over from the current folder. A set with a failure
    keeps its previous outputs, and its executed notebooks go to ``_failed/<key>/``.

    After a region failed, the new overview is *not* swapped in either
    (:attr:`RunSummary.withheld`): it would show that region's new verdicts beside the
    region's folder that still shows the old ones. A set that cannot be swapped in because a
    file of it is open in another program (Excel, WPS, Word on Windows) fails the same way,
    its error naming the file to close. The overview and the failed region's folder then
    both show the previous run; the run drops their manifest entries
    (:func:`ipanalysis.runner.run._record`), so the next run redoes both whether or not
    anything changed, and clears ``_failed/<key>`` once the set succeeds.

    Parameters
    ----------
    summary : RunSummary
        The run's results; ``written``, ``withheld`` and the failed notebooks' paths are
        filled in.
    staging : Path
        The run's staging folder (``<staging>/<key>/…``).
    outputs : Path
        The outputs folder.
    keys : sequence of str
        The output sets of the run: region ids, then ``"overview"`` if it ran.
    """
    failed_root = outputs / FAILED_DIRNAME
    by_key: dict[str, list[NotebookResult]] = {}
    for result in summary.results:
        by_key.setdefault(result.key, []).append(result)
    failed_regions = [
        key for key in keys if key != OVERVIEW_KEY and not all(r.ok for r in by_key.get(key, []))
    ]
    final_results = []
    for key in keys:
        results = by_key.get(key, [])
        executed = [r for r in results if not r.skipped]
        if results and all(r.ok for r in results):
            if not executed:  # nothing changed: the set stays as it is
                final_results.extend(results)
                continue
            if key == OVERVIEW_KEY and failed_regions:
                summary.withheld.append(key)
                final_results.extend(results)
                continue
            try:
                _swap_in(key, results, staging, outputs)
            except WriteError as err:  # a file of the set is open elsewhere: keep the old set
                failed_regions.append(key)
                final_results += [*results, NotebookResult(key, SWAP_STEP, False, 0.0, str(err))]
                continue
            _remove_failed(failed_root, key)
            summary.written.append(key)
            final_results.extend(results)
            continue
        staged_failed = staging / FAILED_DIRNAME / key
        if staged_failed.exists():
            failed_root.mkdir(exist_ok=True)
            _replace_dir(staged_failed, failed_root / key, staging)
        for result in results:
            if result.failed_notebook is not None:
                moved = failed_root / key / result.failed_notebook.name
                result = dataclasses.replace(result, failed_notebook=moved)
            final_results.append(result)
    summary.results = final_results
    if failed_root.exists() and not any(failed_root.iterdir()):
        failed_root.rmdir()


def table_companions(name: str, key: str) -> list[str]:
    """Return the files a table writer makes beside its table, from the same inputs.

    A region's assessment (:func:`ipanalysis.runner.run._write_assessment`) comes with the
    region's template of the figures needed and its Word brief; the overview's has none.

    Parameters
    ----------
    name : str
        The table's file name (``assessment.csv``).
    key : str
        The output set: a region id or ``"overview"``.

    Returns
    -------
    list of str
        File names in the set's folder.
    """
    if name == ASSESSMENT_CSV and key != OVERVIEW_KEY:
        return [template_name(key), brief_name(key)]
    return []


def owned_files(folder: Path, name: str, key: str) -> list[Path]:
    """Return the files of ``folder`` that notebook (or table) ``name`` made.

    Parameters
    ----------
    folder : Path
        An output set's folder.
    name : str
        A notebook's name (``forecast``: its ``.ipynb``, ``.html`` and ``forecast-*.png``)
        or a table's file name (``assessment.csv``, with its :func:`table_companions`).
    key : str
        The output set: a region id or ``"overview"``.

    Returns
    -------
    list of Path
        The existing files, sorted.
    """
    if "." in name:
        candidates = [folder / n for n in (name, *sorted(table_companions(name, key)))]
    else:
        candidates = [folder / f"{name}.ipynb", folder / f"{name}.html"]
        candidates += sorted(folder.glob(f"{name}-*.png"))
    return [path for path in candidates if path.is_file()]


def carry_over(current: Path, stage: Path, names: Iterable[str]) -> None:
    """Copy the current files of the notebooks and tables ``names`` into the staged set.

    Parameters
    ----------
    current : Path
        The set's folder in ``outputs/``.
    stage : Path
        The set's staging folder, about to replace it.
    names : iterable of str
        Notebooks and tables that were not rerun.
    """
    for name in names:
        for path in owned_files(current, name, current.name):
            shutil.copyfile(path, stage / path.name)


#: How a result names the swap of a finished set into the outputs (when it fails).
SWAP_STEP = "(swap into outputs)"


def _swap_in(key: str, results: Sequence[NotebookResult], staging: Path, outputs: Path) -> None:
    """Swap one finished set into ``outputs``: a region's folder, or the overview's files.

    Raises
    ------
    ipanalysis.writes.WriteError
        A file of the set is open in another program (Windows); the set is as it was.
    """
    stage = staging / key
    if key == OVERVIEW_KEY:
        rerun = {r.notebook for r in results if not r.skipped}
        _commit_overview(stage, outputs, staging, figures=OVERVIEW_NOTEBOOK in rerun)
    else:
        carry_over(outputs / key, stage, [r.notebook for r in results if r.skipped])
        _replace_dir(stage, outputs / key, staging)


def _remove_failed(failed_root: Path, key: str) -> None:
    target = failed_root / key
    if target.exists():
        shutil.rmtree(target)
    if failed_root.exists() and not any(failed_root.iterdir()):
        failed_root.rmdir()


def _commit_overview(stage: Path, outputs: Path, aside: Path, figures: bool) -> None:
    """Move the overview files into the top of ``outputs``; with ``figures``, drop stale ones."""
    new_names = sorted(p.name for p in stage.iterdir() if p.is_file() and p.name[0] != ".")
    stale = []
    if figures:
        stale = [
            p
            for p in outputs.glob(f"{OVERVIEW_NOTEBOOK}-*.png")
            if p.is_file() and p.name not in new_names
        ]
    _replace_files(stage, outputs, new_names, stale, aside)
