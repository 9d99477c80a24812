"""Task runner: `python tasks.py <task>`. Standard library only, so it runs on a fresh machine.

Every task first makes sure `.venv/` holds exactly the pinned environment (requirements.lock,
resolved for Windows, macOS and Linux), reinstalling only when the lock or pyproject.toml
changed since the last install, so a second run is quick. pip takes from the machine's own
configuration (pip.conf / pip.ini and ``PIP_*`` variables) only where the package index is and
how to reach it (index and extra-index URLs, certificates, trusted hosts, proxy, timeout,
retries): a domestic mirror works. Nothing that could change what is installed is taken
(constraints, find-links, no-index, pre-releases, ...), and every package is checked against
the hashes in the lock, so a mirror cannot change what gets installed. Nothing is installed
outside `.venv/` (the CJK font for figures ships with the package).
"""

import ast
import functools
import hashlib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterable
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


#: pip's settings that say where the package index is and how to reach it, with the option
#: that passes each to ``pip install``. Setup takes these, and only these, from pip's own
#: configuration files and ``PIP_*`` variables; anything else there is ignored.
INDEX_OPTIONS = {
    "index-url": "--index-url",
    "extra-index-url": "--extra-index-url",
    "trusted-host": "--trusted-host",
    "cert": "--cert",
    "client-cert": "--client-cert",
    "proxy": "--proxy",
    "timeout": "--timeout",
    "retries": "--retries",
}
#: Other names pip accepts for these settings (``PIP_DEFAULT_TIMEOUT``, ``default-timeout =``).
INDEX_ALIASES = {"default-timeout": "timeout"}
#: Settings that hold several values, separated by white space (as pip reads them).
INDEX_LISTS = {"extra-index-url", "trusted-host"}
#: pip reads ``[global]``, then the command's own section, then ``PIP_*``: the later one wins.
CONFIG_SECTIONS = ("global", "install", ":env:")


def _redact(text: str) -> str:
    """Hide the user name and password of any ``scheme://user:password@host`` in ``text``."""
    return re.sub(r"://[^/@\s]+@", "://****@", text)


def _shown(arg: str | Path) -> str:
    """Return an argument as a message shows it: paths inside the repository relative to it."""
    if isinstance(arg, Path) and arg.is_relative_to(ROOT):
        return arg.relative_to(ROOT).as_posix()
    return str(arg)


def _call(*args: str | Path, **kwargs) -> int:
    """Run a command from the repository root, echoing it (passwords hidden); return its code."""
    print("+", _redact(shlex.join(str(a) for a in args)), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, **kwargs).returncode


def sh(*args: str | Path, **kwargs) -> None:
    """Run a command, echoing it, and stop on failure with its exit code."""
    code = _call(*args, **kwargs)
    if code:
        sys.exit(code)


