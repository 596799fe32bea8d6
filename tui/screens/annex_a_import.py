"""The admin's Annex A import: name the workbook, watch it read, see what went in and what not.

The import runs in a thread worker through the same service as `caseaudit import annex-a`;
a refused workbook writes nothing and every bad cell is listed on the screen.
"""

from __future__ import annotations

import io
import os

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, DataTable, Header, Input, ProgressBar, Select, Static

from rich.text import Text

from audit_tools.errors import BadInput
from audit_tools.files import AlreadyThere
from caseaudit.services.annex_a import import_annex_a, rejects_download, workbook_in, workbooks_in
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.widgets.ticks import TickBox
from tui.widgets.prompts import Confirm
from tui.workers import failure_of, result_of


def typed_path(text: str) -> str:
    """A path typed at the person's own terminal: `~` expanded as a shell would."""
    text = text.strip()
    return os.path.expanduser(text) if text else ""

LIST_TITLES = {3: "contacts and referrals", 4: "assessments", 5: "section 47 enquiries",
               6: "children in need", 7: "child protection", 8: "children looked after", 9: "care leavers"}
COLUMNS = (("rows", "rows"), ("cases created", "cases_created"), ("cases updated", "cases_updated"),
           ("events added", "events_added"), ("already stored", "events_already_stored"),
           ("refused", "refused"))


