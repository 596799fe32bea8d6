"""JSON Lines files (`import audits`): one value a line, read a line at a time.

A line that is not JSON is refused with its number; a whole file that is one pretty-printed
JSON document is refused in one sentence saying to write one audit a line. Each line's
place in the file is known, so a caller may visit the lines in another order (audits in
case order: importers.batching) and read each again by its place, without holding them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from audit_tools.errors import BadInput
from audit_tools.importers.formats import JSONL_SUFFIXES, read_head, refuse_other_kinds

# Beyond this size a file of unparsable lines is not re-read whole to see if it is one
# pretty-printed document: the per-line reasons are given instead, and memory stays small.
_WHOLE_DOCUMENT_LIMIT = 64 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"


class Place(NamedTuple):
    """Where a line is: the byte offset of the text line holding it, and which of that text
    line's parts it is (a lone CR ends a line for an editor, and so here)."""

    offset: int
    part: int


def _one_document(text: str) -> str | None:
    """What the whole text is when it parses as one JSON document ("one JSON array of 3 items")."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    if isinstance(value, list):
        return f"one JSON array of {len(value)} item{'s' if len(value) != 1 else ''}"
    return "one JSON object" if isinstance(value, dict) else "one JSON value"


def _parts(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    text = text[:-1] if text.endswith("\n") else text
    text = text[:-1] if text.endswith("\r") else text
    return text.split("\r")  # a raw CR cannot be inside a JSON string


class JsonLines:
    """A JSON Lines file read one line at a time, so memory does not grow with the file.

    Iterating gives (line number, parsed value) for each non-blank line. A line that is
    not JSON stops the values (no rule is checked against the lines after it) but not the
    reading: at the end every such line is refused at once, as is a file with no lines.
    The kind of file (suffix, UTF-16, binary) is checked on opening.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        head = read_head(self.path, self.name)
        if self.path.suffix.lower() not in JSONL_SUFFIXES:
            raise BadInput(
                f"{self.name}: not a JSON Lines file; audits are imported from a .jsonl file, one audit a line"
            )
        refuse_other_kinds(head, self.name, "JSON Lines")

    def _texts(self) -> Iterator[tuple[int, Place, str]]:
        """(line number, place, text) for every line, numbered as an editor does."""
        number = 0
        offset = 0  # bytes before this line: where a bad byte is
        skipped = 0  # the BOM, not counted in a bad byte's position
        try:
            with self.path.open("rb") as f:
                for raw in f:
                    start = offset
                    offset += len(raw)
                    if start == 0 and raw.startswith(_BOM):
                        raw, skipped = raw[3:], 3
                    try:
                        parts = _parts(raw)
                    except UnicodeDecodeError as err:
                        raise BadInput(
                            f"{self.name}: is not UTF-8 text (a byte at position {max(start - skipped, 0) + err.start} "
                            "cannot be read); save it as JSON Lines UTF-8"
                        ) from None
                    for i, part in enumerate(parts):
                        number += 1
                        yield number, Place(start, i), part
        except OSError as err:
            raise BadInput(f"{self.name}: cannot be read ({err.strerror or err})") from None

    def count(self) -> int:
        """How many non-blank lines the file has (one quick pass, for progress)."""
        return sum(1 for _, _, text in self._texts() if text.strip())

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        for number, _, value in self.located():
            yield number, value

    def located(self) -> Iterator[tuple[int, Place, Any]]:
        """(line number, place, parsed value) of each non-blank line, refusing bad JSON at the end."""
        problems: list[str] = []
        parsed = 0
        first_failed = False
        for number, place, text in self._texts():
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as err:
                first_failed = first_failed or (parsed == 0 and not problems)
                problems.append(f"{self.name}:{number}: not valid JSON ({err.msg} at column {err.colno})")
                continue
            parsed += 1
            if not problems:
                yield number, place, value
        if not parsed and not problems:
            raise BadInput(f"{self.name}: the file is empty; it needs one audit a line, as JSON")
        if problems and first_failed and self.path.stat().st_size <= _WHOLE_DOCUMENT_LIMIT:
            whole = _one_document(self.path.read_bytes().decode("utf-8-sig"))
            if whole is not None:
                # Pretty-printed JSON: every line "fails"; one sentence says what to do instead.
                raise BadInput(f"{self.name}: holds {whole} written over several lines, not JSON Lines; "
                               "write each audit as one JSON object on its own line")
        if problems and not parsed:
            # Nothing parsed at all: the file is not JSON Lines; one sentence beats a line per row.
            raise BadInput(f"{self.name}: is not a JSON Lines file (line {problems[0].split(':', 2)[1]} is not "
                           "JSON); write one audit a line, as JSON")
        if problems:
            raise BadInput(*problems)

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """Read lines again by their place (see `located`), the file open meanwhile."""
        try:
            with self.path.open("rb") as f:
                yield Reader(f)
        except OSError as err:
            raise BadInput(f"{self.name}: cannot be read ({err.strerror or err})") from None


class Reader:
    """The value of a line already read once (and so known to be good JSON), by its place."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f

    def __call__(self, place: Place) -> Any:
        self.f.seek(place.offset)
        raw = self.f.readline()
        if place.offset == 0 and raw.startswith(_BOM):
            raw = raw[3:]
        return json.loads(_parts(raw)[place.part])


def read_lines(path: str | Path) -> tuple[str, list[tuple[int, Any]]]:
    """Read a whole JSON Lines file: (name, [(line number, parsed value)]); blank lines skipped.

    For a small file; `JsonLines` reads a large one a line at a time.
    """
    lines = JsonLines(path)
    return lines.name, list(lines)
