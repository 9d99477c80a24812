"""Task runner: `python tasks.py <task>`. Standard library only, so it runs on a fresh machine.

Every task first makes sure `.venv/` holds exactly the pinned environment (requirements.lock,
resolved for Windows, macOS and Linux), reinstalling only when the lock or pyproject.toml
changed since the last install, so a second run is quick. pip and uv run without the
machine's pip/uv configuration (no config file, no ``PIP_*``/``UV_*`` variables): packages
come from PyPI whatever index, constraints or find-links the machine sets. Nothing is
installed outside `.venv/` (the CJK font for figures ships with the package).
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
LAB_LOCK = ROOT / "requirements-lab.lock"
STAMP = VENV / ".installed-lock"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
LAB_STAMP = VENV / ".installed-lab-lock"
#: The lock is resolved for this Python on every platform (uv's universal resolution).
PYTHON_VERSION = "3.11"
UV_REQUIREMENT = "uv==0.13.9"
#: Kernels get CurveZMQ keys from the server (ipykernel's kernelspec declares support), so
#: their TCP traffic is encrypted and the kernel does not warn "running over TCP without
#: encryption" on every start.
KERNEL_CONFIG = ("--KernelManager.transport_encryption=auto",)


def sh(*args: str | Path, **kwargs) -> None:
    """Run a command, echoing it, and stop on failure with its exit code."""
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT, **kwargs)
    if code:
        sys.exit(code)


def _isolated_env() -> dict[str, str]:
    """Return the environment for pip and uv, free of the machine's own configuration.

    Setup must give the same environment whatever pip.conf, uv.toml or ``PIP_*``/``UV_*``
    variables the machine has (an extra index, a constraints file, find-links): every
    ``PIP_``/``UV_`` variable is dropped and ``PIP_CONFIG_FILE`` is set to the null device,
    which tells pip to read no configuration file at all. Packages come from PyPI.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", UV_NO_CONFIG="1")
    return env


def pip(*args: str | Path) -> None:
    """Run the venv's pip, quietly and independent of any global pip configuration."""
    sh(PY, "-m", "pip", "install", "--quiet", *args, env=_isolated_env())


def _fingerprint(*files: Path) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()


def _install_if_changed(stamp: Path, inputs: tuple[Path, ...], *installs: tuple) -> None:
    """Run each pip ``install`` unless ``stamp`` records the same ``inputs`` as now.

    The stamp holds a hash of the inputs' bytes and is written only after every install
    succeeded, so an interrupted install is redone next time.
    """
    wanted = _fingerprint(*inputs)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    for args in installs:
        pip(*args)
    stamp.write_text(wanted)


def setup() -> None:
    """Create .venv and install the pinned dependencies and the package (only if changed)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before anything else can check
        sys.exit(f"Python >= 3.11 is needed; this is {sys.version.split()[0]}")
    if not PY.exists():
        sh(sys.executable, "-m", "venv", VENV)
    _install_if_changed(
        STAMP, (LOCK, ROOT / "pyproject.toml"), ("-r", LOCK), ("--no-deps", "-e", ".")
    )


def warm_font_cache() -> None:
    """Build matplotlib's font list now, not inside a notebook's kernel.

    On a fresh machine (or an empty ``MPLCONFIGDIR``) the first ``import matplotlib`` scans
    the system's fonts; when that takes over 5 s matplotlib prints "building the font cache",
    and inside a kernel that line would land in a notebook's outputs. The figures themselves
    never use the system fonts (the package's own font is registered directly).
    """
    subprocess.call([str(PY), "-c", "import matplotlib.font_manager"], cwd=ROOT)


def task_run(*args: str) -> None:
    """Validate the data and regenerate every region's notebooks, reports and the overview."""
    setup()
    warm_font_cache()
    sh(BIN / "ipanalysis", "validate")
    sh(BIN / "ipanalysis", "run", *args)


def task_test(*args: str) -> None:
    """Lint, then run the unit tests and nbval on the committed notebooks."""
    setup()
    warm_font_cache()
    sh(BIN / "ruff", "check", ".")
    sh(BIN / "ruff", "format", "--check", ".")
    sh(PY, "-m", "pytest", *(args or ("tests", "--nbval-lax", "outputs")))


def task_validate(*args: str) -> None:
    """Validate the data and print the summary."""
    setup()
    sh(BIN / "ipanalysis", "validate", *args)


def task_bench(*args: str) -> None:
    """Benchmark the runner against serial papermill calls (prints times and ratios)."""
    setup()
    sh(PY, "scripts/benchmark.py", *args)


def task_lab(*args: str) -> None:
    """Open JupyterLab on notebooks/ with the project's kernel (installs the pinned lab extra)."""
    setup()
    _install_if_changed(LAB_STAMP, (LAB_LOCK, LOCK, ROOT / "pyproject.toml"), ("-r", LAB_LOCK))
    warm_font_cache()
    root = ("--allow-root",) if hasattr(os, "geteuid") and os.geteuid() == 0 else ()
    command = [
        BIN / "jupyter",
        "lab",
        "--notebook-dir",
        ROOT / "notebooks",
        *root,
        *KERNEL_CONFIG,
        *args,
    ]
    print("+", " ".join(str(a) for a in command), flush=True)
    sys.exit(_run_until_done(command))


def _run_until_done(command: list) -> int:
    """Run an interactive command and return its exit code; 130 if Ctrl-C stopped it.

    Ctrl-C reaches the child too (same terminal), which decides how to stop (JupyterLab asks
    or shuts down); this process only waits for it, so no traceback is printed.
    """
    child = subprocess.Popen([str(a) for a in command], cwd=ROOT)
    interrupted = False
    while True:
        try:
            code = child.wait()
        except KeyboardInterrupt:
            interrupted = True
            continue
        return 130 if interrupted else code


def task_lock(*args: str) -> None:
    """Re-resolve requirements.lock and requirements-lab.lock for Windows, macOS and Linux (uv)."""
    setup()
    pip(UV_REQUIREMENT)
    common = (
        "pip", "compile", "--quiet", "--universal", "--python-version", PYTHON_VERSION,
        "--no-emit-index-url", "--no-config",
    )  # fmt: skip
    env = _isolated_env()
    sh(BIN / "uv", *common, "--extra", "test", "--extra", "font", "-o", LOCK.name,
       "pyproject.toml", *args, env=env)  # fmt: skip
    sh(BIN / "uv", *common, "--extra", "lab", "-c", LOCK.name, "-o", LAB_LOCK.name,
       "pyproject.toml", *args, env=env)  # fmt: skip


def task_help() -> None:
    """List the tasks."""
    print("usage: python tasks.py <task> [args...]\n")
    for name, func in TASKS.items():
        print(f"  {name:<9} {func.__doc__.splitlines()[0]}")


TASKS = {
    "run": task_run,
    "test": task_test,
    "validate": task_validate,
    "bench": task_bench,
    "lab": task_lab,
    "lock": task_lock,
    "help": task_help,
}

if __name__ == "__main__":
    name, *rest = sys.argv[1:] or ["help"]
    if name not in TASKS:
        task_help()
        sys.exit(2)
    try:
        TASKS[name](*rest)
    except KeyboardInterrupt:  # Ctrl-C: stop quietly, with the shell's code for SIGINT
        sys.exit(130)
