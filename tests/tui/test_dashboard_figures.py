"""What the dashboard counts and how it says it."""

from __future__ import annotations

from datetime import date

from audit_tools.models import Grade, Moderation, Role, Status, User
from audit_tools.standards import load_catalogue
from caseaudit.services import moderation as moderation_store
from db import open_store
from tests.tui.conftest import USERS, add_submitted_audit
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app
from tests.tui.test_screens import text_of

MODERATOR = User(username="mo", display_name="Mo Moderator", roles=[Role.moderator], team="qa")


def with_moderation_task(db_path) -> None:
    """amy's submitted audit A-0001, sampled to the moderator "mo" by the QA lead."""
    add_submitted_audit(db_path)
    admin = open_store(db_path, "admin")
    admin.people.upsert([*USERS, MODERATOR])
    open_store(db_path, "lee").moderation.assign("A-0001", "mo")


def blind_part(store) -> None:
    case = store.cases.get("C-2")
    applicable = [s.id for s in load_catalogue().applicable(case.case_type)]
    moderation_store.submit_blind(store, "A-0001", Moderation(
        moderator="mo", grade=Grade.good, scores={s: Status.met for s in applicable}))


async def waiting_words(db_path, username: str = "mo") -> str:
    app = open_app(db_path, username=username)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        return text_of(app.screen, "#waiting")


async def test_a_moderation_task_waits_until_it_is_reconciled(db_path):
    with_moderation_task(db_path)
    assert "1 moderation task waiting" in await waiting_words(db_path)
    mo = open_store(db_path, "mo")
    blind_part(mo)
    # The blind re-audit is stored but the outcome is not: still a task.
    assert "1 moderation task waiting" in await waiting_words(db_path)
    moderation_store.reconcile(mo, "A-0001", "agreed", None, None, "A clear, well evidenced audit.")
    words = await waiting_words(db_path)
    assert "No moderation tasks waiting" in words


def test_counts_read_as_sentences():
    from tui.screens.dashboard import how_many

    assert how_many(0, "draft") == "No drafts"
    assert how_many(1, "draft") == "1 draft"
    assert how_many(0, "feedback", "pieces of feedback", none="No feedback") == "No feedback"
    assert how_many(1, "feedback", "pieces of feedback") == "1 feedback"
    assert how_many(3, "feedback", "pieces of feedback") == "3 pieces of feedback"


async def test_dashboard_says_each_figure_in_words(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        waiting = text_of(app.screen, "#waiting")
        assert "No feedback to acknowledge" in waiting
        assert "None of your actions is overdue" in waiting
        assert " 0 " not in waiting and "feedbacks" not in waiting
        assert "No drafts in progress" in text_of(app.screen, "#drafts")


async def test_dashboard_counts_without_listing_rows_to_count(db_path, monkeypatch):
    from db.audits import Audits
    from db.moderation import ModerationAggregate

    with_moderation_task(db_path)

    def listed(*args, **kwargs):
        raise AssertionError("the dashboard listed rows to count them")

    monkeypatch.setattr(Audits, "list", listed)
    monkeypatch.setattr(ModerationAggregate, "assignments", listed)
    app = open_app(db_path, username="lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app._notifications
        assert "No drafts in progress" in text_of(app.screen, "#drafts")


async def test_enter_on_the_dashboard_carries_on_with_the_draft(db_path):
    from tests.tui.test_audit_keyboard import open_new_audit
    from tui.screens.audit_form import AuditFormScreen

    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        draft = form.audit_id
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditFormScreen) and app.screen.audit_id == draft


async def test_a_tall_terminal_shows_every_auditor_in_the_quota_table(tmp_path):
    import caseaudit.cli.app as entry
    from textual.widgets import DataTable

    from tui.app import make_app

    path = entry.build_demo(tmp_path / "demo.db")
    app = make_app(path, username="demo", today=entry.DEMO_TODAY)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#quota-table", DataTable)
        assert table.row_count > 12
        assert table.size.height >= table.row_count + 1  # every row and the header


FEEDBACK = ("Agreed: a careful audit. The chronology notes could say which events are missing, not "
            "only that some are; that makes the action easier to follow up with the team manager.")


async def feedback_line(db_path, size: tuple[int, int]) -> str:
    app = open_app(db_path, username="amy")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        [line] = [line for line in text_of(app.screen, "#waiting").splitlines() if "A-0001 (C-2): " in line]
        return line


async def test_the_feedback_preview_uses_the_width_there_is(db_path):
    with_moderation_task(db_path)
    mo = open_store(db_path, "mo")
    blind_part(mo)
    moderation_store.reconcile(mo, "A-0001", "agreed", None, None, FEEDBACK)
    narrow = await feedback_line(db_path, (80, 24))
    wide = await feedback_line(db_path, (160, 48))
    # One line each, cut at a word with "…" at 80 columns; at 160 nearly the whole of it.
    assert narrow.endswith("…") and len(narrow) <= 76
    assert len(narrow) > 60
    assert wide.endswith("…") and len(wide) > 140 and len(wide) <= 156
