"""The report stage, and the notebooks' one import: ``from ipanalysis import report``.

The notebooks call the names listed in :data:`NOTEBOOK_NAMES` as ``report.<name>``; each is
loaded from its module on first use, so importing a module of this package (the runner
writing a CSV, the terminal printing a table) does not load the notebook displays. The code
lives by concern:

* :mod:`.labels` — labels and colours; numbers are formatted by :mod:`ipanalysis.formats`;
* :mod:`.lookups`, :mod:`.tables`, :mod:`.text` — names, tidy tables, verdicts in words;
* :mod:`.needs` — the figures that would settle a target, and the templates asking for them;
* :mod:`.categories` — decided, lean (倾向), settled or lacking: one rule for every display;
* :mod:`.forecasts`, :mod:`.benchmark` — a forecast for every series (``forecasts.csv``) and
  the check of its latest figure; a region beside the country;
* :mod:`.html`, :mod:`.html_verdicts`, :mod:`.html_overview`, :mod:`.html_series`,
  :mod:`.html_data`, :mod:`.html_record` — ``show_*`` HTML displays;
* :mod:`.plots`, :mod:`.plots_national`, :mod:`.wrapping`, :mod:`.fonts` — figures with the
  bundled CJK font, labels wrapped between words;
* :mod:`.files`, :mod:`.export`, :mod:`.terminal`, :mod:`.summary` — CSV files, the Excel
  export, terminal tables, what a run changed.
"""

import importlib
from typing import Any

#: Name the notebooks use → the module it lives in.
NOTEBOOK_NAMES = {
    "Scope": "ipanalysis.scope",
    "load_dataset": "ipanalysis.data.cache",
    "check_regions": "ipanalysis.report.tables",
    "assessment_table": "ipanalysis.report.tables",
    "figures_table": "ipanalysis.report.tables",
    "trend_table": "ipanalysis.report.tables",
    "conflict_table": "ipanalysis.report.tables",
    "sources_table": "ipanalysis.report.tables",
    "figures_needed": "ipanalysis.report.needs",
    "forecast_table": "ipanalysis.report.forecasts",
    "national_comparison": "ipanalysis.report.benchmark",
    "national_assessment": "ipanalysis.report.benchmark",
    "plot_national_comparison": "ipanalysis.report.plots_national",
    "show_header": "ipanalysis.report.html",
    "show_footer": "ipanalysis.report.html",
    "show_method": "ipanalysis.report.html",
    "show_trends": "ipanalysis.report.html_data",
    "show_figures": "ipanalysis.report.html_data",
    "show_conflicts": "ipanalysis.report.html_data",
    "show_sources": "ipanalysis.report.html_data",
    "show_summary": "ipanalysis.report.html_verdicts",
    "show_open_by_year": "ipanalysis.report.html_verdicts",
    "show_settled": "ipanalysis.report.html_verdicts",
    "show_figures_needed": "ipanalysis.report.html_verdicts",
    "show_status_counts": "ipanalysis.report.html_verdicts",
    "show_forecasts": "ipanalysis.report.html_series",
    "show_national_comparison": "ipanalysis.report.html_series",
    "show_counts_by_region": "ipanalysis.report.html_overview",
    "show_decided": "ipanalysis.report.html_overview",
    "show_office": "ipanalysis.report.html_overview",
    "show_leans": "ipanalysis.report.html_overview",
    "show_needed_by_region": "ipanalysis.report.html_overview",
    "show_region_links": "ipanalysis.report.html_overview",
    "show_status_matrix": "ipanalysis.report.html_overview",
    "show_national_targets": "ipanalysis.report.html_overview",
}
__all__ = sorted(NOTEBOOK_NAMES)


def __getattr__(name: str) -> Any:
    """Load a notebook name from its module on first use (PEP 562)."""
    module = NOTEBOOK_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'ipanalysis.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
