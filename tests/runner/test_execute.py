"""Executing one notebook: a kernel that fails to start is retried once, its log quoted."""

import json
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from ipanalysis.runner import execute
from ipanalysis.runner.plan import Job

#: A kernel that counts its starts, says why it gives up, and exits before it is ready.
BROKEN_KERNEL = (
    "import pathlib, sys\n"
    "count = pathlib.Path(sys.argv[1])\n"
    "count.write_text(count.read_text() + 'x' if count.exists() else 'x')\n"
    "sys.stderr.write('ImportError: no module named ipykernel_broken\\n')\n"
    "sys.exit(3)\n"
)


@pytest.fixture
def broken_kernel(tmp_path, monkeypatch):
    """A kernel spec ``broken`` whose kernel dies on start; returns its start counter file."""
    spec = tmp_path / "jupyter" / "kernels" / "broken"
    spec.mkdir(parents=True)
    counter = tmp_path / "starts"
    argv = [sys.executable, "-c", BROKEN_KERNEL, str(counter), "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "broken", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return counter


def _job(tmp_path, kernel):
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    return Job(
        key="binhai",
        notebook="nb",
        input_path=str(path),
        stage_dir=str(tmp_path / "stage" / "binhai"),
        failed_dir=str(tmp_path / "stage" / "_failed" / "binhai"),
        parameters={},
    )


def test_a_kernel_that_fails_to_start_is_retried_once_and_its_log_quoted(tmp_path, broken_kernel):
    """ "Kernel died before replying to kernel_info" failed the region on main, at once and
    without the kernel's log (the empty notebook saved to _failed hid it)."""
    result = execute.execute_job(_job(tmp_path, "broken"))
    assert not result.ok
    assert broken_kernel.read_text() == "x" * execute.KERNEL_START_ATTEMPTS  # tried twice
    assert "Kernel died before replying to kernel_info" in result.error
    assert f"the kernel failed to start {execute.KERNEL_START_ATTEMPTS} times" in result.error
    assert "kernel said: ImportError: no module named ipykernel_broken" in result.error
    assert not list((tmp_path / "stage" / "binhai").glob(".*.kernel.log"))  # log removed


def test_a_kernel_start_failure_is_told_from_a_cells_error():
    died = RuntimeError("Kernel died before replying to kernel_info")
    assert execute.is_kernel_start_failure(died)
    assert execute.is_kernel_start_failure(RuntimeError("Kernel didn't respond in 60 seconds"))
    cell_error = RuntimeError("Kernel died before replying to kernel_info")
    cell_error.ename = "RuntimeError"  # raised by a cell: PapermillExecutionError carries ename
    assert not execute.is_kernel_start_failure(cell_error)
    assert not execute.is_kernel_start_failure(ValueError("boom"))


def test_a_second_start_that_works_runs_the_notebook(tmp_path, monkeypatch):
    real = execute._execute_notebook
    calls = []

    def flaky(job, out_path, kernel_log):
        calls.append(job.notebook)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(job, out_path, kernel_log)

    monkeypatch.setattr(execute, "_execute_notebook", flaky)
    result = execute.execute_job(_job(tmp_path, "python3"))
    assert result.ok, result.error
    assert len(calls) == 2 and (tmp_path / "stage" / "binhai" / "nb.ipynb").exists()
