"""Errors a user can act on. Each carries plain lines naming what is wrong and where."""

from __future__ import annotations


class BadInput(Exception):
    """Input refused: bad file, bad row, bad usage, refused permission or rule.

    The command line prints each line on stderr and exits 2; screens show them.
    """

    def __init__(self, *lines: str) -> None:
        flat: list[str] = []
        for line in lines:
            flat.extend(str(line).splitlines() or [""])
        self.lines = flat or ["bad input"]
        super().__init__("\n".join(self.lines))


class Refused(BadInput):
    """A permission, independence or validation rule refused the operation."""


class CheckFailed(Exception):
    """A check ran and found a problem (exit 1 on the command line)."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(lines))
