"""Task runner: `python tasks.py <task>`. Standard library only, so it runs on a fresh machine.

Every task first makes sure `.venv/` holds exactly the pinned environment (requirements.lock),
reinstalling only when the lock or pyproject.toml changed since the last install, so a second
run is quick.
"""

import hashlib
import os
import shutil
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
CJK_FONT_PACKAGE = "fonts-noto-cjk"


def sh(*args: str | Path, **kwargs) -> None:
    """Run a command, echoing it, and stop on failure with its exit code."""
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT, **kwargs)
    if code:
        sys.exit(code)


def _fingerprint(*files: Path) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()


def setup() -> None:
    """Create .venv and install the pinned dependencies and the package (only if changed)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before anything else can check
        sys.exit(f"Python >= 3.11 is needed; this is {sys.version.split()[0]}")
    wanted = _fingerprint(LOCK, ROOT / "pyproject.toml")
    if PY.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PY.exists():
        sh(sys.executable, "-m", "venv", VENV)
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", LOCK)
    sh(PY, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
    STAMP.write_text(wanted)


def ensure_cjk_font() -> None:
    """Install a CJK font with apt-get when none is present and we may (Debian, root)."""
    if _has_cjk_font():
        return
    can_apt = shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0
    if not can_apt:
        print(
            "No CJK font found: figures will use English labels. Install one for Chinese labels "
            f"(Debian/Ubuntu: sudo apt-get install {CJK_FONT_PACKAGE}; see README)."
        )
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh("apt-get", "update", "-qq", env=env)
    sh("apt-get", "install", "-y", "-qq", CJK_FONT_PACKAGE, env=env, stdout=subprocess.DEVNULL)


def _has_cjk_font() -> bool:
    probe = "from ipanalysis.fonts import find_cjk_font; raise SystemExit(find_cjk_font() is None)"
    return subprocess.call([str(PY), "-c", probe], cwd=ROOT) == 0


def task_run(*args: str) -> None:
    """Validate the data and regenerate every region's notebooks, reports and the overview."""
    setup()
    sh(BIN / "ipanalysis", "validate")
    sh(BIN / "ipanalysis", "run", *args)


def task_test(*args: str) -> None:
    """Lint, then run the unit tests and nbval on the committed notebooks."""
    setup()
    ensure_cjk_font()
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
    sh(PY, "-m", "pip", "install", "--quiet", "-r", LAB_LOCK)
    sh(BIN / "jupyter", "lab", "--notebook-dir", ROOT / "notebooks", *args)


def task_lock(*args: str) -> None:
    """Re-resolve requirements.lock and requirements-lab.lock from pyproject.toml (pip-tools)."""
    setup()
    sh(PY, "-m", "pip", "install", "--quiet", "pip-tools")
    common = (
        "--quiet",
        "--strip-extras",
        "--allow-unsafe",
        "--no-emit-index-url",
        "--no-emit-find-links",
    )
    sh(
        PY,
        "-m",
        "piptools",
        "compile",
        *common,
        "--extra",
        "test",
        "-o",
        LOCK,
        "pyproject.toml",
        *args,
    )
    sh(
        PY, "-m", "piptools", "compile", *common, "--extra", "lab", "-c", LOCK,
        "-o", LAB_LOCK, "pyproject.toml", *args,
    )  # fmt: skip


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
    TASKS[name](*rest)
