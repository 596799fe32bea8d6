"""The audit form's boxes: a text box and a drop-down that look and behave as Textual's
Input and Select, at less cost on a form of a dozen standards.

Textual's Input lays the whole screen out again on every change of its value (it sets its
virtual size, a layout reactive), which on the audit form means arranging every standard's
row for each character an auditor types. Where the box's width and height are fixed (no
`auto`), nothing else on the screen can move when its text changes, so FormInput leaves
that layout pass out; showing, hiding or restyling the box still lays the screen out.

Textual's Select is four widgets and a list before anyone opens it: the line showing its
value (SelectCurrent) holding a label and two arrows, and its list of options (an
OptionList, hidden). A form of a dozen drop-downs built five dozen widgets to lay out.
A FormSelect draws its closed line (value or prompt, and the arrow) itself, with the look
of Textual's, and builds that line's widget and its list only when it is first opened, by
key or click. It does not announce the value it was built with as a change.
"""

from __future__ import annotations

from typing import Any, Self

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual._context import active_message_pump
from textual.app import ComposeResult, RenderResult
from textual.content import Content
from textual.css.query import NoMatches
from textual.geometry import Region, Size
from textual.widget import Widget
from textual.style import Style
from textual.widgets import Button, Input, Select
from textual.widgets.button import ButtonVariant
from textual.widgets._select import NULL, NoSelection, SelectCurrent, SelectOverlay

_GAP = Style(bold=False)
_DIM = ".form-select--dim"


def _quietly(widget: Widget, compact: bool, *classes: str) -> None:
    """Make a box compact and give it `classes` without restyling it as it is built:
    Textual applies the stylesheet at once to a widget whose classes change, mounted or
    not (and compact is a class), when mounting styles it anyway."""
    widget.set_reactive(type(widget).compact, compact)  # type: ignore[attr-defined]
    widget.add_class(*classes, *(["-textual-compact"] if compact else []), update=False)


class FormButton(Button):
    """A compact Button wearing its look from the start. Textual's Button sets its flat look,
    its compact look and its variant one after another as it is built, each a class whose
    change restyles it (mounted or not): three styling passes for a button about to be styled
    as it is mounted. Here the values are in place before Button's own set-up assigns them."""

    def __init__(self, label: str, id: str, variant: ButtonVariant = "default") -> None:
        self.set_reactive(Button.flat, False)
        self.set_reactive(Button.compact, True)
        self.set_reactive(Button.variant, variant)
        # Textual sets the compact class whenever compact is assigned, changed or not: it is
        # given here, so that finds it there already.
        super().__init__(label, id=id, variant=variant, compact=True,
                         classes=f"-style-default -textual-compact -{variant}")


class FormInput(Input):
    """An Input that does not ask for a layout when only its text changed."""

    _value_changing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        compact = bool(kwargs.pop("compact", False))
        super().__init__(*args, **kwargs)
        _quietly(self, compact)

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        if layout and self._value_changing and not self.styles.auto_dimensions:
            layout = False  # the text moved inside a box whose size is fixed
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


def cut_at_word(text: Content, width: int) -> Content:
    """`text` in at most `width` columns: whole, or cut after its last whole word that fits
    with an ellipsis ("Child on a protection plan…", not "…plan seen ev…"); a first word
    longer than the room is cut where the room ends."""
    if text.cell_length <= width:
        return text
    if width <= 1:
        return text.truncate(width)
    plain = text.plain
    room = width - 1  # the ellipsis takes one column
    end = plain.rfind(" ", 0, room + 1)
    kept = text[:end].rstrip() if end > 0 else text.truncate(room)
    if not kept.plain:
        kept = text.truncate(room)
    return Content.assemble(kept, "\u2026")


def closed_line(label: RenderableType, dim: bool, expanded: bool, width: int) -> Content:
    """A closed drop-down's line, `width` columns: the label (cut at a word with … where it
    must be), then the arrow, in the same runs as Textual's label and arrow widgets draw it."""
    if isinstance(label, str):
        shown = Content.from_markup(label)
    elif isinstance(label, Text):
        shown = Content.from_rich_text(label)
    else:
        shown = Content(str(label))
    if "\n" in shown.plain:
        shown = shown.split("\n")[0]
    room = max(0, width - 2)  # the arrow takes two columns: a space and itself
    shown = cut_at_word(shown, room)
    if dim:
        shown = shown.stylize(_DIM)
    # The gap is its own run, as Textual's label and arrow pad it (an SVG of the screen
    # groups it so); "not bold" changes nothing a space shows.
    gap = Content(" " * (room - shown.cell_length + 1)).stylize(_GAP)
    arrow = Content("\u25b2" if expanded else "\u25bc").stylize(_DIM)
    return Content.assemble(shown, gap, arrow)


