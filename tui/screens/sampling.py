"""The QA lead's moderation sample: preview, draw, assign, and follow the quarter's progress.

Drawing and assigning call the same functions as `caseaudit sample draw` (caseaudit.services.moderation),
so a sample drawn here verifies with `caseaudit sample verify` like any other.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Input, Label, Static

from audit_tools import sampling
from audit_tools.errors import BadInput
from audit_tools.moderation import OUTCOME_CELL, STATE_WORDS, ModerationState
from audit_tools.quarters import Quarter
from caseaudit.services.moderation import (
    assign_moderator, assign_sample, draw_sample, eligible_moderators_for, plan_assignment,
)
from caseaudit.services.sampling_view import SamplingView, sampling_view
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.widgets.prompts import ChooseOne, Confirm
from tui.widgets.tables import repaint_later
from tui.navigation import OpenEscalations, OpenModeration
from tui.workers import result_of

STATE_STYLE = {ModerationState.unassigned: "bold red", ModerationState.assigned: "bold",
               ModerationState.to_reconcile: "yellow", ModerationState.reconciled: "green"}


class SamplingScreen(CaseauditScreen):
    """Draw the quarter's moderation sample and watch it through to reconciliation."""

    # Arrive on the per-auditor table, not in a text box: the app's one-letter keys (d, c,
    # m, ?) must move on as on every other screen; tab reaches the quarter, rate and seed.
    AUTO_FOCUS = "#sampling-preview"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        # Enter in a box previews too, so preview stays off the footer to leave room at 80 columns.
        Binding("ctrl+r", "preview", "Preview", id="sampling_preview", show=False),
        Binding("ctrl+n", "draw", "Draw sample", id="sampling_draw"),
        Binding("ctrl+t", "assign", "Assign", id="sampling_assign"),
        Binding("ctrl+o", "reassign", "Reassign", id="sampling_reassign"),
        Binding("e", "escalations", "Escalations", id="sampling_escalations"),
    ]

    DEFAULT_CSS = """
    #sampling-form { height: auto; padding: 0 1; }
    #sampling-form Vertical { width: 1fr; height: auto; margin: 0 1 0 0; }
    #sampling-form Input { width: 100%; }
    #sampling-summary { height: auto; padding: 0 1; }
    #sampling-tables { height: 1fr; }
    #sampling-preview { width: 27; height: 1fr; }
    #sampling-progress { width: 1fr; height: 1fr; }
    /* Below 120 columns the progress list needs the whole width: the tables stack. */
    #sampling-tables.narrow { layout: vertical; }
    #sampling-tables.narrow #sampling-preview { width: 1fr; height: auto; max-height: 6; }
    #sampling-progress-title { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: SamplingView | None = None

    def compose(self) -> ComposeResult:
        quarter = Quarter.of(self.app.today)
        yield Header()
        with Horizontal(id="sampling-form"):
            with Vertical():
                yield Label("Quarter")
                yield Input(quarter.label, id="sampling-quarter", compact=True)
            with Vertical():
                yield Label("Rate")
                yield Input(sampling.DEFAULT_RATE, id="sampling-rate", compact=True)
            with Vertical():
                yield Label("Min per auditor")
                yield Input(str(sampling.DEFAULT_MIN_PER_AUDITOR), id="sampling-min", compact=True)
            with Vertical():
                yield Label("Seed")
                yield Input("", id="sampling-seed", compact=True, placeholder="blank: random")
        yield Static("Loading…", id="sampling-summary")
        with Horizontal(id="sampling-tables"):
            yield DataTable(id="sampling-preview", cursor_type="row", zebra_stripes=True)
            with Vertical(id="sampling-progress"):
                yield Static("", id="sampling-progress-title")
                yield DataTable(id="sampling-progress-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.action_preview()

    def on_resize(self, event) -> None:
        self.query_one("#sampling-tables").set_class(event.size.width < 120, "narrow")

    def on_screen_resume(self) -> None:
        self.action_preview()

    # --- reading the form --------------------------------------------------------------

    def _quarter(self) -> Quarter:
        text = self.query_one("#sampling-quarter", Input).value
        try:
            return Quarter.parse(text)
        except ValueError as err:
            raise BadInput(f"quarter: {err}") from None

    def _params(self) -> tuple[Quarter, str, str, str | None]:
        rate = self.query_one("#sampling-rate", Input).value.strip()
        minimum = self.query_one("#sampling-min", Input).value.strip()
        seed = self.query_one("#sampling-seed", Input).value.strip() or None
        return self._quarter(), rate, minimum, seed

    @on(Input.Submitted)
    def _submitted(self) -> None:
        # Enter ends the edit: back on the table, the one-letter keys work again.
        self.action_preview()
        self.query_one("#sampling-preview", DataTable).focus()

    # --- actions -----------------------------------------------------------------------

    def action_preview(self) -> None:
        try:
            quarter, rate, minimum, _ = self._params()
        except BadInput as err:
            self.app.show_problem(err)
            return
        self.load(quarter, rate, minimum)

    def action_draw(self) -> None:
        try:
            quarter, rate, minimum, seed = self._params()
            sampling.parse_rate(rate)
            sampling.parse_min_per_auditor(minimum)
        except BadInput as err:
            self.app.show_problem(err)
            return
        # Read the quarter as it is now (the boxes may have changed since the last preview),
        # then ask: a quarter already sampled is said plainly before a second draw.
        self.before_draw(quarter, rate, minimum, seed)

    def _ask_draw(self, view: SamplingView, rate: str, minimum: str, seed: str | None) -> None:
        quarter = view.quarter
        size = sum(s.k for s in view.strata)
        if view.samples:
            drawn = sum(len(s.selected) for s in view.samples)
            ids = ", ".join(s.sample_id or "" for s in view.samples)
            question = (f"{quarter.label} has been sampled already: {ids} ({drawn} audits). "
                        f"Draw another sample of {size} from the {view.frame_size} audits not yet sampled? "
                        "It is stored and recorded, and cannot be undone.")
            yes = "Draw another"
        else:
            question = (f"Draw the moderation sample for {quarter.label} ({size} audits)? "
                        "It is stored and recorded, and cannot be undone.")
            yes = "Draw"

        def answered(yes: bool | None) -> None:
            if yes:
                # "again" only when the question said the quarter was sampled: a sample drawn by
                # someone else since is refused by the service, naming it, not drawn over silently.
                self.draw(quarter, rate, minimum, seed, again=bool(view.samples))

        self.app.push_screen(Confirm(question, yes=yes), answered)

    def action_assign(self) -> None:
        try:
            quarter = self._quarter()
        except BadInput as err:
            self.app.show_problem(err)
            return
        self.plan_assignment(quarter)  # a preview first; nothing is stored until confirmed

    def _ask_assign(self, quarter: Quarter, plan: dict[str, str]) -> None:
        if not plan:
            self.app.notify(f"Nothing left to assign in {quarter.label}.", title="Moderators assigned")
            return
        per: dict[str, list[str]] = {}
        for audit_id, moderator in plan.items():
            per.setdefault(moderator, []).append(audit_id)
        lines = [f"Assign {len(plan)} sampled audit{'s' if len(plan) != 1 else ''} of {quarter.label}:"]
        for moderator, ids in sorted(per.items()):
            shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            lines.append(f"  {moderator}: {len(ids)} ({shown})")
        lines.append("No one moderates their own audit or a case they work or manage.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.assign(quarter, plan)

        self.app.push_screen(Confirm("\n".join(lines), yes="Assign"), answered)

    def action_reassign(self) -> None:
        table = self.query_one("#sampling-progress-table", DataTable)
        if table.row_count == 0:
            self.app.notify("No sampled audit to reassign in this quarter.", severity="warning")
            return
        audit_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.eligible(audit_id)

    def _ask_moderator(self, audit_id: str, eligible: list) -> None:
        options = [(f"{m.username}  {m.display_name}  ({m.open_load} open)", m.username) for m in eligible]

        def answered(moderator: str | None) -> None:
            if moderator:
                self.reassign(audit_id, moderator)

        self.app.push_screen(ChooseOne(
            f"Moderator for audit {audit_id}: those who may take it, with the work they have open",
            options, empty="No moderator may take it: each is its auditor, or the case's worker or "
            "line manager. Give someone outside the line the moderator role."), answered)

    @on(DataTable.RowSelected, "#sampling-progress-table")
    def open_moderation(self, event: DataTable.RowSelected) -> None:
        """The QA lead reads a re-audited or reconciled (or escalated) moderation side by side."""
        row = next((r for r in (self.view.progress if self.view else []) if r.audit_id == event.row_key.value), None)
        if row is None or row.state.blind:
            self.app.notify("Not re-audited yet: the original stays hidden until the moderator has scored it.",
                            severity="warning")
            return
        self.post_message(OpenModeration(row.audit_id, row.state, escalated=row.escalated))

    def action_escalations(self) -> None:
        self.post_message(OpenEscalations())

    # --- workers -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self, quarter: Quarter, rate: str, minimum: str) -> SamplingView:
        return sampling_view(self.app.store, quarter, rate, minimum)

    @work(thread=True, exclusive=True, exit_on_error=False, group="draw")
    def draw(self, quarter: Quarter, rate: str, minimum: str, seed: str | None, again: bool = False):
        return draw_sample(self.app.store, quarter, rate, minimum, seed, again=again)

    @work(thread=True, exclusive=True, exit_on_error=False, group="before-draw")
    def before_draw(self, quarter: Quarter, rate: str, minimum: str, seed: str | None) -> tuple:
        return sampling_view(self.app.store, quarter, rate, minimum), rate, minimum, seed

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-assignment")
    def plan_assignment(self, quarter: Quarter) -> tuple[Quarter, dict[str, str]]:
        return quarter, plan_assignment(self.app.store, quarter)

    @work(thread=True, exclusive=True, exit_on_error=False, group="assign")
    def assign(self, quarter: Quarter, plan: dict[str, str]) -> dict[str, str]:
        return assign_sample(self.app.store, quarter, expected=plan)

    @work(thread=True, exclusive=True, exit_on_error=False, group="eligible")
    def eligible(self, audit_id: str) -> tuple[str, list]:
        return audit_id, eligible_moderators_for(self.app.store, audit_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reassign")
    def reassign(self, audit_id: str, moderator: str) -> str:
        assign_moderator(self.app.store, audit_id, moderator)
        return f"Audit {audit_id} is now with {moderator}."

    @result_of(before_draw)
    def _before_draw(self, found: tuple) -> None:
        self._ask_draw(*found)

    @result_of(plan_assignment)
    def _planned(self, found: tuple[Quarter, dict[str, str]]) -> None:
        self._ask_assign(*found)

    @result_of(eligible)
    def _eligible(self, found: tuple[str, list]) -> None:
        self._ask_moderator(*found)

    @result_of(draw)
    def _drawn(self, sample) -> None:
        self.app.notify(f"Sample {sample.sample_id}: {len(sample.selected)} of {len(sample.frame)} audits, "
                        f"seed {sample.seed}.", title="Sample drawn", timeout=8)
        self.action_preview()

    @result_of(assign)
    def _assigned(self, plan: dict[str, str]) -> None:
        self.app.notify(f"{len(plan)} audits assigned." if plan else "Nothing left to assign.",
                        title="Moderators assigned")
        self.action_preview()

    @result_of(reassign)
    def _reassigned(self, words: str) -> None:
        self.app.notify(words, title="Reassigned")
        self.action_preview()

    # --- showing -----------------------------------------------------------------------

    @result_of(load)
    def show(self, view: SamplingView) -> None:
        self.view = view
        summary = Text()
        summary.append(f"{view.quarter.label}: ", style="bold")
        summary.append(f"{view.frame_size} audits can still be sampled")
        if view.problem:
            summary.append(f". {view.problem}", style="bold red")
        else:
            total = sum(s.k for s in view.strata)
            summary.append(f"; a draw now takes {total}. ")
        if view.samples:
            ids = ", ".join(s.sample_id or "" for s in view.samples)
            summary.append(f"\nDrawn already: {ids} ({sum(len(s.selected) for s in view.samples)} audits).")
        summary.append(f"\nModeration this quarter: {view.figures.words}.")
        summary.append("\ntab moves between the tables and the boxes above (enter previews)",
                       style="dim")
        self.query_one("#sampling-summary", Static).update(summary)

        table = self.query_one("#sampling-preview", DataTable)
        table.clear(columns=True)
        table.add_columns("auditor", "audits", "sample")
        for s in view.strata:
            table.add_row(s.auditor, str(s.n), str(s.k), key=s.auditor)

        counts: dict[ModerationState, int] = {}
        for row in view.progress:
            counts[row.state] = counts.get(row.state, 0) + 1
        title = Text("Where each sampled audit stands: ", style="bold")
        if view.progress:
            title.append(", ".join(f"{counts.get(s, 0)} {STATE_WORDS[s]}" for s in STATE_STYLE))
            waiting = sum(r.escalated and not r.resolved for r in view.progress)
            if waiting:
                title.append(f"; {waiting} escalated to resolve (enter or e)", style="bold yellow")
        else:
            title.append("no sample drawn for this quarter yet")
        self.query_one("#sampling-progress-title", Static).update(title)

        progress = self.query_one("#sampling-progress-table", DataTable)
        # Keep the cursor on the audit it was on: a reload after each reassignment or return
        # from a moderation must not send the QA lead back to the top of the list.
        kept = progress.cursor_row if progress.row_count else 0
        progress.clear(columns=True)
        progress.add_columns("audit", "case", "auditor", "moderator", "state", "outcome")
        for row in view.progress:
            progress.add_row(row.audit_id, row.case_ref, row.auditor, row.moderator or "—",
                             Text(STATE_WORDS[row.state], style=STATE_STYLE[row.state]),
                             (OUTCOME_CELL[row.outcome] if row.outcome else "") + (", resolved" if row.resolved else "")
                             + (" ✓" if row.acknowledged else ""),
                             key=row.audit_id)
        if progress.row_count:
            progress.move_cursor(row=min(kept, progress.row_count - 1), scroll=True)
        repaint_later(table)
        repaint_later(progress)
