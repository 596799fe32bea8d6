"""Thematic audit rounds (product.md "Thematic audits"), algorithm round-v1.

A round is a set of cases chosen for one theme (neglect, domestic abuse, children missing
from home), audited against questions written for that theme and reported on their own.

Selection and assignment, round-v1, exactly:
- frame = cases open on the round's date (started on or before it, not closed before it)
  that match every given filter (case types; teams; an event of a given kind dated from the
  day that is the look-back before the date to the date, both inclusive), sorted by
  case_ref; its SHA-256 over the newline-joined refs;
- rank the frame by the hex SHA-256 of "{seed}:{case_ref}", ascending; take the first `size`;
- each selected case, in rank order, goes to the next auditor in username order who is
  neither its worker nor its line manager: a pointer starts at the first auditor; for each
  case the auditors are tried from the pointer on, wrapping round; the first who may take it
  gets it and the pointer moves to the one after them. A case nobody may take stays
  selected with no auditor, counts in the shortfall, and leaves the pointer where it was.

A Round keeps everything it was made from (the frame, each selected case's worker and line
manager as they were, the auditors, the seed, the question set), so `verify` re-derives it
later from what was stored, whatever has changed since.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator

from audit_tools.allocation import frame_sha256, is_open_on
from audit_tools.allocation import parse_seed as allocation_seed
from audit_tools.calendar import ENGLAND_AND_WALES, Duration
from audit_tools.errors import BadInput
from audit_tools.files import read_text
from audit_tools.models import Case, CaseType, EventKind, Model

ALGORITHM = "round-v1"
DEFAULT_ANSWERS = ("yes", "partly", "no", "not_applicable")
DEFAULT_COMMENT_REQUIRED = ("partly", "no")
NOT_APPLICABLE = "not_applicable"
_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_ANSWER = re.compile(r"^[a-z][a-z0-9_]*$")


# --- the question set -------------------------------------------------------------------


class Question(Model):
    id: str
    title: str = Field(min_length=1)
    help: str = ""
    answers: list[str] = Field(default_factory=lambda: list(DEFAULT_ANSWERS))
    comment_required: list[str] = Field(default_factory=lambda: list(DEFAULT_COMMENT_REQUIRED))

    @field_validator("id")
    @classmethod
    def _id_words(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} is not lowercase words and hyphens, e.g. neglect-named")
        return value

    @field_validator("answers")
    @classmethod
    def _answers(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("give at least one answer")
        bad = [a for a in value if not _ANSWER.match(a)]
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))}: answers are lowercase words joined by _, e.g. partly")
        if len(set(value)) != len(value):
            raise ValueError("an answer appears more than once")
        return value

    def needs_comment(self, answer: str | None) -> bool:
        return answer is not None and answer in self.comment_required


class QuestionSet(Model):
    name: str = Field(min_length=1)
    questions: list[Question]

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def parse_questions(text: str, where: str = "question file") -> QuestionSet:
    """A question file (TOML, cli.md "Thematic rounds"), or BadInput naming each question and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise BadInput(f"{where}: not valid TOML: {err}") from None
    problems: list[str] = []
    raw_questions = data.pop("question", None)
    name = data.pop("name", None)
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: field 'name': missing; name the theme, e.g. name = \"Neglect\"")
    problems += [f"{where}: field {key!r}: unknown field" for key in sorted(data)]
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(f"{where}: no questions: add [[question]] tables")
        raise BadInput(*problems)
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(raw_questions, start=1):
        label = (f"question '{raw.get('id')}'" if isinstance(raw, dict) and isinstance(raw.get("id"), str)
                 else f"question #{position}")
        if not isinstance(raw, dict):
            problems.append(f"{where}: {label}: must be a table")
            continue
        try:
            question = Question.model_validate(raw)
        except ValidationError as err:
            for item in err.errors():
                field = ".".join(str(p) for p in item["loc"]) or "?"
                msg = item["msg"].removeprefix("Value error, ")
                if item["type"] == "extra_forbidden":
                    msg = "unknown field"
                elif item["type"] == "missing":
                    msg = "missing"
                problems.append(f"{where}: {label}: field '{field}': {msg}")
            continue
        unknown = [a for a in question.comment_required if a not in question.answers]
        if unknown:
            problems.append(f"{where}: {label}: field 'comment_required': {', '.join(unknown)} "
                            "is not one of its answers")
            continue
        if question.id in seen:
            problems.append(f"{where}: {label}: field 'id': duplicate id (also question #{seen[question.id]})")
            continue
        seen[question.id] = position
        questions.append(question)
    if problems:
        raise BadInput(*problems)
    return QuestionSet(name=str(name).strip(), questions=questions)


