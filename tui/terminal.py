"""When the terminal the app runs in goes away, the app ends, as ctrl+q ends it.

A closed terminal window, a dropped SSH connection or `tmux kill-session` hangs the
terminal up. Run straight from a shell the app is then sent SIGHUP; run under another
program (`make run`: make leads the terminal's session and holds the signal back while
its child runs) it is sent nothing, and Textual's input thread, finding the terminal
readable with nothing to read, polled it for ever: a session left on a shared server
burning a third of a core, its open draft never saved.

`TerminalDriver` is Textual's Linux and macOS driver with both ways covered: the hang-up
signal, and input at its end (a read that returns nothing, or fails, where a terminal
would block until a key is pressed). Either posts `TerminalGone` to the app once and stops
reading; the app saves what ctrl+q saves and exits (tui/app.py). Output to a terminal that
is gone is dropped rather than left to stop the app's exit.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import signal
import sys
from codecs import getincrementaldecoder
from typing import Any, TextIO

from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message
from textual._xterm_parser import XTermParser


class TerminalGone(Message):
    """The terminal hung up or its input ended: nobody can see or type into this app any more."""

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why


class GoneQuietly:
    """The terminal's output stream, where a write or flush after the terminal has gone is
    dropped: Textual's writer thread would otherwise die on the error, and with nobody
    emptying its queue the app's last writes on its way out would wait for ever."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except OSError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except OSError:
                self.gone = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


READ_SIZE = 4096


class TerminalDriver(LinuxDriver):
    """Textual's driver for a terminal that may go away while the app is open."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._file = GoneQuietly(sys.__stderr__)  # type: ignore[assignment,arg-type]
        self._told = False

    def _gone(self, why: str) -> None:
        if not self._told:  # the signal and the end of input both come: the app hears one
            self._told = True
            self._app.post_message(TerminalGone(why))

    def start_application_mode(self) -> None:
        super().start_application_mode()
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._gone, "hang-up")

    def stop_application_mode(self) -> None:
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        super().stop_application_mode()

    def run_input_thread(self) -> None:
        """Textual's input loop (textual/drivers/linux_driver.py), but a read that returns
        nothing or fails is the terminal gone: tell the app and wait, without reading, for
        it to stop this thread."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def read_ready(timeout: float, final: bool = False) -> bool:
            """Read what is waiting and pass its keys on; False when the input has ended."""
            if selector.select(timeout):
                try:
                    data = os.read(self.fileno, READ_SIZE)
                except OSError:  # EIO: the terminal was taken away
                    data = b""
                if not data:
                    return False
                for event in parser.feed(decode(data, final=final)):
                    self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                if not read_ready(0.1):
                    self._gone("end of input")
                    self.exit_event.wait()
                    return
            selector.unregister(self.fileno)
            read_ready(0.1, final=True)
        finally:
            selector.close()
