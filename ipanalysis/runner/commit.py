"""The atomic commit of a run's outputs: staging folder → swap into ``outputs/``.

Workers write everything into ``outputs/.staging-<pid>-*/<key>/``. A region's set replaces its
folder in one :func:`os.replace` once every notebook and table of the set succeeded; the
overview's files are moved into the top of ``outputs/`` together. Ctrl-C is held back while a
set is being swapped, so a set is either the old one or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ipanalysis.runner.plan import FAILED_DIRNAME, OVERVIEW_KEY, OVERVIEW_NOTEBOOK, STAGING_PREFIX
from ipanalysis.runner.results import NotebookResult, RunSummary


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


def remove_orphan_staging(outputs: Path) -> None:
    """Remove staging folders left by runs that were killed (their process is gone)."""
    for path in outputs.glob(f"{STAGING_PREFIX}*"):
        match = re.fullmatch(re.escape(STAGING_PREFIX) + r"(\d+)-.*", path.name)
        if path.is_dir() and match and not _pid_alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def commit_outputs(
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
