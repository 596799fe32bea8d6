"""How far moderators agree with auditors: the figures behind `stats agreement`.

A pair is one moderated audit: the auditor's grade and the moderator's own blind
re-audit grade (`Moderation.grade`, not the reconciled final grade), so the figures
measure the audit as first submitted. Grades are ordinal, inadequate 0 … outstanding 3.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit_tools.models import Audit, Grade
from audit_tools.quarters import Quarter

GRADE_COUNT = len(Grade)

# Landis & Koch (1977) bands, upper bounds inclusive; below 0 is "poor".
LANDIS_KOCH: list[tuple[float, str]] = [
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.00, "almost perfect"),
]

FLAG_WORDS = "possibly insufficiently critical"
# The fewest pairs an auditor needs before the flag is raised (setting agreement_min_pairs):
# below it one or two moderations decide the flag (docs/moderation.md, "Flag").
DEFAULT_MIN_PAIRS = 5


def cohen_kappa(
    first: Sequence[int], second: Sequence[int], categories: int = GRADE_COUNT, weights: str | None = None
) -> float | None:
    """Cohen's kappa for two raters' ordinal codes 0..categories-1.

    `weights` None (unweighted), "linear" or "quadratic". None where kappa is undefined:
    no pairs, or chance disagreement of zero (both raters used one and the same code).
    """
    if len(first) != len(second):
        raise ValueError("both raters need the same number of ratings")
    n = len(first)
    if n == 0:
        return None
    observed = [[0] * categories for _ in range(categories)]
    for a, b in zip(first, second):
        observed[a][b] += 1
    rows = [sum(observed[i]) for i in range(categories)]
    cols = [sum(observed[i][j] for i in range(categories)) for j in range(categories)]

    def weight(i: int, j: int) -> int:
        if weights is None:
            return 0 if i == j else 1
        if weights == "linear":
            return abs(i - j)
        if weights == "quadratic":
            return (i - j) ** 2
        raise ValueError(f"unknown weights {weights!r}")

    # kappa = 1 - sum(w * observed) / sum(w * expected), expected = row × col / n;
    # multiplied through by n so the sums stay whole numbers until the last division.
    disagreement = sum(weight(i, j) * observed[i][j] * n for i in range(categories) for j in range(categories))
    chance = sum(weight(i, j) * rows[i] * cols[j] for i in range(categories) for j in range(categories))
    if chance == 0:
        return None
    return 1 - disagreement / chance


def flag_words(min_pairs: int) -> str:
    """The flag with the minimum it needs beside it: "possibly insufficiently critical
    (moderators moved most grades down, over 5 or more pairs)"."""
    return f"{FLAG_WORDS} (moderators moved most grades down, over {min_pairs} or more pairs)"


def landis_koch(kappa: float | None) -> str:
    """Landis–Koch words for a kappa: poor, slight, fair, moderate, substantial, almost perfect."""
    if kappa is None:
        return "not defined"
    if kappa < 0:
        return "poor"
    for upper, words in LANDIS_KOCH:
        if kappa <= upper:
            return words
    return LANDIS_KOCH[-1][1]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class AuditorAgreement:
    auditor: str
    pairs: int = 0
    exact: int = 0
    moved_down: int = 0
    moved_up: int = 0
    min_pairs: int = DEFAULT_MIN_PAIRS

    @property
    def exact_agreement(self) -> float | None:
        return _ratio(self.exact, self.pairs)

    @property
    def mostly_moved_down(self) -> bool:
        """Moderators moved the grade down in most (more than half) of this auditor's audits."""
        return self.pairs > 0 and self.moved_down * 2 > self.pairs

    @property
    def flagged(self) -> bool:
        """Mostly moved down, over at least `min_pairs` pairs."""
        return self.mostly_moved_down and self.pairs >= self.min_pairs

    @property
    def too_few_to_flag(self) -> bool:
        """Mostly moved down, but on fewer pairs than the flag needs."""
        return self.mostly_moved_down and self.pairs < self.min_pairs

    def as_json(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "exact_agreement": self.exact_agreement,
            "moved_down": self.moved_down,
            "moved_up": self.moved_up,
        }


@dataclass
class StandardAgreement:
    standard: str
    pairs: int = 0
    agreed: int = 0

    @property
    def agreement(self) -> float | None:
        return _ratio(self.agreed, self.pairs)

    def as_json(self) -> dict[str, Any]:
        return {"pairs": self.pairs, "agreement": self.agreement}


