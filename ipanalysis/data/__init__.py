"""The data stage: read and check the CSV tables, derive figures, resolve conflicts, vintages.

:func:`load_dataset` is the one way in: it returns the validated :class:`Dataset` (cached
while nothing it depends on changed) or raises
:class:`~ipanalysis.errors.DataValidationError` listing every problem.
"""

from ipanalysis.data.cache import load_dataset
from ipanalysis.data.dataset import Dataset

__all__ = ["Dataset", "load_dataset"]