class _Current(SelectCurrent):
    """An opened drop-down's line: its value (or prompt) and the arrow, drawn by this one
    widget rather than Textual's three (a label and two arrows)."""

    COMPONENT_CLASSES = {"form-select--dim"}
    DEFAULT_CSS = """
    _Current > .form-select--dim {
        color: $foreground 50%;
    }
    """

    def __init__(self, placeholder: str, label: RenderableType | NoSelection) -> None:
        super().__init__(placeholder)
        self.label = label
        if label is not NULL:
            # Shown with its value from the start: a class added once mounted would restyle it.
            self.set_reactive(SelectCurrent.has_value, True)
            self.add_class("-has-value")

    def compose(self) -> ComposeResult:
        return []

    def update(self, label: RenderableType | NoSelection) -> None:
        self.label = label
        self.has_value = label is not NULL
        self.refresh()

    def _watch_has_value(self, has_value: bool) -> None:
        super()._watch_has_value(has_value)
        self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render(self) -> Content:
        shown = self.placeholder if isinstance(self.label, NoSelection) else self.label
        expanded = isinstance(self.parent, Select) and self.parent.expanded
        return closed_line(shown, not self.has_value, expanded, self.content_size.width)


class FormSelect(Select[Any]):
    """A Select that draws its closed line itself until it is first opened."""

    COMPONENT_CLASSES = {"form-select--dim"}
    # Until opened, the drop-down wears what Textual's compact SelectCurrent would.
    DEFAULT_CSS = """
    FormSelect.-closed {
        background: $surface;
        padding: 0 1 0 0;
        &:focus {
            background-tint: $foreground 5%;
        }
        &:ansi {
            background: ansi_default;
        }
    }
    FormSelect > .form-select--dim {
        color: $foreground 50%;
    }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        compact = bool(kwargs.pop("compact", False))
        super().__init__(*args, **kwargs)
        _quietly(self, compact, "-closed")

    def compose(self) -> ComposeResult:
        return []

    def _label(self) -> RenderableType | NoSelection:
        """What the closed line shows: the chosen option's words, or NULL for the prompt."""
        for prompt, value in self._options:
            if value == self._value and value != self.NULL:
                return prompt
        return NULL

    @property
    def opened(self) -> bool:
        """Whether the list (and the line's own widget) has been built."""
        return not self.has_class("-closed")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.opened:
            return 1
        return super().get_content_height(container, viewport, width)

    def render(self) -> RenderResult:
        if self.opened:
            return super().render()
        label = self._label()
        shown = self.prompt if isinstance(label, NoSelection) else label
        return closed_line(shown, isinstance(label, NoSelection), False, self.content_size.width)

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
            await self.mount(_Current(self.prompt, self._label()), overlay)
            self.remove_class("-closed")
            super()._setup_options_renderables()
            for index, (_prompt, value) in enumerate(self._options):
                if value == self.value and value != self.NULL:
                    overlay.highlighted = index
                    break
        return overlay

    # Textual awaits an action that is a coroutine: the list is built before it is shown.
    async def action_show_overlay(self) -> None:  # type: ignore[override]
        await self._build_overlay()
        super().action_show_overlay()

    async def _on_click(self, event: events.Click) -> None:
        if not self.opened:
            # A click on the closed line opens the list, as a click on Textual's does.
            event.stop()
            await self._build_overlay()
            self.expanded = True

    def _watch_expanded(self, expanded: bool) -> None:
        super()._watch_expanded(expanded)
        for current in self.query(_Current):
            current.refresh()  # its arrow points up while the list is open

    def _setup_options_renderables(self) -> None:
        if self._overlay() is not None:
            super()._setup_options_renderables()

    _settled = False

    def _watch_value(self, value: Any) -> None:
        # The value given when it was built, set as it is mounted, is not a change anyone
        # made: it is not announced (a form of a dozen drop-downs would otherwise read itself
        # back a dozen times while it opens).
        initial = not self._settled and value == self._value
        self._settled = True
        if self._overlay() is not None and not initial:
            super()._watch_value(value)
            return
        self._value = value
        if self.opened:
            self.query_one(_Current).update(self._label())
        else:
            self.refresh()
        if not initial:
            self.post_message(self.Changed(self, value))

    def _watch_prompt(self, prompt: str) -> None:
        if self._overlay() is not None:
            super()._watch_prompt(prompt)
        elif self.is_mounted:
            self.refresh()
