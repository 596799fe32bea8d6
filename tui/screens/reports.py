"""The reports screen: the quarterly themes report on screen, with charts, and exported
in any of the four formats from one key (the same functions as `caseaudit export themes`)."""

from __future__ import annotations

import io
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Header,
    Input,
    Label,
    Markdown,
    ProgressBar,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from audit_tools.exporters import render_headline
from audit_tools.models import Grade
from audit_tools.quarters import Quarter
from audit_tools.themes import ThemesReport, pct
from audit_tools.wording import kappa_words, percent
from audit_tools.files import AlreadyThere
from caseaudit.services.outputs import make_private_folder
from caseaudit.services.themes import download_themes_report, export_themes_report, themes_for
from tui.screens.base import CaseauditScreen
from tui.widgets.bar_chart import BarChart, BarRow
from tui.words import shorten
from tui.widgets.footer import KeysFooter
from tui.widgets.ticks import TickBox
from tui.widgets.prompts import Confirm
from tui.workers import failure_of, result_of
from caseaudit.services.locations import reports_folder

FORMAT_WORDS = {"json": "JSON", "csv": "CSV", "xlsx": "XLSX", "md": "board paper (md)"}
QUARTERS_SHOWN = 8


def _pct(value: float | None) -> str:
    """A percentage the themes figures give as 0..100, written as every screen writes one."""
    return percent(None if value is None else value / 100, 1)


def export_target(folder: Path, quarter: Quarter, fmt: str) -> Path:
    """Where the screen writes a format: one name per quarter, so a re-export replaces it."""
    name = f"themes-{quarter.code}"
    return folder / (f"{name}-csv" if fmt == "csv" else f"{name}.{fmt}")


