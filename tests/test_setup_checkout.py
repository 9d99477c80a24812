"""A Windows-style checkout (Git for Windows: core.autocrlf=true) keeps what is hashed intact.

The current commit is cloned with ``-c core.autocrlf=true``: the source texts (whose sha256 is
in data/sources.csv), the committed outputs (a rerun is compared with them byte for byte) and
the notebooks must come out exactly as stored, and the clone must be clean. .gitattributes
does this; README, "Windows and package mirrors".
"""

import csv
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git")
PROTECTED = ("data/sources", "outputs", "notebooks")


def git(*args: str | Path) -> str:
    out = subprocess.run([GIT, *map(str, args)], capture_output=True, encoding="utf-8", check=True)
    return out.stdout


@pytest.fixture(scope="module")
def crlf_clone(tmp_path_factory) -> Path:
    if GIT is None:
        pytest.skip("git is not installed")
    head = subprocess.run(
        [GIT, "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, encoding="utf-8"
    )
    if head.returncode:
        pytest.skip("not a git checkout")
    clone = tmp_path_factory.mktemp("crlf") / "ipanalysis"
    git("clone", "--quiet", "--no-checkout", "-c", "core.autocrlf=true", ROOT, clone)
    git("-C", clone, "checkout", "--quiet", head.stdout.strip())
    return clone


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_the_clone_converted_line_endings_so_this_test_means_something(crlf_clone):
    eol = git("-C", crlf_clone, "ls-files", "--eol").splitlines()
    assert any("w/crlf" in line for line in eol)


def test_source_texts_outputs_and_notebooks_are_checked_out_as_stored(crlf_clone):
    stored = git("-C", crlf_clone, "ls-files", "-s", "--", *PROTECTED).splitlines()
    assert len(stored) > 39
    changed = []
    for line in stored:
        meta, path = line.split("\t", 1)
        blob = meta.split()[1]
        if _blob_id((crlf_clone / path).read_bytes()) != blob:
            changed.append(path)
    assert not changed, f"converted by the checkout: {changed}"


def test_every_source_text_matches_its_recorded_checksum(crlf_clone):
    with open(crlf_clone / "data" / "sources.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 39
    wrong = [
        row["file"]
        for row in rows
        if hashlib.sha256((crlf_clone / "data" / "sources" / row["file"]).read_bytes()).hexdigest()
        != row["sha256"]
    ]
    assert not wrong


def test_the_clone_is_clean(crlf_clone):
    assert git("-C", crlf_clone, "status", "--porcelain") == ""
