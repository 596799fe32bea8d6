"""The audit form's boxes: a text box and a drop-down that look and behave as Textual's
Input and Select, at less cost on a form of a dozen standards.

Textual's Input lays the whole screen out again on every change of its value (it sets its
virtual size, a layout reactive), which on the audit form means arranging every standard's
row for each character an auditor types. Where the box's width and height are fixed (no
`auto`), nothing else on the screen can move when its text changes, so FormInput leaves
that layout pass out; showing, hiding or restyling the box still lays the screen out.

Textual's Select builds its list of options (an OptionList, hidden) when it is built; a
form of a dozen drop-downs builds a dozen lists nobody has opened. FormSelect builds its
list (and the up arrow shown while it is open) the first time it is focused or opened, so
opening the form costs what is shown, and does not announce the value it was built with as a
change.
"""

from __future__ import annotations

from textual._context import active_message_pump
from textual.css.query import NoMatches
from textual.widgets import Input, Select
from textual.widgets._select import NonSelectableStatic, SelectCurrent, SelectOverlay


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


class _Current(SelectCurrent):
    """What the drop-down shows when closed: its value and the down arrow. The up arrow,
    shown only while the list is open, is added with the list."""

    def compose(self):
        yield NonSelectableStatic(self.placeholder, id="label")
        yield NonSelectableStatic("▼", classes="arrow down-arrow")


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
            await self.query_one(SelectCurrent).mount(NonSelectableStatic("▲", classes="arrow up-arrow"))
            await self.mount(overlay)
            super()._setup_options_renderables()
            for index, (_prompt, value) in enumerate(self._options):
                if value == self.value and value != self.NULL:
                    overlay.highlighted = index
                    break
        return overlay

    async def on_focus(self, event) -> None:
        if self.is_mounted:  # focus can arrive while the form is still being mounted
            await self._build_overlay()

    async def action_show_overlay(self) -> None:
        await self._build_overlay()
        super().action_show_overlay()

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
