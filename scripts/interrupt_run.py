"""Interrupt ``ipanalysis run`` at many moments and check that Ctrl-C never hurts.

On a scratch copy of ``outputs/`` (``IPANALYSIS_OUTPUTS_DIR``), this first runs ``ipanalysis
run --force`` once to completion (its duration sets the moments to interrupt at, and it must
leave no process behind), then starts it again ``--trials`` times and sends SIGINT after a
delay spread over the run's duration: to the process alone or to its whole process group
(as a terminal's Ctrl-C does), some followed by a second SIGINT 0.3 s later.

A run that ends before its delay, or completes its work as the signal comes (exit 0 after
printing its summary), is tried again with a shorter delay, up to three times: runs vary in
length on a busy machine. Each trial checks:

* the run exits within 5 s of the first SIGINT, with exit code 130 (0 if it had already
  finished), and prints no Python traceback;
* no process of the run is left: every process seen in its tree during the run (workers,
  kernels) and everything in its session is gone when it exits;
* no ``.staging-*`` folder and no partial (``*.tmp``) file is left in the outputs folder;
* the outputs folder is byte-identical to what it was before the trial.

It prints one row per trial and exits with 1 if any check failed. POSIX only (signals and
process groups).

Usage::

    python scripts/interrupt_run.py [--trials 20] [--region binhai ...]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from ipanalysis import paths

EXIT_LIMIT_SECONDS = 5.0
SECOND_SIGNAL_AFTER = 0.3
RETRIES = 3  # a trial whose run ended before its delay is retried with a shorter delay
MODES = ("process", "group", "process, twice", "group, twice")
BIN = Path(sys.executable).parent


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _leftovers(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.name.startswith(".staging-") or p.name.endswith(".tmp")
    )


def _alive(seen: dict[int, float], session: int) -> list[str]:
    """Processes of the run still alive: seen in its tree, or in its session."""
    left = []
    for pid, created in seen.items():
        try:
            proc = psutil.Process(pid)
            if proc.create_time() == created and proc.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{pid} {proc.name()}")
        except psutil.Error:
            continue
    for proc in psutil.process_iter(["pid", "name"]):
        try:
            if (
                os.getsid(proc.pid) == session
                and proc.pid not in seen
                and proc.status() != psutil.STATUS_ZOMBIE
            ):
                left.append(f"{proc.pid} {proc.info['name']}")
        except (psutil.Error, OSError):
            continue
    return left


def _watch(proc: subprocess.Popen, seen: dict[int, float]) -> None:
    """Record every process in the run's tree."""
    try:
        root = psutil.Process(proc.pid)
        for child in [root, *root.children(recursive=True)]:
            seen.setdefault(child.pid, child.create_time())
    except psutil.Error:
        pass


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as handle:
        return subprocess.Popen(
            args,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own group, as a shell job: killpg reaches it alone
        )


def _run_once(args: list[str], env: dict[str, str], log: Path) -> tuple[float, list[str]]:
    """A full run: its duration and the processes it leaves behind."""
    seen: dict[int, float] = {}
    start = time.perf_counter()
    proc = _start(args, env, log)
    while proc.poll() is None:
        _watch(proc, seen)
        time.sleep(0.05)
    duration = time.perf_counter() - start
    if proc.returncode != 0:
        output = log.read_text(encoding="utf-8", errors="replace")
        sys.exit(f"the uninterrupted run failed (exit {proc.returncode}):\n{output}")
    return duration, _alive(seen, proc.pid)


