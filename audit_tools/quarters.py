"""UK local-government financial-year quarters: 2024-25 Q1 is 1 April to 30 June 2024."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

_CODE = re.compile(r"^\s*(\d{4})-(\d{2})[- ]?Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter; `year` is the calendar year the financial year starts in."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = _CODE.match(str(text))
        if not match:
            raise ValueError(
                f"bad quarter {text!r}: write the financial year and quarter, e.g. 2024-25 Q1"
            )
        year, short, number = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if (year + 1) % 100 != short:
            raise ValueError(
                f"bad quarter {text!r}: the financial year {year} runs into "
                f"{(year + 1) % 100:02d}, so write {year}-{(year + 1) % 100:02d} Q{number}"
            )
        return cls(year, number)

    @classmethod
    def of(cls, day: date) -> "Quarter":
        """The quarter a date falls in: 31 March 2025 is 2024-25 Q4."""
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @property
    def code(self) -> str:
        """The id: in JSON, CSV, file names and what is stored (2024-25-Q1); the command line
        takes it or the label. People read the label."""
        return f"{self.year}-{(self.year + 1) % 100:02d}-Q{self.number}"

    @property
    def label(self) -> str:
        """As a person reads it, on every screen and in the xlsx and board paper: 2024-25 Q1."""
        return f"{self.year}-{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def start(self) -> date:
        month = 4 + (self.number - 1) * 3
        if month > 12:
            return date(self.year + 1, month - 12, 1)
        return date(self.year, month, 1)

    @property
    def end(self) -> date:
        end: date = self.start + relativedelta(months=3, days=-1)
        return end

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of each of the three months."""
        first = self.start
        out = []
        for i in range(3):
            d = first + relativedelta(months=i)
            out.append((d.year, d.month))
        return out

    def __str__(self) -> str:
        return self.code
