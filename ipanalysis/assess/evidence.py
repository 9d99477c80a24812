"""How much evidence stands behind a forecast: its tier and the reason in plain words.

A stand-in until the backtest scores every situation (issue 16): every forecast is
``indicative`` for now. The real :func:`evidence_of` keeps this name and signature.
"""

from __future__ import annotations

#: Evidence tiers, strongest first: settled by figures, a forecast in a situation the backtest
#: scored well, a forecast elsewhere (a lean, 倾向), an administrative count, no data.
EVIDENCE_TIERS = ("observed", "tested", "indicative", "designation", "none")


def evidence_of(pool: str, n_figures: int, years_ahead: int) -> tuple[str, str]:
    """Return the evidence tier of a forecast and why, from the situation it is made in.

    Parameters
    ----------
    pool : str
        The series' growth pool (:func:`ipanalysis.vocab.pool_of`).
    n_figures : int
        Figures the forecast rests on.
    years_ahead : int
        Years between the latest figure and the forecast year.

    Returns
    -------
    tuple of str
        ``(tier, reason)``; today always ``("indicative", …)``.
    """
    return (
        "indicative",
        f"{n_figures} figure(s), {years_ahead} year(s) ahead, {pool}: "
        "situations are not scored yet",
    )
