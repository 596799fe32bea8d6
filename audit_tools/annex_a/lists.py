"""The Annex A lists caseaudit reads (product.md's table) and what reading a workbook gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from audit_tools.models import CaseType, Event, EventKind

CHILD_ID = "Child Unique ID"
TEAM = "Allocated Team"
WORKER = "Allocated Worker"


@dataclass(frozen=True)
class ListSpec:
    """What caseaudit takes from one Annex A list (product.md's table)."""

    number: int
    title: str
    signature: tuple[str, ...]  # any one of these headers (with Child Unique ID) identifies the list
    case_type: CaseType | None = None
    start: str | None = None
    end: str | None = None
    events: tuple[tuple[str, EventKind], ...] = ()
    seen_alone: str | None = None  # the header answering "seen alone?" for this list's visit

    @property
    def case_list(self) -> bool:
        return self.case_type is not None

    @property
    def used(self) -> tuple[str, ...]:
        cols = [CHILD_ID]
        if self.start:
            cols.append(self.start)
        if self.end:
            cols.append(self.end)
        if self.case_list:
            cols += [TEAM, WORKER]
        cols += [h for h, _ in self.events]
        if self.seen_alone:
            cols.append(self.seen_alone)
        return tuple(cols)


LISTS: dict[int, ListSpec] = {
    3: ListSpec(3, "contacts and referrals", ("Date of Referral",),
                events=(("Date of Referral", EventKind.referral),)),
    4: ListSpec(4, "assessments", ("Continuous Assessment Date of Authorisation",
                                   "Continuous Assessment Start Date"),
                events=(("Continuous Assessment Date of Authorisation", EventKind.assessment_completed),)),
    5: ListSpec(5, "section 47 enquiries", ("Strategy discussion initiating Section 47 Enquiry Start Date",),
                events=(("Strategy discussion initiating Section 47 Enquiry Start Date",
                         EventKind.strategy_discussion),
                        ("Date of Initial Child Protection Conference", EventKind.icpc))),
    6: ListSpec(6, "children in need", ("CIN Start Date",), CaseType.CIN,
                "CIN Start Date", "CIN Closure Date",
                events=(("Date Child Was Last Seen", EventKind.visit),)),
    7: ListSpec(7, "child protection", ("Child Protection Plan Start Date",), CaseType.CP,
                "Child Protection Plan Start Date", "Child Protection Plan End Date",
                events=(("Date of the Last Statutory Visit", EventKind.visit),
                        ("Date of latest review conference", EventKind.review_conference)),
                seen_alone="Was the Child Seen Alone?"),
    8: ListSpec(8, "children looked after", ("Date Started to be Looked After",), CaseType.CLA,
                "Date Started to be Looked After", "Date Ceased to be Looked After",
                events=(("Date of Latest Statutory Review", EventKind.cla_review),
                        ("Date of Last Social Work Visit", EventKind.visit))),
    # The older layout has no date columns: Eligibility Category still says "care leavers".
    9: ListSpec(9, "care leavers", ("Latest Pathway Plan Review Date", "Latest Date of Contact",
                                    "Eligibility Category"), CaseType.CL,
                events=(("Latest Pathway Plan Review Date", EventKind.plan_review),
                        ("Latest Date of Contact", EventKind.visit))),
}

# A child on several case lists is one case of the type of the first list here.
PRECEDENCE = (8, 7, 6, 9)


# --- what reading gives -------------------------------------------------------------------------


@dataclass
class ListRow:
    """One row of a list: the child, the case fields and events read from it, or its problems."""

    list_number: int
    sheet: str
    row: int
    child: str | None
    child_cell: str = ""
    start: date | None = None
    end: date | None = None
    team: str | None = None
    team_cell: str = ""
    worker: str | None = None
    events: list[Event] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class SheetRead:
    list_number: int
    sheet: str
    header_row: int
    rows: int = 0
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # columns of the list this sheet lacks


@dataclass
class WorkbookRead:
    file: str
    sheets: dict[int, SheetRead] = field(default_factory=dict)
    rows: list[ListRow] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)  # sheets that are none of Lists 3-9

    @property
    def problems(self) -> list[str]:
        return [p for r in self.rows for p in r.problems]

