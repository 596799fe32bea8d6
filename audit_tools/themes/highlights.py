"""What a board paper leads with: the standards that moved most, the most tagged themes."""

from __future__ import annotations

from decimal import Decimal

from audit_tools.themes.figures import ThemesReport

def movers(report: ThemesReport, count: int = 3) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The standards whose % met fell most and rose most against the previous quarter.

    Only standards with a % met in both quarters; ties broken by standard id.
    """
    changes: list[tuple[str, float]] = []
    for sid, now in report.standards.items():
        then = report.previous.standards.get(sid)
        if now.pct_met is None or then is None or then.pct_met is None:
            continue
        delta = float(Decimal(str(now.pct_met)) - Decimal(str(then.pct_met)))
        changes.append((sid, delta))
    fell = sorted((c for c in changes if c[1] < 0), key=lambda c: (c[1], c[0]))[:count]
    rose = sorted((c for c in changes if c[1] > 0), key=lambda c: (-c[1], c[0]))[:count]
    return fell, rose


def top_themes(report: ThemesReport, kind: str, count: int = 3) -> list[tuple[str, int]]:
    """The most tagged themes as strengths (kind "strength") or improvements ("improvement")."""
    ranked = sorted(
        ((t, getattr(f, kind)) for t, f in report.themes.items() if getattr(f, kind) > 0),
        key=lambda x: (-x[1], x[0]),
    )
    return ranked[:count]
