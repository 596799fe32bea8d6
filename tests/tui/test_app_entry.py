"""`caseaudit` and `caseaudit demo`: who may open which database, and the demo built whole."""

from __future__ import annotations

import os

import pytest

import caseaudit.cli.app as entry
from audit_tools.errors import BadInput
from audit_tools.models import Role
from caseaudit.cli import main
from db import current_username, open_store
from tui.app import CaseauditApp, make_app


def test_an_unknown_user_is_told_to_ask_an_admin(db_path, capsys):
    assert current_username() not in {"admin", "amy", "max", "wes", "lee"}
    assert main(["--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert f"caseaudit: {current_username()} is not a user of this caseaudit database" in err
    assert "ask an admin to add you" in err and "caseaudit demo" in err
    assert "Traceback" not in err


def test_a_missing_database_is_a_sentence_not_a_new_file(tmp_path, capsys):
    path = tmp_path / "nowhere.db"
    assert main(["--db", str(path)]) == 2
    assert "caseaudit init" in capsys.readouterr().err
    assert not path.exists()


def test_make_app_opens_as_a_known_user(db_path):
    app = make_app(db_path, username="amy")
    assert isinstance(app, CaseauditApp)
    assert app.user.display_name == "Amy Auditor"
    assert app.catalogue.get("cp-visits") is not None
    with pytest.raises(BadInput):
        make_app(db_path, username="nobody")


def test_demo_database_has_a_demo_user_with_every_role(tmp_path):
    path = entry.build_demo(tmp_path / "demo.db")
    assert sorted(os.listdir(tmp_path)) == ["demo.db"]  # no half-built leftovers, no log left over
    store = open_store(path, "demo")
    demo = store.people.get("demo")
    assert set(demo.roles) == set(Role)
    counts = store.row_counts()
    assert counts["cases"] > 100 and counts["audits"] > 100
    # Never the worker or line manager of any case, so every case can be audited.
    assert store.cases.count(worker="demo") == 0
    assert not [c for c in store.cases.page(limit=1000) if c.line_manager == "demo"]


def test_an_interrupted_demo_build_leaves_nothing(tmp_path, monkeypatch):
    import sample_audits

    def broken(store, progress=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(sample_audits, "load_sample", broken)
    with pytest.raises(KeyboardInterrupt):
        entry.build_demo(tmp_path / "demo.db")
    assert os.listdir(tmp_path) == []


def test_an_interrupted_rebuild_keeps_the_old_demo(tmp_path, monkeypatch):
    import sample_audits

    path = tmp_path / "demo.db"
    path.write_bytes(b"old demo")

    def broken(store, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sample_audits, "load_sample", broken)
    with pytest.raises(RuntimeError):
        entry.build_demo(path)
    assert path.read_bytes() == b"old demo"
    assert os.listdir(tmp_path) == ["demo.db"]


def test_demo_opens_the_app_as_the_demo_user(tmp_path, monkeypatch):
    opened = {}

    def run(app):
        opened["app"] = app
        return 0

    monkeypatch.setattr(entry, "_run", run)
    assert main(["--db", str(tmp_path / "demo.db"), "demo"]) == 0
    app = opened["app"]
    assert app.user.username == "demo" and app.demo
    assert app.today == entry.DEMO_TODAY
    assert (tmp_path / "demo.db").exists()


def test_the_demo_is_the_demo_only_when_opened_as_the_demo(tmp_path, monkeypatch, capsys):
    """`caseaudit demo` (and the owner-only demo file in the person's own data folder) is the
    demo; the same file opened with --db anywhere else is worked on as the person at the
    keyboard, who is not one of its users."""
    opened = {}

    def run(app):
        opened["app"] = app
        return 0

    monkeypatch.setattr(entry, "_run", run)
    path = entry.build_demo(tmp_path / "demo.db")
    assert main(["--db", str(path)]) == 2  # `caseaudit --db DEMO`, not `caseaudit demo`
    assert "is not a user of this caseaudit database" in capsys.readouterr().err
    assert "app" not in opened
    assert main(["--db", str(path), "demo"]) == 0
    app = opened.pop("app")
    assert app.user.username == "demo" and app.today == entry.DEMO_TODAY and app.demo
    # The demo file in the person's own data folder is the demo by its path too.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    own = entry.demo_db_path()
    own.parent.mkdir(parents=True)
    path.rename(own)
    assert main(["--db", str(own)]) == 0
    app = opened.pop("app")
    assert app.user.username == "demo" and app.today == entry.DEMO_TODAY and app.demo


def test_demo_shows_the_whole_cycle(tmp_path):
    from audit_tools.models import Status
    from audit_tools.quarters import Quarter
    from audit_tools.standards import evaluate
    from caseaudit.services import moderation as ms
    from db.maintenance import verify_file

    path = entry.build_demo(tmp_path / "demo.db")
    store = open_store(path, "demo")
    today = entry.DEMO_TODAY
    # Moderation tasks waiting for the demo user, from the quarter's sample drawn with a fixed seed.
    [sample] = store.samples.list(entry.DEMO_QUARTER)
    assert sample.seed == entry.DEMO_SEED
    assert ms.verify_sample(store, sample.sample_id)[1]
    mine = [a for a in store.moderation.assignments(moderator="demo") if not a.reconciled]
    assert len(mine) >= 2 and {a.audit_id for a in mine} <= set(sample.selected)
    assert store.moderation.count_waiting("demo") == len(mine)
    # The demo user's own audit of the quarter, reconciled, its feedback still to acknowledge.
    [own] = store.moderation.feedback_waiting("demo")
    assert Quarter.parse(entry.DEMO_QUARTER).contains(own.submitted_on)
    assert own.moderation.outcome is not None and own.moderation.moderator != "demo"
    case = store.cases.get(own.case_ref)
    assert "demo" not in (case.worker, case.line_manager)
    automatic = {r.standard: r.status for r in evaluate(case, own.as_of, store.reference.catalogue()).results}
    assert own.automatic == automatic
    assert all(own.scores[s] == (status or Status.met) for s, status in automatic.items())
    # A draft in progress, and an action of the demo user's that is overdue.
    [draft] = store.audits.page(auditor="demo", status="draft")
    assert draft.as_of == today and store.audits.count_drafts("demo") == 1
    draft_case = store.cases.get(draft.case_ref)
    assert "demo" not in (draft_case.worker, draft_case.line_manager)
    assert store.amendments.count_overdue("demo", today) >= 1
    # One open safeguarding concern, raised from that draft on the demo's today, for the
    # case's line manager and the QA leads (the demo user among them) to act on.
    [concern] = store.concerns.list(open_only=True)
    assert (concern.case_ref, concern.audit_id, concern.raised_by, concern.state.value) == (
        draft.case_ref, draft.audit_id, "demo", "open")
    assert concern.raised_at.date() == today and concern.line_manager == draft_case.line_manager
    store.close()
    assert verify_file(path).ok


async def test_demo_dashboard_has_something_in_every_panel(tmp_path):
    from tests.tui.test_screens import text_of

    path = entry.build_demo(tmp_path / "demo.db")
    app = make_app(path, username="demo", today=entry.DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        waiting = text_of(app.screen, "#waiting")
        assert "1 draft in progress" in text_of(app.screen, "#drafts")
        assert "3 moderation tasks waiting" in waiting or "2 moderation tasks waiting" in waiting
        assert "1 feedback to acknowledge" in waiting
        assert "overdue" in waiting and "None of your actions" not in waiting
        assert app.screen.query_one("#quota-table").display
        assert "1 safeguarding concern to act on" in text_of(app.screen, "#concerns")
        assert app.sub_title.startswith("⚠ 1 open concern · ")


def test_the_app_collects_garbage_at_its_own_thresholds(db_path):
    import gc

    from tui.app import GC_THRESHOLDS

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # Python's defaults
        make_app(db_path, username="amy")
        assert gc.get_threshold() == GC_THRESHOLDS == (10_000, 10, 10)
    finally:
        gc.set_threshold(*before)
