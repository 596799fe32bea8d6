"""Small modal questions: a line of text (a reason, a date) or a yes/no confirmation."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class AskText(ModalScreen[str | None]):
    """Ask for one line of text; dismisses with the text, or None when cancelled.

    `as_date` asks for a YYYY-MM-DD date and refuses anything else with a sentence.
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
                date.fromisoformat(text)
            except ValueError:
                problem.update(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-05-31.")
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


class Confirm(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True for yes."""

    BINDINGS = [
        Binding("escape", "no", "No", id="confirm_no"),
        Binding("y", "yes", "Yes", id="confirm_yes"),
        Binding("n", "no", "No", id="confirm_n", show=False),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="prompt")
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            with Horizontal():
                yield Button(self.yes_label, variant="warning", id="confirm-yes")
                yield Button(self.no_label, variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)
