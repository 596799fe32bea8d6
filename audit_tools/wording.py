"""How figures are written wherever people read them (screens, command line, board paper):
one way to write a percentage, a kappa and a figure that is not defined."""

from __future__ import annotations

from audit_tools.agreement import landis_koch

# An en dash: the board paper already marks blanks with it, and a hyphen beside figures
# reads as a minus sign (a kappa can be negative).
NOT_DEFINED = "–"


def percent(fraction: float | None, decimals: int = 0) -> str:
    """A 0..1 fraction as a percentage ("33%", "12.3%"); NOT_DEFINED when there is none."""
    if fraction is None:
        return NOT_DEFINED
    return f"{fraction * 100:.{decimals}f}%"


def kappa_words(value: float | None, n: int) -> str:
    """A kappa with its Landis–Koch words and the pairs it rests on: "0.45 moderate (n=12)"."""
    if value is None:
        return f"not defined (n={n})"
    return f"{value:.2f} {landis_koch(value)} (n={n})"


def moderation_words(sampled: int, moderated: int, reconciled: int, sample_moderated: int) -> str:
    """A quarter's moderation figures in the words every screen and the board paper use:
    "16 sampled, 29 moderated (1 from the sample, 28 outside it), 29 reconciled"."""
    outside = moderated - sample_moderated
    return (f"{sampled} sampled, {moderated} moderated ({sample_moderated} from the sample, "
            f"{outside} outside it), {reconciled} reconciled")