def load_questions(path: str | Path) -> QuestionSet:
    return parse_questions(read_text(path, "question file", "TOML"), where=str(path))


# --- filters and the frame ----------------------------------------------------------------


class EventFilter(Model):
    kind: EventKind
    within: str  # a duration: Nm, Nw or Nd

    @field_validator("within")
    @classmethod
    def _duration(cls, value: str) -> str:
        return str(parse_within(value))


class Filters(Model):
    case_types: list[CaseType] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    with_event: EventFilter | None = None

    def words(self) -> str:
        parts = []
        if self.case_types:
            parts.append("case types " + ", ".join(t.value for t in self.case_types))
        if self.teams:
            parts.append("teams " + ", ".join(self.teams))
        if self.with_event:
            parts.append(f"a {self.with_event.kind.value} event within {self.with_event.within}")
        return "; ".join(parts) or "no filters"


def parse_within(value: object) -> Duration:
    """A look-back for an event filter: Nm, Nw or Nd (months clamp to the month's end)."""
    text = str(value).strip()
    try:
        duration = Duration.parse(text)
    except ValueError:
        duration = None
    if duration is None or duration.unit == "wd" or duration.amount < 1:
        raise BadInput(f"--within: {text!r} is not a look-back; write a whole number and m, w or d, e.g. 6m")
    return duration


def event_window(day: date, within: str | Duration) -> tuple[date, date]:
    """From the day that is `within` before `day` to `day`, both inclusive."""
    return ENGLAND_AND_WALES.subtract(day, Duration.parse(str(within))), day


def parse_list(text: str | Sequence[str] | None) -> list[str]:
    if text is None:
        return []
    parts = text.split(",") if isinstance(text, str) else list(text)
    return [p.strip() for p in parts if p.strip()]


def parse_case_types(text: str | Sequence[str] | None) -> list[CaseType]:
    found: list[CaseType] = []
    for part in parse_list(text):
        try:
            kind = CaseType(part.upper())
        except ValueError:
            raise BadInput(f"--case-types: {part!r} is not a case type; "
                           f"use {', '.join(t.value for t in CaseType)}") from None
        if kind not in found:
            found.append(kind)
    return found


def parse_filters(case_types: object = None, teams: object = None, with_event: object = None,
                  within: object = None) -> Filters:
    if (with_event is None) != (within is None):
        raise BadInput("--with-event and --within go together: e.g. --with-event missing_return --within 6m")
    event = None
    if with_event is not None:
        try:
            kind = EventKind(str(with_event).strip())
        except ValueError:
            raise BadInput(f"--with-event: {str(with_event).strip()!r} is not an event kind; "
                           f"use one of {', '.join(k.value for k in EventKind)}") from None
        event = EventFilter(kind=kind, within=str(parse_within(within)))
    return Filters(case_types=parse_case_types(case_types), teams=sorted(set(parse_list(teams))),  # type: ignore[arg-type]
                   with_event=event)


class FrameCase(Model):
    """A frame case as it stood on the round's date."""

    case_ref: str = Field(min_length=1)
    worker: str | None = None
    line_manager: str | None = None


def matches(case: Case, day: date, filters: Filters) -> bool:
    """Open on `day` and matching every filter; an event filter reads `case.events`."""
    if not is_open_on(case, day):
        return False
    if filters.case_types and case.case_type not in filters.case_types:
        return False
    if filters.teams and case.team not in filters.teams:
        return False
    if filters.with_event is not None:
        start, end = event_window(day, filters.with_event.within)
        kind = filters.with_event.kind
        if not any(e.kind == kind and start <= e.date <= end for e in case.events):
            return False
    return True


def build_frame(cases: Iterable[Case], day: date, filters: Filters) -> list[FrameCase]:
    frame = [FrameCase(case_ref=c.case_ref, worker=c.worker, line_manager=c.line_manager)
             for c in cases if matches(c, day, filters)]
    return sorted(frame, key=lambda c: c.case_ref)


# --- selection and assignment -------------------------------------------------------------


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


