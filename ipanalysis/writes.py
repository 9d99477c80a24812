"""Writing files people open: whole or not at all, and a clear message when it cannot be done.

Every file the package writes goes through :func:`write_bytes_atomic`: the bytes go to a
temporary file with a unique name in the destination folder (so concurrent writers never
share one), which then replaces the destination in one :func:`os.replace`. Readers see the old
file or the complete new one. What can go wrong on a researcher's desktop becomes a
:class:`WriteError` whose message names the file and what to do:

* a file open in Excel, WPS or Word is locked on Windows: ``os.replace`` onto it raises
  ``PermissionError`` ("close it and run the command again; nothing was changed");
* a read-only folder, a file where a folder should be, a folder where a file should be.

:func:`replace_all` moves several finished files into place all or nothing (the runner's
overview set), and :func:`check_out_path` is the output-safety rule: only ``ipanalysis run``
writes the tracked outputs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ipanalysis import paths

#: Said after every locked-file message, in the researchers' first language too.
_CLOSE_IT = "Close it and run the command again; nothing was changed. 请关闭该文件后重试。"


class WriteError(OSError):
    """A file or folder could not be written; the message says which, and what to do."""


def locked_message(path: Path) -> str:
    """Return the message for a file (or folder) that cannot be replaced: open elsewhere."""
    if path.is_dir():
        return (
            f"{path} cannot be replaced: a file in it is open in another program (Excel, WPS "
            f"or Word), or the folder is read-only. {_CLOSE_IT}"
        )
    return (
        f"{path} is open in another program (Excel, WPS or Word) or read-only, so it "
        f"cannot be replaced. {_CLOSE_IT}"
    )


def ensure_folder(folder: Path) -> Path:
    """Create ``folder`` (and its parents) if needed, or say clearly why it cannot be.

    Parameters
    ----------
    folder : pathlib.Path
        The folder to write into.

    Returns
    -------
    pathlib.Path
        ``folder``.

    Raises
    ------
    WriteError
        A file stands where the folder (or one of its parents) should be, or the folder
        cannot be created (permission denied, read-only disk …).
    """
    blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise WriteError(f"Cannot write into {folder}: {blocker} is a file, not a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WriteError(f"Cannot create the folder {folder}: {_reason(err)}.") from None
    return folder


def _reason(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied (a read-only folder?); choose another folder or make it writable"
    return err.strerror or str(err)


def make_temp_folder(parent: Path, prefix: str) -> Path:
    """Create a uniquely named folder in ``parent`` (:func:`tempfile.mkdtemp`), or say why not.

    Raises
    ------
    WriteError
        ``parent`` cannot be written (read-only, or not a folder).
    """
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    except OSError as err:
        raise WriteError(f"Cannot write into {parent}: {_reason(err)}.") from None


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all.

    Parameters
    ----------
    path : pathlib.Path
        Destination; its folder is created if needed.
    data : bytes
        The file's complete contents.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    WriteError
        ``path`` is a folder; its folder cannot be created or written; the file is locked
        (open in another program). The previous file, if any, is then unchanged and no
        temporary file is left behind.
    """
    path = Path(path)
    if path.is_dir():
        raise WriteError(f"Cannot write {path}: it is a folder; expected a file name.")
    ensure_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise WriteError(f"Cannot write into {path.parent}: {_reason(err)}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        replace_file(Path(tmp), path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, WriteError):
            raise
        raise WriteError(f"Cannot write {path}: {_reason(err)}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def replace_file(new: Path, target: Path, *, locked: Path | None = None) -> None:
    """Move the finished file ``new`` onto ``target`` (:func:`os.replace`), or say why not.

    Parameters
    ----------
    new, target : pathlib.Path
        What to move, and where.
    locked : pathlib.Path, optional
        The file the message names when the move is refused (default ``target``; the file
        itself when it is being moved aside).

    Raises
    ------
    WriteError
        A file is locked (open in Excel/WPS/Word on Windows) or not writable; ``new`` is
        left where it was.
    """
    try:
        os.replace(new, target)
    except PermissionError:
        raise WriteError(locked_message(locked or target)) from None


def replace_all(moves: Sequence[tuple[Path, Path]], aside: Path | None = None) -> None:
    """Move finished files (or folders) onto their targets, all or none.

    Every existing target is first renamed aside; on Windows a file open in another program
    cannot be renamed (nor a folder holding one), so a locked file is found before anything
    is replaced. If any step fails, what was moved is moved back.

    Parameters
    ----------
    moves : sequence of (pathlib.Path, pathlib.Path)
        ``(new, target)`` pairs on one file system.
    aside : pathlib.Path, optional
        Folder for the previous versions while they are replaced (default: each target's
        folder); they are removed at the end.

    Raises
    ------
    WriteError
        Naming the first file that could not be moved; every target is then as it was.
    """
    moved_aside: list[tuple[Path, Path]] = []  # (target, its previous version)
    done: list[tuple[Path, Path]] = []  # (new, target)
    try:
        for _, target in moves:
            if target.exists():
                old = (aside or target.parent) / f".{target.name}.old-{os.getpid()}"
                replace_file(target, old, locked=target)
                moved_aside.append((target, old))
        for new, target in moves:
            replace_file(new, target)
            done.append((new, target))
    except OSError as err:
        for new, target in reversed(done):
            with contextlib.suppress(OSError):
                os.replace(target, new)
        for target, old in reversed(moved_aside):
            with contextlib.suppress(OSError):
                os.replace(old, target)
        if isinstance(err, WriteError):
            raise
        raise WriteError(f"Cannot replace {moves[0][1]}: {_reason(err)}.") from None
    for _, old in moved_aside:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_out_path(path: Path) -> Path:
    """Refuse an ``--out`` path inside the tracked outputs (only ``ipanalysis run`` writes them).

    The tracked outputs are the outputs folder (:func:`ipanalysis.paths.outputs_dir`) except
    its git-ignored :data:`~ipanalysis.paths.EXPORT_DIRNAME` and
    :data:`~ipanalysis.paths.VARIANTS_DIRNAME` folders.

    Parameters
    ----------
    path : pathlib.Path
        A file or folder named on the command line.

    Returns
    -------
    pathlib.Path
        ``path``, when it is outside the tracked outputs.

    Raises
    ------
    WriteError
        ``path`` is the outputs folder or inside it, outside the two ignored folders.
    """
    resolved = Path(path).resolve()
    outputs = paths.outputs_dir()
    free = [outputs / paths.EXPORT_DIRNAME, outputs / paths.VARIANTS_DIRNAME]
    if resolved.is_relative_to(outputs) and not any(resolved.is_relative_to(f) for f in free):
        raise WriteError(
            f"--out {path}: that is inside {outputs}, whose files only `ipanalysis run` writes "
            f"(a file there is compared with the reports and committed). Write to "
            f"{free[0]} or outside {outputs.name}/."
        )
    return path
