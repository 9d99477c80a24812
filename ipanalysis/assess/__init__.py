"""The assessment stage: plan targets against the figures, on track or not, and how sure.

:func:`assess` is the one entry point (a dataset and a :class:`~ipanalysis.scope.Scope` in, one
row per target out); the rules are documented in :mod:`ipanalysis.assess.rules`, one module
per target kind, and :mod:`ipanalysis.assess.track_record` scores the verdicts on past targets.
"""

from ipanalysis.assess.assessment import assess, assess_target, assess_targets

__all__ = ["assess", "assess_target", "assess_targets"]
