"""The `caseaudit` command line: a thin shell over the same functions the screens call.

The parser (`parser`, with the work commands in `parser_work`) is the contract of
../shared/cli.md; each command's work lives in a module of this package (`check`, `admin`,
`imports`, `moderation`, `allocation`, `export`, `app`...) and is named there as
"module:function", so a run loads only what its command needs. What the handlers share
(the database a command opens, as whom) is in `options`. This module runs a command and
turns what it raised into an exit status and a sentence.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from audit_tools.errors import BadInput, CheckFailed
from audit_tools.text import printable
from caseaudit.cli.options import (  # noqa: F401  (the handlers' and tests' names, as before)
    anchor_arg, db_path, default_db_path, iso_date, open_as_user, quarter_arg,
)
from caseaudit.cli.parser import build_parser

log = logging.getLogger("caseaudit")


def _resolve(handler: str) -> Callable[[argparse.Namespace], int | None]:
    module_name, _, func_name = handler.partition(":")
    module = importlib.import_module(module_name)
    function: Callable[[argparse.Namespace], int | None] = getattr(module, func_name)
    return function


def _log_unexpected(err: BaseException) -> Path | None:
    """Keep where an unexpected failure happened in the user log, not on the terminal."""
    # lazy: the failure log brings the store's folders (db), which `--help` and a clean run never need
    from caseaudit.services.failures import log_failure

    return log_failure(err)


class PlainOut:
    """A command's standard output with every control or bidirectional character a name,
    reference or note may hold written as `[U+001B]` (audit_tools.text.printable): what a
    command prints can colour, move or link nothing on the terminal. JSON is unchanged
    (json.dumps writes such characters as \\u escapes, or they are shown the same way)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        # A carriage return is kept: stderr's progress line ("reading 10 of 90 rows") uses it.
        return self.stream.write("\r".join(printable(part) for part in text.split("\r")))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def say(line: str) -> None:
    """One `caseaudit: ...` line on stderr, shown plain."""
    print(f"caseaudit: {printable(line)}", file=sys.stderr)


# The terminal app draws on the terminal itself; every other command's output is made plain.
TERMINAL_APP = {"caseaudit.cli.app:open_tui", "caseaudit.cli.app:open_demo", "caseaudit.cli.serve:serve_session"}


@functools.cache
def the_parser() -> argparse.ArgumentParser:
    """The parser, built once a process (12 ms of CPU each time, most of it argparse and
    gettext): a person's command builds it once anyway; the test suite calls `main` over a
    thousand times in one process. A parse never changes it: each makes a new namespace,
    and `append` options copy their default list before adding to it."""
    return build_parser()


def main(argv: list[str] | None = None) -> int:
    args = the_parser().parse_args(argv)
    stdout, stderr = sys.stdout, sys.stderr
    if args.handler not in TERMINAL_APP:
        sys.stdout, sys.stderr = PlainOut(stdout), PlainOut(stderr)
    try:
        return _run(args)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run(args: argparse.Namespace) -> int:
    try:
        handler = _resolve(args.handler)
        result = handler(args)
        return int(result or 0)
    except BadInput as err:
        for line in err.lines:
            say(line)
        return 2
    except CheckFailed as err:
        for line in err.lines:
            say(line)
        return 1
    except KeyboardInterrupt:
        print("caseaudit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # last line of defence: a sentence, never a traceback
        where = _log_unexpected(err)
        say(f"unexpected error: {err.__class__.__name__}: {err}")
        if where:
            print(f"caseaudit: details were written to {where}", file=sys.stderr)
        return 70


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