def _isolated_env() -> dict[str, str]:
    """Return the environment for pip and uv, free of the machine's own configuration.

    Every ``PIP_``/``UV_`` variable is dropped and ``PIP_CONFIG_FILE`` is set to the null
    device, which tells pip to read no configuration file at all: the index settings the user
    chose reach pip as options instead (:func:`index_settings`), and nothing else does.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", UV_NO_CONFIG="1")
    return env


def pip_config_items(python: str | Path | None = None) -> list[tuple[str, str]]:
    """Return pip's own reading of the user's configuration as ``("section.name", value)``.

    ``python -m pip config list`` (the venv's python by default) with the user's environment:
    pip finds its configuration files (user and global pip.conf / pip.ini, ``PIP_CONFIG_FILE``)
    and ``PIP_*`` variables (section ``:env:``) exactly as it would for an install.
    """
    env = {**os.environ, "PIP_QUIET": "0", "PIP_VERBOSE": "0", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [str(python or PY), "-m", "pip", "config", "list"],
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=ROOT,
    )
    if proc.returncode:
        sys.exit(f"pip cannot read its configuration:\n{proc.stdout}{proc.stderr}")
    items = []
    for line in proc.stdout.splitlines():
        key, sep, raw = line.partition("=")
        if not sep or "." not in key or " " in key:
            continue
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        if key not in (":env:.quiet", ":env:.verbose"):  # set above, so that pip lists them
            items.append((key, str(value)))
    return items


def _origin(section: str, name: str) -> str:
    """Say where a setting came from, as the user would look for it."""
    if section == ":env:":
        return "PIP_" + name.upper().replace("-", "_")
    return f"pip configuration file, [{section}] {name}"


def index_settings(
    items: Iterable[tuple[str, str]],
) -> tuple[dict[str, tuple[list[str], str]], list[str]]:
    """Keep the package-index settings of pip's configuration; drop everything else.

    Parameters
    ----------
    items : iterable of (str, str)
        ``("section.name", value)`` as pip reads them (:func:`pip_config_items`): sections
        ``global``, ``install`` and ``:env:`` (the ``PIP_*`` variables) count, in pip's order.

    Returns
    -------
    settings : dict
        Setting name (a key of :data:`INDEX_OPTIONS`) to its values and where they came from.
    ignored : list of str
        The names of the other settings found (constraint, find-links, no-index, ...): they
        could change what is installed, or do not concern the index.
    """
    by_section: dict[str, list[tuple[str, str]]] = {s: [] for s in CONFIG_SECTIONS}
    for key, value in items:
        section, _, name = key.partition(".")
        name = name.strip().lower().replace("_", "-").lstrip("-")
        if section in by_section and value.strip():
            by_section[section].append((name, value))
    settings: dict[str, tuple[list[str], str]] = {}
    ignored: set[str] = set()
    for section in CONFIG_SECTIONS:
        for name, value in by_section[section]:
            option = INDEX_ALIASES.get(name, name)
            if option not in INDEX_OPTIONS:
                ignored.add(name)
                continue
            values = value.split() if option in INDEX_LISTS else [value.strip()]
            settings[option] = (values, _origin(section, name))
    ordered = {name: settings[name] for name in INDEX_OPTIONS if name in settings}
    return ordered, sorted(ignored)


def index_options(settings: dict[str, tuple[list[str], str]]) -> list[str]:
    """Return the ``pip install`` options that carry ``settings``."""
    return [
        arg
        for name, (values, _) in settings.items()
        for v in values
        for arg in (INDEX_OPTIONS[name], v)
    ]


def _describe_index(settings: dict[str, tuple[list[str], str]]) -> str:
    """Name the index (and extra indexes, proxy) pip was told to use, and where each came from."""
    lines = []
    for name in ("index-url", "extra-index-url", "proxy", "cert", "trusted-host"):
        if name in settings:
            values, origin = settings[name]
            lines.append(f"  {name}: {_redact(' '.join(values))} (from {origin})")
    if "index-url" not in settings:
        lines.insert(0, "  index-url: https://pypi.org/simple (pip's default; none configured)")
    return "\n".join(lines)


@functools.cache
def _user_index_settings() -> dict[str, tuple[list[str], str]]:
    """Read the user's index settings once per run, saying which other settings are not used."""
    settings, ignored = index_settings(pip_config_items())
    ignored = [name for name in ignored if name != "config-file"]  # read: pip_config_items()
    if ignored:
        print("pip settings not used here (setup installs exactly the lock):", ", ".join(ignored))
    return settings


def pip(*args: str | Path) -> None:
    """Run the venv's ``pip install`` with the user's index settings and nothing else of theirs.

    On failure, stop with a message that names the index used and where that setting came from.
    """
    settings = _user_index_settings()
    command = (PY, "-m", "pip", "install", "--quiet", *index_options(settings), *args)
    code = _call(*command, env=_isolated_env())
    if code:
        named = [_shown(a) for a in args if not str(a).startswith("-")]
        what = " ".join("the package (-e .)" if n == "." else n for n in named)
        sys.exit(
            f"\nsetup: pip could not install {what} (exit {code}).\n"
            f"The package index it used:\n{_describe_index(settings)}\n"
            "Is the index reachable from here, and does it serve these versions? Every file is\n"
            'checked against the lock\'s hashes. README: "Windows and package mirrors".'
        )


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
    if stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return
    for args in installs:
        pip(*args)
    stamp.write_text(wanted, encoding="utf-8")


def setup() -> None:
    """Create .venv and install the pinned dependencies and the package (only if changed).

    The lock is installed in hash-checking mode (``--require-hashes``): every file, from PyPI or
    a mirror, must match a hash in the lock. The package itself is then installed editable,
    without its dependencies and without build isolation, so the build backend is the
    setuptools pinned (and hash-checked) in the lock, not whatever the index serves that day.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before anything else can check
        sys.exit(f"Python >= 3.11 is needed; this is {sys.version.split()[0]}")
    if not PY.exists():
        sh(sys.executable, "-m", "venv", VENV)
    _install_if_changed(
        STAMP,
        (LOCK, ROOT / "pyproject.toml"),
        ("--require-hashes", "-r", LOCK),
        ("--no-deps", "--no-build-isolation", "-e", "."),
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
    _install_if_changed(
        LAB_STAMP, (LAB_LOCK, LOCK, ROOT / "pyproject.toml"), ("--require-hashes", "-r", LAB_LOCK)
    )
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


def build_requirements() -> str:
    """Return pyproject.toml's ``[build-system] requires``, one a line (what builds ipanalysis)."""
    import tomllib  # here, so that Python < 3.11 still reaches setup()'s version message

    with open(ROOT / "pyproject.toml", "rb") as handle:
        return "".join(f"{r}\n" for r in tomllib.load(handle)["build-system"]["requires"])


def task_lock(*args: str) -> None:
    """Re-resolve requirements.lock and requirements-lab.lock for Windows, macOS and Linux (uv).

    Both locks carry the sha256 of every file (``--generate-hashes``); requirements.lock also
    pins the build requirement (setuptools, read from stdin), which setup installs before the
    package and builds it with. uv resolves against PyPI, free of the machine's configuration.
    """
    setup()
    pip(UV_REQUIREMENT)
    common = (
        "pip", "compile", "--quiet", "--universal", "--python-version", PYTHON_VERSION,
        "--no-emit-index-url", "--no-config", "--generate-hashes",
        "--custom-compile-command", "python tasks.py lock",
    )  # fmt: skip
    env = _isolated_env()
    sh(BIN / "uv", *common, "--extra", "test", "--extra", "font", "-o", LOCK.name,
       "pyproject.toml", "-", *args, env=env, input=build_requirements(),
       encoding="utf-8")  # fmt: skip
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
