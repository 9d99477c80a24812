"""Setup with a package mirror: the user's index is used, and only the locked files install.

One test runs a fresh ``tasks.py`` setup in a temporary copy against an index that does not
answer; the others run tasks.py's own pip call against a small index served on 127.0.0.1 (a
one-file wheel made here), with settings that would change what is installed set and ignored.
Nothing leaves this machine.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import tasks

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = "http://127.0.0.1:9/simple"  # the discard port: connection refused at once


def _without_pip_settings(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if not k.startswith("PIP_")}


def test_a_fresh_setup_with_an_unreachable_index_fails_quickly_and_names_it(tmp_path):
    for name in ("tasks.py", "requirements.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "wheels").mkdir()
    env = {
        **_without_pip_settings(os.environ),
        "PIP_CONFIG_FILE": os.devnull,  # no pip.conf of this machine's
        "PIP_INDEX_URL": UNREACHABLE,
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
        "PIP_NO_INDEX": "1",  # would make pip ignore the index: must be dropped
        "PIP_FIND_LINKS": str(tmp_path / "wheels"),  # likewise
    }
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "tasks.py", "validate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
    )
    elapsed = time.monotonic() - start
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert f"--index-url {UNREACHABLE}" in output  # the command pip was given
    assert "--no-index" not in output and "--find-links" not in output
    assert f"index-url: {UNREACHABLE} (from PIP_INDEX_URL)" in output
    assert "could not install requirements.lock" in output
    assert not (tmp_path / ".venv" / ".installed-lock").exists()
    assert elapsed < 30, f"took {elapsed:.0f} s"


def _wheel(folder: Path, text: str) -> Path:
    """Write a one-module wheel ``ipa_probe`` 1.0 whose module holds ``text``."""
    dist = "ipa_probe-1.0.dist-info"
    files = {
        "ipa_probe/__init__.py": f"TEXT = {text!r}\n",
        f"{dist}/METADATA": "Metadata-Version: 2.1\nName: ipa-probe\nVersion: 1.0\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in files) + f"{dist}/RECORD,,\n"
    path = folder / "ipa_probe-1.0-py3-none-any.whl"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as whl:
        for name, content in {**files, f"{dist}/RECORD": record}.items():
            whl.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), content)
    return path


@pytest.fixture
def local_index(tmp_path):
    """Serve ``tmp_path/index`` over HTTP on 127.0.0.1; yield (url, requested paths, folder)."""
    root = tmp_path / "index"
    page = root / "simple" / "ipa-probe" / "index.html"
    page.parent.mkdir(parents=True)
    link = "../../files/ipa_probe-1.0-py3-none-any.whl"
    page.write_text(f'<a href="{link}">ipa_probe-1.0-py3-none-any.whl</a>\n', encoding="utf-8")
    requested: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requested.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple", requested, root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def mirror_env(monkeypatch, tmp_path):
    """Point pip at the local index, with version-changing settings that must be ignored."""
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("ipa-probe==2.0\n", encoding="utf-8")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_CONSTRAINT", str(constraints))
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "10")
    monkeypatch.setattr(tasks, "PY", Path(sys.executable))  # this interpreter's pip
    tasks._user_index_settings.cache_clear()
    yield monkeypatch
    tasks._user_index_settings.cache_clear()


def _lock(tmp_path: Path, wheel: Path) -> Path:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    lock = tmp_path / "probe.lock"
    lock.write_text(f"ipa-probe==1.0 \\\n    --hash=sha256:{digest}\n", encoding="utf-8")
    return lock


def test_a_reachable_index_installs_the_locked_file(tmp_path, local_index, mirror_env):
    url, requested, root = local_index
    lock = _lock(tmp_path, _wheel(root / "files", "from the lock"))
    mirror_env.setenv("PIP_INDEX_URL", url)
    target = tmp_path / "target"
    tasks.pip("--require-hashes", "-r", lock, "--target", target, "--no-compile")
    assert "/simple/ipa-probe/" in requested  # pip asked the configured index
    assert (target / "ipa_probe-1.0.dist-info").is_dir()
    text = (target / "ipa_probe" / "__init__.py").read_text(encoding="utf-8")
    assert "from the lock" in text


def test_a_mirror_cannot_change_what_gets_installed(tmp_path, local_index, mirror_env, capfd):
    url, requested, root = local_index
    lock = _lock(tmp_path, _wheel(tmp_path / "published", "as published"))
    _wheel(root / "files", "altered by the mirror")  # same name and version, other bytes
    mirror_env.setenv("PIP_INDEX_URL", url)
    target = tmp_path / "target"
    with pytest.raises(SystemExit) as stop:
        tasks.pip("--require-hashes", "-r", lock, "--target", target, "--no-compile")
    assert f"index-url: {url} (from PIP_INDEX_URL)" in str(stop.value.code)
    assert "DO NOT MATCH THE HASHES" in capfd.readouterr().err
    assert not (target / "ipa_probe").exists()
