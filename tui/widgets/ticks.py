"""Tick boxes that show whether they are ticked by their shape, not by colour alone.

Textual draws `▐X▌` for a ticked and an unticked box alike and tells them apart by colour,
which a person who does not see the colour (or a monochrome terminal, or a screen reader's
text) cannot. Here an unticked box is empty: `▐ ▌`.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.widgets import Checkbox, OptionList, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

EMPTY = " "


class TickList(SelectionList):
    """A SelectionList whose unticked boxes are empty.

    On the audit form it is as tall as its themes: counting its lines when it is first shown
    (Textual's OptionList does, to scroll to the highlighted one) changes its virtual size,
    and Textual would then lay the whole form out again though nothing on it moves. That
    layout is left out when the lines fit the height the list already has.
    """

    _counting_lines = False

    def __init__(self, *selections, compact: bool = False, **kwargs) -> None:
        # Built plain, then made compact quietly: OptionList and SelectionList each assign
        # `compact` as the list is built, and each assignment sets its class, which restyles
        # the list and every one of its many component classes (mounted or not), passes that
        # mounting the list makes anyway. Compact has no watcher: the class is all it does.
        super().__init__(*selections, **kwargs)
        self.set_reactive(OptionList.compact, compact)
        self.set_class(compact, "-textual-compact", update=False)

    def _update_lines(self) -> None:
        self._counting_lines = True
        try:
            super()._update_lines()
        finally:
            self._counting_lines = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> "TickList":
        if layout and self._counting_lines and self.virtual_size.height == self.scrollable_content_region.height:
            layout = False  # every line already has its row: nothing around the list moves
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self._selected:
            return strip
        segments[1] = Segment(EMPTY, segments[1].style, segments[1].control)
        return Strip(segments, strip.cell_length)


class TickBox(Checkbox):
    """A Checkbox whose box is empty when it is not ticked (as ToggleButton draws its button,
    with the inner mark chosen by the value)."""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            (self.BUTTON_INNER if self.value else EMPTY, button_style),
            (self.BUTTON_RIGHT, side_style),
        )
