"""Selecting and assigning a round by round-v1, and the Round that keeps what it was made from."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from audit_tools.allocation import frame_sha256
from audit_tools.allocation import parse_seed as allocation_seed
from audit_tools.errors import BadInput
from audit_tools.models import Case, Model
from audit_tools.rounds.frame import Filters, FrameCase, build_frame
from audit_tools.rounds.questions import QuestionSet



def rank_key(seed: str, case_ref: str) -> str:
    """The round-v1 ranking key: hex SHA-256 of "{seed}:{case_ref}"."""
    return hashlib.sha256(f"{seed}:{case_ref}".encode("utf-8")).hexdigest()


class Selected(Model):
    case_ref: str
    auditor: str | None = None
    worker: str | None = None  # as they were when the round was made, for verify
    line_manager: str | None = None


def select(frame_refs: Sequence[str], seed: str, size: int) -> list[str]:
    """The first `size` frame refs by rank key, in rank order."""
    return [ref for _, ref in sorted((rank_key(seed, ref), ref) for ref in frame_refs)[:size]]


def assign(selected: Sequence[FrameCase], auditors: Sequence[str]) -> list[Selected]:
    """Each case in rank order to the next auditor (username order) who is neither its
    worker nor its line manager, by the round-v1 pointer."""
    order = sorted(set(auditors))
    pointer = 0
    out: list[Selected] = []
    for case in selected:
        chosen = None
        for step in range(len(order)):
            index = (pointer + step) % len(order)
            if order[index] not in (case.worker, case.line_manager):
                chosen = index
                break
        auditor = None
        if chosen is not None:
            auditor = order[chosen]
            pointer = (chosen + 1) % len(order)
        out.append(Selected(case_ref=case.case_ref, auditor=auditor, worker=case.worker,
                            line_manager=case.line_manager))
    return out


def shortfall(selected: Sequence[Selected], size: int) -> int:
    """Selected cases with no auditor, plus how many short of `size` the frame left it."""
    return sum(1 for s in selected if s.auditor is None) + max(0, size - len(selected))


class Round(Model):
    """A stored round: enough to re-derive its selection and assignment exactly."""

    round_id: str | None = None
    name: str = Field(min_length=1)
    date: date
    algorithm: Literal["round-v1"] = "round-v1"
    seed: str
    size: int
    filters: Filters = Field(default_factory=Filters)
    questions: QuestionSet
    score_standards: bool = False
    grade: bool = False
    auditors: list[str]
    frame: list[str]  # case refs, sorted
    frame_sha256: str
    selected: list[Selected]  # in rank order
    shortfall: int = 0
    created_by: str | None = None
    created_at: datetime | None = None

    @property
    def frame_size(self) -> int:
        return len(self.frame)

    def auditor_of(self, case_ref: str) -> str | None:
        return next((s.auditor for s in self.selected if s.case_ref == case_ref), None)


def parse_size(value: object) -> int:
    if isinstance(value, bool):
        raise BadInput(f"--size: {value!r} is not a whole number")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise BadInput(f"--size: {str(value).strip()!r} is not a whole number; write e.g. 6") from None
    if number < 1:
        raise BadInput(f"--size: {number} is too few; a round takes at least 1 case")
    return number


def parse_seed(seed: object | None) -> str:
    return allocation_seed(seed, label="--seed")


def make_round(name: str, day: date, questions: QuestionSet, cases: Iterable[Case], filters: Filters,
               size: object, seed: object | None, auditors: Iterable[str], *, score_standards: bool = False,
               grade: bool = False, created_by: str | None = None, created_at: datetime | None = None) -> Round:
    """Select and assign a round by round-v1. `cases` carry the events an event filter reads."""
    if not str(name).strip():
        raise BadInput("--name: give the round a name, e.g. \"Neglect, autumn 2025\"")
    k = parse_size(size)
    seed_text = parse_seed(seed)
    people = sorted(set(auditors))
    if not people:
        raise BadInput("--auditors: name at least one auditor")
    frame = build_frame(cases, day, filters)
    refs = [c.case_ref for c in frame]
    if len(refs) != len(set(refs)):
        raise BadInput("frame: a case ref appears more than once")
    if not frame:
        raise BadInput(f"no case is open on {day.isoformat()} with {filters.words()}: "
                       "the filters left nothing to select")
    by_ref = {c.case_ref: c for c in frame}
    chosen = [by_ref[ref] for ref in select(refs, seed_text, k)]
    selected = assign(chosen, people)
    return Round(name=str(name).strip(), date=day, seed=seed_text, size=k, filters=filters, questions=questions,
                 score_standards=score_standards, grade=grade, auditors=people, frame=refs,
                 frame_sha256=frame_sha256(refs), selected=selected, shortfall=shortfall(selected, k),
                 created_by=created_by, created_at=created_at)


def round_json(made: Round) -> dict[str, Any]:
    """The `round create --json` document (cli.md "Thematic rounds")."""
    return {
        "round_id": made.round_id, "name": made.name, "date": made.date.isoformat(),
        "algorithm": made.algorithm, "seed": made.seed, "size": made.size,
        "frame_size": made.frame_size, "frame_sha256": made.frame_sha256,
        "selected": [{"case_ref": s.case_ref, "auditor": s.auditor} for s in made.selected],
        "shortfall": made.shortfall,
    }
