"""The QA lead's monthly allocation: month, cases per auditor and seed; allocate; and the
month's allocation per auditor and per team, with what is done and why anyone ran short.

Allocating calls the same function as `caseaudit allocate` (caseaudit.services.allocation),
so an allocation made here verifies with `caseaudit allocate verify` like any other.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Input, Label, Static

from audit_tools import allocation as alloc
from audit_tools.errors import BadInput
from caseaudit.services.allocation import (
    AllocationPreview, AllocationView, NO_TEAM, allocate_month, allocation_view, month_of,
    preview_allocation,
)
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.widgets.prompts import Confirm
from tui.widgets.tables import repaint_later
from tui.workers import result_of


class AllocationScreen(CaseauditScreen):
    """Allocate the month's audits at random from other teams' cases, and follow them up."""

    # Arrive on the per-auditor table, not in a text box, so the app's one-letter keys work.
    AUTO_FOCUS = "#allocation-auditors"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+n", "allocate", "Allocate", id="allocation_allocate"),
        Binding("f5", "reload", "Refresh", id="allocation_refresh"),
    ]

    DEFAULT_CSS = """
    #allocation-form { height: auto; padding: 0 1; }
    #allocation-form Vertical { width: 1fr; height: auto; margin: 0 1 0 0; }
    #allocation-form Input { width: 100%; }
    #allocation-summary { height: auto; padding: 0 1; }
    #allocation-tables { height: 1fr; }
    #allocation-auditors { width: 2fr; height: 1fr; }
    #allocation-teams { width: 1fr; height: 1fr; }
    /* Below 120 columns the auditors need the whole width: the tables stack. */
    #allocation-tables.narrow { layout: vertical; }
    #allocation-tables.narrow #allocation-teams { width: 1fr; height: auto; max-height: 8; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: AllocationView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="allocation-form"):
            with Vertical():
                yield Label("Month")
                yield Input(month_of(self.app.today), id="allocation-month", compact=True)
            with Vertical():
                yield Label("Per auditor")
                yield Input("", id="allocation-per-auditor", compact=True, placeholder="monthly quota")
            with Vertical():
                yield Label("Seed")
                yield Input("", id="allocation-seed", compact=True, placeholder="blank: random")
        yield Static("Loading…", id="allocation-summary")
        with Horizontal(id="allocation-tables"):
            yield DataTable(id="allocation-auditors", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="allocation-teams", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def on_resize(self, event) -> None:
        self.query_one("#allocation-tables").set_class(event.size.width < 120, "narrow")

    def on_screen_resume(self) -> None:
        self.action_reload()

    # --- reading the form --------------------------------------------------------------

    def _month(self) -> str:
        return alloc.parse_month(self.query_one("#allocation-month", Input).value)

    def _params(self) -> tuple[str, str | None, str | None]:
        per_auditor = self.query_one("#allocation-per-auditor", Input).value.strip() or None
        seed = self.query_one("#allocation-seed", Input).value.strip() or None
        if per_auditor is not None:
            alloc.parse_per_auditor(per_auditor)
        return self._month(), per_auditor, seed

    @on(Input.Submitted)
    def _submitted(self) -> None:
        # Enter ends the edit: back on the table, the one-letter keys work again.
        self.action_reload()
        self.query_one("#allocation-auditors", DataTable).focus()

    # --- actions -----------------------------------------------------------------------

    def action_reload(self) -> None:
        try:
            month = self._month()
        except BadInput as err:
            self.app.show_problem(err)
            return
        self.load(month)

    def action_allocate(self) -> None:
        try:
            month, per_auditor, seed = self._params()
        except BadInput as err:
            self.app.show_problem(err)
            return
        # Work out what it would give first: a month with nothing left to allocate is told
        # now, not after "yes", and a month allocated already is said plainly in the question.
        self.before_allocate(month, per_auditor, seed)

    def _ask_allocate(self, preview: AllocationPreview, per_auditor: str | None) -> None:
        when = f"{alloc.first_day(preview.month):%B %Y}"
        plan = (f"{preview.cases} case{'s' if preview.cases != 1 else ''} to {preview.auditors} "
                f"auditor{'s' if preview.auditors != 1 else ''} ({preview.per_auditor} each at most), "
                f"seed {preview.seed}")
        if preview.earlier:
            ids = ", ".join(a.allocation_id or "" for a in preview.earlier)
            given = sum(len(refs) for a in preview.earlier for refs in a.allocated.values())
            question = (f"{when} has been allocated already: {ids} ({given} cases). Allocate {plan} more "
                        "from the cases not yet allocated? It is stored and recorded, and cannot be undone.")
            yes = "Allocate more"
        else:
            question = f"Allocate {plan} for {when}? It is stored and recorded, and cannot be undone."
            yes = "Allocate"

        def answered(yes: bool | None) -> None:
            if yes:
                self.allocate(preview.month, per_auditor, preview.seed)

        self.app.push_screen(Confirm(question, yes=yes), answered)

    # --- workers -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self, month: str) -> AllocationView:
        return allocation_view(self.app.store, month)

    @work(thread=True, exclusive=True, exit_on_error=False, group="before-allocate")
    def before_allocate(self, month: str, per_auditor: str | None, seed: str | None):
        return preview_allocation(self.app.store, month, per_auditor, seed), per_auditor

    @work(thread=True, exclusive=True, exit_on_error=False, group="allocate")
    def allocate(self, month: str, per_auditor: str | None, seed: str | None):
        return allocate_month(self.app.store, month, per_auditor, seed)

    @result_of(before_allocate)
    def _previewed(self, found: tuple) -> None:
        self._ask_allocate(*found)

    @result_of(allocate)
    def _allocated(self, made) -> None:
        total = sum(len(refs) for refs in made.allocated.values())
        short = f"; {len(made.short)} auditors short" if made.short else ""
        self.app.notify(f"Allocation {made.allocation_id}: {total} cases to {len(made.allocated)} auditors"
                        f"{short}, seed {made.seed}.", title="Audits allocated", timeout=8)
        self.query_one("#allocation-month", Input).value = made.month
        self.action_reload()

    # --- showing -----------------------------------------------------------------------

    @result_of(load)
    def show(self, view: AllocationView) -> None:
        self.view = view
        self.query_one("#allocation-per-auditor", Input).placeholder = f"quota: {view.per_auditor}"
        first = alloc.first_day(view.month)
        summary = Text()
        summary.append(f"{first:%B %Y}: ", style="bold")
        allocated: dict[str, list[str]] = {}
        short: dict[str, int] = {}
        if not view.allocations:
            summary.append("not allocated yet. ctrl+n allocates each auditor cases open on "
                           f"{first.day} {first:%B} from other teams, not audited in the 12 months before.")
        else:
            n = len(view.allocations)
            summary.append(f"{n} allocation{'s' if n > 1 else ''} made")
        for made in view.allocations:
            total = sum(len(refs) for refs in made.allocated.values())
            summary.append(f"\n{made.allocation_id}: {total} cases, {made.per_auditor} per auditor from "
                           f"{made.frame_size} open cases; seed {made.seed}; by {made.allocated_by}")
            for auditor, refs in made.allocated.items():
                allocated.setdefault(auditor, []).extend(refs)
            short = dict(made.short)  # the latest allocation's shortfalls are what is still missing
        if short:
            summary.append(f"\n{len(short)} auditor{'s' if len(short) > 1 else ''} short: ", style="bold yellow")
            summary.append("no more open cases outside their team, not theirs to work or manage, "
                           "not audited in the last 12 months and not yet allocated this month.")
        summary.append("\ntab moves between the tables and the boxes above (enter refreshes)", style="dim")
        self.query_one("#allocation-summary", Static).update(summary)

        done = {c.name: c for c in view.completion.by_auditor}
        table = self.query_one("#allocation-auditors", DataTable)
        kept = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        table.add_columns("auditor", "team", "cases", "started", "submitted", "short")
        for auditor in sorted(set(allocated) | set(done)):
            refs = sorted(allocated.get(auditor, []))
            row = done.get(auditor)
            missing = short.get(auditor, 0)
            table.add_row(auditor, view.teams.get(auditor) or NO_TEAM, ", ".join(refs) or "—",
                          str(row.started if row else 0), f"{row.submitted if row else 0} of {len(refs)}",
                          Text(str(missing), style="bold yellow") if missing else "",
                          key=auditor)
        if table.row_count:
            table.move_cursor(row=min(kept, table.row_count - 1), scroll=True)

        teams = self.query_one("#allocation-teams", DataTable)
        teams.clear(columns=True)
        teams.add_columns("auditors' team", "allocated", "started", "submitted")
        for row in view.completion.by_team:
            teams.add_row(row.name, str(row.allocated), str(row.started), str(row.submitted), key=row.name)
        repaint_later(table)
        repaint_later(teams)
