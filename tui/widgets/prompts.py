"""Small modal questions: a line of text (a reason, a date) or a yes/no confirmation."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from audit_tools.calendar import parse_day
from tui.first_layout import LaidOutOnce


class AskText(LaidOutOnce, ModalScreen[str | None]):
    """Ask for one line of text; dismisses with the text, or None when cancelled.

    `as_date` asks for a date as a person types it (audit_tools.calendar.parse_day: 31/10/2025,
    31 Oct 2025, 2025-10-31), refuses anything else with one sentence, and dismisses with the
    date written YYYY-MM-DD.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_prompt")]

    def __init__(self, question: str, value: str = "", placeholder: str = "",
                 as_date: bool = False, required: bool = True) -> None:
        super().__init__(classes="prompt")
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.as_date = as_date
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-problem", classes="problem")
            with Horizontal():
                yield Button("OK", variant="primary", id="prompt-ok")
                yield Button("Cancel", id="prompt-cancel")

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()

    def _answer(self) -> None:
        text = self.query_one("#prompt-input", Input).value.strip()
        problem = self.query_one("#prompt-problem", Static)
        if self.required and not text:
            problem.update("This cannot be empty.")
            return
        if self.as_date:
            try:
                text = parse_day(text).isoformat()
            except ValueError as err:
                problem.update(f"{err}.")
                return
        self.dismiss(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "prompt-ok":
            self._answer()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(LaidOutOnce, ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True for yes.

    The keys that answer it are written in the dialog itself (y, n or escape, enter on the
    highlighted button), and the highlighted button is marked, so nobody answers blind.
    """

    BINDINGS = [
        Binding("escape", "no", "No", id="confirm_no"),
        Binding("y", "yes", "Yes", id="confirm_yes"),
        Binding("n", "no", "No", id="confirm_n", show=False),
        Binding("left,right", "switch", "Other button", id="confirm_switch", show=False),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="prompt confirm")
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def keys_hint(self) -> Text:
        hint = Text()
        hint.append("y", style="bold")
        hint.append(f" {self.yes_label} · ")
        hint.append("n", style="bold")
        hint.append(" or ")
        hint.append("esc", style="bold")
        hint.append(f" {self.no_label} · ")
        hint.append("enter", style="bold")
        hint.append(" the highlighted button")
        return hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            with Horizontal(classes="confirm-buttons"):
                yield Button(self.yes_label, variant="warning", id="confirm-yes")
                yield Button(self.no_label, variant="primary", id="confirm-no")
            yield Static(self.keys_hint(), id="confirm-keys", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_descendant_focus(self) -> None:
        # A marker beside the label, as well as the colour, says which button enter presses.
        for button, label in ((self.query_one("#confirm-yes", Button), self.yes_label),
                              (self.query_one("#confirm-no", Button), self.no_label)):
            button.label = f"▶ {label} ◀" if button.has_focus else label

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_switch(self) -> None:
        yes = self.query_one("#confirm-yes", Button)
        (self.query_one("#confirm-no", Button) if yes.has_focus else yes).focus()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class ChooseOne(LaidOutOnce, ModalScreen[str | None]):
    """Choose one of a short list (up, down, enter); dismisses with its value, or None
    when cancelled with escape. An empty list says why there is nothing to choose."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_choice")]

    def __init__(self, question: str, options: list[tuple[str, str]], empty: str = "Nothing to choose.") -> None:
        super().__init__(classes="prompt")
        self.question = question
        self.options = options
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            if self.options:
                yield OptionList(*(Option(label, id=value) for label, value in self.options), id="choice-list")
            else:
                yield Static(self.empty, id="choice-empty", classes="problem")
            hint = Text()
            hint.append("enter", style="bold")
            hint.append(" chooses · ")
            hint.append("esc", style="bold")
            hint.append(" cancels")
            yield Static(hint, classes="muted")

    def on_mount(self) -> None:
        if self.options:
            self.query_one("#choice-list").focus()

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
