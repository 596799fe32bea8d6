"""Thematic audit rounds (product.md "Thematic audits") as the command line and the screens do them.

The rules live in audit_tools.rounds (round-v1, the question set); this module reads their
inputs from the Store, stores the result (the Store records it in the history), re-derives a
stored round, and shapes what the QA lead's round screen and the auditor's dashboard show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from audit_tools import rounds as rules
from audit_tools.calendar import parse_day
from audit_tools.errors import BadInput
from audit_tools.models import Role
from audit_tools.permissions import Op, require
from audit_tools.rounds import QuestionSet, Round
from audit_tools.text import Kind, checked
from audit_tools.files import Output, check_output_file, check_output_folder
from caseaudit.services import access
from caseaudit.services.outputs import output_for
from db.errors import NotFound
from db.store import Store

if TYPE_CHECKING:  # the report's writers and figures: heavy, and not needed by the dashboard's list of rounds
    from audit_tools.round_report import RoundReport


def _day(value: object, what: str = "--date") -> date:
    if isinstance(value, date):
        return value
    try:
        return parse_day(str(value))
    except ValueError as err:
        raise BadInput(f"{what}: {err}") from None


def create_round(store: Store, *, name: str, questions: QuestionSet | str | Path, day: object, size: object,
                 auditors: object, case_types: object = None, teams: object = None, with_event: object = None,
                 within: object = None, score_standards: bool = False, grade: bool = False,
                 seed: object | None = None) -> Round:
    """Select and assign a round by round-v1 and store it; returns it with its id."""
    require(store.user, Op.create_round)
    name = checked(name, Kind.name, "--name")
    question_set = questions if isinstance(questions, QuestionSet) else rules.load_questions(questions)
    when = _day(day)
    filters = rules.parse_filters(case_types, teams, with_event, within)
    names = rules.parse_list(auditors if isinstance(auditors, (str, list, tuple)) else None)
    if not names:
        raise BadInput("--auditors: name at least one auditor, e.g. --auditors amy,ben")
    people = {u.username: u for u in store.people.list()}
    problems = [f"--auditors: {n} is not a caseaudit user" for n in names if n not in people]
    problems += [f"--auditors: {n} does not hold the auditor role" for n in names
                 if n in people and not people[n].has(Role.auditor)]
    known_teams: set[str] = set(store.people.teams()) if filters.teams else set()
    problems += [f"--teams: {t} is not a known team" for t in filters.teams if t not in known_teams]
    if problems:
        raise BadInput(*problems)
    with store.transaction():
        made = rules.make_round(
            name, when, question_set, store.rounds.candidate_cases(when, filters), filters, size, seed, names,
            score_standards=score_standards, grade=grade, created_by=store.actor,
            created_at=store.now().replace(microsecond=0))
        round_id = store.rounds.save(made)
    stored = store.rounds.get(round_id)
    assert stored is not None
    return stored


def questions_from_text(text: str, where: str = "the questions box") -> QuestionSet:
    """A question set typed or pasted on a screen (the question file's TOML), or BadInput
    naming each question and field; no file is read."""
    if not (text or "").strip():
        raise BadInput(f"{where}: paste the round's questions (the question file's TOML)")
    return rules.parse_questions(text, where)


def get_round(store: Store, round_id: str) -> Round:
    """A stored round, as `verify_round` shows it to anyone who may check a round was fair."""
    access.require(store, Op.verify_round)
    found = store.rounds.get(str(round_id).strip())
    if found is None:
        raise NotFound(f"round {str(round_id).strip()}: not in the database")
    return found


def verify_round(store: Store, round_id: str) -> tuple[Round, list[str]]:
    """Re-derive a stored round: (the round as stored, what differs; empty when it matches)."""
    require(store.user, Op.verify_round)  # any user of the service may check that a round was fair
    made = get_round(store, round_id)
    rid = made.round_id or round_id
    recorded = store.rounds.recorded(rid) or {}
    reasons: list[str] = []
    if not recorded:
        reasons.append(f"no history entry records the creation of round {made.round_id}")
    if store.rounds.frame_size_column(rid) != made.frame_size:
        reasons.append(f"frame differs: the round's row counts {store.rounds.frame_size_column(rid)} "
                       f"cases, the frame rows {made.frame_size}")
    reasons += rules.verify(made, recorded=recorded)
    if recorded:
        if recorded.get("frame") != made.frame:
            reasons.append("frame differs from the one its history entry recorded")
        as_recorded = [{"case_ref": s.get("case_ref"), "auditor": s.get("auditor"), "worker": s.get("worker"),
                        "line_manager": s.get("line_manager")} for s in recorded.get("selected") or []]
        if as_recorded != [s.model_dump(mode="json") for s in made.selected]:
            reasons.append("selection differs from the one its history entry recorded")
    return made, list(dict.fromkeys(reasons))


# --- what the screens show ------------------------------------------------------------


@dataclass
class RoundCase:
    round_id: str
    round_name: str
    case_ref: str
    case_type: str
    team: str | None
    audit_id: str | None
    status: str | None  # None: not started; "draft"; "submitted"
    submitted_on: str | None

    @property
    def done_words(self) -> str:
        if self.status == "submitted":
            return f"submitted {self.submitted_on}"
        if self.status == "draft":
            return f"draft {self.audit_id}"
        return "not started"


def round_cases_of(store: Store, username: str) -> list[RoundCase]:
    """The round cases assigned to `username`, newest round first, with what is done."""
    require(store.user, Op.read_dashboard)
    if username != store.actor:  # someone else's round cases: whoever reports on rounds
        require(store.user, Op.report_round)
    return [RoundCase(*row) for row in store.rounds.for_auditor(username)]


@dataclass
class AuditorProgress:
    auditor: str | None  # None: cases no auditor of the round may take
    selected: int
    started: int
    audited: int

    @property
    def outstanding(self) -> int:
        return self.selected - self.audited


@dataclass
class RoundProgress:
    made: Round
    by_auditor: list[AuditorProgress] = field(default_factory=list)

    @property
    def selected(self) -> int:
        return len(self.made.selected)

    @property
    def audited(self) -> int:
        return sum(p.audited for p in self.by_auditor)

    @property
    def outstanding(self) -> int:
        return self.selected - self.audited


def progress(store: Store, round_id: str) -> RoundProgress:
    require(store.user, Op.report_round)
    made = get_round(store, round_id)
    return RoundProgress(made, [AuditorProgress(*row) for row in store.rounds.progress(made.round_id or round_id)])


class RoundLine(NamedTuple):
    """One round in the list of rounds."""

    round_id: str
    name: str
    date: str  # ISO
    size: int
    selected: int
    submitted: int


def rounds_list(store: Store) -> list[RoundLine]:
    """Every round, newest first."""
    require(store.user, Op.report_round)
    return [RoundLine(*row) for row in store.rounds.list()]


# --- the round report -------------------------------------------------------------------


def report(store: Store, round_id: str, include_notes: bool = False) -> RoundReport:
    """The round's report, counted in SQL over the round's submitted audits."""
    # lazy: the report brings the exporters, which the dashboard (a user of this module) never needs
    from audit_tools.round_report import round_report

    require(store.user, Op.report_round)
    made = get_round(store, round_id)
    rid = made.round_id or round_id
    titles = {}
    if made.score_standards:
        titles = {s.id: s.title for s in store.reference.catalogue_for().standards}
    comments = None
    if include_notes:
        # Nothing of an audit the QA lead is re-auditing blind reaches them, its comments included.
        from audit_tools.permissions import Facts, Moderating, blind_audits

        hidden = blind_audits(store.user, Facts(moderations=tuple(
            Moderating(a, m, bool(done)) for a, m, done in store.rounds.moderating(rid))))
        comments = [c for c in store.rounds.comments(rid) if c[1] not in hidden]
    return round_report(
        made, len(made.selected), store.rounds.audited_count(rid), store.rounds.answer_counts(rid),
        store.rounds.standard_counts(rid) if made.score_standards else None,
        store.rounds.grade_counts(rid) if made.grade else None, comments, titles)


def check_output(store: Store, path: str | Path, folder: bool = False, force: bool = False,
                 expected: set[str] | None = None) -> Output:
    """A path a person gave for an output: created new unless --force, never the database
    (nor its -wal, -shm or -journal), in a folder that exists and may be written."""
    target = output_for(store.path, path, force)
    if folder:
        check_output_folder(target, sorted(expected or set()))
    else:
        check_output_file(target, "report")
    return target


def export_report(store: Store, round_id: str, fmt: str, out: str | Path, include_notes: bool = False,
                  force: bool = False) -> Path:
    """Write the round's report in one format and record the export in the history."""
    from audit_tools import round_report as rr  # lazy: only an export needs the exporters

    if fmt not in rr.FORMATS:
        raise BadInput(f"--format: {fmt!r} is not one of {', '.join(rr.FORMATS)}")
    figures = report(store, round_id, include_notes)
    target = check_output(store, out, folder=fmt == "csv", force=force, expected=set(rr.csv_names(figures)))
    try:
        written = rr.WRITERS[fmt](figures, target)
    except OSError as err:
        raise BadInput(f"cannot write {target.path}: {err.strerror or err}") from None
    store.record("round report exported", {"round_id": figures.round_id, "format": fmt,
                                           "include_notes": include_notes, "path": str(written)})
    return written


@dataclass
class RoundsView:
    """What the QA lead's rounds screen shows: every round, and one round's progress and answers."""

    rounds: list[RoundLine]  # newest first
    progress: RoundProgress | None = None
    figures: RoundReport | None = None  # the round report of the shown round


def rounds_view(store: Store, round_id: str | None = None) -> RoundsView:
    """Every round, with the progress and answers of `round_id` (default the newest)."""
    listed = rounds_list(store)
    shown = round_id or (listed[0].round_id if listed else None)
    if shown is None:
        return RoundsView(listed)
    return RoundsView(listed, progress(store, shown), report(store, shown))
