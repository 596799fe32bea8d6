"""The help screen (`?`): the keys of the screen underneath and what each standard checks."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from caseaudit.services.demo import demo_people
from tui.commands import screen_actions
from tui.widgets.footer import KeysFooter
from tui.screens.base import CaseauditDialog

RULE_WORDS = {
    "interval": "checks the gaps between events",
    "within": "checks a follow-up came in time",
    "present": "checks it is there and fresh",
    "seen_alone": "checks the child was seen alone",
    "judgement": "your judgement: no automatic status",
}
# How a rule's automatic status is decided, where its description alone could be read
# otherwise ("seen alone, or the record says why not" reads as met; it is partly met).
RULE_STATUSES = {
    "seen_alone": ("met when the child was seen alone at every visit; partly met when each visit "
                   "not alone has the reason recorded; not met when any has none"),
}


def demo_examples(path) -> str:
    return "; ".join(f"{names[0]} ({what})" for what, names in demo_people(path).items() if names)


class HelpScreen(CaseauditDialog[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="close_help"),
        Binding("q", "dismiss", "Close", id="close_help_q", show=False),
    ]

    def __init__(self, below=None) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        below = self.below
        text = Text()
        text.append("Keys\n", style="bold")
        if below is not None:
            for description, shown, _node, _action in screen_actions(below):
                text.append(f"  {shown:<10}", style="bold")
                text.append(f"{description}\n")
        text.append("  ctrl+p    ", style="bold")
        text.append("Command palette: every action of this screen by name\n")
        text.append("  tab       ", style="bold")
        text.append("Next field (shift+tab: previous)\n")
        if getattr(self.app, "demo", False):
            text.append("\nThe demo\n", style="bold")
            text.append(f"  You are {self.app.user.username}. To see what another person sees, quit and run "
                        "caseaudit demo --as USERNAME, e.g. " + demo_examples(self.app.store.path) + ".\n")
        catalogue = self.app.catalogue
        text.append(f"\nStandards ({catalogue.name}, version {catalogue.version})\n", style="bold")
        for standard in catalogue.standards:
            applies = ", ".join(getattr(t, "value", str(t)) for t in standard.applies_to)
            text.append(f"\n{standard.id}", style="bold")
            text.append(f"  {standard.title}\n")
            text.append(f"  {applies or 'all case types'}; {RULE_WORDS.get(standard.rule, standard.rule)}\n",
                        style="italic")
            if standard.description:
                text.append(f"  {standard.description}\n")
            if standard.rule in RULE_STATUSES:
                text.append(f"  Automatic status: {RULE_STATUSES[standard.rule]}\n")
        with VerticalScroll(id="help-body"):
            yield Static(text, id="help-text")
        yield KeysFooter()
