"""tasks.py: setup independent of the machine's pip configuration, stamps, lab as root, Ctrl-C."""

import os
import subprocess

import pytest

import tasks


def test_pip_runs_without_the_machines_configuration(monkeypatch):
    monkeypatch.setenv("PIP_FIND_LINKS", "wheelhouse")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "https://mirror.invalid/simple")
    monkeypatch.setenv("UV_INDEX_URL", "https://example.invalid/simple")
    env = tasks._isolated_env()
    assert env["PIP_CONFIG_FILE"] == os.devnull  # pip then reads no pip.conf at all
    assert not {"PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "UV_INDEX_URL"} & set(env)
    assert env["PATH"] == os.environ["PATH"]


def test_install_runs_only_when_the_inputs_changed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "pip", lambda *args: calls.append(args))
    lock, stamp = tmp_path / "a.lock", tmp_path / "stamp"
    lock.write_text("x==1\n")
    for _ in range(2):
        tasks._install_if_changed(stamp, (lock,), ("-r", lock))
    assert calls == [("-r", lock)]
    lock.write_text("x==2\n")
    tasks._install_if_changed(stamp, (lock,), ("-r", lock))
    assert len(calls) == 2


def test_failed_install_leaves_no_stamp(tmp_path, monkeypatch):
    def fail(*args):
        raise SystemExit(1)

    monkeypatch.setattr(tasks, "pip", fail)
    lock, stamp = tmp_path / "a.lock", tmp_path / "stamp"
    lock.write_text("x==1\n")
    with pytest.raises(SystemExit):
        tasks._install_if_changed(stamp, (lock,), ("-r", lock))
    assert not stamp.exists()  # the next run installs again


@pytest.mark.parametrize("euid, allowed", [(0, True), (1000, False)])
def test_lab_allows_root_only_as_root_and_asks_for_encrypted_kernels(monkeypatch, euid, allowed):
    commands = []
    monkeypatch.setattr(tasks, "setup", lambda: None)
    monkeypatch.setattr(tasks, "_install_if_changed", lambda *a: None)
    monkeypatch.setattr(tasks, "warm_font_cache", lambda: None)
    monkeypatch.setattr(tasks.os, "geteuid", lambda: euid, raising=False)
    monkeypatch.setattr(tasks, "_run_until_done", lambda cmd: commands.append(cmd) or 0)
    with pytest.raises(SystemExit) as stop:
        tasks.task_lab("--no-browser")
    assert stop.value.code == 0
    assert ("--allow-root" in commands[0]) is allowed
    assert "--KernelManager.transport_encryption=auto" in commands[0]


def test_ctrl_c_while_the_lab_runs_exits_130(monkeypatch):
    class Child:
        waits = 0

        def wait(self):
            Child.waits += 1
            if Child.waits == 1:
                raise KeyboardInterrupt  # Ctrl-C reaches us while the child shuts down
            return 0

    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: Child())
    assert tasks._run_until_done(["jupyter", "lab"]) == 130
    assert Child.waits == 2  # waited for the child to finish its shutdown
