"""Ctrl-C during a run: quick exit, no process left, no partial file, outputs unchanged."""

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from tests.runner.test_run import PARAMS, _notebook, _tree, _write

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import pandas as pd
    from ipanalysis.runner import run as run_module, run_notebooks

    class FakeDataset:
        regions = pd.DataFrame({"region_id": ["binhai", "tianjin"], "level": "district"})

    def write(dataset, regions, scope, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")

    if __name__ == "__main__":  # a multiprocessing-based runner re-imports this module
        run_module._load_dataset = FakeDataset
        run_module._write_assessment = write
        run_module.write_forecasts = write
        try:
            run_notebooks(
                ["binhai", "tianjin"], notebooks_dir=sys.argv[1], outputs_dir=sys.argv[2],
                progress=False, jobs=2,
            )
        except KeyboardInterrupt:  # as the command line does (ipanalysis.console)
            from ipanalysis.exits import exit_now

            exit_now(130)
    """
)


@pytest.fixture
def slow_notebooks(tmp_path):
    """Notebooks whose forecast sleeps, so that kernels are running when Ctrl-C comes."""
    d = tmp_path / "notebooks"
    _write(_notebook("print('trends', region)"), d / "trends.ipynb")
    _write(_notebook("import time\ntime.sleep(60)"), d / "forecast.ipynb")
    _write(
        _notebook("pass", params=PARAMS.replace('region = "binhai"\n', "")), d / "overview.ipynb"
    )
    return d


def _kernels(root: psutil.Process) -> list[psutil.Process]:
    found = []
    for proc in root.children(recursive=True):
        try:
            if "ipykernel" in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            continue
    return found


@pytest.mark.skipif(os.name != "posix", reason="signals to process groups")
@pytest.mark.parametrize("target", ["process", "group", "group, twice"])
def test_ctrl_c_stops_every_process_and_leaves_outputs_as_they_were(
    slow_notebooks, tmp_path, target
):
    out = tmp_path / "out"
    (out / "binhai").mkdir(parents=True)
    (out / "binhai" / "forecast.html").write_text("the previous report")
    before = _tree(out)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen(
        [sys.executable, str(script), str(slow_notebooks), str(out)], start_new_session=True
    )
    root = psutil.Process(child.pid)
    deadline = time.monotonic() + 120
    while len(_kernels(root)) < 2 and time.monotonic() < deadline:  # both forecasts asleep
        time.sleep(0.1)
    seen = [root, *root.children(recursive=True)]
    assert len(_kernels(root)) == 2, "the kernels did not start"
    send = os.killpg if target.startswith("group") else os.kill
    sent = time.monotonic()
    send(child.pid, signal.SIGINT)
    if target.endswith("twice"):
        time.sleep(0.2)
        send(child.pid, signal.SIGINT)
    try:
        code = child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        code = None
    seconds = time.monotonic() - sent
    alive = [p.pid for p in seen if _running(p)]
    for proc in seen:  # never leave a sleeping kernel behind, even when the test fails
        with contextlib.suppress(psutil.Error):
            proc.kill()
    assert code == 130 and seconds < 5, (code, seconds)
    assert not alive, "processes of the run survived it"
    assert _tree(out) == before  # no staging folder, no partial file, nothing replaced


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def test_importing_the_runner_leaves_ctrl_c_to_the_program():
    """Only a worker process ignores SIGINT; the main process must still see Ctrl-C."""
    probe = (
        "import signal, ipanalysis.runner, ipanalysis.runner.worker, ipanalysis.console\n"
        "assert signal.getsignal(signal.SIGINT) is signal.default_int_handler"
    )
    env = {**os.environ}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert done.returncode == 0, done.stderr
