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
      manifest.json                   what each output was made from (committed)
      variants/<slug>/…               runs with non-default parameters (git-ignored)
      _failed/<region>/<notebook>.ipynb   the executed notebook of a failed run (not committed)

Guarantees:

* **Refuse before running anything**: a region id that is not a slug, an unknown region, a
  parameter a notebook does not declare or whose value has another type than its default, a
  notebook parameter the runner sets itself, a bad ``jobs``/``as_of``/``interval_level``/
  ``min_reliability`` raise :class:`RunConfigError` before any kernel starts.
* **Variants beside, never over, the current reports**: a run with any parameter other than
  the notebooks' defaults (``as_of=2022``, ``min_reliability="A"``…) writes to
  ``outputs/variants/<slug>/`` (``as-of-2022``, ``as-of-2022_min-A``), with its own overview
  and manifest.
* **Incremental**: a notebook (or package-side table) whose inputs are unchanged since its
  outputs were made is not executed again (:mod:`~ipanalysis.runner.manifest`: the notebook,
  its parameters, the rows of the resolved dataset its region reads, the package and library
  versions); ``force=True`` executes everything.
* **Failures are contained**: a failing notebook does not stop the other regions. Its region
  keeps its previous outputs; the executed notebook (with the traceback) goes to
  ``outputs/_failed/<region>/``; :attr:`RunSummary.failures` lists it. The new overview is
  then withheld too, so that it never shows verdicts the region's folder does not.
* **All or nothing per region**: everything is written into a staging folder
  ``outputs/.staging-*`` and swapped in with :func:`os.replace` once the region's set is
  complete.
* **Ctrl-C never hangs and leaves nothing behind** (:mod:`~ipanalysis.runner.interrupt`,
  :class:`~ipanalysis.runner.execute.WorkerPool`): the main process kills every worker and
  kernel it started, removes the staging folder and re-raises :class:`KeyboardInterrupt`;
  a second Ctrl-C is ignored until that is done.
* **Deterministic**: the executed notebooks are stripped of papermill's timestamps, durations
  and paths and of nbclient's timing metadata; the injected cell gets a fixed id. Running a
  notebook with plain papermill (``papermill notebooks/forecast.ipynb
  outputs/variants/forecast-binhai.ipynb -p region binhai``) gives the same cells and
  outputs (:func:`clean_notebook` removes only run-specific metadata), since the runner
  passes a parameter only when it differs from the notebook's default (``region`` always).

The package is split along those lines: :mod:`~ipanalysis.runner.plan` (what to run, with
which parameters, the checks), :mod:`~ipanalysis.runner.manifest` (what each output was made
from), :mod:`~ipanalysis.runner.execute`, :mod:`~ipanalysis.runner.worker` and
:mod:`~ipanalysis.runner.protocol` (papermill in worker processes),
:mod:`~ipanalysis.runner.products` (cleaning an executed notebook, its figures and HTML),
:mod:`~ipanalysis.runner.commit` (staging and the atomic swap into ``outputs/``),
:mod:`~ipanalysis.runner.interrupt` (Ctrl-C) and :mod:`~ipanalysis.runner.run`
(the run itself, :func:`run_notebooks`).
"""

from ipanalysis.runner.plan import (
    ASSESSMENT_CSV,
    FAILED_DIRNAME,
    NOTEBOOK_TITLES,
    OVERVIEW_KEY,
    OVERVIEW_NOTEBOOK,
    REGION_NOTEBOOKS,
    STAGING_PREFIX,
    RunConfigError,
    declared_parameters,
)
from ipanalysis.runner.products import (
    FIGURE_TAG_PREFIX,
    clean_notebook,
    export_html,
    extract_figures,
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
    "REGION_NOTEBOOKS",
    "STAGING_PREFIX",
    "NotebookResult",
    "RunConfigError",
    "RunSummary",
    "clean_notebook",
    "declared_parameters",
    "export_html",
    "extract_figures",
    "run_notebooks",
]
