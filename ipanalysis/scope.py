"""What an assessment may use and show: one value instead of four parameters threaded by hand."""

from __future__ import annotations

from dataclasses import dataclass

from ipanalysis.vocab import RELIABILITY_GRADES

#: Coverage of the prediction intervals unless a run asks for another.
DEFAULT_INTERVAL_LEVEL = 0.8


@dataclass(frozen=True)
class Scope:
    """The data cut-off, the sources admitted, the interval level and the target years.

    Attributes
    ----------
    as_of : int or None
        Use only figures up to this year (the assessment also uses only the sources published
        by 30 June of the next year: :func:`ipanalysis.data.vintage.vintage_dataset`); None
        uses every figure.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted (``"A"``: official sources only).
    interval_level : float
        Coverage of the prediction intervals, strictly between 0 and 1.
    target_years : tuple of int or None
        Targets due in these years; None keeps every target.
    """

    as_of: int | None = None
    min_reliability: str = "C"
    interval_level: float = DEFAULT_INTERVAL_LEVEL
    target_years: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        """Check each field, so that a bad value fails where it is given."""
        if self.min_reliability not in RELIABILITY_GRADES:
            raise ValueError(
                f"min_reliability must be one of {RELIABILITY_GRADES}, "
                f"not {self.min_reliability!r}"
            )
        if not 0 < self.interval_level < 1:
            raise ValueError(
                f"interval level must be between 0 and 1, got {self.interval_level!r}"
            )
        if self.as_of is not None:
            object.__setattr__(self, "as_of", int(self.as_of))
        if self.target_years is not None:
            object.__setattr__(self, "target_years", tuple(int(y) for y in self.target_years))
