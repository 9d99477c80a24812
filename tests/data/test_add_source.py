"""Adding a source without sha256sum: the text kept byte for byte, the row checked as validate."""

import hashlib
import os

import pytest
from typer.testing import CliRunner

from ipanalysis.cli import app
from ipanalysis.data.dataset import read_dataset
from tests.conftest import read_rows
from tests.test_writes import lock

runner = CliRunner()
#: CRLF line ends, as Notepad on Windows saves them: the checksum covers these exact bytes.
TEXT = "2025年，全市有效发明专利达到8.1万件。\r\n（来源：测试）\r\n".encode()


def _options(**changes: str) -> list[str]:
    options = {
        "--id": "test-2025-bulletin",
        "--title-zh": "测试公报",
        "--title-en": "A test bulletin",
        "--issuer": "测试局",
        "--date": "2025-04-20",
        "--date-basis": "page",
        "--reliability": "A",
        "--url": "https://example.org/bulletin",
        **changes,
    }
    return [item for pair in options.items() for item in pair if pair[1] is not None]


@pytest.fixture
def data(mini_data, monkeypatch, tmp_path):
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    (tmp_path / "bulletin.txt").write_bytes(TEXT)
    return mini_data


def test_add_source_stores_the_text_and_its_row(data, tmp_path):
    result = runner.invoke(app, ["add-source", str(tmp_path / "bulletin.txt"), *_options()])
    assert result.exit_code == 0, result.output
    stored = data / "sources" / "added" / "test-2025-bulletin.txt"
    assert stored.read_bytes() == TEXT  # byte for byte, CRLF kept
    row = read_rows(data / "sources.csv")[-1]
    assert row["sha256"] == hashlib.sha256(TEXT).hexdigest()
    assert (row["file"], row["title_zh"], row["date"]) == (
        "added/test-2025-bulletin.txt",
        "测试公报",
        "2025-04-20",
    )
    assert "test-2025-bulletin" in set(read_dataset(data).sources["source_id"])  # validates
    assert runner.invoke(app, ["validate"]).exit_code == 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"--id": "doc"}, "the same source_id as row 2"),
        ({"--id": "Bad Id"}, "column source_id: found 'Bad Id'"),
        ({"--reliability": "D"}, "column reliability: found 'D'"),
        ({"--date": "20/04/2025"}, "column date: found '20/04/2025'; expected a real date: YYYY"),
        ({"--date-basis": "unknown"}, "with date_basis 'unknown'"),
        ({"--title-zh": ""}, "column title_zh: found an empty cell"),
    ],
)
def test_bad_values_are_refused_with_validates_message(data, tmp_path, changes, message):
    before = (data / "sources.csv").read_bytes()
    result = runner.invoke(
        app, ["add-source", str(tmp_path / "bulletin.txt"), *_options(**changes)]
    )
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())
    assert (data / "sources.csv").read_bytes() == before
    assert not (data / "sources" / "added").exists()  # nothing written


def test_a_text_that_is_not_utf8_is_refused(data, tmp_path):
    (tmp_path / "gbk.txt").write_bytes("有效发明专利".encode("gbk"))
    result = runner.invoke(app, ["add-source", str(tmp_path / "gbk.txt"), *_options()])
    assert result.exit_code == 1 and "not UTF-8" in " ".join(result.output.split())
    assert not (data / "sources" / "added").exists()


def test_a_folder_outside_data_sources_is_refused(data, tmp_path):
    args = ["add-source", str(tmp_path / "bulletin.txt"), *_options(), "--folder", "../x"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "a folder name under data/sources/" in result.output
    assert not (data / "x").exists()


def test_a_text_already_under_data_sources_is_used_where_it_is(data):
    """Two documents in one file get one row each (data/README.md)."""
    result = runner.invoke(app, ["add-source", str(data / "sources" / "doc.txt"), *_options()])
    assert result.exit_code == 0, result.output
    assert read_rows(data / "sources.csv")[-1]["file"] == "doc.txt"
    assert sorted(p.name for p in (data / "sources").iterdir()) == ["doc.txt"]


def test_sources_csv_keeps_its_own_line_ends(data, tmp_path):
    """A sources.csv saved by Excel on Windows (CRLF, BOM) stays CRLF with a BOM."""
    table = data / "sources.csv"
    table.write_bytes(b"\xef\xbb\xbf" + table.read_bytes().replace(b"\n", b"\r\n"))
    result = runner.invoke(app, ["add-source", str(tmp_path / "bulletin.txt"), *_options()])
    assert result.exit_code == 0, result.output
    raw = table.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n") == 3
    assert runner.invoke(app, ["validate"]).exit_code == 0


def test_a_locked_sources_csv_keeps_everything_as_it_was(data, tmp_path, monkeypatch):
    table = data / "sources.csv"
    before = table.read_bytes()
    lock(monkeypatch, table)
    result = runner.invoke(app, ["add-source", str(tmp_path / "bulletin.txt"), *_options()])
    assert result.exit_code == 1, result.output
    assert "sources.csv is open in another program" in " ".join(result.output.split())
    assert table.read_bytes() == before
    assert os.listdir(data / "sources" / "added") == []  # the copied text is taken back
