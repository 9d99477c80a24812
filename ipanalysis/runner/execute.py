"""Execution: papermill in worker processes, each notebook in its own kernel.

The main process starts a few long-lived worker processes (``python -m
ipanalysis.runner.worker``, one per core by default) and hands them
:class:`~ipanalysis.runner.plan.Job` objects over pipes; a worker executes one notebook at a
time with papermill (:func:`execute_job`) and writes the executed notebook, its HTML report
and its figures into the run's staging folder. Nothing here touches the outputs themselves.

Processes and Ctrl-C (:class:`WorkerPool`): the workers run in their own session (process
group on Windows) and ignore SIGINT, and every kernel runs in its own session too (Jupyter's
launcher), so a Ctrl-C in the terminal reaches only the main process. The main process then
stops everything it started: it freezes each worker (so that it cannot start another kernel),
lists the worker's descendants, kills them all and waits for them. A normal run closes the
workers' input; they exit, and any descendant still alive is killed the same way. No fork
server, resource tracker or pool thread is involved: nothing outlives the run.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from ipanalysis.runner.interrupt import deferred_interrupt
from ipanalysis.runner.plan import Job
from ipanalysis.runner.products import clean_notebook, export_html, extract_figures
from ipanalysis.runner.protocol import decode_message, encode_message
from ipanalysis.runner.results import NotebookResult

#: The module a worker process runs.
WORKER_MODULE = "ipanalysis.runner.worker"
#: Seconds a worker gets to exit once its input is closed, before it is killed.
WORKER_EXIT_SECONDS = 10.0
#: Seconds to wait for killed processes to disappear.
KILL_WAIT_SECONDS = 3.0


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
    from traitlets import default

    class QuietKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _transport_encryption_default(self) -> str:
            return "auto"  # CurveZMQ keys per kernel: no "TCP without encryption" warning

        async def start_kernel(self, **kw: Any) -> None:
            handle = open(log_path, "ab")  # noqa: SIM115 - inherited by the kernel process
            try:
                kw.setdefault("stdout", handle)
                kw.setdefault("stderr", handle)
                await self._async_start_kernel(**kw)
            finally:
                handle.close()

    return QuietKernelManager


#: What jupyter_client raises when a kernel dies or hangs before it is ready (seen once on a
#: busy machine): no cell ran, so the notebook is tried again.
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond")
#: Tries a notebook gets when its kernel fails to start.
KERNEL_START_ATTEMPTS = 2


def is_kernel_start_failure(exc: BaseException) -> bool:
    """Return whether ``exc`` says the kernel never became ready (no cell ran)."""
    return (
        isinstance(exc, RuntimeError)
        and getattr(exc, "ename", None) is None  # not a cell's error (PapermillExecutionError)
        and str(exc).startswith(KERNEL_START_FAILURES)
    )


def execute_job(job: Job) -> NotebookResult:
    """Execute one notebook in this (worker) process and write its outputs to staging.

    A kernel that fails to start is started once more (:data:`KERNEL_START_ATTEMPTS`); a
    failure that is not a cell's error quotes the end of the kernel's own log.
    """
    start = time.perf_counter()
    started = time.time()
    stage = Path(job.stage_dir)
    out_path = stage / f"{job.notebook}.ipynb"
    stage.mkdir(parents=True, exist_ok=True)
    kernel_log = stage / f".{job.notebook}.kernel.log"
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            nb = _execute_notebook(job, out_path, kernel_log)
            break
        except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
            if is_kernel_start_failure(exc) and attempt < KERNEL_START_ATTEMPTS:
                continue
            error, saved = _failure(job, exc, out_path, kernel_log, attempt)
            kernel_log.unlink(missing_ok=True)
            seconds = time.perf_counter() - start
            return NotebookResult(job.key, job.notebook, False, seconds, error, saved, started)
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


def _execute_notebook(job: Job, out_path: Path, kernel_log: Path) -> Any:
    """Run papermill on the job's notebook; the kernel's own output goes to ``kernel_log``."""
    import papermill

    return papermill.execute_notebook(
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


def _failure(
    job: Job, exc: Exception, out_path: Path, kernel_log: Path, attempts: int
) -> tuple[str, Path | None]:
    """Describe a failed execution and keep its notebook in ``_failed``.

    Returns the one-line error (with the end of the kernel's log unless a cell failed: then the
    traceback is in the saved notebook) and where the executed notebook was saved, if it was.
    """
    import nbformat

    failed = Path(job.failed_dir) / f"{job.notebook}.ipynb"
    saved: Path | None = None
    if out_path.exists():
        try:
            _write_notebook(clean_notebook(nbformat.read(out_path, as_version=4)), failed)
            saved = failed
        except Exception:  # noqa: BLE001 - a corrupt partial notebook: keep the error
            saved = None
        out_path.unlink(missing_ok=True)
    error = describe_error(exc)
    if is_kernel_start_failure(exc):
        error += f" (the kernel failed to start {attempts} times)"
    if saved is None:
        error += " | " + traceback.format_exc(limit=3).strip().splitlines()[-1]
    if getattr(exc, "ename", None) is None:  # not a cell's error: the kernel may say why
        log_tail = _tail(kernel_log)
        error += f" | kernel said: {log_tail}" if log_tail else " | the kernel's log is empty"
    return error, saved


class WorkerPool:
    """Worker processes that execute jobs sent over pipes; see the module's notes on Ctrl-C.

    Parameters
    ----------
    n_workers : int
        How many worker processes to start.
    log_dir : Path
        Where each worker's stderr goes (``.worker-<n>.log``), quoted if a worker dies.
    """

    def __init__(self, n_workers: int, log_dir: Path) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []
        log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for index in range(n_workers):
                log = log_dir / f".worker-{index}.log"
                with open(log, "wb") as handle, deferred_interrupt():  # never one untracked
                    self.processes.append(
                        subprocess.Popen(
                            [sys.executable, "-m", WORKER_MODULE],
                            stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE,
                            stderr=handle,
                            **_own_process_group(),
                        )
                    )
                self.logs.append(log)
        except BaseException:  # Ctrl-C between two workers: stop the ones already started
            self.terminate()
            raise

    def run(
        self, jobs: Sequence[Job], on_result: Callable[[NotebookResult], None]
    ) -> list[NotebookResult]:
        """Execute ``jobs`` (in this order, as workers free up); return every result.

        Parameters
        ----------
        jobs : sequence of Job
            The notebooks to execute.
        on_result : callable
            Called in this (the main) thread with each result as it arrives.

        Returns
        -------
        list of NotebookResult
            One per job, in the order they finished; a job whose worker died fails with
            "worker process died" and the end of the worker's log.
        """
        todo: queue.Queue[Job] = queue.Queue()
        for job in jobs:
            todo.put(job)
        done: queue.Queue[NotebookResult] = queue.Queue()
        feeders = [
            threading.Thread(
                target=self._feed, args=(proc, log, todo, done), daemon=True, name="runner-feed"
            )
            for proc, log in zip(self.processes, self.logs, strict=True)
        ]
        for feeder in feeders:
            feeder.start()
        results: list[NotebookResult] = []
        while len(results) < len(jobs):
            try:
                result = done.get(timeout=0.2)  # short waits: Ctrl-C is handled promptly
            except queue.Empty:
                if any(f.is_alive() for f in feeders) or not done.empty():
                    continue
                while True:  # every worker died: what is left never ran
                    try:
                        job = todo.get_nowait()
                    except queue.Empty:
                        break
                    done.put(_failed(job, "not run: every worker process died"))
                if done.empty():
                    break
                continue
            results.append(result)
            on_result(result)
        return results

    @staticmethod
    def _feed(
        proc: subprocess.Popen[bytes],
        log: Path,
        todo: queue.Queue[Job],
        done: queue.Queue[NotebookResult],
    ) -> None:
        """Send jobs to one worker and pass its results on, until no job is left."""
        stdin, stdout = _pipes(proc)
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            try:
                stdin.write(encode_message(job))
                stdin.flush()
                line = stdout.readline()
            except (OSError, ValueError):
                line = b""
            if not line:
                code = proc.poll()
                said = _tail(log)
                done.put(
                    _failed(
                        job,
                        f"worker process died (exit code {code})"
                        + (f" | it said: {said}" if said else ""),
                    )
                )
                return
            done.put(decode_message(line))

    def close(self) -> None:
        """End a finished run: close the workers' input, wait for them, kill any leftover."""
        leftovers = self._descendants(freeze=False)
        for proc in self.processes:
            with contextlib.suppress(OSError):
                _pipes(proc)[0].close()
        deadline = time.monotonic() + WORKER_EXIT_SECONDS
        for proc in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        _kill_and_wait(leftovers)
        self._reap()

    def terminate(self) -> None:
        """Stop now (Ctrl-C, an error): kill every worker and every process it started."""
        _kill_and_wait(self._descendants(freeze=True))
        _kill_and_wait(self._kernels_of_workers())  # one that was starting as we looked
        self._reap()

    def _kernels_of_workers(self) -> list[Any]:
        """Return live processes started by a kernel manager in one of the workers.

        A kernel is started with ``JPY_PARENT_PID`` set to its worker's pid; this finds a
        kernel whose worker was killed before it showed up among the worker's children.
        """
        import psutil

        pids = {str(proc.pid) for proc in self.processes}
        found = []
        for proc in psutil.process_iter():
            with contextlib.suppress(psutil.Error):
                if proc.environ().get("JPY_PARENT_PID") in pids and _running(proc):
                    found.append(proc)
        return found

    def _descendants(self, freeze: bool) -> list[Any]:
        """Return the workers and all their descendants (kernels), as psutil processes.

        With ``freeze``, each worker is suspended first (POSIX): it cannot start a kernel
        between being listed and being killed.
        """
        import psutil

        workers: list[Any] = []
        for proc in self.processes:
            with contextlib.suppress(psutil.Error):  # already gone
                workers.append(psutil.Process(proc.pid))
        if freeze and os.name == "posix":
            for worker in workers:
                with contextlib.suppress(psutil.Error):
                    worker.suspend()
            deadline = time.monotonic() + 0.5  # SIGSTOP takes effect asynchronously
            for worker in workers:
                while time.monotonic() < deadline and _status(worker) not in _STILL:
                    time.sleep(0.005)
        found = list(workers)
        for worker in workers:
            with contextlib.suppress(psutil.Error):
                found.extend(worker.children(recursive=True))
        return found

    def _reap(self) -> None:
        for proc in self.processes:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(timeout=KILL_WAIT_SECONDS)
            for pipe in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError):
                    if pipe is not None:
                        pipe.close()


