"""Execution: papermill in worker processes, each notebook in its own kernel.

The main process hands :class:`~ipanalysis.runner.plan.Job` objects to a pool of worker
processes (forked from a fork server on POSIX, spawned on Windows); a worker executes one
notebook with papermill and writes the executed notebook, its HTML report and its figures
into the run's staging folder. Nothing here touches the outputs themselves.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ipanalysis.runner.export import clean_notebook, export_html, extract_figures
from ipanalysis.runner.plan import Job
from ipanalysis.runner.results import NotebookResult


def describe_error(exc: BaseException) -> str:
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


def _execute_job(job: Job) -> NotebookResult:
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
        error = describe_error(exc)
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


def execute_jobs(
    jobs_list: Sequence[Job], n_workers: int, progress: bool, on_idle: Callable[[], None]
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
        ProcessPoolExecutor(max_workers=n_workers, mp_context=mp_context()) as pool,
        bar if bar is not None else contextlib.nullcontext(),
    ):
        task = bar.add_task("notebooks", total=len(jobs_list)) if bar is not None else None
        futures: dict[Future[NotebookResult], Job] = {}
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


def default_jobs() -> int:
    """Return the number of cores this process may use (the default worker count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_PRELOAD = [
    "papermill",
    "nbformat",
    "nbconvert",
    "jupyter_client.manager",
    "ipanalysis.runner.execute",
]


def mp_context(start: bool = False) -> multiprocessing.context.BaseContext:
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
