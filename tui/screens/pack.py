"""The QA lead's inspection pack: paste the references inspectors named (case refs or Annex A
Child Unique IDs), choose the date, and get the pack as md or xlsx. What it found and every
reference it did not are shown here as well as on the pack's first page.

Made by caseaudit.services.pack, as `caseaudit pack` makes it: the same refusals (a case the
QA lead is moderating blind waits for the re-audit), the same free-text rule, the same record
in the history. A browser session gets the pack as a download, nothing written on the server.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Header, Input, Label, Static, TextArea

from audit_tools.calendar import format_day
from audit_tools.files import AlreadyThere
from audit_tools.pack import Pack, split_references
from caseaudit.services.outputs import make_private_folder
from caseaudit.services.pack import download_pack, export_pack
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.widgets.ticks import TickBox
from tui.widgets.prompts import Confirm
from tui.workers import failure_of, result_of
from caseaudit.services.locations import reports_folder

FORMAT_WORDS = {"md": "md", "xlsx": "XLSX"}


class PackScreen(CaseauditScreen):
    """An inspection pack for the children inspectors name."""

    AUTO_FOCUS = "#pack-references"

    DEFAULT_CSS = """
    PackScreen #pack-controls { height: auto; padding: 0 1; }
    PackScreen .pack-row { height: 1; }
    PackScreen .pack-row Label { width: auto; padding: 0 1 0 0; }
    PackScreen #pack-as-of { width: 14; }
    PackScreen #pack-notes { width: auto; margin-left: 2; }
    PackScreen #pack-folder { width: 1fr; }
    PackScreen .pack-row Button { width: auto; margin-right: 1; }
    PackScreen #pack-references { height: 1fr; min-height: 4; margin: 0 1; }
    PackScreen #pack-result { height: auto; max-height: 8; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f8", "make('md')", "Pack md", id="pack_make_md"),
        Binding("f9", "make('xlsx')", "Pack xlsx", id="pack_make_xlsx"),
    ]

    def __init__(self, export_folder: str | Path | None = None) -> None:
        super().__init__()
        self.export_folder = Path(export_folder) if export_folder else reports_folder()
        self.last_written: Path | None = None
        self.making = ""  # the format of the pack being made (a key of FORMAT_WORDS)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="pack-controls"):
            yield Static(Text("Paste the references inspectors named (case refs or Child Unique IDs), "
                              "one a line or separated by commas:", style="bold"))
            with Horizontal(classes="pack-row"):
                yield Label("As at")
                yield Input(format_day(self.app.today), compact=True, id="pack-as-of")
                yield TickBox("Include notes (free text)", False, compact=True, id="pack-notes")
            with Horizontal(classes="pack-row"):
                if self.app.DELIVERS_FILES:
                    yield Label("Save")
                    yield Static("the pack arrives in your browser as a download", classes="muted")
                else:
                    yield Label("Save to")
                    yield Input(str(self.export_folder), compact=True, id="pack-folder")
            with Horizontal(classes="pack-row"):
                yield Label("Make")
                yield Button("md F8", id="pack-make-md", compact=True, action="screen.make('md')")
                yield Button("XLSX F9", id="pack-make-xlsx", compact=True, action="screen.make('xlsx')")
        yield TextArea("", id="pack-references")
        yield Static("", id="pack-result")
        yield KeysFooter()

    def _say(self, text: Text | str) -> None:
        self.query_one("#pack-result", Static).update(text)

    def action_make(self, fmt: str, force: bool = False) -> None:
        refs_text = self.query_one("#pack-references", TextArea).text
        try:
            refs = split_references(refs_text)
        except Exception as err:
            self.app.show_problem(err, title="Pack not made")
            return
        if not refs:
            self._say(Text("Paste at least one reference first.", style="bold"))
            return
        as_of = self.query_one("#pack-as-of", Input).value.strip() or None
        notes = self.query_one("#pack-notes", Checkbox).value
        self._say(f"Making the {FORMAT_WORDS[fmt]} pack for {len(refs)} references…")
        self.making = fmt
        if self.app.DELIVERS_FILES:
            self.download(refs, fmt, as_of, notes)
            return
        folder = Path(self.query_one("#pack-folder", Input).value.strip() or ".").expanduser()
        self.write(refs, fmt, as_of, notes, folder, force)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pack")
    def write(self, refs: list[str], fmt: str, as_of: str | None, notes: bool, folder: Path,
              force: bool) -> tuple[Pack, Path]:
        make_private_folder(folder)
        return export_pack(self.app.store, refs, fmt, None, as_of, notes, force, folder=folder)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pack")
    def download(self, refs: list[str], fmt: str, as_of: str | None, notes: bool) -> tuple[Pack, str, bytes]:
        return download_pack(self.app.store, refs, fmt, as_of, notes)

    @result_of(write)
    def _written(self, found: tuple[Pack, Path]) -> None:
        self._done(*found, self.making, None)

    @failure_of(write, download)
    def _not_made(self, err: BaseException) -> None:
        self._done(None, None, self.making, err)

    @result_of(download)
    def _downloaded(self, found: tuple[Pack, str, bytes]) -> None:
        made, name, data = found
        self.app.deliver_binary(io.BytesIO(data), save_filename=name)
        self._summarise(made, f"Sent to your browser: {name}")

    def _summarise(self, made: Pack, where: str) -> None:
        s = made.summary()
        words = Text()
        words.append(f"{where}\n", style="bold")
        words.append(f"{s['cases_found']} of {s['references']} references found; "
                     f"{s['audited_in_last_12_months']} audited in the last 12 months; "
                     f"{s['overdue_actions']} overdue actions; {s['open_concerns']} open concerns.")
        if made.not_found:
            words.append(f"\nNot found: {', '.join(made.not_found)}", style="bold red")
        self._say(words)

    def _done(self, made: Pack | None, written: Path | None, fmt: str, err: BaseException | None) -> None:
        if isinstance(err, AlreadyThere):
            self._say(f"{err.path} is already there: not replaced.")

            def answered(replace: bool | None) -> None:
                if replace:
                    self.action_make(fmt, force=True)

            self.app.push_screen(Confirm(f"Replace {err.path}?", yes="Replace", no="Keep it"), answered)
            return
        if err is not None:
            self._say(Text("The pack was not made.", style="bold"))
            self.app.show_problem(err, title="Pack not made")
            return
        if made is None or written is None:
            return  # nothing failed and nothing was made: nothing to say
        self.last_written = written
        self._summarise(made, f"Written: {written}")
        self.app.notify(f"Inspection pack written: {written.name}, in the export folder", title="Pack made")
