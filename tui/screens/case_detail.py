"""One case: what the standards engine finds now (late ones first in the eye), the events
timeline, and the case's audits. `n` starts an audit."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from audit_tools.calendar import format_day
from audit_tools.models import Status
from caseaudit.services import cases as case_service
from caseaudit.services.cases import CaseDetail
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.words import counts_text, shorten
from tui.navigation import OpenAudit, StartAudit
from tui.workers import result_of

STATUS_STYLE = {
    Status.met: "green",
    Status.partly_met: "bold dark_orange3",  # readable on the light theme too
    Status.not_met: "bold red",
    Status.not_applicable: "dim",
    None: "italic",
}
STATUS_WORDS = {
    Status.met: "met",
    Status.partly_met: "partly met",
    Status.not_met: "NOT MET",
    Status.not_applicable: "n/a",
    None: "judgement",
}


class CaseDetailScreen(CaseauditScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("n", "new_audit", "New audit", id="new_audit"),
    ]

    # The standards table takes the focus once the case has loaded (show): Textual's default
    # would give it to the scrolling body meanwhile, restyling the body and every table in it
    # as it took the focus and again as it gave it up.
    AUTO_FOCUS = ""
    _holding = True  # laid out and painted once the case has loaded (CaseauditScreen's hold)

    def __init__(self, case_ref: str) -> None:
        super().__init__()
        self.case_ref = case_ref

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Loading case {self.case_ref}…", id="case-summary")
        with VerticalScroll(id="case-detail-body"):
            yield Static("Standards now", classes="section")
            yield DataTable(id="standards-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="standard-evidence")
            yield Static("Audits of this case, newest first", classes="section")
            yield DataTable(id="case-audits-table", cursor_type="row", zebra_stripes=True)
            yield Static("Events, newest first", classes="section")
            yield DataTable(id="events-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self._hold_until_loaded()

    def on_screen_resume(self) -> None:
        # On opening, and on coming back from an audit: one just submitted (or amended,
        # or a draft started) is in the list without reopening the case.
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> CaseDetail:
        return case_service.case_detail(self.app.store, self.app.user, self.app.catalogue, self.app.today,
                                        self.case_ref)

    @result_of(load)
    def show(self, found: CaseDetail) -> None:
        case, report = found.case, found.report
        self.report = report
        self.blind = found.blind
        summary = Text()
        summary.append(f"{case.case_ref}", style="bold")
        summary.append(f"  {case.case_type.value}, started {format_day(case.start_date)}, team "
                       f"{case.team or '—'}, worker {case.worker or '—'}, manager {case.line_manager or '—'}")
        if case.closed_date:
            summary.append(f", closed {format_day(case.closed_date)}")
        summary.append(f"\nAs at {format_day(report.as_of)}: ")
        summary.append_text(counts_text(found.counts))
        summary.append(". n starts an audit.")
        self.query_one("#case-summary", Static).update(summary)

        standards = self.query_one("#standards-table", DataTable)
        standards.clear(columns=True)
        standards.add_columns("status", "standard", "evidence")
        widths = [len("status"), len("standard"), len("evidence")]
        for result in report.results:
            status = Text(STATUS_WORDS[result.status], style=STATUS_STYLE[result.status])
            evidence = result.evidence if result.status is not None else "needs the auditor's judgement"
            standard = self.app.catalogue.get(result.standard)
            title = standard.title if standard is not None else result.standard
            # Room left for the evidence at 80 columns; the full title shows under the table.
            shown = shorten(title, max(24, self.app.size.width - 44))
            standards.add_row(status, shown, Text(evidence, style="bold" if result.late else ""),
                              key=result.standard)
            widths = [max(w, cell_len(c)) for w, c in zip(widths, (status.plain, shown, evidence))]

        audits = self.query_one("#case-audits-table", DataTable)
        audits.clear(columns=True)
        audits.add_columns("audit", "auditor", "as at", "submitted", "grade")
        # Newest first, as the events are: ids from imports and from caseaudit do not sort by date.
        for row in sorted(found.audits, key=lambda r: (r.as_of, r.audit_id), reverse=True):
            submitted = format_day(row.submitted_on) if row.submitted_on else "draft"
            if row.audit_id in found.imported:
                submitted += ", imported"
            audits.add_row(row.audit_id, row.auditor, format_day(row.as_of), submitted,
                           row.final_grade.label if row.final_grade else "", key=row.audit_id)
        if not found.audits:
            audits.add_row("none yet", "", "", "", "")

        events = self.query_one("#events-table", DataTable)
        events.clear(columns=True)
        events.add_columns("date", "event", "detail")
        for event in sorted(case.events, key=lambda e: e.date, reverse=True):
            detail = []
            if event.kind.value == "visit":
                if not event.child_seen:
                    detail.append("child not seen")
                elif event.seen_alone is True:
                    detail.append("seen alone")
                elif event.seen_alone is False:
                    detail.append(f"not alone: {event.reason_not_alone or 'no reason recorded'}")
            if event.note:
                detail.append(event.note)
            events.add_row(format_day(event.date), event.kind.value.replace("_", " "), "; ".join(detail))
        if not getattr(self, "_shown_once", False):
            self._shown_once = True  # coming back keeps the focus where the user left it
            standards.focus(scroll_visible=False)
            # The case opens at its top, its first heading in view, however the layout settled.
            self.query_one("#case-detail-body", VerticalScroll).scroll_home(animate=False)
        if self._holding:
            self._holding = False  # laid out and painted next, with the case in place
            body = self.query_one("#case-detail-body", VerticalScroll)
            if self._overflows(len(report.results), len(found.audits), len(case.events)):
                body.show_vertical_scrollbar = True  # laid out beside its scrollbar from the first pass
            if sum(w + 2 for w in widths) > self.app.size.width - 2:
                standards.show_horizontal_scrollbar = True  # the evidence runs past the edge
            self.refresh(layout=True)

    def _overflows(self, standards: int, audits: int, events: int) -> bool:
        """Whether the case is sure to be taller than its scrolling body: three headings with
        a gap above each, each table's header and rows (a table no taller than the body),
        a line of evidence; the body at most the screen less the header, the summary's two
        lines and the footer. (A wrong guess only costs a layout: Textual sets the scrollbar
        again from what the layout finds.)"""
        box = self.app.size.height - 4
        tallest = max(standards + 1, events + 1)
        return tallest >= box or 6 + (standards + 1) + 1 + (max(audits, 1) + 1) + (events + 1) > box

    @on(DataTable.RowHighlighted, "#standards-table")
    def _show_evidence(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is None or not hasattr(self, "report"):
            return
        for result in self.report.results:
            if result.standard == event.row_key.value:
                text = Text()
                standard = self.app.catalogue.get(result.standard)
                if standard is not None:
                    text.append(f"{standard.title}. ", style="bold")
                text.append(result.evidence)
                for late in result.late:
                    came = format_day(late.actual) if late.actual else "nothing yet"
                    text.append(f"\n  late: due {format_day(late.due)}, came {came}", style="bold red")
                self.query_one("#standard-evidence", Static).update(text)

    @on(DataTable.RowSelected, "#case-audits-table")
    def _open_audit(self, event: DataTable.RowSelected) -> None:
        audit_id = event.row_key.value
        hidden = getattr(self, "blind", {})
        if audit_id in hidden:  # the service's refusal, told rather than opening the form to refuse
            self.notify(f"{hidden[audit_id]} (m opens your moderation queue).", severity="warning")
        elif audit_id:
            self.post_message(OpenAudit(audit_id=audit_id))

    def action_new_audit(self) -> None:
        self.post_message(StartAudit(self.case_ref))
