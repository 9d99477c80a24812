"""Tianjin IP indicators against plan targets: data, forecasts and on-track verdicts.

The package is laid out by stage, imports running one way: :mod:`ipanalysis.vocab`,
:mod:`ipanalysis.scope`, :mod:`ipanalysis.columns`, :mod:`ipanalysis.formats`,
:mod:`ipanalysis.paths` and :mod:`ipanalysis.errors` at the bottom; then :mod:`.data`,
:mod:`.model`, :mod:`.assess`, :mod:`.report`, :mod:`.runner` and the command line
(:mod:`.cli`). The notebooks import :mod:`ipanalysis.report` and ``ipanalysis.plots``.
"""

import importlib
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Give the notebooks ``from ipanalysis import plots`` (the report stage's figures)."""
    if name == "plots":
        return importlib.import_module("ipanalysis.report.plots")
    raise AttributeError(f"module 'ipanalysis' has no attribute {name!r}")