class AnnexAImportScreen(CaseauditScreen):
    """Import an Ofsted Annex A workbook (admin)."""

    rejects: str | None = None  # where the refused rows of the running import go

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+r", "run_import", "Import", id="annex_a_run_import"),
    ]
    DEFAULT_CSS = """
    AnnexAImportScreen #annex-a-form { height: auto; padding: 0 1; }
    AnnexAImportScreen #annex-a-summary { height: auto; max-height: 12; }
    AnnexAImportScreen #annex-a-problems { height: 1fr; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="annex-a-form"):
            yield Static("Annex A workbook (.xlsx): cases and events from Lists 3 to 9")
            if self.app.DELIVERS_FILES:
                # A browser session: a workbook uploaded to the served folder, chosen by name, and
                # the refused rows as a download; no path on the server is typed or written.
                names = workbooks_in(self.app.files)
                yield Select([(n, n) for n in names], prompt="choose an uploaded workbook" if names else
                             "no workbook uploaded yet: an admin uploads one on the upload page",
                             id="annex-a-choice", compact=True)
                yield TickBox("Import the good rows, and download the refused ones with their reasons",
                               id="annex-a-skip", compact=True)
            else:
                yield Input(placeholder="path to the workbook", id="annex-a-file")
                yield Input(placeholder="optional: REJECTS.csv to import the good rows and write the refused "
                            "ones there", id="annex-a-rejects")
            yield TickBox("Add teams no user belongs to yet (otherwise their rows are refused: a typo "
                           "must not make a team)", id="annex-a-new-teams", compact=True)
            yield ProgressBar(id="annex-a-progress", show_eta=False)
            yield Static("Enter or ctrl+r imports. A bad cell refuses the whole workbook unless a "
                         "rejects file is named.", id="annex-a-status")
        yield DataTable(id="annex-a-summary", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="annex-a-problems"):
            yield Static("", id="annex-a-messages")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#annex-a-summary", DataTable)
        table.add_columns("list", *(label for label, _ in COLUMNS))
        self.query_one("#annex-a-choice" if self.app.DELIVERS_FILES else "#annex-a-file").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run_import()

    def action_run_import(self, force: bool = False) -> None:
        if self.app.DELIVERS_FILES:
            self._run_served_import()
            return
        path = typed_path(self.query_one("#annex-a-file", Input).value)
        if not path:
            self.app.notify("Type the path of the Annex A workbook first.", severity="warning")
            return
        rejects = typed_path(self.query_one("#annex-a-rejects", Input).value) or None
        self.query_one("#annex-a-status", Static).update(Text(f"Importing {path} ..."))
        self.query_one("#annex-a-messages", Static).update("")
        self.query_one("#annex-a-summary", DataTable).clear()
        self.rejects = rejects
        self.run_import(path, rejects, force, self.query_one("#annex-a-new-teams", Checkbox).value)

    def _run_served_import(self) -> None:
        choice = self.query_one("#annex-a-choice", Select).value
        if not isinstance(choice, str):
            self.app.notify("Choose an uploaded workbook first.", severity="warning")
            return
        skip = self.query_one("#annex-a-skip", Checkbox).value
        self.query_one("#annex-a-status", Static).update(Text(f"Importing {choice} ..."))
        self.query_one("#annex-a-messages", Static).update("")
        self.query_one("#annex-a-summary", DataTable).clear()
        self.rejects = "a download" if skip else None
        self.run_served_import(choice, skip, self.query_one("#annex-a-new-teams", Checkbox).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="annex_a")
    def run_served_import(self, name: str, skip: bool, new_teams: bool):
        path = workbook_in(self.app.files, name)  # a name from the list, never a path
        return import_annex_a(self.app.store, path, progress=self._progress, skip_invalid=skip,
                              new_teams=new_teams)

    def _progress(self, done: int, total: int) -> None:
        self.app.call_from_thread(self.query_one("#annex-a-progress", ProgressBar).update,
                                  total=max(total, 1), progress=done)

    @work(thread=True, exclusive=True, exit_on_error=False, group="annex_a")
    def run_import(self, path: str, rejects: str | None, force: bool = False, new_teams: bool = False):
        return import_annex_a(self.app.store, path, rejects=rejects, progress=self._progress, force=force,
                              new_teams=new_teams)

    @result_of(run_import, run_served_import)
    def _imported(self, plan) -> None:
        if self.app.DELIVERS_FILES and self.rejects and any(c.refused for c in plan.lists.values()):
            name, text = rejects_download(plan)
            self.app.deliver_text(io.StringIO(text), save_filename=name)
        self.show_plan(plan, self.rejects or "")

    @failure_of(run_import, run_served_import)
    def _not_imported(self, error: BaseException) -> None:
        self.app.show_problem(error)  # the sentence every failure gets, then what to do about this one
        if isinstance(error, AlreadyThere):
            self.query_one("#annex-a-status", Static).update(
                Text(f"Nothing was imported: {error.path} is already there and was not replaced."))

            def answered(replace: bool | None) -> None:
                if replace:
                    self.action_run_import(force=True)

            self.app.push_screen(Confirm(f"Replace {error.path}?", yes="Replace", no="Keep it"), answered)
        elif isinstance(error, BadInput):
            self.query_one("#annex-a-status", Static).update(
                f"Nothing was imported: {len(error.lines)} problem(s). Correct the workbook, or name a "
                "rejects file to import the good rows.")
            self.query_one("#annex-a-messages", Static).update(Text("\n".join(error.lines)))

    def show_plan(self, plan, rejects: str) -> None:
        table = self.query_one("#annex-a-summary", DataTable)
        for number, counts in sorted(plan.lists.items()):
            figures = counts.as_json()
            table.add_row(f"{number} {LIST_TITLES.get(number, '')}", *(str(figures[key]) for _, key in COLUMNS))
        refused = sum(c.refused for c in plan.lists.values())
        status = (f"Imported {plan.file}: {len(plan.created)} cases created, {len(plan.updated)} updated, "
                  f"{len(plan.events)} events added.")
        if refused:
            status += (f" {refused} rows refused, sent to your browser with their reasons."
                       if self.app.DELIVERS_FILES else f" {refused} rows refused, written to {rejects}.")
        self.query_one("#annex-a-status", Static).update(Text(status))
        lines = [f"added teams: {', '.join(plan.teams_added)}"] if plan.teams_added else []
        lines += [f"updated {case.case_ref}: " + "; ".join(f"{f} {a or 'empty'} -> {b or 'empty'}"
                                                          for f, (a, b) in changes.items())
                 for case, changes in plan.updated[:50]]
        if plan.children_without_case:
            lines.append(f"{plan.children_without_case} children without a case: their events were not stored")
        lines += [f"warning: {w}" for w in plan.warnings]
        lines += [f"List {n}: ignored columns: {', '.join(cols)}" for n, cols in sorted(plan.ignored_columns.items())
                  if cols]
        self.query_one("#annex-a-messages", Static).update(Text("\n".join(lines)))
