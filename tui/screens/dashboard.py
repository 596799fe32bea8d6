"""The first screen: what needs doing this month, for the person at the keyboard."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from audit_tools.calendar import format_day, format_day_time, london
from caseaudit.services import dashboard as dashboard_service
from caseaudit.services.served import acknowledge_lockouts
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.navigation import OpenAudit, OpenConcern
from tui.workers import result_of


def saved_words(saved_at: str | None) -> str:
    if not saved_at:
        return ""
    try:
        return format_day_time(datetime.fromisoformat(saved_at))
    except ValueError:
        return saved_at


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def first_words(text: str, width: int = 50) -> str:
    """The start of a longer text on one line; the whole of it is a key away."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def how_many(n: int, one: str, many: str | None = None, none: str | None = None) -> str:
    """A count as a person says it: "No drafts", "1 draft", "3 drafts"."""
    if n == 0:
        return none or f"No {many or one + 's'}"
    return plural(n, one, many)


class DashboardScreen(CaseauditScreen):
    NAVIGATION_KEY = "dashboard"  # this screen's own key is not offered on it
    allocated: dict = {}  # case ref -> AllocatedCase shown in the allocated list (set on each load)

    BINDINGS = [
        Binding("f5", "reload", "Refresh", id="refresh_dashboard"),
        Binding("k", "acknowledge_lockouts", "Seen lockouts", id="acknowledge_lockouts"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge_lockouts":  # an admin's, while lockouts are shown
            return bool(getattr(self, "figures", None) and self.figures.lockouts)
        return action != "back"  # the first screen: nowhere to go back to

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard-body"):
            yield Static("", id="lockouts", classes="tile concerns-tile")
            yield Static("", id="concerns", classes="tile concerns-tile")
            yield DataTable(id="concerns-table", cursor_type="row", zebra_stripes=True)
            yield Static("Loading…", id="quota", classes="tile")
            yield Static("", id="allocated", classes="tile")
            yield DataTable(id="allocated-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="round-cases", classes="tile")
            yield DataTable(id="round-cases-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="drafts", classes="tile")
            yield DataTable(id="drafts-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="waiting", classes="tile")
            yield Static("", id="quota-title", classes="section")
            yield DataTable(id="quota-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#lockouts").display = False
        self.query_one("#concerns").display = False
        self.query_one("#concerns-table").display = False
        self.query_one("#drafts-table").display = False
        self.query_one("#allocated").display = False
        self.query_one("#allocated-table").display = False
        self.query_one("#round-cases").display = False
        self.query_one("#round-cases-table").display = False
        self.query_one("#quota-table").display = False
        self.query_one("#quota-title").display = False
        # Sized for the terminal before the first layout, as on_resize would size it after it
        # (a second layout): the screen fills the terminal.
        self.query_one("#quota-table").styles.max_height = self._quota_height(self.app.size.height)
        # The figures are read as the screen is first shown (on_screen_resume), once.

    def on_resize(self) -> None:
        if getattr(self, "figures", None) is not None:
            self._show_waiting(self.figures)  # the feedback lines use the width there is
        # Twelve auditors fit at 80x24 with the rest a scroll away; a tall terminal shows
        # the whole service instead of twelve rows above empty space.
        self.query_one("#quota-table").styles.max_height = self._quota_height(self.size.height)

    @staticmethod
    def _quota_height(height: int) -> int:
        return max(12, height - 22)

    def on_screen_resume(self) -> None:
        # On starting, and coming back from an audit: the counts may have changed.
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    def concerns_changed(self) -> None:
        """The app's poll saw a concern raised, acknowledged or closed (here or elsewhere)."""
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> dashboard_service.Dashboard:
        return dashboard_service.dashboard(self.app.store, self.app.user, self.app.today)


    def show_lockouts(self, figures: dashboard_service.Dashboard) -> None:
        """Sign-in lockouts head an admin's dashboard until one of them acknowledges them."""
        self.figures = figures  # the key's check reads it
        tile = self.query_one("#lockouts", Static)
        tile.display = bool(figures.lockouts)
        if figures.lockouts:
            words = Text()
            count = len(figures.lockouts)
            words.append(f"⚠ {plural(count, 'sign-in lockout')} since last seen", style="bold red")
            words.append(" (k: seen; `caseaudit passwd USER --unlock` lifts one now):")
            for line in figures.lockouts[:5]:
                words.append(f"\n  {line.words}")
            if count > 5:
                words.append(f"\n  and {count - 5} more")
            tile.update(words)
        self.refresh_bindings()

    def action_acknowledge_lockouts(self) -> None:
        figures = getattr(self, "figures", None)
        if figures and figures.lockouts:
            self.acknowledge([line.id for line in figures.lockouts])

    @work(thread=True, exclusive=True, exit_on_error=False, group="lockouts")
    def acknowledge(self, ids: list[int]) -> None:
        acknowledge_lockouts(self.app.store, ids)

    @result_of(acknowledge)
    def _lockouts_seen(self, _: None) -> None:
        self.load()

    def show_concerns(self, figures: dashboard_service.Dashboard) -> None:
        """Open safeguarding concerns first of all, until closed."""
        tile = self.query_one("#concerns", Static)
        table = self.query_one("#concerns-table", DataTable)
        tile.display = table.display = bool(figures.concerns)
        if not figures.concerns:
            return
        count = figures.concerns_count
        words = Text()
        words.append(f"⚠ {plural(count, 'safeguarding concern')} to act on", style="bold red")
        # The header's "open concerns" are those nobody has acknowledged yet: said here in
        # the same word, so the two figures agree.
        figures_seen = self.app.concern_figures
        waiting = figures_seen[0] if figures_seen else 0
        if waiting:
            words.append(f" ({waiting} open: not yet acknowledged)", style="bold red")
        words.append(": enter on one reads it, to acknowledge it or close it with the action taken.")
        if count > len(figures.concerns):
            words.append(f" Showing the newest {len(figures.concerns)}; `caseaudit concerns --open` lists all.")
        tile.update(words)
        table.clear(columns=True)
        table.add_columns("concern", "case", "raised", "by", "state", "found")
        # What was found, in what the row leaves of the width (the whole of it is enter away).
        used = max((len(c.concern_id) + len(c.case_ref) + len(c.raised_by) for c in figures.concerns), default=0)
        room = max(16, self.size.width - used - 12 - len("acknowledged") - 16)
        for c in figures.concerns:
            state = Text(c.state.value, style="bold red" if c.state.value == "open" else "")
            table.add_row(c.concern_id, c.case_ref, f"{london(c.raised_at):%d %b %H:%M}", c.raised_by, state,
                          first_words(c.found, room), key=c.concern_id)
        self._concerns = {c.concern_id: c for c in figures.concerns}

    @result_of(load)
    def show(self, figures: dashboard_service.Dashboard) -> None:
        self.show_lockouts(figures)
        self.show_concerns(figures)
        month = self.app.today.strftime("%B %Y")
        quota = Text()
        done, needed = figures.done_this_month, figures.quota
        quota.append(f"{done} of {needed} audits this month", style="bold")
        quota.append(f" ({month})")
        if done < needed:
            quota.append(f": {plural(needed - done, 'more audit')} to do. Press c for the case list.")
        else:
            quota.append(": quota met.")
        if figures.audits:
            quota.append(" y lists the audits you have submitted.")
        self.query_one("#quota", Static).update(quota)

        self.show_allocated(figures.allocated, month)
        self.show_round_cases(figures.round_cases)

        drafts = Text()
        drafts.append(how_many(figures.drafts_count, "draft") + " in progress", style="bold")
        if figures.drafts:
            drafts.append(": choose one and press enter to carry on.")
        self.query_one("#drafts", Static).update(drafts)
        table = self.query_one("#drafts-table", DataTable)
        table.clear(columns=True)
        table.add_columns("audit", "case", "as at", "last saved")
        for row in figures.drafts:
            table.add_row(row.audit_id, row.case_ref, format_day(row.as_of), saved_words(row.saved_at),
                          key=row.audit_id)
        table.display = bool(figures.drafts)
        # Carrying on with a draft is the likeliest next step. The page itself takes the
        # focus when the screen opens, so that counts as nothing chosen yet.
        # An open safeguarding concern comes before anything else; then a draft, then an allocated case.
        if self.focused in (None, self.query_one("#dashboard-body")):
            if figures.concerns:
                self.query_one("#concerns-table", DataTable).focus()
            elif figures.drafts:
                table.focus()
            elif figures.allocated:
                self.query_one("#allocated-table", DataTable).focus()
            elif any(c.status != "submitted" for c in figures.round_cases):
                self.query_one("#round-cases-table", DataTable).focus()

        self.figures = figures
        self._show_waiting(figures)

        if figures.compliance is not None:
            title = self.query_one("#quota-title", Static)
            title.update(f"Audit quota by auditor, {month} (QA lead)")
            title.display = True
            compliance = self.query_one("#quota-table", DataTable)
            compliance.clear(columns=True)
            compliance.add_columns("auditor", "name", "done", "quota", "")
            for username, name, count in sorted(figures.compliance, key=lambda c: (c[2], c[0])):
                mark = Text("met", style="green") if count >= figures.quota else Text("behind", style="bold red")
                compliance.add_row(username, name, str(count), str(figures.quota), mark, key=username)
            compliance.display = True

    def _show_waiting(self, figures: dashboard_service.Dashboard) -> None:
        """What waits for the user: moderation tasks, feedback to read, overdue actions."""
        tile = self.query_one("#waiting", Static)
        room = tile.content_size.width or (self.size.width - 6)
        waiting = Text()
        if figures.moderates:
            waiting.append(how_many(figures.moderation_waiting, "moderation task") + " waiting",
                           style="bold")
            if figures.moderation_waiting:
                waiting.append(" (m opens the queue)")
            waiting.append("\n")
        if figures.audits:
            waiting.append(how_many(figures.feedback_count, "feedback", "pieces of feedback",
                                    none="No feedback") + " to acknowledge", style="bold")
            for audit in figures.feedback_to_acknowledge:
                resolution = figures.resolutions.get(audit.audit_id)
                if resolution is not None:
                    said = (f"QA lead settled it as {resolution.final_grade.label}"
                            + (f": {resolution.feedback}" if resolution.feedback else ""))
                else:
                    said = (audit.moderation.feedback if audit.moderation else None) or ""
                lead = f"\n  {audit.audit_id} ({audit.case_ref}): "
                # As much of it as the tile has room for on one line (the whole is a key away).
                waiting.append(lead + first_words(said, max(20, room - len(lead) + 1)))
            if figures.feedback_count > len(figures.feedback_to_acknowledge):
                waiting.append(f"\n  and {figures.feedback_count - len(figures.feedback_to_acknowledge)} more")
            if figures.feedback_to_acknowledge:
                waiting.append("\n  f opens the feedback to read and acknowledge it")
            waiting.append("\n")
        overdue = figures.overdue_actions
        count = figures.overdue_count
        waiting.append("None of your actions is overdue" if count == 0 else
                       f"{count} of your actions {'is' if count == 1 else 'are'} overdue",
                       style="bold red" if overdue else "bold")
        for action in overdue:
            waiting.append(f"\n  due {format_day(action.due)}: {action.description} ({action.case_ref})")
        if count > len(overdue):
            waiting.append(f"\n  and {count - len(overdue)} more")
        if overdue:
            waiting.append("\n  a opens the actions tracker")
        self.query_one("#waiting", Static).update(waiting)

    @on(DataTable.RowSelected, "#concerns-table")
    def open_concern(self, event: DataTable.RowSelected) -> None:
        concern = getattr(self, "_concerns", {}).get(event.row_key.value)
        if concern is not None:
            self.post_message(OpenConcern(concern, self._concern_closed))

    def _concern_closed(self, changed: bool | None) -> None:
        if changed:
            self.load()

    def show_allocated(self, allocated: list, month: str) -> None:
        """The cases allocated to the user this month, with what is done (hidden when none)."""
        title = self.query_one("#allocated", Static)
        table = self.query_one("#allocated-table", DataTable)
        title.display = table.display = bool(allocated)
        if not allocated:
            return
        done = sum(c.status == "submitted" for c in allocated)
        words = Text()
        words.append(f"Allocated to you this month: {plural(len(allocated), 'case')}, {done} done", style="bold")
        if done < len(allocated):
            words.append(": choose one and press enter to start or carry on its audit.")
        title.update(words)
        table.clear(columns=True)
        table.add_columns("case", "type", "team", "audit")
        for case in allocated:
            table.add_row(case.case_ref, case.case_type, case.team or "", case.done_words, key=case.case_ref)
        self.allocated = {c.case_ref: c for c in allocated}

    @on(DataTable.RowSelected, "#allocated-table")
    def open_allocated(self, event: DataTable.RowSelected) -> None:
        """Start the audit of an allocated case, or carry on the one started from it; saving
        links it to the allocation."""
        case = self.allocated.get(event.row_key.value)
        if case is not None and case.audit_id is not None:
            self.post_message(OpenAudit(audit_id=case.audit_id))
        else:
            self.post_message(OpenAudit(case_ref=event.row_key.value))

    def show_round_cases(self, cases: list) -> None:
        """The thematic rounds' cases given to the user, with what is done (hidden when none)."""
        title = self.query_one("#round-cases", Static)
        table = self.query_one("#round-cases-table", DataTable)
        title.display = table.display = bool(cases)
        if not cases:
            return
        done = sum(c.status == "submitted" for c in cases)
        words = Text()
        words.append(f"Thematic rounds: {plural(len(cases), 'case')} for you to audit, {done} done", style="bold")
        if done < len(cases):
            words.append(": choose one and press enter to start or carry on its round audit.")
        title.update(words)
        table.clear(columns=True)
        table.add_columns("round", "case", "type", "team", "audit")
        self.round_cases = {}
        for case in cases:
            key = f"{case.round_id}|{case.case_ref}"
            table.add_row(f"{case.round_id} {case.round_name}", case.case_ref, case.case_type, case.team or "",
                          case.done_words, key=key)
            self.round_cases[key] = case

    @on(DataTable.RowSelected, "#round-cases-table")
    def open_round_case(self, event: DataTable.RowSelected) -> None:
        """Start a round's audit of the case, or carry on (or read) the one started."""
        case = getattr(self, "round_cases", {}).get(event.row_key.value)
        if case is None:
            return
        if case.audit_id is not None:
            self.post_message(OpenAudit(audit_id=case.audit_id))
        else:
            self.post_message(OpenAudit(case_ref=case.case_ref, round_id=case.round_id))

    @on(DataTable.RowSelected, "#drafts-table")
    def open_draft(self, event: DataTable.RowSelected) -> None:
        self.post_message(OpenAudit(audit_id=event.row_key.value))