def verify(made: Round, stored_frame: Sequence[str] | None = None,
           stored_selection: Sequence[Selected] | None = None,
           recorded: Mapping[str, object] | None = None) -> list[str]:
    """What differs when a stored round is re-derived (empty when all matches).

    `made` is the round as its own row holds it (seed, size, auditors, frame hash);
    `stored_frame` the frame rows, `stored_selection` the selection rows (with the worker
    and line manager each was stored with), `recorded` the round as its history entry
    recorded it (seed, frame_sha256, size, auditors).
    """
    reasons: list[str] = []
    if made.algorithm != ALGORITHM:
        return [f"algorithm {made.algorithm!r} is not known (expected {ALGORITHM!r})"]
    frame = list(made.frame if stored_frame is None else stored_frame)
    hashed = frame_sha256(frame)
    if hashed != made.frame_sha256:
        reasons.append(f"frame differs: the stored frame hashes to {hashed}, the round recorded {made.frame_sha256}")
    if frame != sorted(set(frame)):
        reasons.append("the stored frame is not in case_ref order, or lists a case more than once")
    if len(frame) != len(made.frame) or frame != made.frame:
        extra = sorted(set(frame) - set(made.frame))
        missing = sorted(set(made.frame) - set(frame))
        if extra:
            reasons.append(f"frame differs: the frame rows add {', '.join(extra)}")
        if missing:
            reasons.append(f"frame differs: the frame rows lack {', '.join(missing)}")
    for key in ("seed", "size", "frame_sha256", "auditors", "date"):
        if recorded is not None and key in recorded:
            mine = getattr(made, key)
            mine = mine.isoformat() if isinstance(mine, date) else mine
            if recorded[key] != mine:
                reasons.append(f"{key} differs: the round's row says {mine!r}, its history entry {recorded[key]!r}")
    selection = list(made.selected if stored_selection is None else stored_selection)
    people = {s.case_ref: s for s in selection}
    expected_refs = select(frame, made.seed, made.size)
    have_refs = [s.case_ref for s in selection]
    if have_refs != expected_refs:
        extra = [r for r in have_refs if r not in expected_refs]
        missing = [r for r in expected_refs if r not in have_refs]
        if extra:
            reasons.append(f"selection differs: {', '.join(extra)} stored as selected, not drawn by seed {made.seed}")
        if missing:
            reasons.append(f"selection differs: {', '.join(missing)} drawn by seed {made.seed}, not stored as selected")
        if not extra and not missing:
            reasons.append("selection differs: the selected cases are stored out of rank order")
    cases = [FrameCase(case_ref=ref, worker=people[ref].worker if ref in people else None,
                       line_manager=people[ref].line_manager if ref in people else None) for ref in expected_refs]
    expected = {s.case_ref: s.auditor for s in assign(cases, made.auditors)}
    for s in selection:
        if s.case_ref in expected and expected[s.case_ref] != s.auditor:
            reasons.append(f"assignment differs: {s.case_ref} is stored with {s.auditor or 'no auditor'}, "
                           f"round-v1 gives it to {expected[s.case_ref] or 'no auditor'}")
    short = shortfall(assign(cases, made.auditors), made.size)
    if short != made.shortfall:
        reasons.append(f"shortfall differs: stored {made.shortfall}, re-derived {short}")
    return reasons


def answer_problems(audit, made: Round) -> list:
    """Every reason a round audit's answers may not be submitted: an answer to each question,
    one of its answers, and the comment the answer needs (audit_tools.audit.Problem each)."""
    from audit_tools.audit import Problem

    problems = []
    for question in made.questions.questions:
        given = audit.answers.get(question.id)
        answer = given.answer if given else None
        where = f"answers.{question.id}"
        if answer is None:
            problems.append(Problem(f"{where}.answer", question.title,
                                    f"no answer; choose {', '.join(a.replace('_', ' ') for a in question.answers)}"))
        elif answer not in question.answers:
            problems.append(Problem(f"{where}.answer", question.title,
                                    f"{answer!r} is not one of its answers ({', '.join(question.answers)})"))
        elif question.needs_comment(answer) and not (given.comment or "").strip():
            problems.append(Problem(f"{where}.comment", question.title,
                                    f"{answer.replace('_', ' ')} needs a comment saying why"))
    known = {q.id for q in made.questions.questions}
    for question_id in audit.answers:
        if question_id not in known:
            problems.append(Problem(f"answers.{question_id}", question_id,
                                    f"not a question of round {made.round_id}; remove its answer"))
    return problems


def round_json(made: Round) -> dict:
    """The `round create --json` document (cli.md "Thematic rounds")."""
    return {
        "round_id": made.round_id, "name": made.name, "date": made.date.isoformat(),
        "algorithm": made.algorithm, "seed": made.seed, "size": made.size,
        "frame_size": made.frame_size, "frame_sha256": made.frame_sha256,
        "selected": [{"case_ref": s.case_ref, "auditor": s.auditor} for s in made.selected],
        "shortfall": made.shortfall,
    }
