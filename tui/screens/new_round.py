"""The QA lead makes a thematic round on a screen: the same fields as `caseaudit round create`,
with the questions pasted as the question file's TOML (so nothing typed here names a file on
the machine the app runs on). Made by caseaudit.services.rounds.create_round, round-v1."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Header, Input, Label, Static, TextArea

from caseaudit.services.rounds import create_round, questions_from_text
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.widgets.ticks import TickBox
from tui.workers import result_of

EXAMPLE = '''name = "Neglect"

[[question]]
id = "neglect-named"
title = "Is neglect recognised and named in the assessment?"
help = "Look at the latest assessment and plan."
'''

FIELDS = [  # (id, label, placeholder)
    ("round-name", "Name", "e.g. Neglect, autumn 2025"),
    ("round-date", "Date", "cases open on this day"),
    ("round-size", "Size", "how many cases"),
    ("round-auditors", "Auditors", "usernames, comma-separated"),
    ("round-case-types", "Case types", "blank: all, or e.g. CIN,CP"),
    ("round-teams", "Teams", "blank: all"),
    ("round-with-event", "With event", "blank, or e.g. missing_return"),
    ("round-within", "Within", "e.g. 6m (with an event)"),
    ("round-seed", "Seed", "blank: random"),
]


class NewRoundScreen(CaseauditScreen):
    """A new thematic round."""

    HOLDS_NAVIGATION = True  # letters typed here are words, not the app's keys
    AUTO_FOCUS = "#round-name"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+s", "create", "Create round", id="round_create"),
    ]

    DEFAULT_CSS = """
    NewRoundScreen #new-round { height: 1fr; padding: 0 1; }
    NewRoundScreen .round-row { height: 1; }
    NewRoundScreen .round-row Label { width: 12; }
    NewRoundScreen .round-row Input { width: 1fr; }
    NewRoundScreen #round-questions { height: 12; }
    NewRoundScreen #round-checks { height: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="new-round"):
            yield Static("A thematic round (round-v1): its cases are ranked by the seed from those open on "
                         "the date that match every filter, each given to the next auditor who neither works "
                         "nor manages it. ctrl+s makes it.")
            for field, label, placeholder in FIELDS:
                with Horizontal(classes="round-row"):
                    yield Label(label)
                    value = self.app.today.isoformat() if field == "round-date" else ""
                    yield Input(value, placeholder=placeholder, compact=True, id=field)
            with Horizontal(id="round-checks"):
                yield TickBox("Score the standards too", False, compact=True, id="round-score-standards")
                yield TickBox("Give a grade", False, compact=True, id="round-grade")
            yield Label("Questions (the question file's TOML):")
            yield TextArea(EXAMPLE, id="round-questions", language=None)
        yield KeysFooter()

    def _value(self, field: str) -> str | None:
        return self.query_one(f"#{field}", Input).value.strip() or None

    def action_create(self) -> None:
        self.make(
            name=self._value("round-name") or "", day=self._value("round-date") or "",
            size=self._value("round-size") or "", auditors=self._value("round-auditors") or "",
            case_types=self._value("round-case-types"), teams=self._value("round-teams"),
            with_event=self._value("round-with-event"), within=self._value("round-within"),
            seed=self._value("round-seed"),
            score_standards=self.query_one("#round-score-standards", Checkbox).value,
            grade=self.query_one("#round-grade", Checkbox).value,
            questions=self.query_one("#round-questions", TextArea).text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="create")
    def make(self, questions: str, **fields):
        return create_round(self.app.store, questions=questions_from_text(questions), **fields)

    @result_of(make)
    def _made(self, made) -> None:
        self.app.notify(f"Round {made.round_id} made: {len(made.selected)} cases selected, "
                        f"shortfall {made.shortfall}.", title="Round made")
        self.dismiss(made.round_id)
