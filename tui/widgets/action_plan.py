"""The audit form's action plan: one row per action (what, owner, due date, linked
standard), added with ctrl+n and removed with ctrl+y.

Each row remembers the stored action it was opened from, so a completion date stays with
its action when rows above it are removed, and a completed action is never removed or
changed.
"""

from __future__ import annotations

import re
from typing import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from audit_tools.audit import Problem
from audit_tools.calendar import format_day, parse_day
from audit_tools.models import Action
from tui.widgets.form_boxes import FormInput, FormSelect


class ActionPlan(Vertical):
    """The action plan's rows and the hint under them."""

    DEFAULT_CSS = """
    ActionPlan { height: auto; }
    """

    def __init__(self, owners: list[tuple[str, str]], standards: list[tuple[str, str]],
                 stored: Sequence[Action] = ()) -> None:
        super().__init__()
        self.owners = owners  # (what the list shows, username)
        self.standards = standards  # (the standard's title, its id): people pick by title
        self.numbers: list[int] = []  # the rows on screen, in order
        # The stored action each row was opened from (a row added since has none).
        self.origin: dict[int, Action] = {}
        self._next = 0
        self._stored = list(stored)  # the audit's actions as opened, built with the plan

    def compose(self) -> ComposeResult:
        yield Static("Action plan", classes="section")
        # The stored rows come with the plan, in one mount with the rest of the form.
        rows = []
        for action in self._stored:
            self._next += 1
            rows.append(self._row(self._next, action))
            self.numbers.append(self._next)
            self.origin[self._next] = action
        yield Vertical(*rows, id="action-plan")
        yield Static("", id="action-plan-empty", classes="muted")

    def _row(self, number: int, action: Action) -> Vertical:
        usernames = {username for _, username in self.owners}
        standard_ids = {sid for _, sid in self.standards}
        return Vertical(
            FormInput(action.description, placeholder=f"Action {number}: what must be done", compact=True,
                  id=f"action-description-{number}"),
            Horizontal(
                FormSelect(self.owners, prompt="owner", compact=True, id=f"action-owner-{number}",
                       value=action.owner if action.owner in usernames else Select.NULL),
                FormInput(format_day(action.due) if action.due else "", placeholder="due dd/mm/yyyy",
                      compact=True, id=f"action-due-{number}"),
                FormSelect(self.standards, prompt="linked standard", compact=True, id=f"action-standard-{number}",
                       value=action.standard if action.standard in standard_ids else Select.NULL),
            ),
            classes="action-row", id=f"action-{number}",
        )

    async def add(self, action: Action) -> Vertical:
        """Mount a row for a new `action` and return it."""
        self._next += 1
        number = self._next
        row = self._row(number, action)
        await self.query_one("#action-plan", Vertical).mount(row)
        # Counted only once mounted: the form is read back from its widgets.
        self.numbers.append(number)
        return row

    def row_of(self, widget: Widget | None) -> tuple[int | None, str | None]:
        """The number of the row `widget` sits in, if it may be removed; otherwise why not."""
        row = None
        node: DOMNode | None = widget
        while node is not None and node is not self:
            if isinstance(node, Vertical) and "action-row" in node.classes:
                row = node
                break
            node = node.parent
        if row is None:
            return None, "Move to the action you want to remove first (tab into it)."
        number = int((row.id or "").removeprefix("action-"))
        previous = self.origin.get(number)
        if previous is not None and previous.completed_on is not None:
            return None, (f"This action was completed on {format_day(previous.completed_on)}; "
                          "its record stays in the plan.")
        return number, None

    def describe(self, number: int) -> str | None:
        """What row `number` holds, in a few words (None: nothing has been put in it)."""
        position = self.numbers.index(number) + 1
        description = self.query_one(f"#action-description-{number}", Input).value.strip()
        due = self.query_one(f"#action-due-{number}", Input).value.strip()
        owner = self._value(f"#action-owner-{number}")
        standard = self._value(f"#action-standard-{number}")
        if not (description or due or owner or standard):
            return None
        return f"action {position}" + (f" ({description})" if description else "")

    def remove_row(self, number: int) -> None:
        self.numbers.remove(number)
        self.origin.pop(number, None)
        self.query_one(f"#action-{number}").remove()

    def _value(self, selector: str) -> str | None:
        """The username or standard id chosen in a row's drop-down (None: none chosen)."""
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def actions(self) -> list[Action]:
        """The plan as the rows now show it (a due date that is not a date counts as none)."""
        actions = []
        for number in self.numbers:
            due_text = self.query_one(f"#action-due-{number}", Input).value.strip()
            try:
                due = parse_day(due_text) if due_text else None
            except ValueError:
                due = None
            previous = self.origin.get(number)
            actions.append(Action(
                description=self.query_one(f"#action-description-{number}", Input).value.strip(),
                owner=self._value(f"#action-owner-{number}"),
                due=due,
                standard=self._value(f"#action-standard-{number}"),
                completed_on=previous.completed_on if previous else None,
            ))
        return actions

    def bad_due_dates(self) -> list[Problem]:
        """Due dates typed that are not dates, which the actions above read as none."""
        problems = []
        for position, number in enumerate(self.numbers, start=1):
            text = self.query_one(f"#action-due-{number}", Input).value.strip()
            if text:
                try:
                    parse_day(text)
                except ValueError as err:
                    problems.append(Problem(f"actions[{position - 1}].due", f"action {position}", f"due {err}"))
        return problems

    def now_stored(self, actions: list[Action]) -> None:
        """After a save, submit or amendment the rows stand for the actions as stored."""
        self.origin = dict(zip(self.numbers, actions))

    def lock_completed(self) -> None:
        """A completed action's record stays as it is; the rest of the plan may be corrected."""
        for number in self.numbers:
            previous = self.origin.get(number)
            if previous is not None and previous.completed_on is not None:
                for widget in self.query(f"#action-{number} Input, #action-{number} Select"):
                    widget.disabled = True

    def show_hint(self, editable: bool) -> None:
        hint = self.query_one("#action-plan-empty", Static)
        if not editable:
            words = "" if self.numbers else "No actions."
        elif self.numbers:
            words = "ctrl+y removes the action you are in; ctrl+n adds another."
        else:
            words = "No actions yet: ctrl+n adds one."
        hint.update(words)
        hint.display = bool(words)

    def widget_for(self, field: str) -> Widget | None:
        """The box for a field of the plan ("actions[0].owner": the first action's owner)."""
        found = re.fullmatch(r"actions\[(\d+)\]\.(\w+)", field)
        if found is None or int(found[1]) >= len(self.numbers):
            return None
        number, part = self.numbers[int(found[1])], found[2]
        if part in ("owner", "due", "standard"):
            return self.query_one(f"#action-{part}-{number}")
        return self.query_one(f"#action-description-{number}")
