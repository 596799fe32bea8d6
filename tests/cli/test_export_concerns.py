"""The themes export counts safeguarding concerns: raised in the quarter, acknowledged
within 1 working day, open at the quarter's end, in every format, the same by SQL and
from whole records."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone

import pytest

from audit_tools.models import Role, User
from audit_tools.quarters import Quarter
from caseaudit.cli import main
from caseaudit.services.themes import themes_for
from tests.themes_oracle import themes_from_audits
from db.identity import current_username
from tests.support import FixedClock, admin_store

ME = current_username()


def at(*parts):
    return FixedClock(datetime(*parts, tzinfo=timezone.utc))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "caseaudit.db"
    store = admin_store(path)
    store.people.upsert([User(username=ME, display_name="Me", roles=[Role.admin])])
    amy, eve = store.clone("amy"), store.clone("eve")

    def raise_at(clock):
        amy.session.clock = clock
        return amy.concerns.raise_concern("C-1001", None, "found", "act").concern_id

    def ack_at(concern_id, clock, close_clock=None):
        eve.session.clock = clock
        eve.concerns.acknowledge(concern_id)
        if close_clock:
            eve.session.clock = close_clock
            eve.concerns.close(concern_id, "done")

    # 2025-26 Q1: Friday 23 May before the spring bank holiday, acknowledged Tuesday 27 May.
    ack_at(raise_at(at(2025, 5, 23, 10)), at(2025, 5, 27, 9), at(2025, 5, 28, 9))
    # Same Friday, acknowledged Wednesday: late, and never closed.
    ack_at(raise_at(at(2025, 5, 23, 11)), at(2025, 5, 28, 9))
    # The quarter's last day, nobody acknowledged it.
    raise_at(at(2025, 6, 30, 15))
    # Closed after the quarter's end: open at it.
    ack_at(raise_at(at(2025, 6, 10, 9)), at(2025, 6, 11, 9), at(2025, 7, 2, 9))
    store.close()
    return path


def test_export_json_counts_concerns(db, tmp_path, capsys):
    out = tmp_path / "q1.json"
    assert main(["--db", str(db), "export", "themes", "--quarter", "2025-26-Q1", "--format", "json",
                 "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["concerns"] == {"raised": 4, "acknowledged_within_1wd": 2, "open": 3}
    assert doc["previous"]["concerns"] == {"raised": 0, "acknowledged_within_1wd": 0, "open": 0}


def test_export_csv_and_md_carry_the_counts(db, tmp_path):
    folder = tmp_path / "csv"
    assert main(["--db", str(db), "export", "themes", "--quarter", "2025-26-Q2", "--format", "csv",
                 "--out", str(folder)]) == 0
    with (folder / "concerns.csv").open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["quarter", "raised", "acknowledged_within_1wd", "open"],
                    ["2025-26-Q2", "0", "0", "2"], ["2025-26-Q1", "4", "2", "3"]]
    md = tmp_path / "q1.md"
    assert main(["--db", str(db), "export", "themes", "--quarter", "2025-26-Q1", "--format", "md",
                 "--out", str(md)]) == 0
    assert ("**Safeguarding concerns raised while auditing:** 4 raised, 2 acknowledged within 1 working "
            "day; 3 open at 30 Jun 2025.") in md.read_text()


def test_sql_and_whole_record_paths_agree(db):
    from db import open_store

    store = open_store(db, "root")
    quarter = Quarter.parse("2025-26-Q1")
    assert themes_for(store, quarter).concerns == themes_from_audits(store, quarter).concerns
    assert themes_for(store, quarter).concerns.open == 3
