"""Identity cannot be planted: a council's database is worked on by the operating-system
user on today's date, whatever its `demo` settings row says; only the demo opened as the
demo (or the owner-only demo file in the person's own data folder) is the demo."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from audit_tools.models import User
from caseaudit.cli import main
from caseaudit.services.identity import Acting, acting, is_own_demo_file
from db import open_store
from db.identity import current_username
from tests.cli.test_moderation import make_audit
from tests.support import raw_connection

ME = current_username()


@pytest.fixture
def council(tmp_path):
    """A council's database: `boss` is the admin, the person at the keyboard (ME) a QA lead."""
    path = tmp_path / "council.db"
    store = open_store(path, actor="boss")
    store.people.ensure_admin()
    store.people.upsert([User(username=ME, display_name="Me", roles=["qa_lead"]),
                         User(username="amy", display_name="Amy", roles=["auditor"])])
    from audit_tools.models import Case

    audits = [make_audit(f"A{i:02d}", "amy", date(2024, 4, 2 + i)) for i in range(4)]
    store.cases.upsert([Case(case_ref=a.case_ref, case_type="EH", start_date=date(2024, 1, 2)) for a in audits])
    store.audits.insert(audits)
    store.close()
    return path


def plant(path, user: str, today: str) -> None:
    """What anyone who can write the file can do: one row in settings, no app involved
    (a connection as someone who knows caseaudit would open one, tests/support.py)."""
    with raw_connection(path) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('demo', ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     [json.dumps({"user": user, "today": today})])
    conn.close()


def test_a_planted_demo_row_does_not_change_who_the_command_line_is(council, capsys):
    plant(council, "boss", "2020-01-01")  # the admin, on a day long ago
    assert acting(council) == Acting(ME, None, "login")

    # What ME may not do (only an admin imports) is refused, though the row names the admin.
    users = council.parent / "users.csv"
    users.write_text("username,display_name,roles,team\nmallory,Mallory,admin,\n", encoding="utf-8")
    before = open_store(council, "boss").history.head()
    assert main(["--db", str(council), "import", "users", str(users)]) == 2
    assert f"{ME} may not import users: needs the admin role" in capsys.readouterr().err
    assert open_store(council, "boss").people.get("mallory") is None
    assert open_store(council, "boss").history.head() == before

    # What ME may do is done as ME, on today's date: the history names the real user.
    assert main(["--db", str(council), "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "s", "--json"]) == 0
    capsys.readouterr()
    [entry] = open_store(council, "boss").history.entries(limit=1)
    assert entry.actor == ME and entry.actor != "boss"
    assert not entry.at.startswith("2020-01-01")
    [sample] = open_store(council, "boss").samples.list("2024-25-Q1")
    assert sample.drawn_by == ME and sample.drawn_at.date() != date(2020, 1, 1)


def test_the_demo_is_the_demo_only_when_opened_as_the_demo(council, tmp_path, monkeypatch):
    plant(council, "boss", "2020-01-01")
    assert acting(council, opened_as_demo=True) == Acting("boss", date(2020, 1, 1), "demo")
    # The demo file in the person's own data folder is the demo only while it is theirs alone.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    own = tmp_path / "data" / "caseaudit" / "caseaudit-demo.db"
    own.parent.mkdir(parents=True)
    own.write_bytes(council.read_bytes())
    os.chmod(own, 0o600)
    assert is_own_demo_file(own)
    assert acting(own) == Acting("boss", date(2020, 1, 1), "demo")
    os.chmod(own, 0o660)  # shared with a group: anyone in it could have planted the row
    assert not is_own_demo_file(own)
    assert acting(own) == Acting(ME, None, "login")
    # A copy of the demo elsewhere is no demo either.
    os.chmod(own, 0o600)
    copy = tmp_path / "copy-of-demo.db"
    copy.write_bytes(own.read_bytes())
    os.chmod(copy, 0o600)
    assert acting(copy) == Acting(ME, None, "login")