def _trial(
    args: list[str], env: dict[str, str], delay: float, mode: str, log: Path
) -> dict[str, object]:
    seen: dict[int, float] = {}
    proc = _start(args, env, log)
    start = time.perf_counter()
    while proc.poll() is None and time.perf_counter() - start < delay:
        _watch(proc, seen)
        time.sleep(0.02)
    finished_first = proc.poll() is not None
    sent = time.perf_counter()
    second_sent = mode.endswith("twice")
    if not finished_first:
        _watch(proc, seen)
        send = os.killpg if mode.startswith("group") else os.kill
        send(proc.pid, signal.SIGINT)
        second_at = sent + SECOND_SIGNAL_AFTER
        while proc.poll() is None and time.perf_counter() - sent < 2 * EXIT_LIMIT_SECONDS:
            _watch(proc, seen)
            if second_sent and time.perf_counter() >= second_at:
                second_sent = False
                with contextlib.suppress(ProcessLookupError):
                    send(proc.pid, signal.SIGINT)
            time.sleep(0.01)
    seconds = time.perf_counter() - sent
    hung = proc.poll() is None
    left = _alive(seen, proc.pid)
    if hung:  # clean up after a failed trial, so that the next one starts clean
        for pid in seen:
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()
        proc.wait()
    output = log.read_text(encoding="utf-8", errors="replace")
    # The signal came as the run was ending: it had done its work and printed its summary.
    finished_first = finished_first or (proc.returncode == 0 and "Took " in output)
    return {
        "code": "hang" if hung else proc.returncode,
        "seconds": 0.0 if finished_first else seconds,
        "finished_first": finished_first,
        "left": left,
        "traceback": "Traceback" in output,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--region", action="append", default=[], help="passed to run")
    args = parser.parse_args()
    if os.name != "posix":
        sys.exit("POSIX only: this script sends SIGINT to process groups.")
    # A shell starts background jobs with SIGINT ignored, and children inherit that; the run
    # must see SIGINT as a foreground job in a terminal does.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    scratch = Path(tempfile.mkdtemp(prefix="ipanalysis-interrupt-"))
    outputs = scratch / "outputs"
    shutil.copytree(paths.outputs_dir(), outputs)
    # The logs are read as UTF-8 whatever the locale: the run writes them so.
    env = {**os.environ, "IPANALYSIS_OUTPUTS_DIR": str(outputs), "PYTHONIOENCODING": "utf-8"}
    exe = BIN / "ipanalysis"
    command = [str(exe) if exe.exists() else "ipanalysis", "run", "--force"]
    for region in args.region:
        command += ["--region", region]
    failed = 0
    first_left = False
    try:
        duration, left = _run_once(command, env, scratch / "first.log")
        print(f"uninterrupted run: {duration:.1f} s; processes left after it: {left or 'none'}")
        first_left = bool(left)
        before = _tree(outputs)
        header = (
            f"{'#':>2} {'delay s':>7} {'SIGINT to':<15} {'exit':>5} {'exit s':>6} "
            f"{'procs left':>10} {'staging/partial':>15} {'identical':>9} {'traceback':>9}  ok"
        )
        print(header)
        print("-" * len(header))
        for i in range(args.trials):
            delay = 0.2 + (0.9 * duration - 0.2) * i / max(1, args.trials - 1)
            mode = MODES[i % len(MODES)]
            result = _trial(command, env, delay, mode, scratch / f"trial-{i}.log")
            for _ in range(RETRIES):  # the run was quicker this time: interrupt it earlier
                if not result["finished_first"]:
                    break
                delay *= 0.8
                result = _trial(command, env, delay, mode, scratch / f"trial-{i}.log")
            partial = _leftovers(outputs)
            identical = _tree(outputs) == before
            expected_code = 0 if result["finished_first"] else 130
            ok = (
                result["code"] == expected_code
                and result["seconds"] <= EXIT_LIMIT_SECONDS
                and not result["left"]
                and not partial
                and identical
                and not result["traceback"]
            )
            failed += not ok
            print(
                f"{i + 1:>2} {delay:7.2f} {mode:<15} {result['code']!s:>5} "
                f"{result['seconds']:6.2f} {len(result['left']):>10} {len(partial):>15} "
                f"{'yes' if identical else 'NO':>9} {'YES' if result['traceback'] else 'no':>9}"
                f"  {'ok' if ok else 'FAIL'}"
                + (" (finished before the signal)" if result["finished_first"] else "")
            )
            for line in [*result["left"], *partial]:
                print(f"      left: {line}")
            if not identical:  # restore, so that one failure does not fail every later trial
                shutil.rmtree(outputs)
                outputs.mkdir()
                for name, data in before.items():
                    (outputs / name).parent.mkdir(parents=True, exist_ok=True)
                    (outputs / name).write_bytes(data)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n{args.trials - failed} of {args.trials} interrupts ok")
    return 1 if failed or first_left else 0


if __name__ == "__main__":
    sys.exit(main())
