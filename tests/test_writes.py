"""Writing files: whole or not at all, unique temporary names, a message for every failure.

A file open in Excel or WPS is locked on Windows, where ``os.replace`` onto it raises
``PermissionError``: simulated here by making ``os.replace`` raise for that destination.
"""

import os
import threading
from pathlib import Path

import pytest

from ipanalysis import paths
from ipanalysis.writes import (
    WriteError,
    check_out_path,
    ensure_folder,
    replace_all,
    write_bytes_atomic,
)

#: Tests run as root on CI, where a read-only folder does not stop writes.
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def lock(monkeypatch, *locked: Path) -> None:
    """Make ``os.replace`` refuse to touch ``locked`` files, as Windows does for open ones."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(src) in locked or Path(dst) in locked:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def test_write_replaces_the_file_whole(tmp_path):
    path = write_bytes_atomic(tmp_path / "a" / "b.csv", b"new")
    assert path.read_bytes() == b"new" and os.listdir(path.parent) == ["b.csv"]


def test_a_locked_file_is_named_and_kept_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "assessment.csv"
    path.write_bytes(b"old")
    lock(monkeypatch, path)
    with pytest.raises(WriteError) as err:
        write_bytes_atomic(path, b"new")
    assert str(path) in str(err.value) and "Close it and run the command again" in str(err.value)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["assessment.csv"]  # no temporary file left


def test_a_file_where_a_folder_should_be(tmp_path):
    (tmp_path / "outputs").write_text("x", encoding="utf-8")
    with pytest.raises(WriteError, match="is a file, not a folder"):
        write_bytes_atomic(tmp_path / "outputs" / "sub" / "a.csv", b"new")
    with pytest.raises(WriteError, match="is a file, not a folder"):
        ensure_folder(tmp_path / "outputs")


def test_a_folder_where_a_file_should_be(tmp_path):
    (tmp_path / "a.csv").mkdir()
    with pytest.raises(WriteError, match="it is a folder; expected a file name"):
        write_bytes_atomic(tmp_path / "a.csv", b"new")


@pytest.mark.skipif(AS_ROOT, reason="root writes into read-only folders")
def test_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(WriteError, match="permission denied"):
            write_bytes_atomic(folder / "a.csv", b"new")
    finally:
        folder.chmod(0o755)


def test_concurrent_writers_never_share_a_temporary_file(tmp_path):
    path = tmp_path / "figures.csv"
    payloads = [bytes([65 + i]) * 200_000 for i in range(8)]
    errors = []

    def write(data: bytes) -> None:
        try:
            write_bytes_atomic(path, data)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert path.read_bytes() in payloads  # one writer's complete file, never a mix
    assert os.listdir(tmp_path) == ["figures.csv"]


def test_replace_all_is_all_or_nothing(tmp_path, monkeypatch):
    new, out = tmp_path / "new", tmp_path / "out"
    new.mkdir(), out.mkdir()
    for name in ("overview.html", "assessment.csv"):
        (new / name).write_text(f"new {name}", encoding="utf-8")
        (out / name).write_text(f"old {name}", encoding="utf-8")
    lock(monkeypatch, out / "assessment.csv")
    moves = [(new / "overview.html", out / "overview.html")]
    moves.append((new / "assessment.csv", out / "assessment.csv"))
    with pytest.raises(WriteError, match="assessment.csv is open in another program"):
        replace_all(moves)
    assert {p.read_text(encoding="utf-8") for p in out.iterdir()} == {
        "old overview.html",
        "old assessment.csv",
    }
    monkeypatch.undo()
    replace_all(moves, tmp_path)
    assert sorted(p.read_text(encoding="utf-8") for p in out.iterdir()) == [
        "new assessment.csv",
        "new overview.html",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "out"]  # old copies removed


@pytest.mark.parametrize(
    "relative, refused",
    [
        (".", True),
        ("assessment.csv", True),
        ("binhai", True),
        ("binhai/assessment.csv", True),
        ("export", False),
        ("export/mine.csv", False),
        ("variants/x", False),
        ("../elsewhere", False),
    ],
)
def test_out_paths_inside_the_tracked_outputs_are_refused(
    relative, refused, tmp_path, monkeypatch
):
    outputs = tmp_path / "outputs"
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(outputs))
    path = outputs / relative
    if refused:
        with pytest.raises(WriteError, match="only `ipanalysis run` writes"):
            check_out_path(path)
    else:
        assert check_out_path(path) == path


def test_the_free_folders_are_ignored_by_git():
    import subprocess

    for name in (paths.EXPORT_DIRNAME, paths.VARIANTS_DIRNAME):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", f"outputs/{name}/x.csv"], cwd=paths.REPO_ROOT
        )
        assert ignored.returncode == 0, name
