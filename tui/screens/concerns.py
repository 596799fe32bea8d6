"""Safeguarding concerns on screen: the "Raise a safeguarding concern" dialog the audit form
and the blind re-audit open with ctrl+g, and the dialog the dashboard opens on a concern to
read it, acknowledge it and close it with the action taken.

The rules (both texts required, who may acknowledge and close, open → acknowledged →
closed) are audit_tools.concerns'; the writes go through caseaudit.services.concerns,
each in its own transaction, never with the audit's draft.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from audit_tools.calendar import london
from audit_tools.concerns import Concern, ConcernState
from caseaudit.services import concerns as service
from tui.failures import problem_lines
from tui.widgets.prompts import AskText, Confirm
from tui.workers import failure_of, result_of
from tui.screens.base import CaseauditDialog

# The key that opens the dialog, free on the audit form (whose text boxes take ctrl+a/e/d/k/u/w/x/c/v/z/y
# and whose own keys are ctrl+s/n/y/r/e) and on the blind re-audit.
RAISE_KEY = "ctrl+g"




def tell(line: Static, words: str) -> None:
    """A problem line under a box: shown only while it has something to say."""
    line.update(words)
    line.display = bool(words)


class RaiseConcernScreen(CaseauditDialog[Concern | None]):
    """Two boxes (what was found, what should happen now), raise or cancel. Problems are
    shown under the box they are about; nothing is stored until both are filled in."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel_concern"),
        Binding("ctrl+s", "raise_it", "Raise concern", id="raise_concern_now"),
    ]

    def __init__(self, case_ref: str, audit_id: str | None, source: str = "audit") -> None:
        super().__init__(classes="concern-dialog")
        self.case_ref = case_ref
        self.audit_id = audit_id
        self.source = source

    def compose(self) -> ComposeResult:
        where = f"case {self.case_ref}" + (f", audit {self.audit_id}" if self.audit_id else "")
        if self.source == "blind re-audit":
            where += " (blind re-audit)"
        with Vertical():
            yield Static("Raise a safeguarding concern", classes="concern-title")
            yield Static(Text(f"About {where}. It goes at once to the case's line manager and every QA "
                              "lead, and is kept whatever happens to this audit.", style="italic"))
            yield Static("What did you find?")
            yield TextArea(id="concern-found", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="concern-found-problem", classes="problem concern-problem")
            yield Static("What should happen now?")
            yield TextArea(id="concern-should", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="concern-should-problem", classes="problem concern-problem")
            yield Static("", id="concern-problem", classes="problem concern-problem")
            with Horizontal():
                yield Button("Raise concern (ctrl+s)", variant="error", id="concern-raise", compact=True)
                yield Button("Cancel (esc)", id="concern-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#concern-found", TextArea).focus()

    def _texts(self) -> tuple[str, str]:
        return (self.query_one("#concern-found", TextArea).text,
                self.query_one("#concern-should", TextArea).text)

    def action_raise_it(self) -> None:
        found, should = self._texts()
        problems = service.raise_problems(found, should)
        tell(self.query_one("#concern-found-problem", Static), "\n".join(problems.get("found", [])))
        tell(self.query_one("#concern-should-problem", Static), "\n".join(problems.get("should_happen", [])))
        tell(self.query_one("#concern-problem", Static), "")
        if problems:
            target = "#concern-found" if "found" in problems else "#concern-should"
            self.query_one(target, TextArea).focus()
            return
        self.query_one("#concern-raise", Button).disabled = True
        self.store_it(found, should)

    @work(thread=True, exclusive=True, exit_on_error=False, group="raise")
    def store_it(self, found: str, should: str) -> Concern:
        return service.raise_concern(self.app.store, self.app.user, self.case_ref, self.audit_id, found, should,
                                     self.source)

    @result_of(store_it)
    def _raised(self, concern: Concern) -> None:
        self.dismiss(concern)

    @failure_of(store_it)
    def _not_raised(self, error: BaseException) -> None:
        self.query_one("#concern-raise", Button).disabled = False
        tell(self.query_one("#concern-problem", Static), "Not raised: " + " ".join(problem_lines(error)))

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        # A box's "required" goes as soon as something is typed in it, not at the next ctrl+s.
        box = event.text_area.id or ""
        if event.text_area.text.strip() and box in ("concern-found", "concern-should"):
            tell(self.query_one(f"#{box}-problem", Static), "")

    @on(Button.Pressed, "#concern-raise")
    def _raise_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_raise_it()

    @on(Button.Pressed, "#concern-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)


def raise_from(screen, case_ref: str | None, audit_id: str | None, source: str = "audit") -> None:
    """Open the dialog from a screen about `case_ref`; tell the user where the concern went."""
    if not case_ref:
        screen.notify("The case is still loading; try again in a moment.", severity="warning")
        return

    def raised(concern: Concern | None) -> None:
        if concern is None:
            return
        to = f"{concern.line_manager} (line manager) and the QA leads" if concern.line_manager else "the QA leads"
        screen.app.notify(f"Concern {concern.concern_id} raised and sent to {to}.",
                          title="Safeguarding concern raised", severity="warning", timeout=10)
        screen.app.poll_concerns()

    screen.app.push_screen(RaiseConcernScreen(case_ref, audit_id, source), raised)


class ConcernScreen(CaseauditDialog[bool]):
    """One concern in full: acknowledge it, or close it with the action taken. Dismisses
    with True when something changed."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="concern_back")]

    def __init__(self, concern: Concern) -> None:
        super().__init__(classes="concern-dialog")
        self.concern = concern

    def compose(self) -> ComposeResult:
        c = self.concern
        with Vertical():
            yield Static(f"Safeguarding concern {c.concern_id}: {c.state.value}", classes="concern-title")
            about = Text()
            about.append(f"Case {c.case_ref}" + (f", audit {c.audit_id}" if c.audit_id else ""))
            about.append((" (blind re-audit)" if c.source != "audit" else "") + f". Raised by {c.raised_by} {london(c.raised_at):%d %b %Y %H:%M}.")
            if c.acknowledged_at:
                about.append(f" Acknowledged by {c.acknowledged_by} {london(c.acknowledged_at):%d %b %Y %H:%M}.")
            yield Static(about)
            yield Static(Text.assemble(("Found: ", "bold"), c.found))
            yield Static(Text.assemble(("Should happen now: ", "bold"), c.should_happen))
            yield Static("", id="concern-problem", classes="problem concern-problem")
            with Horizontal():
                if c.state is ConcernState.open:
                    yield Button("Acknowledge", variant="warning", id="concern-acknowledge", compact=True)
                if c.state is ConcernState.acknowledged:
                    yield Button("Close with the action taken", variant="primary", id="concern-close", compact=True)
                yield Button("Back (esc)", id="concern-back", compact=True)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed, "#concern-acknowledge")
    def _acknowledge(self, event: Button.Pressed) -> None:
        event.stop()
        # Acknowledging records this person, now, as having read it and taken it on: one
        # stray enter on the first button must not say that, so it is asked first.
        who = self.app.user.display_name or self.app.user.username

        def answered(yes: bool | None) -> None:
            if yes:
                self.act("acknowledge", None)

        self.app.push_screen(Confirm(f"Acknowledge concern {self.concern.concern_id}? Its history will say "
                                     f"{who} read it, now; closing it with the action taken comes later.",
                                     yes="Acknowledge", no="Not yet"), answered)

    @on(Button.Pressed, "#concern-close")
    def _close(self, event: Button.Pressed) -> None:
        event.stop()

        def answered(action: str | None) -> None:
            if action:
                self.act("close", action)

        self.app.push_screen(AskText(f"What action was taken on concern {self.concern.concern_id}? "
                                     "(kept in its history)", placeholder="the action taken"), answered)

    @on(Button.Pressed, "#concern-back")
    def _back(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="act")
    def act(self, what: str, action: str | None) -> Concern:
        if what == "acknowledge":
            return service.acknowledge(self.app.store, self.concern.concern_id)
        return service.close(self.app.store, self.concern.concern_id, action or "")

    @result_of(act)
    def _acted(self, concern: Concern) -> None:
        self.app.notify(f"Concern {concern.concern_id} {concern.state.value}.", title="Concern")
        self.app.poll_concerns()
        self.dismiss(True)

    @failure_of(act)
    def _not_done(self, error: BaseException) -> None:
        tell(self.query_one("#concern-problem", Static), " ".join(problem_lines(error)))