@dataclass
class Agreement:
    """Agreement figures for a set of moderated audits (one quarter, usually)."""

    quarter: str | None
    min_pairs: int = DEFAULT_MIN_PAIRS  # the fewest pairs for an auditor's flag
    auditor_grades: list[int] = field(default_factory=list)
    moderator_grades: list[int] = field(default_factory=list)
    by_auditor: dict[str, AuditorAgreement] = field(default_factory=dict)
    by_standard: dict[str, StandardAgreement] = field(default_factory=dict)

    @property
    def pairs(self) -> int:
        return len(self.auditor_grades)

    @property
    def exact_agreement(self) -> float | None:
        return _ratio(sum(a == m for a, m in self._pairs()), self.pairs)

    @property
    def within_one(self) -> float | None:
        return _ratio(sum(abs(a - m) <= 1 for a, m in self._pairs()), self.pairs)

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.auditor_grades, self.moderator_grades)

    @property
    def kappa_quadratic(self) -> float | None:
        return cohen_kappa(self.auditor_grades, self.moderator_grades, weights="quadratic")

    @property
    def moved_down(self) -> int:
        """Moderator's grade lower than the auditor's: the auditor was more generous."""
        return sum(m < a for a, m in self._pairs())

    @property
    def moved_up(self) -> int:
        return sum(m > a for a, m in self._pairs())

    @property
    def flagged_auditors(self) -> list[str]:
        """Auditors whose grades moderators moved down in most of at least `min_pairs` pairs."""
        return [name for name, row in self.by_auditor.items() if row.flagged]

    def _pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.auditor_grades, self.moderator_grades))

    def as_json(self) -> dict[str, Any]:
        """The `stats agreement --json` document (cli.md)."""
        return {
            "quarter": self.quarter,
            "pairs": self.pairs,
            "exact_agreement": self.exact_agreement,
            "within_one": self.within_one,
            "kappa": self.kappa,
            "kappa_quadratic": self.kappa_quadratic,
            "moved_down": self.moved_down,
            "moved_up": self.moved_up,
            "by_auditor": {name: row.as_json() for name, row in self.by_auditor.items()},
            "by_standard": {sid: row.as_json() for sid, row in self.by_standard.items()},
        }


def is_pair(audit: Audit) -> bool:
    """An audit counts once its auditor graded it and its moderator re-graded it blind."""
    return audit.grade is not None and audit.moderation is not None and audit.moderation.grade is not None


def agreement(audits: Iterable[Audit], quarter: Quarter | str | None = None,
              min_pairs: int = DEFAULT_MIN_PAIRS) -> Agreement:
    """Agreement over the moderated audits given; with a quarter, only those submitted in it."""
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    result = Agreement(quarter=q.code if q else None, min_pairs=min_pairs)
    by_auditor: dict[str, AuditorAgreement] = {}
    by_standard: dict[str, StandardAgreement] = {}
    chosen = [a for a in audits if is_pair(a) and (q is None or q.contains(a.submitted_on))]
    for audit in sorted(chosen, key=lambda a: a.audit_id):
        assert audit.grade is not None and audit.moderation is not None and audit.moderation.grade is not None
        mine, theirs = audit.grade.rank, audit.moderation.grade.rank
        result.auditor_grades.append(mine)
        result.moderator_grades.append(theirs)
        row = by_auditor.setdefault(audit.auditor, AuditorAgreement(audit.auditor, min_pairs=min_pairs))
        row.pairs += 1
        row.exact += mine == theirs
        row.moved_down += theirs < mine
        row.moved_up += theirs > mine
        for standard in audit.scores.keys() & audit.moderation.scores.keys():
            srow = by_standard.setdefault(standard, StandardAgreement(standard))
            srow.pairs += 1
            srow.agreed += audit.scores[standard] == audit.moderation.scores[standard]
    result.by_auditor = {name: by_auditor[name] for name in sorted(by_auditor)}
    result.by_standard = {sid: by_standard[sid] for sid in sorted(by_standard)}
    return result


def kappa_quadratic(pairs: Iterable[tuple[int, int]]) -> float | None:
    """Quadratic-weighted kappa over (auditor rank, moderator rank) pairs, for reports."""
    pairs = list(pairs)
    return cohen_kappa([a for a, _ in pairs], [b for _, b in pairs], weights="quadratic")
