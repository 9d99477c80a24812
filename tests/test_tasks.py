"""tasks.py: the user's index settings and nothing else, stamps, lab as root, Ctrl-C."""

import os
import subprocess
import sys

import pytest

import tasks


@pytest.fixture(autouse=True)
def _fresh_index_settings():
    tasks._user_index_settings.cache_clear()
    yield
    tasks._user_index_settings.cache_clear()


def test_pip_runs_without_the_machines_configuration(monkeypatch):
    monkeypatch.setenv("PIP_FIND_LINKS", "wheelhouse")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "https://mirror.invalid/simple")
    monkeypatch.setenv("UV_INDEX_URL", "https://example.invalid/simple")
    env = tasks._isolated_env()
    assert env["PIP_CONFIG_FILE"] == os.devnull  # pip then reads no pip.conf at all
    assert not {"PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "UV_INDEX_URL"} & set(env)
    assert env["PATH"] == os.environ["PATH"]


MIRROR = "https://mirror.example.cn/pypi/simple"


def test_index_settings_come_from_config_files_and_variables_in_pips_order():
    items = [
        ("global.index-url", "https://global.example/simple"),
        ("global.extra-index-url", "https://a.example/simple\nhttps://b.example/simple"),
        ("global.trusted-host", "a.example b.example"),
        ("global.timeout", "60"),
        ("install.index-url", "https://install.example/simple"),
        ("install.proxy", "http://user:secret@proxy.example:3128"),
        (":env:.index-url", MIRROR),
        (":env:.default-timeout", "5"),  # pip's other name for timeout
        (":env:.retries", "1"),
        (":env:.cert", "C:\\certs\\company root.pem"),
        (":env:.client-cert", "/home/me/client.pem"),
        ("download.index-url", "https://other-command.example/simple"),  # not pip install's
    ]
    settings, ignored = tasks.index_settings(items)
    assert settings["index-url"] == ([MIRROR], "PIP_INDEX_URL")
    assert settings["extra-index-url"][0] == [
        "https://a.example/simple",
        "https://b.example/simple",
    ]
    assert settings["extra-index-url"][1] == "pip configuration file, [global] extra-index-url"
    assert settings["trusted-host"][0] == ["a.example", "b.example"]
    assert settings["proxy"][0] == ["http://user:secret@proxy.example:3128"]
    assert settings["timeout"] == (["5"], "PIP_DEFAULT_TIMEOUT")
    assert tasks.index_options(settings) == [
        "--index-url", MIRROR,
        "--extra-index-url", "https://a.example/simple",
        "--extra-index-url", "https://b.example/simple",
        "--trusted-host", "a.example",
        "--trusted-host", "b.example",
        "--cert", "C:\\certs\\company root.pem",
        "--client-cert", "/home/me/client.pem",
        "--proxy", "http://user:secret@proxy.example:3128",
        "--timeout", "5",
        "--retries", "1",
    ]  # fmt: skip
    assert ignored == []


@pytest.mark.parametrize(
    "key",
    [
        "constraint",
        "find-links",
        "no-index",
        "pre",
        "upgrade-strategy",
        "only-binary",
        "no-binary",
        "requirement",
        "user",
        "target",
        "prefix",
        "force-reinstall",
        "no-deps",
        "ignore-installed",
        "config-settings",
    ],
)
@pytest.mark.parametrize("section", ["global", "install", ":env:"])
def test_settings_that_could_change_what_is_installed_are_dropped(section, key):
    settings, ignored = tasks.index_settings([(f"{section}.{key}", "1"), ("global.retries", "2")])
    assert settings == {"retries": (["2"], "pip configuration file, [global] retries")}
    assert ignored == [key]


def test_empty_settings_are_ignored_as_pip_does():
    settings, _ = tasks.index_settings([("global.index-url", MIRROR), (":env:.index-url", "")])
    assert settings["index-url"][0] == [MIRROR]


def test_pips_own_reading_of_a_config_file_and_variables(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    config = tmp_path / "pip.ini"
    config.write_text(
        "[global]\n"
        f"index-url = {MIRROR}\n"
        "extra-index-url =\n    https://a.example/simple\n    https://b.example/simple\n"
        "trusted-host = mirror.example.cn\n"
        "cert = /etc/company-root.pem\n"
        "constraint = /etc/pip-constraints.txt\n"
        "find-links = /opt/wheels\n"
        "no-index = true\n"
        "[install]\n"
        "proxy = http://proxy.example:3128\n"
        "pre = true\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    monkeypatch.setenv("PIP_TIMEOUT", "7")
    monkeypatch.setenv("PIP_UPGRADE_STRATEGY", "eager")
    monkeypatch.setenv("PIP_QUIET", "2")  # would hide `pip config list`'s own output
    settings, ignored = tasks.index_settings(tasks.pip_config_items(sys.executable))
    assert settings["index-url"][0] == [MIRROR]
    assert settings["extra-index-url"][0] == [
        "https://a.example/simple",
        "https://b.example/simple",
    ]
    assert settings["trusted-host"][0] == ["mirror.example.cn"]
    assert settings["cert"][0] == ["/etc/company-root.pem"]
    assert settings["proxy"] == (
        ["http://proxy.example:3128"],
        "pip configuration file, [install] proxy",
    )
    assert settings["timeout"] == (["7"], "PIP_TIMEOUT")
    assert {"constraint", "find-links", "no-index", "pre", "upgrade-strategy"} <= set(ignored)


def test_pip_gets_the_settings_as_options_and_nothing_from_the_machine(monkeypatch):
    monkeypatch.setenv("PIP_FIND_LINKS", "wheelhouse")
    items = [(":env:.index-url", MIRROR), (":env:.find-links", "wheelhouse")]
    monkeypatch.setattr(tasks, "pip_config_items", lambda: items)
    calls = []
    monkeypatch.setattr(tasks, "_call", lambda *a, **k: calls.append((a, k)) or 0)
    tasks.pip("--require-hashes", "-r", tasks.LOCK)
    ((command, kwargs),) = calls
    assert [str(a) for a in command[3:]] == [
        "install", "--quiet", "--index-url", MIRROR, "--require-hashes", "-r", str(tasks.LOCK)
    ]  # fmt: skip
    assert kwargs["env"]["PIP_CONFIG_FILE"] == os.devnull
    assert "PIP_FIND_LINKS" not in kwargs["env"]


def test_a_failed_install_names_the_index_and_where_it_was_set(monkeypatch, capsys):
    items = [(":env:.index-url", "https://me:secret@mirror.example.cn/simple")]
    monkeypatch.setattr(tasks, "pip_config_items", lambda: items)
    monkeypatch.setattr(tasks, "_call", lambda *a, **k: 1)
    with pytest.raises(SystemExit) as stop:
        tasks.pip("--require-hashes", "-r", tasks.LOCK)
    message = str(stop.value.code)
    assert "could not install requirements.lock (exit 1)" in message
    assert "index-url: https://****@mirror.example.cn/simple (from PIP_INDEX_URL)" in message
    assert "secret" not in message


def test_passwords_in_echoed_commands_are_hidden(capsys, monkeypatch):
    monkeypatch.setattr(tasks.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0))
    tasks._call("pip", "--index-url", "https://me:secret@mirror.example.cn/simple")
    assert "+ pip --index-url https://****@mirror.example.cn/simple" in capsys.readouterr().out


def test_setup_installs_the_lock_by_hash_and_builds_with_the_locked_setuptools(monkeypatch):
    installs = []
    monkeypatch.setattr(tasks, "_install_if_changed", lambda stamp, inputs, *i: installs.extend(i))
    monkeypatch.setattr(tasks, "PY", tasks.Path(sys.executable))  # "exists": no venv made
    tasks.setup()
    assert installs == [
        ("--require-hashes", "-r", tasks.LOCK),
        ("--no-deps", "--no-build-isolation", "-e", "."),
    ]
    lock = tasks.LOCK.read_text(encoding="utf-8")
    assert "\nsetuptools==" in lock  # the build backend, pinned and hashed like the rest
    requirements = [b for b in lock.split("\n") if b and not b.startswith((" ", "#"))]
    assert all(r.endswith("\\") for r in requirements), "every pin carries its hashes"
    assert tasks.build_requirements().startswith("setuptools")


def test_install_runs_only_when_the_inputs_changed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "pip", lambda *args: calls.append(args))
    lock, stamp = tmp_path / "a.lock", tmp_path / "stamp"
    lock.write_text("x==1\n", encoding="utf-8")
    for _ in range(2):
        tasks._install_if_changed(stamp, (lock,), ("-r", lock))
    assert calls == [("-r", lock)]
    lock.write_text("x==2\n", encoding="utf-8")
    tasks._install_if_changed(stamp, (lock,), ("-r", lock))
    assert len(calls) == 2


def test_failed_install_leaves_no_stamp(tmp_path, monkeypatch):
    def fail(*args):
        raise SystemExit(1)

    monkeypatch.setattr(tasks, "pip", fail)
    lock, stamp = tmp_path / "a.lock", tmp_path / "stamp"
    lock.write_text("x==1\n", encoding="utf-8")
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