class ReportsScreen(CaseauditScreen):
    """Quarterly themes: figures, charts against the previous quarter, and exports."""

    DEFAULT_CSS = """
    ReportsScreen #reports-controls { height: auto; padding: 1 1 0 1; }
    ReportsScreen .reports-row { height: 1; }
    ReportsScreen .reports-row Label { width: auto; padding: 0 1 0 0; }
    ReportsScreen #reports-quarter { width: 18; }
    ReportsScreen #reports-notes { width: auto; margin-left: 2; }
    ReportsScreen #reports-folder { width: 1fr; }
    ReportsScreen .reports-row Button { width: auto; min-width: 8; margin-right: 1; }
    ReportsScreen #reports-status-row { height: 1; padding: 0 1; }
    ReportsScreen #reports-progress { width: 24; display: none; }
    ReportsScreen #reports-progress.busy { display: block; }
    ReportsScreen #reports-status { width: 1fr; color: $text-muted; }
    ReportsScreen #reports-tabs { height: 1fr; }
    ReportsScreen DataTable { height: auto; max-height: 100%; }
    ReportsScreen .reports-caption { text-style: bold; color: $accent; margin-top: 1; }
    ReportsScreen #reports-chart-grades { margin-top: 1; }
    """

    BINDINGS = [
        Binding("j", "export('json')", "JSON", id="reports_export_json"),
        Binding("v", "export('csv')", "CSV", id="reports_export_csv"),
        Binding("x", "export('xlsx')", "XLSX", id="reports_export_xlsx"),
        Binding("b", "export('md')", "Board paper", id="reports_export_md"),
        Binding("left_square_bracket", "step_quarter(-1)", "Previous quarter",
                id="reports_previous_quarter", key_display="["),
        Binding("right_square_bracket", "step_quarter(1)", "Next quarter",
                id="reports_next_quarter", key_display="]"),
        Binding("n", "toggle_notes", "Include notes", id="reports_include_notes", show=False),
        Binding("f5", "reload", "Reload", id="reports_reload", show=False),
        # The export keys (j, v, x, b) sit beside q: a slip here must not close the app.
        Binding("q", "ask_quit", "Quit", id="reports_quit", show=False),
    ]

    AUTO_FOCUS = "#reports-tabs Tabs"

    def __init__(self, export_folder: str | Path | None = None) -> None:
        super().__init__()
        self.export_folder = Path(export_folder) if export_folder else reports_folder()
        self.report: ThemesReport | None = None
        self.quarter: Quarter | None = None
        self.exporting = ""  # the format of the report being written (a key of FORMAT_WORDS)

    # -- layout -----------------------------------------------------------------------

    def _quarters(self) -> list[Quarter]:
        current = Quarter.of(self.app.today)
        quarters = [current]
        for _ in range(QUARTERS_SHOWN - 1):
            quarters.append(quarters[-1].previous())
        return quarters

    def compose(self) -> ComposeResult:
        # The quarter the QA lead is in (as at the app's today); [ steps back to earlier ones.
        self.quarter = Quarter.of(self.app.today)
        options = [(q.label, q.code) for q in self._quarters()]
        self._codes = [code for _, code in options]  # newest first
        yield Header()
        with Vertical(id="reports-controls"):
            with Horizontal(classes="reports-row"):
                yield Label("Quarter")
                yield Select(options, value=self.quarter.code, allow_blank=False, compact=True,
                             id="reports-quarter")
                yield TickBox("Include notes (free text)", False, compact=True, id="reports-notes")
            with Horizontal(classes="reports-row"):
                if self.app.DELIVERS_FILES:  # a browser saves downloads where its person chooses
                    yield Label("Save")
                    yield Static("each export arrives in your browser as a download", classes="muted")
                else:
                    yield Label("Save to")
                    yield Input(str(self.export_folder), compact=True, id="reports-folder")
            with Horizontal(classes="reports-row"):
                yield Label("Export")
                for fmt, words in [("json", "JSON j"), ("csv", "CSV v"), ("xlsx", "XLSX x"),
                                   ("md", "Board paper b")]:
                    yield Button(words, id=f"reports-export-{fmt}", compact=True,
                                 action=f"screen.export('{fmt}')")
        with Horizontal(id="reports-status-row"):
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="reports-progress")
            yield Static("", id="reports-status")
        with TabbedContent(id="reports-tabs"):
            with TabPane("Summary", id="reports-tab-summary"):
                with VerticalScroll():
                    yield Markdown("", id="reports-summary")
            with TabPane("Standards", id="reports-tab-standards"):
                yield DataTable(id="reports-standards", zebra_stripes=True, cursor_type="row")
            with TabPane("Charts", id="reports-tab-charts"):
                with VerticalScroll(id="reports-charts"):
                    yield BarChart(id="reports-chart-standards")
                    yield BarChart(id="reports-chart-grades")
            with TabPane("Grades & themes", id="reports-tab-grades"):
                with VerticalScroll():
                    yield Static("Grades after moderation", classes="reports-caption")
                    yield DataTable(id="reports-grades", zebra_stripes=True, cursor_type="row")
                    yield Static("Themes", classes="reports-caption")
                    yield DataTable(id="reports-themes", zebra_stripes=True, cursor_type="row")
            with TabPane("Audits", id="reports-tab-audits"):
                with VerticalScroll():
                    yield Static("By auditor against quota", classes="reports-caption")
                    yield DataTable(id="reports-auditors", zebra_stripes=True, cursor_type="row")
                    yield Static("By the case's team", classes="reports-caption")
                    yield DataTable(id="reports-teams", zebra_stripes=True, cursor_type="row")
            with TabPane("Moderation & actions", id="reports-tab-moderation"):
                with VerticalScroll():
                    yield DataTable(id="reports-moderation", zebra_stripes=True, cursor_type="row")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load_report(self.quarter)

    # -- loading ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports-load")
    def load_report(self, quarter: Quarter) -> ThemesReport:
        self.app.call_from_thread(self._set_status, f"Loading {quarter.label}…", True)
        return themes_for(self.app.store, quarter, catalogue=self.app.catalogue)

    def _set_status(self, text: str, busy: bool = False) -> None:
        self.query_one("#reports-status", Static).update(text)
        self.query_one("#reports-progress", ProgressBar).set_class(busy, "busy")

    @result_of(load_report)
    def show_report(self, report: ThemesReport) -> None:
        self.report = report
        self.quarter = Quarter.parse(report.quarter)
        prev = Quarter.parse(report.previous.quarter).label
        self._set_status(f"{report.label}: {report.audits.completed} audits submitted; "
                         f"compared with {prev} ({report.previous.audits.completed}).")
        self.query_one("#reports-summary", Markdown).update("\n".join(render_headline(report)))
        self._fill_standards(report, prev)
        self._fill_grades(report, prev)
        self._fill_themes(report, prev)
        self._fill_audits(report, prev)
        self._fill_moderation(report, prev)
        self._draw_charts(report, prev)

    def _table(self, table_id: str, *columns: str) -> DataTable:
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear(columns=True)
        table.add_columns(*columns)
        return table

    def _fill_standards(self, r: ThemesReport, prev: str) -> None:
        # The rates first, beside the title: at 80 columns the counts scroll into view, the
        # % met never does; a long title is shortened rather than pushing the rates off screen.
        t = self._table("reports-standards", "Standard", "% met", "Previous", "Change (points)", "Scored", "Met",
                        "Partly met", "Not met")
        room = max(24, self.size.width - 42)
        for sid, s in r.standards.items():
            p = r.previous.standards.get(sid)
            p_pct = p.pct_met if p else None
            change = None if s.pct_met is None or p_pct is None else round(s.pct_met - p_pct, 1)
            title = shorten(r.standard_titles.get(sid, sid), room)
            t.add_row(title, _pct(s.pct_met), _pct(p_pct), "–" if change is None else f"{change:+.1f}",
                      s.n, s.met, s.partly_met, s.not_met, key=sid)

    def _fill_grades(self, r: ThemesReport, prev: str) -> None:
        t = self._table("reports-grades", "Grade", r.label, "%", prev, "% ")
        total, p_total = sum(r.grades.values()), sum(r.previous.grades.values())
        for grade, n in r.grades.items():
            p = r.previous.grades.get(grade, 0)
            t.add_row(Grade(grade).label, n, _pct(pct(n, total)), p, _pct(pct(p, p_total)), key=grade)

    def _fill_themes(self, r: ThemesReport, prev: str) -> None:
        t = self._table("reports-themes", "Theme", "Strength", "Improvement",
                        f"Strength {prev}", f"Improvement {prev}")
        ranked = sorted(r.themes.items(), key=lambda kv: (-(kv[1].strength + kv[1].improvement), kv[0]))
        for theme, f in ranked:
            p = r.previous.themes.get(theme)
            t.add_row(r.theme_labels.get(theme, theme), f.strength, f.improvement,
                      p.strength if p else 0, p.improvement if p else 0, key=theme)

    def _fill_audits(self, r: ThemesReport, prev: str) -> None:
        t = self._table("reports-auditors", "Auditor", "Completed", "Expected", "% of expected", prev)
        for name, a in r.audits.by_auditor.items():
            p = r.previous.audits.by_auditor.get(name)
            t.add_row(name, a.completed, a.expected, _pct(pct(a.completed, a.expected)),
                      p.completed if p else 0, key=name)
        t = self._table("reports-teams", "Team", "Completed", prev)
        for team in dict.fromkeys([*r.audits.by_team, *r.previous.audits.by_team]):
            t.add_row(team, r.audits.by_team.get(team, 0), r.previous.audits.by_team.get(team, 0), key=team)

    def _fill_moderation(self, r: ThemesReport, prev: str) -> None:
        t = self._table("reports-moderation", "Figure", r.label, prev)
        m, pm = r.moderation, r.previous.moderation
        a, pa = r.actions, r.previous.actions
        rows = [
            ("Audits sampled", m.sampled, pm.sampled),
            ("Audits moderated (agreement pairs)", m.moderated, pm.moderated),
            ("  of them from the sample", m.sample_moderated, pm.sample_moderated),
            ("Moderations reconciled", m.reconciled, pm.reconciled),
            ("Exact grade agreement", percent(m.exact_agreement), percent(pm.exact_agreement)),
            ("Quadratic-weighted kappa", kappa_words(m.kappa_quadratic, m.moderated),
             kappa_words(pm.kappa_quadratic, pm.moderated)),
            ("Grades moved down", m.moved_down, pm.moved_down),
            ("Grades moved up", m.moved_up, pm.moved_up),
            ("Actions raised", a.raised, pa.raised),
            ("Actions completed", a.completed, pa.completed),
            ("Completed on time", a.completed_on_time, pa.completed_on_time),
            ("Actions open", a.open, pa.open),
            ("Actions overdue", a.overdue, pa.overdue),
            ("Automatic statuses overridden", percent(r.overrides.rate, 1), percent(r.previous.overrides.rate, 1)),
            # Imported audits were scored with no automatic status in sight: said, not counted.
            ("  not counted: imported audits", r.overrides.imported, r.previous.overrides.imported),
        ]
        for row in rows:
            t.add_row(*row)

    def _draw_charts(self, r: ThemesReport, prev: str) -> None:
        """% met by standard (one standard per row, by title) and grades after moderation,
        this quarter's bar with the previous quarter marked on it."""
        scored = [sid for sid, s in r.standards.items()
                  if s.n or (sid in r.previous.standards and r.previous.standards[sid].n)]
        rows = []
        for sid in scored:
            now = r.standards[sid].pct_met
            then = r.previous.standards[sid].pct_met if sid in r.previous.standards else None
            rows.append(BarRow(r.standard_titles.get(sid, sid), now, then, _pct(now), _pct(then)))
        self.query_one("#reports-chart-standards", BarChart).show(
            f"% met by standard: {r.label} against {prev}", rows, 100, r.label, prev)

        total, p_total = sum(r.grades.values()), sum(r.previous.grades.values())
        rows = []
        for grade, n in r.grades.items():
            p = r.previous.grades.get(grade, 0)
            rows.append(BarRow(Grade(grade).label, pct(n, total), pct(p, p_total),
                               _pct(pct(n, total)), _pct(pct(p, p_total))))
        self.query_one("#reports-chart-grades", BarChart).show(
            f"Grades after moderation, % of audits: {r.label} against {prev}", rows, 100, r.label, prev)

    # -- actions --------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "reports-quarter" and isinstance(event.value, str):
            if self.quarter is None or event.value != self.quarter.code:
                self.load_report(Quarter.parse(event.value))

    def action_step_quarter(self, step: int) -> None:
        select = self.query_one("#reports-quarter", Select)
        codes = self._codes
        if self.quarter is None or self.quarter.code not in codes:
            return
        i = codes.index(self.quarter.code) - step  # the list runs newest first
        if 0 <= i < len(codes):
            select.value = codes[i]

    def action_toggle_notes(self) -> None:
        box = self.query_one("#reports-notes", Checkbox)
        box.value = not box.value

    def action_ask_quit(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        self.app.push_screen(Confirm("Quit caseaudit?", yes="Quit", no="Stay on the report"), answered)

    def action_reload(self) -> None:
        if self.quarter is not None:
            self.load_report(self.quarter)

    def action_export(self, fmt: str, force: bool = False) -> None:
        if self.quarter is None:
            return
        include_notes = self.query_one("#reports-notes", Checkbox).value
        for button in self.query(".reports-row Button"):
            button.disabled = True
        self._set_status(f"Writing the {FORMAT_WORDS[fmt]} report for {self.quarter.label}…", True)
        self.exporting = fmt
        if self.app.DELIVERS_FILES:
            self.download_report(self.quarter, fmt, include_notes)
            return
        # `~` as at a shell: the box is typed at the person's own terminal.
        folder = Path(self.query_one("#reports-folder", Input).value.strip() or ".").expanduser()
        self.export_report(self.quarter, fmt, folder, include_notes, force)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports-export")
    def export_report(self, quarter: Quarter, fmt: str, folder: Path, include_notes: bool,
                      force: bool = False) -> Path:
        make_private_folder(folder)
        return export_themes_report(self.app.store, quarter, fmt, export_target(folder, quarter, fmt), force=force,
                                    include_notes=include_notes, catalogue=self.app.catalogue)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports-export")
    def download_report(self, quarter: Quarter, fmt: str, include_notes: bool) -> tuple[str, bytes]:
        """A browser session: the report goes to the browser as a download, nothing on the server."""
        return download_themes_report(self.app.store, quarter, fmt, include_notes=include_notes,
                                      catalogue=self.app.catalogue)

    @result_of(export_report)
    def _written(self, written: Path) -> None:
        self._export_done(written, self.exporting, None)

    @failure_of(export_report, download_report)
    def _not_written(self, err: BaseException) -> None:
        self._export_done(None, self.exporting, err)

    @result_of(download_report)
    def _downloaded(self, found: tuple[str, bytes]) -> None:
        name, data = found
        fmt = self.exporting
        self.app.deliver_binary(io.BytesIO(data), save_filename=name)
        for button in self.query(".reports-row Button"):
            button.disabled = False
        self._set_status(f"Sent to your browser: {name}")
        self.app.notify(f"{FORMAT_WORDS[fmt]} report sent to your browser: {name}", title="Exported")

    def _export_done(self, written: Path | None, fmt: str, err: BaseException | None) -> None:
        for button in self.query(".reports-row Button"):
            button.disabled = False
        if isinstance(err, AlreadyThere):
            self._set_status(f"{err.path} is already there: not replaced.")

            def answered(replace: bool | None) -> None:
                if replace:
                    self.action_export(fmt, force=True)

            self.app.push_screen(Confirm(f"Replace {err.path}?", yes="Replace", no="Keep it"), answered)
            return
        if err is not None:
            self._set_status(f"The {FORMAT_WORDS[fmt]} report was not written.")
            self.app.show_problem(err, title="Export not done")
            return
        if written is None:
            return  # nothing failed and nothing was written: nothing to say
        self.last_written = written
        self._set_status(f"Written: {written}")
        # The toast names the file; the whole path, too long for a toast's width (it would
        # break mid-word), is on the status line and in the folder box.
        self.app.notify(f"{FORMAT_WORDS[fmt]} report written: {written.name}, in the export folder",
                        title="Exported")
