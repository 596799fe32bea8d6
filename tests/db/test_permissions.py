"""Roles gate every write in the Store, whoever calls it; identity comes from the OS login."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys

import pytest

from audit_tools.errors import Refused
from audit_tools.models import Grade, Moderation, Outcome, Role, SampleDraw, User
from audit_tools.permissions import moderator_independence, require
from db import current_username, open_store
from tests.support import FixedClock, admin_store, make_audit, make_case


def test_require_names_the_user_the_doing_and_the_role():
    with pytest.raises(Refused) as err:
        require(User(username="amy", display_name="Amy", roles=[Role.auditor]), Role.qa_lead,
                "draw moderation samples")
    assert err.value.lines == ["amy may not draw moderation samples: needs the qa_lead role"]
    require(User(username="root", display_name="Root", roles=[Role.admin]), Role.moderator, "moderate")
    with pytest.raises(Refused, match="not a caseaudit user"):
        require(None, Role.auditor, "save audits")


def test_moderator_independence():
    audit = make_audit()
    case = make_case()
    assert moderator_independence(audit, case, "cat") == []
    assert len(moderator_independence(audit, case, "amy")) == 1
    assert "allocated worker" in moderator_independence(audit, case, "dan")[0]
    assert "line manager" in moderator_independence(audit, case, "eve")[0]


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "ca.db"
    admin_store(p).audits.insert([make_audit()])
    return p


def refused(store, call, *args, match):
    before = store.row_counts()
    with pytest.raises(Refused, match=match):
        call(*args)
    assert store.row_counts() == before


def test_each_write_needs_its_role(path):
    amy = open_store(path, "amy", clock=FixedClock())
    cat = open_store(path, "cat", clock=FixedClock())
    stranger = open_store(path, "mallory", clock=FixedClock())
    draw = SampleDraw(quarter="2024-25-Q1", seed="s", rate="0.1", min_per_auditor=1, frame=["A-0001"],
                      frame_sha256="x", selected=["A-0001"])
    refused(amy, amy.people.upsert, [User(username="x", display_name="X")], match="amy may not manage users")
    refused(amy, amy.cases.upsert, [make_case("C-9")], match="amy may not import cases: needs the admin role")
    refused(amy, amy.audits.insert, [make_audit("A-0002")], match="needs the admin role")
    refused(amy, amy.samples.save, draw, match="amy may not draw moderation samples: needs the qa_lead role")
    refused(amy, amy.moderation.assign, "A-0001", "cat", match="needs the qa_lead role")
    refused(cat, cat.audits.save_draft, make_audit("A-0005", auditor="cat", submitted_on=None), None,
            match="cat may not save audits: needs the auditor role")
    refused(amy, amy.reference.add_theme, "housing", "Housing", match="needs the admin role")
    refused(amy, amy.reference.set_setting, "audit_quota_per_month", 5, match="needs the admin role")
    refused(stranger, stranger.audits.save_draft, make_audit("A-0006", submitted_on=None), None,
            match="not a caseaudit user")
    moderation = Moderation(moderator="ben", grade=Grade.good, outcome=Outcome.agreed)
    refused(amy, amy.moderation.save, "A-0001", moderation, match="audit A-0001: not assigned to amy for moderation")


def test_an_auditor_saves_only_their_own_audits(path):
    ben = open_store(path, "ben", clock=FixedClock())
    refused(ben, ben.audits.save_draft, make_audit("A-0007", auditor="amy", submitted_on=None), None,
            match="ben may not save audit A-0007: it is amy's audit")
    refused(ben, ben.amendments.amend, "A-0001", {"grade": "inadequate"}, "wrong",
            match="ben may not amend audit A-0001")


def test_the_worker_and_line_manager_may_not_audit_their_case(path):
    eve = open_store(path, "eve", clock=FixedClock())
    refused(eve, eve.audits.save_draft, make_audit("A-0008", auditor="eve", submitted_on=None), None,
            match="line manager and may not audit")


def test_first_admin_only_when_there_is_none(tmp_path):
    store = open_store(tmp_path / "ca.db", "amy")
    assert store.people.ensure_admin() is True
    assert open_store(tmp_path / "ca.db", "ben").people.ensure_admin() is False
    assert [u.username for u in store.people.list(role=Role.admin)] == ["amy"]


def test_identity_is_the_os_login_not_the_environment():
    expected = pwd.getpwuid(os.getuid()).pw_name
    code = "from db import current_username; print(current_username())"
    env = {**os.environ, "USER": "someone-else", "LOGNAME": "someone-else", "USERNAME": "someone-else"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.strip() == expected == current_username()


def test_db_imports_no_textual():
    code = ("import sys, db, db.store, db.history, db.migrations, caseaudit.cli.admin; "
            "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_permissions_import_no_sqlite():
    code = ("import sys, audit_tools.permissions; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlite3', 'sqlite_utils', 'textual')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_an_auditor_cannot_take_over_someone_elses_draft(path):
    amy = open_store(path, "amy", clock=FixedClock())
    ben = open_store(path, "ben", clock=FixedClock())
    amy.audits.save_draft(make_audit("A-0010", submitted_on=None), None)
    refused(ben, ben.audits.save_draft, make_audit("A-0010", auditor="ben", submitted_on=None), 1,
            match="ben may not save audit A-0010: it is amy's audit")
    assert ben.audits.get("A-0010").auditor == "amy"


def test_the_store_and_the_assignment_screen_give_the_same_moderator_reasons():
    from datetime import date

    from audit_tools.assignment import moderator_conflicts
    from audit_tools.models import Audit, Case, CaseType

    audit = Audit(audit_id="A-1", case_ref="C-1", auditor="amy", as_of=date(2024, 5, 1))
    case = Case(case_ref="C-1", case_type=CaseType.CIN, start_date=date(2024, 1, 1), worker="dan", line_manager="eve")
    for who in ("amy", "dan", "eve", "cat"):
        assert moderator_independence(audit, case, who) == [
            f"audit A-1: {reason}" for reason in moderator_conflicts(who, "amy", case)]
