"""Execute the report notebooks for every region, in parallel, into ``outputs/``.

:func:`run_notebooks` is what ``ipanalysis run`` calls. For each region it executes
``notebooks/trends.ipynb`` and ``notebooks/forecast.ipynb`` with papermill, and once per run
``notebooks/overview.ipynb``; each notebook runs in its own kernel, the notebooks run in parallel
worker processes (one per core by default). It writes::

    outputs/
      <region>/                       one folder per region, replaced as a whole
        trends.ipynb  trends.html     executed notebook and its HTML report
        forecast.ipynb  forecast.html
        assessment.csv                the region's verdicts (written by the package)
        <notebook>-<figure>.png       the figures, taken from the executed notebooks
      overview.ipynb  overview.html   across regions
      assessment.csv                  every reportable region's verdicts
      overview-<figure>.png
      _failed/<region>/<notebook>.ipynb   the executed notebook of a failed run (not committed)

Guarantees:

* **Refuse before running anything**: a region id that is not a slug, an unknown region, a
  parameter a notebook does not declare, a bad ``jobs``/``interval_level``/``min_reliability``
  raise :class:`RunConfigError` before any kernel starts.
* **Failures are contained**: a failing notebook does not stop the other regions. Its region
  keeps its previous outputs; the executed notebook (with the traceback) goes to
  ``outputs/_failed/<region>/``; :attr:`RunSummary.failures` lists it.
* **All or nothing per region**: everything is written into a staging folder
  ``outputs/.staging-*`` and swapped in with :func:`os.replace` once the region's set is
  complete. Staging folders are removed in ``finally``, also on KeyboardInterrupt.
* **Deterministic**: the executed notebooks are stripped of papermill's timestamps, durations
  and paths and of nbclient's timing metadata; the injected cell gets a fixed id. Running a
  notebook with plain ``papermill notebooks/forecast.ipynb out.ipynb -p region binhai`` gives
  the same cells and outputs (:func:`clean_notebook` removes only run-specific metadata), since
  the runner passes a parameter only when it differs from the notebook's default (``region``
  always).

The package is split along those lines: :mod:`~ipanalysis.runner.plan` (what to run, with
which parameters, the checks), :mod:`~ipanalysis.runner.execute` (papermill in worker
processes), :mod:`~ipanalysis.runner.export` (cleaning an executed notebook, its figures and
HTML), :mod:`~ipanalysis.runner.commit` (staging and the atomic swap into ``outputs/``) and
:mod:`~ipanalysis.runner.run` (the run itself, :func:`run_notebooks`).
"""

from ipanalysis.runner.export import (
    FIGURE_TAG_PREFIX,
    clean_notebook,
    export_html,
    extract_figures,
)
from ipanalysis.runner.plan import (
    ASSESSMENT_CSV,
    FAILED_DIRNAME,
    NOTEBOOK_TITLES,
    OVERVIEW_KEY,
    OVERVIEW_NOTEBOOK,
    REGION_ID_PATTERN,
    REGION_NOTEBOOKS,
    RELIABILITY_GRADES,
    STAGING_PREFIX,
    RunConfigError,
    check_region_ids,
    declared_parameters,
    executed_parameters,
)
from ipanalysis.runner.results import NotebookResult, RunSummary
from ipanalysis.runner.run import run_notebooks

__all__ = [
    "ASSESSMENT_CSV",
    "FAILED_DIRNAME",
    "FIGURE_TAG_PREFIX",
    "NOTEBOOK_TITLES",
    "OVERVIEW_KEY",
    "OVERVIEW_NOTEBOOK",
    "REGION_ID_PATTERN",
    "REGION_NOTEBOOKS",
    "RELIABILITY_GRADES",
    "STAGING_PREFIX",
    "NotebookResult",
    "RunConfigError",
    "RunSummary",
    "check_region_ids",
    "clean_notebook",
    "declared_parameters",
    "executed_parameters",
    "export_html",
    "extract_figures",
    "run_notebooks",
]
