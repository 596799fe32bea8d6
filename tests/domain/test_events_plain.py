"""An events row in the usual shape is read in plain Python (importers.events._plain), for
speed; it must accept only what the row's schema (importers.rows.EventRow) accepts and read
it to the same values, whatever the cells hold: anything else goes to EventRow, which names
the problem."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from audit_tools.importers.events import CheckedEvent, EventCheck, _plain
from audit_tools.importers.rows import EventRow

REFS = ["C-1001", "C-1001\u202e", "C 1001", "C-1001\t2", "x" * 200, "C\u200b1"]
KINDS = ["visit", "supervision", "Visit", "walk", "visit ", "return_interview"]
DATES = ["2024-01-02", "02/01/2024", "2 Jan 2024", "2024-02-30", "01/13/2024", "2024-1-2", "20240102",
         date(2024, 1, 2), datetime(2024, 1, 2), datetime(2024, 1, 2, 9, 30), None]
YES_NO = [None, "yes", "no", "Y", "n", "1", "0", "true", "FALSE", "maybe", "2", date(2024, 1, 1)]
TEXTS = [None, "asleep", "line one\r\nline two", "tab\there", "bell\x07", "right\u202eleft",
         "sep\u2028arated", "t" * 70_000, "", date(2024, 1, 1), "\ufeffbom"]


def _cells(**values: object) -> dict[str, object]:
    return {k: v for k, v in values.items() if v is not None}


def _schema(cells: dict[str, object]) -> CheckedEvent | None:
    try:
        return CheckedEvent(**EventRow.model_validate(cells).model_dump())
    except ValidationError:
        return None


CASES = (
    [_cells(case_ref=r, kind=k, date=d) for r, k, d in itertools.product(REFS, KINDS, DATES)]
    + [_cells(case_ref="C-1", kind="visit", date="2024-01-02", child_seen=c, seen_alone=a)
       for c, a in itertools.product(YES_NO, YES_NO)]
    + [_cells(case_ref="C-1", kind="visit", date="2024-01-02", seen_alone="no", reason_not_alone=t, note=n)
       for t, n in itertools.product(TEXTS, TEXTS)]
    + [{"case_ref": "C-1", "kind": "visit", "date": "2024-01-02", "colour": "red"}, {"kind": "visit"}, {}]
)


@pytest.mark.parametrize("cells", CASES, ids=range(len(CASES)))
def test_plain_reading_agrees_with_the_rows_schema(cells):
    plain = _plain(cells)
    if plain is not None:
        assert plain == _schema(cells)


def test_the_usual_rows_take_the_plain_way():
    usual = [_cells(case_ref="C-1001", kind="visit", date="2024-01-02", child_seen="yes", seen_alone="no",
                    reason_not_alone="asleep", note="seen at school"),
             _cells(case_ref="C-1001", kind="supervision", date="07/12/2025"),
             _cells(case_ref="C-1001", kind="visit", date=datetime(2024, 1, 2), child_seen="n")]
    for cells in usual:
        assert _plain(cells) is not None and _plain(cells) == _schema(cells)


def test_a_bad_row_is_still_named_by_the_schema():
    check = EventCheck("events.csv")
    good = check.check([(2, {"case_ref": "C-1", "kind": "visit", "date": "2024-01-02"}),
                        (3, {"case_ref": "C-1", "kind": "walk", "date": "2024-01-03"}),
                        (4, {"case_ref": "C-1", "kind": "visit", "date": "2024-02-30", "note": "bell\x07"})],
                       known_cases={"C-1"}, stored={})
    assert [e.date for e in good] == [date(2024, 1, 2)]
    assert check.problems[0].startswith("events.csv:3: kind: ")
    assert any(p.startswith("events.csv:4: date: ") for p in check.problems)
    assert any(p.startswith("events.csv:4: note: ") and "U+0007" in p for p in check.problems)
