"""The dashboard, case list, case detail, actions tracker, help and palette, driven by keys."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Select

from audit_tools.models import CaseType, Grade
from caseaudit.services import moderation_escalations
from db import open_store
from tests.tui.conftest import TODAY, add_submitted_audit, build_db, cp_case
from tests.tui.keys import open_screen, settle
from tests.tui.test_audit_keyboard import choose, open_app
from tui.screens.actions import ActionsScreen
from tui.screens.audit_form import AuditFormScreen
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.cases import PAGE, CasesScreen
from tui.screens.help import HelpScreen
from tui.widgets.prompts import AskText, Confirm


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_dashboard_shows_quota_and_overdue_actions(db_path):
    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.title == "caseaudit"
        assert app.sub_title == "Amy Auditor: auditor"
        assert "0 of 2 audits this month (March 2024)" in text_of(app.screen, "#quota")
        waiting = text_of(app.screen, "#waiting")
        assert "1 of your actions is overdue" in waiting
        assert "Rewrite the chronology" in waiting
        # Auditors are not shown the QA lead's table.
        assert not app.screen.query_one("#quota-table").display


async def test_qa_lead_sees_quota_compliance_by_auditor(db_path):
    store = open_store(db_path, "admin")
    add_submitted_audit(db_path)
    app = open_app(db_path, username="lee")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#quota-table", DataTable)
        assert table.display
        rows = {table.get_row(key)[0]: table.get_row(key) for key in table.rows}
        assert set(rows) == {u.username for u in store.people.list(role="auditor")}
        # amy's audit was submitted in February, so March has none yet.
        assert rows["amy"][2] == "0"


async def test_case_list_is_paged_and_never_loads_every_case(tmp_path):
    path = tmp_path / "many.db"
    build_db(path, [cp_case(f"C-{n:03d}") for n in range(1, 131)])
    app = open_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "c", CasesScreen)
        table = screen.query_one("#case-table", DataTable)
        assert table.row_count == PAGE
        assert f"{PAGE} of 130 cases" in text_of(screen, "#case-status")
        # The engine has counted the failing standards of the loaded page.
        assert str(table.get_cell("C-001", "not_met")) == "0"
        # Moving down towards the end of the page loads the next one.
        for _ in range(PAGE - 3):
            await pilot.press("down")
        await settle(pilot)
        assert table.row_count == 2 * PAGE
        # Searching by reference filters in SQL.
        await pilot.press("slash")
        await settle(pilot)
        assert app.focused is screen.query_one("#case-search")
        await pilot.press(*"C-12")
        await settle(pilot)
        refs = [table.get_row(key)[0] for key in table.rows]
        assert refs == [f"C-{n}" for n in range(120, 130)]


async def test_case_filters_by_type(db_path):
    store = open_store(db_path, "admin")
    store.cases.upsert([cp_case("C-9").model_copy(update={"case_type": CaseType.CIN, "events": []})])
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await choose(pilot, "type-filter", "CIN")
        await settle(pilot)
        table = app.screen.query_one("#case-table", DataTable)
        assert [table.get_row(key)[0] for key in table.rows] == ["C-9"]


async def test_case_detail_highlights_late_events(tmp_path):
    path = tmp_path / "late.db"
    case = cp_case("C-1")
    late = case.model_copy(update={"events": [e for e in case.events if e.date != date(2024, 2, 7)]})
    build_db(path, [late])
    app = open_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen)
        assert "1 standard with late events" in text_of(screen, "#case-summary")
        table = screen.query_one("#standards-table", DataTable)
        assert str(table.get_row("cp-visits")[0]) in ("partly met", "NOT MET")
        assert "late: due" in text_of(screen, "#standard-evidence")


async def test_recent_audit_warns_then_opens_the_form(db_path):
    add_submitted_audit(db_path)  # C-2 was audited on 1 February
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert "already audited as at 1 Feb 2024" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AuditFormScreen)


async def test_recent_audit_is_refused_when_the_service_blocks(db_path):
    add_submitted_audit(db_path)
    open_store(db_path, "admin").reference.set_setting("independence_mode", "block")
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert any("does not allow another audit yet" in n.message for n in app._notifications)


async def test_submitted_audit_is_read_only_and_amended_with_a_reason(db_path):
    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("tab", "enter")  # the case's audits, then the first one
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuditFormScreen)
        assert form.read_only
        assert form.query_one("#grade-select", Select).disabled
        await pilot.press("ctrl+e")
        await pilot.pause()
        await choose(pilot, "grade-select", "Inadequate")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        await pilot.press(*"grade was too generous", "enter")
        await settle(pilot)
        assert form.read_only
    store = open_store(db_path, "admin")
    assert store.audits.get("A-0001").grade == Grade.inadequate
    [amendment] = store.amendments.list("A-0001")
    assert amendment.reason == "grade was too generous" and amendment.by == "amy"
    assert amendment.changes == {"grade": "inadequate"}


async def test_actions_tracker_marks_an_action_complete(db_path):
    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "a", ActionsScreen)
        table = screen.query_one("#action-table", DataTable)
        assert table.row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        await pilot.press(*"29/02/2024", "enter")  # typing replaces the suggested date
        await settle(pilot)
        assert table.row_count == 0  # no longer open
        await pilot.press("e")  # done ones
        await settle(pilot)
        assert table.row_count == 1
    [action] = open_store(db_path, "admin").amendments.actions(owner="amy")
    assert action.completed_on == date(2024, 2, 29)


async def test_a_bad_completion_date_is_refused_in_words(db_path):
    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"next week", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        assert "is not a date" in text_of(app.screen, "#prompt-problem")
    [action] = open_store(db_path, "admin").amendments.actions(owner="amy")
    assert action.completed_on is None


async def test_help_lists_keys_and_explains_standards(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        words = text_of(app.screen, "#help-text")
        assert "New audit" in words and "Search" in words
        assert "cp-visits" in words and "Child on a protection plan seen every 10 working days" in words
        # The seen-alone help says what its automatic result will say (finding 12 of issue 26).
        assert ("Automatic status: met when the child was seen alone at every visit; partly met when each "
                "visit not alone has the reason recorded; not met when any has none") in " ".join(words.split())
        # An auditor is not offered the QA lead's keys.
        assert "Sample" not in words


async def test_palette_offers_the_screen_actions(db_path):
    from tui.commands import screen_actions

    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        offered = {description for description, *_ in screen_actions(app.screen)}
        assert {"Search", "Filters", "New audit", "Dashboard", "Actions", "Help"} <= offered
        assert "Reports" not in offered
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Actions")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)


async def test_keys_and_theme(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bindings = list(app.BINDINGS)
        for screen_class in (CasesScreen, CaseDetailScreen, AuditFormScreen, ActionsScreen):
            bindings += screen_class.BINDINGS
        assert all(b.id for b in bindings), "every key can be remapped by its id"
        theme = app.theme
        await pilot.press("t")
        assert app.theme != theme
        await pilot.press("m")  # an auditor does not moderate: nothing opens
        await settle(pilot)
        assert len(app.screen_stack) == 1


async def test_someone_elses_draft_opens_read_only(db_path):
    from audit_tools.models import Audit

    store = open_store(db_path, "lee")
    store.audits.save_draft(Audit(audit_id="A-0009", case_ref="C-1", auditor="lee", as_of=TODAY), None)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter", "tab", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuditFormScreen)
        assert form.read_only
        assert "lee's draft" in text_of(form, "#save-state")
        await pilot.press("ctrl+r", "ctrl+e")
        await settle(pilot)
        assert form.read_only
    assert open_store(db_path, "admin").audits.revision("A-0009") == 1


async def test_a_moderator_cannot_open_the_audit_they_re_audit_blind(db_path):
    from audit_tools.models import Role, User

    add_submitted_audit(db_path)
    admin = open_store(db_path, "admin")
    admin.people.upsert([User(username="mo", display_name="Mo Moderator",
                             roles=[Role.moderator, Role.auditor], team="qa"),
                        User(username="lee", display_name="Lee Lead", roles=[Role.auditor, Role.qa_lead],
                             team="qa")])
    open_store(db_path, "lee").moderation.assign("A-0001", "mo")
    app = open_app(db_path, username="mo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert any("scores stay hidden" in n.message for n in app._notifications)


async def test_scrolling_the_case_list_loads_the_next_page(tmp_path):
    path = tmp_path / "many.db"
    build_db(path, [cp_case(f"C-{n:03d}") for n in range(1, 131)])
    app = open_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        table = app.screen.query_one("#case-table", DataTable)
        assert table.row_count == PAGE
        table.scroll_end(animate=False)
        await settle(pilot)
        assert table.row_count == 2 * PAGE


async def test_a_screen_that_fails_to_import_is_told_and_logged_as_a_fault(db_path, monkeypatch, tmp_path):
    """Not "not available yet": a broken import is a bug, so it goes to the log, and the person
    is told it failed and where the detail is, with the app still up."""
    import tui.router
    from caseaudit.services import failures

    log = tmp_path / "caseaudit.log"
    monkeypatch.setattr(failures, "log_path", lambda: log)

    screens = dict(tui.router.OTHER_SCREENS)
    screens["reports"] = ("tui.screens.not_written_yet", "ReportsScreen", "Quarterly reports",
                          screens["reports"][3])
    monkeypatch.setattr(tui.router, "OTHER_SCREENS", screens)
    app = open_app(db_path, username="lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        [told] = [n for n in app._notifications if n.title == "Quarterly reports did not open"]
        assert "ModuleNotFoundError" in told.message and "log" in told.message
    assert "ModuleNotFoundError" in log.read_text(encoding="utf-8")


async def test_the_qa_lead_reaches_the_moderation_and_report_screens(db_path):
    app = open_app(db_path, username="lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, name in [("s", "SamplingScreen"), ("g", "AgreementScreen"), ("r", "ReportsScreen"),
                          ("m", "ModerationQueueScreen"), ("e", "EscalationsScreen")]:
            await pilot.press("escape", "d")  # escape first: a screen may have a text box focused
            await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == name


async def test_escalations_are_a_key_away_for_the_qa_lead_only(db_path):
    from tui.commands import screen_actions

    app = open_app(db_path)  # an auditor
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert "Escalations" not in [entry[0] for entry in screen_actions(app.screen)]
    lead = open_app(db_path, username="lee")
    async with lead.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Escalations" in [entry[0] for entry in screen_actions(lead.screen)]


async def test_feedback_to_acknowledge_is_on_the_dashboard(db_path):
    from audit_tools.models import Moderation, Outcome, Role, User

    add_submitted_audit(db_path)
    open_store(db_path, "admin").people.upsert([User(username="mo", display_name="Mo Moderator",
                                                    roles=[Role.moderator], team="qa")])
    open_store(db_path, "lee").moderation.assign("A-0001", "mo")
    open_store(db_path, "mo").moderation.save("A-0001", Moderation(
        moderator="mo", moderated_on=TODAY, grade=Grade.requires_improvement, outcome=Outcome.agreed,
        final_grade=Grade.requires_improvement, feedback="Good challenge on the chronology"))
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        waiting = text_of(app.screen, "#waiting")
        assert "1 feedback to acknowledge" in waiting
        assert "Good challenge on the chronology" in waiting
        await pilot.press("f")
        await settle(pilot)
        assert type(app.screen).__name__ == "FeedbackScreen"


async def test_a_settled_escalation_waits_on_the_dashboard_in_the_qa_leads_words(db_path):
    from audit_tools.models import Moderation, Outcome, Role, User
    from caseaudit.services import moderation as moderation_store

    add_submitted_audit(db_path)
    open_store(db_path, "admin").people.upsert([User(username="mo", display_name="Mo Moderator",
                                                    roles=[Role.moderator], team="qa")])
    open_store(db_path, "lee").moderation.assign("A-0001", "mo")
    # escalated without a word of feedback from the moderator
    open_store(db_path, "mo").moderation.save("A-0001", Moderation(
        moderator="mo", moderated_on=TODAY, grade=Grade.inadequate, outcome=Outcome.escalated,
        reason="far apart on risk"))
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No feedback to acknowledge" in text_of(app.screen, "#waiting")
    moderation_escalations.resolve_escalation(open_store(db_path, "lee"), "A-0001", "inadequate",
                                        "risk not analysed", "Analyse the risk")
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        waiting = text_of(app.screen, "#waiting")
        assert "1 feedback to acknowledge" in waiting
        assert "QA lead settled it as Inadequate: Analyse the risk" in waiting


async def test_a_search_that_finds_nothing_says_what_and_how_to_clear_it(db_path):
    """Finding 21 of issue 26: an empty search said "0 of 0 cases. Enter opens a case."."""
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "c", CasesScreen)
        await pilot.press("slash", *"ZZZ", "enter")
        await settle(pilot)
        assert screen.query_one("#case-table", DataTable).row_count == 0
        assert text_of(screen, "#case-status") == 'No case matches "ZZZ". x clears the search and filters.'
        await pilot.press("x")
        await settle(pilot)
        assert screen.query_one("#case-table", DataTable).row_count == 2
        assert text_of(screen, "#case-status").startswith("2 of 2 cases")
