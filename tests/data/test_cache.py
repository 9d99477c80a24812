"""The dataset cache: equal to a fresh load, keyed by every input, and never runs code."""

import pickle

import pandas as pd
import pytest

from ipanalysis.data import cache as data_cache
from ipanalysis.data.dataset import read_dataset


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(data_cache.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(data_cache.NO_CACHE_ENV, raising=False)
    return folder


def _frames_equal(a, b):
    for name in ("sources", "regions", "indicators", "observations", "targets", "conflicts"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_cached_dataset_equals_a_fresh_load(mini_data, cache):
    fresh = read_dataset(mini_data)
    first = data_cache.load_dataset(mini_data)  # miss: loads, validates, stores
    assert len(list(cache.glob("dataset-*.json"))) == 1
    second = data_cache.load_dataset(mini_data)  # hit
    _frames_equal(first, fresh)
    _frames_equal(second, fresh)
    assert not list(cache.glob(".dataset-*"))  # no temporary file left


def test_any_change_to_the_data_gives_a_new_key(mini_data, cache):
    key = data_cache.dataset_key(mini_data)
    data_cache.load_dataset(mini_data)
    obs = mini_data / "observations.csv"
    obs.write_text(obs.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert data_cache.dataset_key(mini_data) != key
    source = next((mini_data / "sources").glob("*.txt"))
    before = data_cache.dataset_key(mini_data)
    source.write_bytes(source.read_bytes() + b" ")
    assert data_cache.dataset_key(mini_data) != before


def test_invalid_data_raises_and_is_not_cached(mini_data, cache):
    from ipanalysis.errors import DataValidationError

    source = next((mini_data / "sources").glob("*.txt"))
    source.write_bytes(source.read_bytes() + b"changed")  # checksum no longer matches
    with pytest.raises(DataValidationError):
        data_cache.load_dataset(mini_data)
    assert not list(cache.glob("dataset-*.json"))


def test_corrupt_cache_is_ignored_and_no_cache_bypasses(mini_data, cache, monkeypatch):
    cache.mkdir()
    (cache / f"dataset-{data_cache.dataset_key(mini_data)}.json").write_bytes(b"not json")
    _frames_equal(data_cache.load_dataset(mini_data), read_dataset(mini_data))
    monkeypatch.setenv(data_cache.NO_CACHE_ENV, "1")
    for path in cache.glob("*"):
        path.unlink()
    data_cache.load_dataset(mini_data)
    assert not list(cache.glob("*"))


class _Planted:
    """Unpickling this object writes a marker file: a stand-in for arbitrary code."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (_write_marker, (self.marker,))


def _write_marker(path):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("code ran")
    return "not a dataset"


@pytest.mark.parametrize("suffix", ["pickle", "json"])
def test_a_planted_cache_file_never_runs_code(mini_data, cache, tmp_path, suffix):
    # issue 10 item 8: main read dataset-<key>.pickle with pickle.load, so a file planted in
    # the user's cache folder ran code; the cache is now JSON tables.
    marker = tmp_path / "marker"
    cache.mkdir()
    planted = pickle.dumps(_Planted(marker))
    (cache / f"dataset-{data_cache.dataset_key(mini_data)}.{suffix}").write_bytes(planted)
    _frames_equal(data_cache.load_dataset(mini_data), read_dataset(mini_data))
    assert not marker.exists()


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000 + "]" * 100_000,  # RecursionError in the JSON parser on main
        '{"sources": ' * 50_000 + "1" + "}" * 50_000,
        '{"sources": [1, 2]}',
        "[]",
        '"a string"',
    ],
)
def test_a_cache_file_of_any_shape_only_fails_to_parse(mini_data, cache, content):
    """The module promises "at worst fail to parse": then the data is loaded afresh."""
    cache.mkdir()
    (cache / f"dataset-{data_cache.dataset_key(mini_data)}.json").write_text(content)
    _frames_equal(data_cache.load_dataset(mini_data), read_dataset(mini_data))