def _pipes(proc: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    assert proc.stdin is not None and proc.stdout is not None  # noqa: S101 - set in Popen
    return proc.stdin, proc.stdout


def _own_process_group() -> dict[str, Any]:
    """Popen options that keep a terminal's Ctrl-C away from the child."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _kill_and_wait(processes: Sequence[Any]) -> None:
    """SIGKILL (TerminateProcess) every process in the list and wait until they are gone.

    A killed process counts as gone once it is a zombie: a kernel whose worker died with it
    is reaped by whichever process adopts it, which may take its time.
    """
    import psutil

    for proc in processes:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    deadline = time.monotonic() + KILL_WAIT_SECONDS
    waiting = list(processes)
    while waiting and time.monotonic() < deadline:
        waiting = [proc for proc in waiting if _running(proc)]
        if waiting:
            time.sleep(0.01)


_STILL = ("stopped", "zombie", "dead", "gone")


def _status(proc: Any) -> str:
    import psutil

    try:
        return proc.status()
    except psutil.Error:
        return "gone"


def _running(proc: Any) -> bool:
    import psutil

    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _failed(job: Job, error: str) -> NotebookResult:
    return NotebookResult(job.key, job.notebook, False, 0.0, error)


def execute_jobs(
    jobs_list: Sequence[Job],
    n_workers: int,
    progress: bool,
    on_idle: Callable[[], None],
    log_dir: Path,
) -> list[NotebookResult]:
    """Run the jobs in worker processes and return all results.

    Parameters
    ----------
    jobs_list : sequence of Job
        The notebooks to execute, longest expected first.
    n_workers : int
        Worker processes (at most one per job).
    progress : bool
        Show a progress bar on stderr.
    on_idle : callable
        The main process's own work (the package-side tables), called once, as soon as a
        worker has nothing left to do: while the last notebooks run, a core is free for it;
        before that, every core is busy with kernels and it would only slow them down.
    log_dir : Path
        Where the workers' logs go (the staging folder).

    Returns
    -------
    list of NotebookResult
        One per job, in the order they finished.
    """
    if not jobs_list:
        on_idle()
        return []
    n_workers = max(1, min(n_workers, len(jobs_list)))
    bar = _progress_bar() if progress else None
    pool = WorkerPool(n_workers, log_dir)
    finished = False
    try:
        with bar if bar is not None else contextlib.nullcontext():
            task = bar.add_task("notebooks", total=len(jobs_list)) if bar is not None else None
            count = 0
            idle_done = False

            def on_result(result: NotebookResult) -> None:
                nonlocal count, idle_done
                count += 1
                if bar is not None:
                    mark = "✓" if result.ok else "✗"
                    bar.update(
                        task, advance=1, description=f"{mark} {result.key}/{result.notebook}"
                    )
                if not idle_done and len(jobs_list) - count < n_workers:
                    idle_done = True
                    on_idle()

            results = pool.run(jobs_list, on_result)
            if not idle_done:
                on_idle()
        finished = True
    finally:
        if finished:
            pool.close()
        else:
            pool.terminate()
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
