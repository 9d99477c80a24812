"""The manifest: entries of any other shape are ignored (their outputs are made again)."""

import json

import pytest

from ipanalysis.runner import manifest

GOOD = {"data": "a", "notebook": "b", "package": "c", "parameters": "d"}


def _write(folder, outputs, fmt=manifest.MANIFEST_FORMAT):
    text = json.dumps({"format": fmt, "outputs": outputs})
    (folder / manifest.MANIFEST_NAME).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "bad",
    [["a", "b"], "digest", 3, None, {"data": 1}, {"data": ["a"]}, {"data": {"x": "y"}}],
)
def test_an_entry_that_is_not_an_object_of_strings_is_ignored(tmp_path, bad):
    """On main a valid-JSON entry that was not an object made every later run fail."""
    _write(tmp_path, {"binhai/forecast": GOOD, "binhai/trends": bad, "nankai": GOOD})
    assert manifest.read_manifest(tmp_path) == {"binhai/forecast": GOOD}
    assert manifest.changed_inputs(manifest.read_manifest(tmp_path).get("binhai/trends"), GOOD)


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '{"format": 1, "outputs": []}', "[]", "null", "{"],
)
def test_a_manifest_of_another_shape_reads_as_empty(tmp_path, text):
    (tmp_path / manifest.MANIFEST_NAME).write_text(text, encoding="utf-8")
    assert manifest.read_manifest(tmp_path) == {}
