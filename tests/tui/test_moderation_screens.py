"""The QA lead's sampling screen and the agreement screen, driven from the keyboard."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, OptionList, Static

from audit_tools import sampling
from caseaudit.services import moderation_escalations
from audit_tools.models import Audit, Moderation, Role, User
from audit_tools.standards import evaluate, load_catalogue
from db import open_store
from tests.support import full_blind
from tests.tui.conftest import cp_case
from tests.tui.keys import open_screen, settle
from tui.app import make_app
from tui.screens.agreement import AgreementScreen
from tui.screens.sampling import SamplingScreen
from tui.widgets.prompts import ChooseOne, Confirm

TODAY = date(2024, 6, 28)  # inside 2024-25 Q1


def build(db_path, moderated: bool = False) -> None:
    """Six CP cases; amy audited four in May, bob two; two moderators outside the line."""
    store = open_store(db_path, "admin")
    store.people.upsert([
        User(username="mo", display_name="Mo Moderator", roles=[Role.moderator], team="south"),
        User(username="mia", display_name="Mia Moderator", roles=[Role.moderator], team="south"),
        User(username="bob", display_name="Bob Auditor", roles=[Role.auditor], team="qa"),
    ])
    cases = [cp_case(f"C-{i}") for i in range(3, 9)]
    store.cases.upsert(cases)
    catalogue = load_catalogue(None)
    audits = []
    for i, case in enumerate(cases):
        as_of = date(2024, 2, 29)
        report = evaluate(case, as_of, catalogue)
        scores = {r.standard: (r.status.value if r.status else "met") for r in report.results}
        auditor = "amy" if i < 4 else "bob"
        moderation = None
        if moderated:
            # Moderators graded every one of amy's audits lower: amy is flagged.
            blind = "requires_improvement" if auditor == "amy" else "good"
            moderation = Moderation(moderator="mo", moderated_on=date(2024, 6, 1), grade=blind,
                                    outcome="agreed", scores=scores, feedback="thanks")
        audits.append(Audit(audit_id=f"A-{i:06d}", case_ref=case.case_ref, auditor=auditor, as_of=as_of,
                            submitted_on=date(2024, 5, 1 + i), grade="good", scores=scores,
                            moderation=moderation))
    store.audits.insert(audits)
    store.close()


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row(key)[index]) for key in table.rows]


async def test_preview_draw_and_assign_from_the_keyboard(db_path):
    build(db_path)
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "s", SamplingScreen)
        assert screen.query_one("#sampling-quarter", Input).value == "2024-25 Q1"  # as every screen writes it
        assert "6 audits can still be sampled; a draw now takes 2" in text_of(screen, "#sampling-summary")
        preview = screen.query_one("#sampling-preview", DataTable)
        assert [list(map(str, preview.get_row(k))) for k in preview.rows] == [["amy", "4", "1"], ["bob", "2", "1"]]

        # A rate of 0.5 with a fixed seed: amy 2, bob 1.
        screen.query_one("#sampling-rate", Input).focus()
        await pilot.press("end", "ctrl+u", *"0.5", "tab", "tab", *"board-2024", "enter")
        await settle(pilot)
        assert "a draw now takes 3" in text_of(screen, "#sampling-summary")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        store = open_store(db_path, "admin")
        [sample] = store.samples.list("2024-25-Q1")
        assert sample.seed == "board-2024" and sample.rate == "0.5" and sample.drawn_by == "lee"
        assert sampling.verify(sample) == (True, [])
        assert len(sample.selected) == 3
        assert "0 assigned" in text_of(screen, "#sampling-progress-title")

        # Drawing again in a quarter already sampled is said plainly first; n draws nothing.
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert (f"2024-25 Q1 has been sampled already: {sample.sample_id} (3 audits). Draw another sample "
                "of 2 from the 3 audits not yet sampled?")  # amy 1 of 2, bob 1 of 1 in text_of(app.screen, "Static")
        await pilot.press("n")
        await settle(pilot)
        assert len(store.samples.list("2024-25-Q1")) == 1

        # Assigning shows who gets what before anything is stored.
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        question = text_of(app.screen, "Static")
        assert "Assign 3 sampled audits of 2024-25 Q1:" in question
        assert "  mia: " in question and "  mo: " in question
        await pilot.press("n")
        await settle(pilot)
        assert store.moderation.assignments() == []
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assignments = store.moderation.assignments()
        assert {a.audit_id for a in assignments} == set(sample.selected)
        assert sorted(a.moderator for a in assignments).count("mia") in (1, 2)
        progress = screen.query_one("#sampling-progress-table", DataTable)
        assert set(column(progress, 4)) == {"assigned"}

        # Reassigning offers only the moderators who may take the audit: never the case's
        # line manager, whatever roles they hold.
        store.people.upsert([User(username="max", display_name="Max Manager",
                                 roles=[Role.auditor, Role.moderator], team="north")])
        progress.focus()
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ChooseOne)
        offered = app.screen.query_one("#choice-list", OptionList)
        assert [offered.get_option_at_index(i).id for i in range(offered.option_count)] == ["mia", "mo"]
        await pilot.press("escape")
        await settle(pilot)
        assert "max" not in {a.moderator for a in store.moderation.assignments()}


async def test_an_empty_quarter_cannot_be_drawn(db_path):
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert open_store(db_path, "admin").samples.list() == []


async def test_agreement_flag_needs_the_minimum_pairs_and_says_so(db_path):
    """amy's four pairs were all moved down: under the default minimum of 5 pairs she is not
    flagged, and the screen says why beside her row."""
    build(db_path, moderated=True)
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        summary = text_of(app.screen, "#agreement-summary")
        assert "insufficiently critical" not in summary
        assert "Mostly moved down but under 5 pairs, so not flagged: amy (4)." in summary
        assert column(app.screen.query_one("#agreement-auditors", DataTable), 5) == ["n<5", ""]


async def test_agreement_screen_shows_words_n_and_flags(db_path):
    build(db_path, moderated=True)
    admin = open_store(db_path, "admin")
    admin.reference.set_setting("agreement_min_pairs", 4)
    admin.close()
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "g", AgreementScreen)
        summary = text_of(screen, "#agreement-summary")
        assert "Moderation agreement, 2024-25 Q1" in summary
        assert "6 pairs" in summary and "Exact agreement 33%" in summary
        assert "(n=6)" in summary  # the sample size beside every kappa
        assert ("Possibly insufficiently critical (moderators moved most grades down, over 4 or more "
                "pairs): amy.") in summary
        auditors = screen.query_one("#agreement-auditors", DataTable)
        assert column(auditors, 0) == ["amy", "bob"]
        assert column(auditors, 5) == ["⚑", ""]
        # The longest standard ids and the agreement column fit beside the auditors at 80 columns.
        standards = screen.query_one("#agreement-standards", DataTable)
        assert standards.virtual_size.width <= standards.scrollable_content_region.width
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "2023-24 Q4" in text_of(screen, "#agreement-summary")
        assert "No moderated audits" in text_of(screen, "#agreement-summary")


async def test_qa_lead_reads_a_finished_moderation_from_the_progress_list(db_path):
    from caseaudit.services import moderation as ms
    from tui.screens.moderation.escalations import ResolveEscalationScreen

    build(db_path)
    lee = open_store(db_path, "lee")
    sample = ms.draw_sample(lee, "2024-25-Q1", "0.1", 1, "s")
    plan = ms.assign_sample(lee, "2024-25-Q1")
    first = sample.selected[0]
    mod = open_store(db_path, plan[first])
    ms.submit_blind(mod, first, full_blind(mod, first, plan[first], "requires_improvement"))
    ms.reconcile(mod, first, "escalated", None, "grade far from the evidence", "Let us talk")
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        progress = app.screen.query_one("#sampling-progress-table", DataTable)
        assert column(progress, 4)[0] == "reconciled" and column(progress, 5)[0] == "escalated"
        progress.focus()
        await pilot.press("down")  # the second one is only assigned: the original stays hidden
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SamplingScreen)
        await pilot.press("up", "enter")
        await settle(pilot)
        # An escalated one opens where the QA lead settles it, beside both sides.
        assert isinstance(app.screen, ResolveEscalationScreen)
        assert app.screen.query_one("#resolve-form").display


async def test_sampling_screen_arrives_on_the_table_so_letters_navigate(db_path):
    from tui.screens.dashboard import DashboardScreen

    build(db_path)
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "s", SamplingScreen)
        assert app.focused is screen.query_one("#sampling-preview", DataTable)
        quarter = screen.query_one("#sampling-quarter", Input)
        await pilot.press("d")  # leaves for the dashboard instead of typing into the quarter box
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert quarter.value == "2024-25 Q1"


async def test_qa_lead_resolves_an_escalation_and_the_auditor_acknowledges_it(db_path):
    from textual.widgets import Select, TextArea

    from audit_tools.models import Grade
    from caseaudit.services import moderation as ms
    from tui.screens.moderation.escalations import EscalationsScreen, ResolveEscalationScreen
    from tui.screens.moderation.feedback import FeedbackScreen

    build(db_path)
    lee = open_store(db_path, "lee")
    sample = ms.draw_sample(lee, "2024-25-Q1", "0.1", 1, "s")
    plan = ms.assign_sample(lee, "2024-25-Q1")
    first = sample.selected[0]
    mod = open_store(db_path, plan[first])
    ms.submit_blind(mod, first, full_blind(mod, first, plan[first], "requires_improvement"))
    ms.reconcile(mod, first, "escalated", None, "grade far from the evidence", "Let us talk")
    auditor = lee.audits.get(first).auditor

    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "1 escalated to resolve" in text_of(app.screen, "#sampling-progress-title")
        await pilot.press("e")  # the list of escalations, from the sampling screen
        await settle(pilot)
        assert isinstance(app.screen, EscalationsScreen)
        assert "1 of 1 to resolve" in text_of(app.screen, "#escalations-title")
        # Grades spelled out as on every other screen, not "RI → RI".
        table = app.screen.query_one("#escalations-table", DataTable)
        assert column(table, 5) == ["Good → Requires improvement"]
        assert table.virtual_size.width <= table.scrollable_content_region.width  # whole at 80 columns
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResolveEscalationScreen)
        notes = text_of(screen, "#reconcile-notes")
        assert "Moderator's reason: grade far from the evidence" in notes and "Let us talk" in notes
        assert "requires improvement" in text_of(screen, "#reconcile-grades").lower()
        # Standards by their titles side by side, not their ids.
        shown = column(screen.query_one("#reconcile-table", DataTable), 0)
        assert "Chronology on file… up to date" in shown and "chronology" not in shown  # 80 columns: shortened
        await pilot.press("ctrl+s")  # nothing chosen yet: refused on screen, nothing stored
        await settle(pilot)
        assert moderation_escalations.resolutions(lee) == {}
        assert app.focused is screen.query_one("#reconcile-table", DataTable)
        await pilot.press("tab")  # from the reading to the resolution
        assert app.focused is screen.query_one("#resolve-final-grade", Select)
        screen.query_one("#resolve-final-grade", Select).value = Grade.good
        screen.query_one("#resolve-reason").focus()
        await pilot.press(*"evidence supports good")
        screen.query_one("#resolve-feedback", TextArea).text = "Well argued"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        [resolution] = moderation_escalations.resolutions(lee).values()
        assert resolution.final_grade == Grade.good and resolution.resolved_by == "lee"
        assert resolution.reason == "evidence supports good" and resolution.feedback == "Well argued"
        assert "Resolved by QA lead lee" in text_of(screen, "#reconcile-notes")
        assert not screen.query_one("#resolve-form").display

    app = make_app(db_path, username=auditor, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        text = text_of(app.screen, "#feedback-text")
        assert "Resolved by QA lead lee" in text and "Well argued" in text and "Let us talk" in text
        # f again (as if pressed twice to open it) acknowledges nothing unread (finding 23 of issue 26).
        await pilot.press("f")
        await settle(pilot)
        assert open_store(db_path, "admin").audits.get(first).moderation.acknowledged_on is None
        await pilot.press("k")
        await settle(pilot)
        assert open_store(db_path, "admin").audits.get(first).moderation.acknowledged_on == TODAY


async def test_sampling_at_80_columns_stacks_keeps_the_cursor_and_enter_leaves_the_box(db_path):
    from caseaudit.services import moderation as ms

    build(db_path)
    lee = open_store(db_path, "lee")
    ms.draw_sample(lee, "2024-25-Q1", "0.5", 1, "s")
    ms.assign_sample(lee, "2024-25-Q1")
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        # At 80 columns the progress list takes the whole width, so its outcome column shows.
        assert screen.query_one("#sampling-tables").has_class("narrow")
        screen.query_one("#sampling-rate", Input).focus()
        await pilot.press("enter")  # enter previews and gives the keys back to the table
        await settle(pilot)
        assert app.focused is screen.query_one("#sampling-preview", DataTable)
        progress = screen.query_one("#sampling-progress-table", DataTable)
        progress.focus()
        await pilot.press("down", "ctrl+o")
        await settle(pilot)
        second = column(progress, 0)[1]
        other = "mia" if column(progress, 3)[1] == "mo" else "mo"
        await pilot.press(*(["down"] if other == "mo" else []), "enter")  # mia, then mo
        await settle(pilot)
        assert lee.moderation.assignments(moderator=other) and column(progress, 3)[1] == other
        assert progress.cursor_row == 1 and column(progress, 0)[1] == second  # not sent back to the top


async def test_a_qa_lead_who_moderated_the_audit_is_told_before_typing_a_resolution(db_path):
    from caseaudit.services import moderation as ms
    from tui.screens.moderation.escalations import ResolveEscalationScreen

    build(db_path)
    admin = open_store(db_path, "admin")
    admin.people.upsert([User(username="quin", display_name="Quin Lead", roles=[Role.qa_lead, Role.moderator],
                             team="south")])
    lee = open_store(db_path, "lee")
    sample = ms.draw_sample(lee, "2024-25-Q1", "0.1", 1, "s")
    first = sample.selected[0]
    admin.moderation.assign(first, "quin")
    quin = open_store(db_path, "quin")
    ms.submit_blind(quin, first, full_blind(quin, first, "quin", "outstanding"))
    ms.reconcile(quin, first, "escalated", None, "far apart", "Let us talk")
    app = make_app(db_path, username="quin", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ResolveEscalationScreen(first))
        await settle(pilot)
        screen = app.screen
        assert "You cannot resolve this one: quin moderated it" in text_of(screen, "#reconcile-notes")
        assert not screen.query_one("#resolve-form").display
        assert "save" not in {b.binding.action for b in screen.active_bindings.values() if b.enabled}


async def test_drawing_again_on_the_screen_takes_another_sample_once_asked(db_path):
    """The screen asks before drawing a sampled quarter again and, told yes, draws it (the
    service refuses a second draw unless asked for one: finding 4 of issue 26)."""
    build(db_path)
    first = sampling_service_draw(db_path)
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "s", SamplingScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert f"has been sampled already: {first}" in text_of(app.screen, "Static")
        await pilot.press("y")
        await settle(pilot)
    assert [s.sample_id for s in open_store(db_path, "admin").samples.list("2024-25-Q1")] == [first, "S-000002"]


def sampling_service_draw(db_path) -> str:
    from caseaudit.services import moderation as ms

    return ms.draw_sample(open_store(db_path, "lee"), "2024-25-Q1", "0.1", 1, "s").sample_id
