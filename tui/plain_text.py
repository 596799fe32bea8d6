"""Names, references and notes are shown as written, never read as markup or terminal codes.

Text in caseaudit comes from people and files: a display name such as `[red]Amy` or one
holding ESC or an OSC-8 link must show those characters, not colour the screen or put a
link in a browser's page. caseaudit writes no markup of its own in tables, notifications
or titles, so:

- every data table cell that is text is shown plain (`plain_cell` replaces DataTable's
  default formatter, which reads a str cell as markup);
- a Static or Label of caseaudit's (and a bare Static or Label) reads its text as plain
  unless `markup=True` is given, and any control or bidirectional character an older
  database still holds is written as `[U+001B]` (`audit_tools.text.printable`), on
  creation and on `update`; Textual's own widgets are left as they are;
- the app's notifications and header title are plain too (`CaseauditApp.notify`,
  `format_title`).

The door (`audit_tools.text`) keeps such characters out of new data; this is for what was
stored before it.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Label, Static, _data_table

from audit_tools.text import printable

_textual_formatter = _data_table.default_cell_formatter


def show(value: Any) -> Text:
    """Stored text as a plain `Text`: no markup, no terminal codes."""
    return Text(printable(str(value)), end="")


def plain_cell(obj: object, wrap: bool = True, height: int = 0) -> Any:
    """DataTable's formatter, with a str cell plain rather than markup."""
    if isinstance(obj, str):
        return Text(printable(obj), no_wrap=not wrap, end="")
    return _textual_formatter(obj, wrap=wrap, height=height)


def _ours(widget: object) -> bool:
    cls = type(widget)
    return cls in (Static, Label) or cls.__module__.split(".")[0] == "tui"


def _plain(content: Any) -> Any:
    return printable(content) if isinstance(content, str) else content


_static_init = Static.__init__
_label_init = Label.__init__
_static_update = Static.update


def _static_init_plain(self, content: Any = "", *args: Any, markup: bool | None = None, **kwargs: Any) -> None:
    if markup is None:
        markup = not _ours(self)
    _static_init(self, _plain(content) if _ours(self) else content, *args, markup=markup, **kwargs)


def _label_init_plain(self, content: Any = "", *args: Any, markup: bool | None = None, **kwargs: Any) -> None:
    if markup is None:
        markup = not _ours(self)
    _label_init(self, content, *args, markup=markup, **kwargs)


def _static_update_plain(self, content: Any = "", *, layout: bool = True) -> None:
    _static_update(self, _plain(content) if _ours(self) else content, layout=layout)


def install() -> None:
    """Text shown plain everywhere caseaudit puts it (called once, as the app is built)."""
    if _data_table.default_cell_formatter is plain_cell:
        return
    _data_table.default_cell_formatter = plain_cell
    Static.__init__ = _static_init_plain  # type: ignore[method-assign]
    Label.__init__ = _label_init_plain  # type: ignore[method-assign]
    Static.update = _static_update_plain  # type: ignore[method-assign]
