"""Post-processing of an executed notebook: strip run metadata, take out figures, make HTML.

Pure functions on nbformat nodes, used in the worker processes.
"""

from __future__ import annotations

import base64
from typing import Any

#: Cell tag prefix naming a figure: a cell tagged ``figure-status`` yields ``<nb>-status.png``.
FIGURE_TAG_PREFIX = "figure-"

_PAPERMILL_RUN_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")
_CELL_RUN_KEYS = ("start_time", "end_time", "duration")


def clean_notebook(nb: Any) -> Any:
    """Remove run-specific metadata from an executed notebook, in place.

    Drops papermill's timestamps, durations and input/output paths (notebook and cell
    metadata) and nbclient's ``execution`` timing, and gives the cells papermill inserts (the
    injected parameters, error markers) fixed ids instead of random ones. Cell sources and
    outputs are left untouched.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    nbformat.NotebookNode
        The same notebook.
    """
    meta = nb.metadata.get("papermill")
    if meta is not None:
        for key in _PAPERMILL_RUN_KEYS:
            meta.pop(key, None)
    seen: dict[str, int] = {}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell_meta = cell.metadata.get("papermill")
        if cell_meta is not None:
            for key in _CELL_RUN_KEYS:
                cell_meta.pop(key, None)
        tags = cell.metadata.get("tags", [])
        base = None
        if "injected-parameters" in tags:
            base = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            base = "papermill-error-cell"
        if base is not None and "id" in cell:
            seen[base] = seen.get(base, 0) + 1
            cell["id"] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return nb


def extract_figures(nb: Any, prefix: str) -> dict[str, bytes]:
    """Return the PNG images a notebook displays, keyed by a stable file name.

    A cell tagged ``figure-<name>`` names its images ``<prefix>-<name>.png`` (``-2``, ``-3``…
    for further images of the same cell); untagged cells give ``<prefix>-cell<NN>.png``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    prefix : str
        The notebook's name.

    Returns
    -------
    dict of str to bytes
        File name to PNG bytes, in the notebook's order.
    """
    figures: dict[str, bytes] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        names = [
            tag[len(FIGURE_TAG_PREFIX) :]
            for tag in cell.metadata.get("tags", [])
            if tag.startswith(FIGURE_TAG_PREFIX)
        ]
        stem = f"{prefix}-{names[0]}" if names else f"{prefix}-cell{index:02d}"
        k = 0
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            k += 1
            name = f"{stem}.png" if k == 1 else f"{stem}-{k}.png"
            payload = data["image/png"]
            if isinstance(payload, list):
                payload = "".join(payload)
            figures[name] = base64.b64decode(payload)
    return figures


_HTML_EXPORTER = None

#: The report template: nbconvert's "lab" page without its scripts (require.js and MathJax
#: from a CDN: a report must open offline, on a locked-down office machine) and with a small
#: stylesheet instead of JupyterLab's 400 kB one: the common Chinese fonts of Windows, macOS
#: and Linux named before the generic fallback; on a phone, every table scrolls in its own box
#: with its first column kept in view, and the page itself never scrolls sideways.
_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block notebook_css -%}
<style type="text/css">
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
  "WenQuanYi Micro Hei", "Hiragino Sans GB", sans-serif;
  max-width: 1400px; margin: 1.2em auto; padding: 0 1.5em; color: #222; line-height: 1.5; }
h1 { font-size: 1.6em; margin: 0.2em 0 0.3em; }
h2 { font-size: 1.3em; margin: 1.2em 0 0.4em; border-bottom: 1px solid #e5e5e5; }
h3 { font-size: 1.1em; margin: 1em 0 0.3em; }
p { margin: 0.4em 0; }
a.anchor-link { display: none; }
table { border-collapse: collapse; margin: 0.4em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #d9d9d9; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
.table-scroll, .jp-OutputArea-output { max-width: 100%; overflow-x: auto; }
.table-scroll table { margin-bottom: 0.6em; }
.table-scroll th:first-child, .table-scroll td:first-child { position: sticky; left: 0;
  z-index: 1; background: #fff; box-shadow: 1px 0 0 #d9d9d9; }
.table-scroll th:first-child { background: #f4f4f4; }
img { max-width: 100%; height: auto; }
code { font-family: Consolas, Menlo, "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
  monospace; background: #f4f4f4; padding: 0 0.3em; border-radius: 3px;
  overflow-wrap: anywhere; }
em { color: #555; }
pre { white-space: pre-wrap; }
@media (max-width: 600px) {
  body { margin: 0.6em auto; padding: 0 0.6em; }
  .table-scroll th:first-child, .table-scroll td:first-child { max-width: 9em; }
}
</style>
{%- endblock notebook_css -%}
"""


def export_html(nb: Any, title: str) -> str:
    """Render an executed notebook as a standalone HTML report (code cells hidden).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    title : str
        The page title.

    Returns
    -------
    str
        The HTML document: images embedded, no script, nothing outside it needed to read it.
    """
    global _HTML_EXPORTER
    if _HTML_EXPORTER is None:
        from jinja2 import DictLoader
        from nbconvert import HTMLExporter

        _HTML_EXPORTER = HTMLExporter(
            template_name="lab",
            template_file="ipanalysis-report.html.j2",
            extra_loaders=[DictLoader({"ipanalysis-report.html.j2": _REPORT_TEMPLATE})],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            language_code="zh",  # CJK glyphs chosen for Chinese, not Japanese (ISO 639-1)
        )
    body, _ = _HTML_EXPORTER.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body
