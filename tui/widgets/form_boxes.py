"""The audit form's boxes: a text box and a drop-down that look and behave as Textual's
Input and Select, at less cost on a form of a dozen standards.

Textual's Input lays the whole screen out again on every change of its value (it sets its
virtual size, a layout reactive), which on the audit form means arranging every standard's
row for each character an auditor types. Where the box's width and height are fixed (no
`auto`), nothing else on the screen can move when its text changes, so FormInput leaves
that layout pass out; showing, hiding or restyling the box still lays the screen out.

Textual's Select builds its list of options (an OptionList, hidden) when it is built, and
shows its value through three more widgets (a label and two arrows); a form of a dozen
drop-downs builds a dozen lists nobody has opened and three dozen widgets to lay out.
FormSelect builds its list (and so its overlay) only when it is opened, by key or click,
draws its closed line (value and arrow) as one widget with the same look, and does not
announce the value it was built with as a change.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual._context import active_message_pump
from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.geometry import Size
from textual.style import Style
from textual.css.query import NoMatches
from textual.widgets import Input, Select
from textual.widgets._select import NULL, NoSelection, SelectCurrent, SelectOverlay


class FormInput(Input):
    """An Input that does not ask for a layout when only its text changed."""

    _value_changing = False

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        if layout and self._value_changing and not self.styles.auto_dimensions:
            layout = False  # the text moved inside a box whose size is fixed
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


_GAP = Style(bold=False)


class _Current(SelectCurrent):
    """What the drop-down shows when closed: its value (or prompt) and the arrow, drawn as
    one line by one widget rather than Textual's three (a label and two arrows), styled by
    the same rules: the label dim until there is a value, cut with … where it must be."""

    COMPONENT_CLASSES = {"form-select--dim"}
    DEFAULT_CSS = """
    _Current > .form-select--dim {
        color: $foreground 50%;
    }
    """

    def __init__(self, placeholder: str) -> None:
        super().__init__(placeholder)
        self.label = NULL

    def compose(self) -> ComposeResult:
        return []

    def update(self, label: RenderableType | NoSelection) -> None:
        self.label = label
        self.has_value = label is not NULL
        self.refresh()

    def _watch_has_value(self, has_value: bool) -> None:
        super()._watch_has_value(has_value)
        self.refresh()

    async def _on_click(self, event: events.Click) -> None:
        # The list is built before the drop-down is asked to open it (Textual's own handler,
        # which would ask first, is left out).
        event.prevent_default()
        event.stop()
        select = self.parent
        if isinstance(select, FormSelect):
            await select._build_overlay()
        self.post_message(self.Toggle())

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render(self) -> Content:
        width = self.content_size.width
        shown = self.placeholder if isinstance(self.label, NoSelection) else self.label
        if isinstance(shown, str):
            label = Content.from_markup(shown)
        elif isinstance(shown, Text):
            label = Content.from_rich_text(shown)
        else:
            label = Content(str(shown))
        label = label.split("\n")[0] if "\n" in label.plain else label
        room = max(0, width - 2)  # the arrow takes two columns: a space and itself
        label = label.truncate(room, ellipsis=True)
        if not self.has_value:
            label = label.stylize(".form-select--dim")
        # The gap is its own run, as Textual's label and arrow pad it (an SVG of the screen
        # groups it so); "not bold" changes nothing a space shows.
        gap = Content(" " * (room - label.cell_length + 1)).stylize(_GAP)
        expanded = isinstance(self.parent, Select) and self.parent.expanded
        arrow = Content("\u25b2" if expanded else "\u25bc").stylize(".form-select--dim")
        return Content.assemble(label, gap, arrow)


class FormSelect(Select):
    """A Select whose list of options is built when first focused or opened."""

    def compose(self):
        yield _Current(self.prompt)

    def _overlay(self) -> SelectOverlay | None:
        try:
            return self.query_one(SelectOverlay)
        except NoMatches:
            return None

    async def _build_overlay(self) -> SelectOverlay:
        overlay = self._overlay()
        if overlay is None:
            # data_bind binds to the message pump running now: a key's action runs on the app's,
            # so the Select is made the one bound to while the list is built.
            running = active_message_pump.set(self)
            try:
                overlay = SelectOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
            finally:
                active_message_pump.reset(running)
            await self.mount(overlay)
            super()._setup_options_renderables()
            for index, (_prompt, value) in enumerate(self._options):
                if value == self.value and value != self.NULL:
                    overlay.highlighted = index
                    break
        return overlay

    async def action_show_overlay(self) -> None:
        await self._build_overlay()
        super().action_show_overlay()

    def _watch_expanded(self, expanded: bool) -> None:
        super()._watch_expanded(expanded)
        for current in self.query(_Current):
            current.refresh()  # its arrow points up while the list is open

    def _setup_options_renderables(self) -> None:
        if self._overlay() is not None:
            super()._setup_options_renderables()

    _settled = False

    def _watch_value(self, value) -> None:
        # The value given when it was built, set as it is mounted, is not a change anyone
        # made: it is not announced (a form of a dozen drop-downs would otherwise read itself
        # back a dozen times while it opens).
        initial = not self._settled and value == self._value
        self._settled = True
        if self._overlay() is not None and not initial:
            super()._watch_value(value)
            return
        self._value = value
        try:
            current = self.query_one(SelectCurrent)
        except NoMatches:
            return
        if value == self.NULL:
            current.update(self.NULL)
        else:
            for prompt, option_value in self._options:
                if option_value == value:
                    current.update(prompt)
                    break
        if not initial:
            self.post_message(self.Changed(self, value))

    def _watch_prompt(self, prompt: str) -> None:
        if self._overlay() is not None:
            super()._watch_prompt(prompt)
        elif self.is_mounted:
            current = self.query_one(SelectCurrent)
            current.placeholder = prompt
            if self._allow_blank and self.value == self.NULL:
                current.update(self.NULL)
